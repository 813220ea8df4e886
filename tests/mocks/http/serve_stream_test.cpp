// MockServer::serve_stream, the socket-free entry of the HTTP fuzz target (tests/fuzz/): requests
// read from an in-memory stream get the same answers, counters and gate as over a socket.
#include <sys/types.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <httplib.h>

#include "core/scenario/loader.hpp"
#include "mocks/http/mock_server.hpp"

namespace syncdrill {
namespace {

constexpr const char* kScenario = R"(
name: stream-test
duration: 1h
catalog: {skus: 10, stock_per_sku: 5}
channels:
  - {name: dtc, kind: shopify_like}
systems:
  - {name: erp, kind: erp}
)";

// Reads come from `in`, writes are kept.
class StringStream final : public httplib::Stream {
 public:
  explicit StringStream(std::string in) : in_(std::move(in)) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, in_.size() - pos_);
    std::memcpy(ptr, in_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out.append(ptr, size);
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

  std::string out;

 private:
  std::string in_;
  size_t pos_ = 0;
};

size_t count(std::string_view text, std::string_view part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string_view::npos; at = text.find(part, at + 1))
    ++n;
  return n;
}

struct Served {
  LiveClock clock = LiveClock::manual(1);
  LiveMocks mocks;
  MockServer server;
  Served() : mocks(load(), 1, clock), server(mocks) {}
  static Scenario load() {
    LoadResult r = load_scenario_text(kScenario, "stream-test.yaml");
    REQUIRE(r.ok());
    return *r.scenario;
  }
};

const std::string kStock = "GET /erp/stock/3 HTTP/1.1\r\nHost: x\r\n\r\n";
const std::string kMissing = "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n";

TEST_CASE("serve_stream answers pipelined requests in order through the real routes") {
  Served s;
  StringStream stream(kStock + kMissing + kStock);
  s.server.serve_stream(stream, 10);
  CHECK(count(stream.out, "HTTP/1.1 200 OK") == 2);
  CHECK(count(stream.out, "HTTP/1.1 404 Not Found") == 1);
  CHECK(stream.out.find("404") > stream.out.find("200"));
  CHECK(stream.out.find(R"("on_hand":5)") != std::string::npos);
  // Counted as a socket's requests are.
  const ServerCounters c = s.server.counters();
  REQUIRE(c.routes.size() == 2);
  CHECK(c.routes[0].system == "-");
  CHECK(c.routes[0].status_4xx == 1);
  CHECK(c.routes[1].route == "GET /erp/stock/{sku}");
  CHECK(c.routes[1].requests == 2);
}

TEST_CASE("serve_stream stops at requests_max, at Connection: close and at a partial request") {
  Served s;
  StringStream capped(kStock + kStock + kStock);
  s.server.serve_stream(capped, 2);
  CHECK(count(capped.out, "HTTP/1.1 200 OK") == 2);

  StringStream closing("GET /erp/stock/1 HTTP/1.1\r\nConnection: close\r\n\r\n" + kStock);
  s.server.serve_stream(closing, 10);
  CHECK(count(closing.out, "HTTP/1.1 200 OK") == 1);

  StringStream partial(kStock + "GET /erp/stock/2 HTT");
  s.server.serve_stream(partial, 10);
  // A client that closes inside a request gets no answer (a started server's reader would wait
  // for the rest until the request deadline).
  CHECK(count(partial.out, "HTTP/1.1 200 OK") == 1);
  CHECK(count(partial.out, "HTTP/1.1 ") == 1);
}

TEST_CASE("serve_stream reads requests with the server's limits, as a started server does") {
  Served s;
  std::string many_headers = "GET /erp/stock/1 HTTP/1.1\r\n";
  for (int i = 0; i < 200; ++i)
    many_headers += fmt::format("X-H{}: v\r\n", i);
  StringStream headers(kStock + many_headers + "\r\n" + kStock);
  s.server.serve_stream(headers, 10);
  CHECK(count(headers.out, "HTTP/1.1 200 OK") == 1);
  CHECK(count(headers.out, "HTTP/1.1 431 ") == 1);  // and nothing after it: the connection ends

  StringStream chunked(
      "POST /erp/stock/1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "20000\r\n" +
      std::string(1000, 'x'));
  s.server.serve_stream(chunked, 10);
  CHECK(count(chunked.out, "HTTP/1.1 413 ") == 1);
}

TEST_CASE("serve_stream passes requests through the gate") {
  Served s;
  s.server.set_gate([](std::string_view system, std::string_view route) {
    GateDecision d;
    if (system == "erp" && route == "GET /erp/stock/{sku}") {
      d.action = GateDecision::Action::respond;
      d.status = 503;
    }
    return d;
  });
  StringStream stream(kStock);
  s.server.serve_stream(stream, 1);
  CHECK(count(stream.out, "HTTP/1.1 503 Service Unavailable") == 1);
  CHECK(stream.out.find("injected_fault") != std::string::npos);
}

}  // namespace
}  // namespace syncdrill
