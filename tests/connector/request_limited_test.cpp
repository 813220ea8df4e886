// The reference connector against an OMS that refuses over its concurrency limit the NetSuite
// way (400 SSS_REQUEST_LIMIT_EXCEEDED, docs/platform-erp-oms.md): served live on 127.0.0.1 with
// concurrency_limit 1 and every create held 100 ms at the gate, four orders at once. With the
// policy's retry_request_limited (the default) the refused creates are retried and every order
// is created once; with it false the connector falls into the trap: each refusal is a dead
// letter and its order is lost.
#include <chrono>
#include <span>
#include <string>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "connector/reference_connector.hpp"
#include "core/scenario/loader.hpp"
#include "mocks/http/mock_server.hpp"
#include "mocks/http/signature.hpp"
#include "tests/connector/connector_test_support.hpp"

namespace syncdrill {
namespace {

using nlohmann::json;

constexpr const char* kSecret = "limited-secret";

constexpr const char* kScenario = R"(
name: request-limited
duration: 1h
catalog: {skus: 10, stock_per_sku: 50}
channels:
  - {name: market, kind: amazon_like}
systems:
  - {name: oms, kind: oms, concurrency_limit: 1, concurrency_refusal: netsuite}
  - {name: erp, kind: erp}
  - {name: wms, kind: wms}
)";

Scenario scenario() {
  LoadResult r = load_scenario_text(kScenario, "request-limited.yaml");
  if (!r.ok()) FAIL(format_diagnostic(r.errors.front()));
  return *r.scenario;
}

struct LimitedOms {
  LiveClock clock = LiveClock::manual(1);
  LiveMocks mocks{scenario(), 1, clock};
  MockServer server;

  LimitedOms() : server(mocks, options()) {
    // Every OMS request holds its one slot 100 ms: the others meanwhile are refused.
    server.set_gate([](std::string_view system, std::string_view) {
      GateDecision d;
      if (system == "oms") d.delay = std::chrono::milliseconds(100);
      return d;
    });
    std::string error;
    REQUIRE_MESSAGE(server.start(&error), error);
  }
  static MockServerOptions options() {
    MockServerOptions o;
    o.worker_threads = 8;
    return o;
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }
};

struct Outcome {
  ConnectorStats stats;
  int orders_in_oms_once = 0;
};

// Four orders, their webhooks delivered back to back to a connector with four workers.
Outcome drill(bool retry_request_limited) {
  LimitedOms oms;
  PolicySpec policy = fast_policy(milliseconds(2000));  // a held create is not a timeout
  policy.retry.max_attempts = 30;                       // 30 x 50 ms: room for 4 x 100 ms
  policy.retry.base = milliseconds(50);
  policy.retry.cap = milliseconds(50);
  policy.retry_request_limited = retry_request_limited;
  ConnectorOptions options = small_connector_options(oms.url(), kSecret, policy);
  options.worker_threads = 4;
  options.stock_sync = false;  // only the OMS creates meet the limit
  Running live(std::move(options));
  httplib::Client client("127.0.0.1", live.connector.port());
  std::vector<uint64_t> orders;
  for (int i = 0; i < 4; ++i) {
    const SkuQuantity line{static_cast<SkuId>(i), 1};
    const PlaceResult placed = oms.mocks.place_order(0, std::span(&line, 1));
    REQUIRE(placed.accepted);
    orders.push_back(placed.order);
    const std::string event = "market-" + std::to_string(i);
    const std::string body =
        json{{"event_id", event},
             {"topic", "orders/create"},
             {"channel", "market"},
             {"order",
              {{"id", placed.order},
               {"lines", {{{"sku", i}, {"quantity", 1}, {"unit_price_minor", 1500}}}}}}}
            .dump();
    const auto r = client.Post("/webhooks",
                               {{"X-Syncdrill-Event-Id", event},
                                {"X-Syncdrill-Topic", "orders/create"},
                                {"X-Syncdrill-Signature-256", sign_body(body, kSecret)}},
                               body, "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  Outcome out;
  out.stats = live.connector.stop();
  for (const uint64_t order : orders)
    out.orders_in_oms_once += oms.mocks.oms_copies(0, order) == 1 ? 1 : 0;
  return out;
}

TEST_CASE("connector: NetSuite's 400 SSS_REQUEST_LIMIT_EXCEEDED is retried by default") {
  const Outcome o = drill(true);
  CHECK(o.stats.request_limited > 0);
  CHECK(o.stats.retries >= o.stats.request_limited);
  CHECK(o.stats.dead_letters == 0);
  CHECK(o.stats.orders_created == 4);
  CHECK(o.orders_in_oms_once == 4);
}

TEST_CASE("connector: retry_request_limited false takes the 400 as final and loses the order") {
  const Outcome o = drill(false);
  CHECK(o.stats.request_limited > 0);
  CHECK(o.stats.dead_letters == o.stats.request_limited);  // each refusal given up at once
  CHECK(o.stats.retries == 0);
  CHECK(o.stats.orders_created + o.stats.dead_letters == 4);
  CHECK(o.orders_in_oms_once == static_cast<int>(o.stats.orders_created));
  REQUIRE_FALSE(o.stats.recent_dead_letters.empty());
  CHECK(o.stats.recent_dead_letters.front().find("400") != std::string::npos);
  CHECK(o.stats.recent_dead_letters.front().find("not retryable") != std::string::npos);
}

}  // namespace
}  // namespace syncdrill
