// Fuzz target: the live mock server (mocks/http/mock_server.hpp) on arbitrary request bytes.
//
// The input is what a client sends on one connection: one or more HTTP/1.1 requests (method,
// path and query, headers, body). MockServer::serve_stream runs them through the server's own
// request reader (mocks/http/request_reader.hpp, with the server's limits), cpp-httplib's
// request parsing of each canonical request and the server's real routing -- the control API's
// routes (token "fuzz-token") first, then the dispatcher of every mock route -- on this thread,
// with no socket. Each input gets a fresh server over a small scenario (four channels: one
// rate-limited, one speaking Shopify's API and one SP-API's, access token "fuzz-access"; a Stripe-
// style OMS, a NetSuite ERP with a concurrency limit, a WMS) with orders placed, a manual clock
// that moves 250 ms per routed request, and a gate that asks the control API's fault table (so a
// POSTed fault acts on the requests after it), with its delays dropped (they would wait on the wall
// clock).
//
// Checks: no crash or sanitizer report, and no handler exception (MockServer::handler_exceptions:
// on hostile input a handler must answer 4xx, not throw).
#include <sys/types.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <httplib.h>

#include "core/scenario/loader.hpp"
#include "fuzz_support.hpp"
#include "mocks/http/control_api.hpp"
#include "mocks/http/live_faults.hpp"
#include "mocks/http/live_mocks.hpp"
#include "mocks/http/mock_server.hpp"

using namespace syncdrill;

namespace {

constexpr const char* kScenario = R"(
name: fuzz-live
duration: 1h
currency: EUR
catalog: {skus: 50, stock_per_sku: 20, price_min: 10.00, price_max: 20.00}
channels:
  - name: dtc
    kind: shopify_like
    safety_buffer: 2
    endpoint: {rate_limit: {kind: leaky_bucket, rate: 2/s, capacity: 4}}
  - name: market
    kind: amazon_like
  - name: shop
    kind: shopify_like
    dialect: shopify
    platform: shopify
  - name: amz
    kind: amazon_like
    dialect: sp-api
    platform: amazon_sp_api
systems:
  - {name: oms, kind: oms, concurrency_limit: 4, idempotency: {style: stripe, ttl: 1h}}
  - {name: erp, kind: erp, platform: netsuite, concurrency_limit: 2}
  - {name: wms, kind: wms}
)";

constexpr size_t kRequestsMax = 32;

// One connection's bytes: reads come from the input, writes are kept.
class MemoryStream final : public httplib::Stream {
 public:
  explicit MemoryStream(std::string_view in) : in_(in) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, in_.size());
    std::memcpy(ptr, in_.data(), n);
    in_.remove_prefix(n);
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 40000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 8080;
  }
  socket_t socket() const override { return INVALID_SOCKET; }
  const std::string& written() const { return out_; }

 private:
  std::string_view in_;
  std::string out_;
};

const Scenario& scenario() {
  static const Scenario s = [] {
    LoadResult r = load_scenario_text(kScenario, "fuzz-live.yaml");
    FUZZ_ASSERT(r.ok());
    return std::move(*r.scenario);
  }();
  return s;
}

// The live drill's gate (app/live_drill.cpp) without its waits: a hang answers or drops at once.
GateDecision to_gate(const HttpFaultDecision& d) {
  GateDecision g;
  switch (d.action) {
    case HttpFaultDecision::Action::pass:
      g.faulted = d.delay_ms > 0;
      break;
    case HttpFaultDecision::Action::respond:
      g.action = GateDecision::Action::respond;
      g.status = d.status;
      g.retry_after_s = static_cast<int>(d.retry_after_s);
      g.faulted = true;
      break;
    case HttpFaultDecision::Action::hang:
      g.action = d.processed ? GateDecision::Action::pass : GateDecision::Action::drop;
      g.hang = true;
      g.faulted = true;
      break;
  }
  return g;
}

ControlHooks hooks() {
  ControlHooks h;
  h.ack = [](const std::string& note) -> nlohmann::json {
    return {{"recorded", true}, {"note", note}};
  };
  h.finish = []() -> nlohmann::json { return {{"finishing", true}}; };
  h.metrics = [] { return std::string("syncdrill_requests_total 0\n"); };
  h.status = []() -> nlohmann::json { return {{"state", "running"}}; };
  return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  LiveClock clock = LiveClock::manual(60);
  LiveMocks mocks(scenario(), 1, clock);
  for (uint32_t channel = 0; channel < 4; ++channel) {
    for (SkuId sku = 1; sku <= 3; sku += 2) {
      const std::array<SkuQuantity, 1> line{SkuQuantity{sku, 1}};
      FUZZ_ASSERT(mocks.place_order(channel, line).accepted);
    }
  }
  int64_t wall_us = 0;  // the fault table's clock: wall time, as the drill's steady clock
  LiveFaults faults(LiveFaults::Options{}, [&wall_us] { return wall_us; });
  MockServerOptions options;
  options.access_token = "fuzz-access";
  MockServer server(mocks, options);
  server.set_gate([&](std::string_view system, std::string_view) {
    clock.advance(std::chrono::milliseconds(250));
    wall_us += 250'000;
    return to_gate(faults.for_request(system));
  });
  server.set_extra_routes([&faults](httplib::Server& svr) {
    register_control_routes(svr, faults, hooks(), "fuzz-token");
  });
  MemoryStream stream(fuzz::as_text(data, size));
  server.serve_stream(stream, kRequestsMax);
  FUZZ_ASSERT(server.handler_exceptions() == 0);
  return 0;
}
