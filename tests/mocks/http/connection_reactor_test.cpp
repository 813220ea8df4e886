// Hostile and odd clients against a MockServer on 127.0.0.1 (an ephemeral port), over raw
// sockets: oversized and chunked bodies, header floods, trickling and idle connections, more
// connections than the cap, pipelining and Expect: 100-continue. Small counts and short timeouts
// keep each case to a second or two.
#include "mocks/http/connection_reactor.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/scenario/loader.hpp"
#include "mocks/http/mock_server.hpp"

namespace syncdrill {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
using std::chrono::milliseconds;

constexpr const char* kScenario = R"(
name: hostile
duration: 1h
catalog: {skus: 20, stock_per_sku: 20}
channels: [{name: dtc, kind: shopify_like}]
systems: [{name: oms, kind: oms}, {name: erp, kind: erp}, {name: wms, kind: wms}]
)";

Scenario test_scenario() {
  LoadResult r = load_scenario_text(kScenario, "hostile.yaml");
  if (!r.ok()) FAIL(format_diagnostic(r.errors.front()));
  return *r.scenario;
}

struct Served {
  LiveClock clock = LiveClock::manual(1);
  LiveMocks mocks;
  MockServer server;

  explicit Served(MockServerOptions options, Gate gate = {},
                  std::function<void(httplib::Server&)> extra = {})
      : mocks(test_scenario(), 1, clock), server(mocks, options) {
    if (gate) server.set_gate(std::move(gate));
    if (extra) server.set_extra_routes(std::move(extra));
    std::string error;
    REQUIRE_MESSAGE(server.start(&error), error);
  }
  int port() const { return server.port(); }
};

// A raw loopback connection.
class Raw {
 public:
  explicit Raw(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Raw() { ::close(fd_); }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;

  bool connected() const { return connected_; }
  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Reads until one whole response (head and Content-Length body) is in, the peer closes or
  // `timeout` passes; returns it (possibly cut short) and keeps any bytes after it.
  std::string response(milliseconds timeout = milliseconds(3000)) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      const size_t head_end = buf_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        size_t length = 0;
        const size_t cl = lower(buf_.substr(0, head_end)).find("content-length:");
        if (cl != std::string::npos) length = std::stoul(buf_.substr(cl + 15));
        if (buf_.size() >= head_end + 4 + length) {
          std::string out = buf_.substr(0, head_end + 4 + length);
          buf_.erase(0, out.size());
          return out;
        }
      }
      if (!wait_readable(deadline)) return std::exchange(buf_, {});
      char chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return std::exchange(buf_, {});
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }
  // Whether the server closes the connection within `timeout` (reading and dropping bytes).
  bool closed_within(milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (wait_readable(deadline)) {
      char chunk[4096];
      if (::recv(fd_, chunk, sizeof chunk, 0) <= 0) return true;
    }
    return false;
  }

 private:
  static std::string lower(std::string s) {
    for (char& c : s)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  bool wait_readable(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(left)) > 0;
  }

  int fd_;
  bool connected_ = false;
  std::string buf_;
};

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::stoi(response.substr(9, 3));
}

json body_of(const std::string& response) {
  return json::parse(response.substr(response.find("\r\n\r\n") + 4));
}

uint64_t unrouted_count(const MockServer& server, int status) {
  for (const RouteCounters& c : server.counters().routes) {
    if (c.route == "unrouted" && c.by_status.count(status) != 0) return c.by_status.at(status);
  }
  return 0;
}

MockServerOptions small_options() {
  MockServerOptions o;
  o.worker_threads = 2;
  return o;
}

TEST_CASE("live: a chunked body over the limit gets 413 while it arrives, and is not read on") {
  Served s(small_options());
  Raw c(s.port());
  REQUIRE(c.connected());
  std::atomic<bool> sender_done{false};
  std::atomic<size_t> sent{0};
  // 64 MB in 64 KiB chunks: far more than the 64 KiB limit, more than the socket buffers hold.
  std::thread sender([&] {
    c.send(
        "POST /channels/dtc/inventory/set HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "10000\r\n" + std::string(65536, ' ') + "\r\n";
    for (int i = 0; i < 1024 && c.send(chunk); ++i)
      sent += chunk.size();
    sender_done = true;
  });
  const auto start = Clock::now();
  const std::string r = c.response();
  CHECK(Clock::now() - start < milliseconds(2000));
  CHECK(status_of(r) == 413);
  CHECK(body_of(r)["error"] == "payload_too_large");
  CHECK(r.find("Connection: close") != std::string::npos);
  CHECK(c.closed_within(milliseconds(3000)));
  sender.join();
  // The server stopped reading: the sender could not push the whole 64 MB.
  CHECK(sent.load() < size_t{64} << 20);
  CHECK(unrouted_count(s.server, 413) == 1);
  CHECK(s.server.connection_stats().buffered_bytes == 0);
  // The same for a declared length: 413 before any body byte.
  Raw d(s.port());
  d.send("POST /oms/orders HTTP/1.1\r\nContent-Length: 104857600\r\n\r\n");
  CHECK(status_of(d.response()) == 413);
}

TEST_CASE("live: a chunked body within the limit is served as if it had a length") {
  Served s(small_options());
  Raw c(s.port());
  c.send(
      "POST /channels/dtc/inventory/set HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n"
      "7\r\n{\"sku\":\r\n4\r\n 7, \r\nf\r\n\"quantity\": 5}\r\n0\r\n\r\n");
  const std::string r = c.response();
  REQUIRE(status_of(r) == 200);
  CHECK(body_of(r)["quantity"] == 5);
}

TEST_CASE("live: many header fields, too many bytes of them or one too long get 431") {
  Served s(small_options());
  std::string many = "GET /erp/stock/1 HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 200; ++i)
    many += fmt::format("X-H{}: v\r\n", i);
  Raw a(s.port());
  a.send(many + "\r\n");
  const std::string r = a.response();
  CHECK(status_of(r) == 431);
  CHECK(body_of(r)["error"] == "header_fields_too_large");
  Raw b(s.port());
  b.send("GET /erp/stock/1 HTTP/1.1\r\nX-Long: " + std::string(9000, 'v') + "\r\n\r\n");
  CHECK(status_of(b.response()) == 431);
  std::string bulky = "GET /erp/stock/1 HTTP/1.1\r\n";
  for (int i = 0; i < 8; ++i)
    bulky += fmt::format("X-H{}: {}\r\n", i, std::string(5000, 'v'));
  Raw d(s.port());
  d.send(bulky + "\r\n");
  CHECK(status_of(d.response()) == 431);
  CHECK(unrouted_count(s.server, 431) == 3);
}

TEST_CASE("live: trickling clients hold no worker and get 408 when their request is late") {
  MockServerOptions o = small_options();
  o.worker_threads = 1;
  o.request_timeout = milliseconds(1500);
  Served s(o);
  std::vector<std::unique_ptr<Raw>> slow;
  for (int i = 0; i < 16; ++i) {
    slow.push_back(std::make_unique<Raw>(s.port()));
    slow.back()->send("GET /erp/stock/1 HTTP/1.1\r\n");
  }
  const std::string more = "X-Slow: abcdefghij";
  httplib::Client client("127.0.0.1", s.port());
  for (size_t i = 0; i < 4; ++i) {
    for (auto& c : slow)
      c->send(more.substr(i, 1));
    const auto start = Clock::now();
    const httplib::Result r = client.Get("/erp/stock/1");
    REQUIRE(r);
    CHECK(r->status == 200);
    // Held behind a trickler it would wait 1.5 s or more.
    CHECK(Clock::now() - start < milliseconds(1000));
    std::this_thread::sleep_for(milliseconds(100));
  }
  // 1.5 s after its first byte, each slow request is refused.
  const std::string r = slow.front()->response(milliseconds(3000));
  CHECK(status_of(r) == 408);
  CHECK(body_of(r)["error"] == "request_timeout");
  CHECK(slow.front()->closed_within(milliseconds(2000)));
  CHECK(s.server.connection_stats().timed_out >= 1);
}

TEST_CASE("live: idle connections close after the idle timeout, beyond the cap the idlest goes") {
  MockServerOptions o = small_options();
  o.idle_timeout = milliseconds(400);
  o.connections_max = 8;
  Served s(o);
  std::vector<std::unique_ptr<Raw>> idle;
  for (int i = 0; i < 20; ++i)
    idle.push_back(std::make_unique<Raw>(s.port()));
  std::this_thread::sleep_for(milliseconds(50));
  // The cap holds: the oldest idle connections were closed to make room.
  CHECK(idle.front()->closed_within(milliseconds(200)));
  httplib::Client client("127.0.0.1", s.port());
  const auto start = Clock::now();
  const httplib::Result r = client.Get("/erp/stock/1");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(Clock::now() - start < milliseconds(1000));
  const ReactorStats stats = s.server.connection_stats();
  CHECK(stats.connections_max == 8);
  CHECK(stats.open <= 8);
  CHECK(stats.evicted >= 12);
  // The newest idle one is closed by the idle timeout.
  CHECK(idle.back()->closed_within(milliseconds(1500)));
}

TEST_CASE("live: pipelined requests are answered in order, Expect: 100-continue is honoured") {
  Served s(small_options());
  Raw c(s.port());
  c.send(
      "GET /erp/stock/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /erp/stock/2 HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string first = c.response();
  const std::string second = c.response();
  CHECK(status_of(first) == 200);
  CHECK(body_of(first)["sku"] == 1);
  CHECK(status_of(second) == 200);
  CHECK(body_of(second)["sku"] == 2);

  const std::string body = R"({"sku": 3, "quantity": 9})";
  c.send(fmt::format(
      "POST /channels/dtc/inventory/set HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Expect: 100-continue\r\nContent-Length: {}\r\n\r\n",
      body.size()));
  CHECK(c.response().rfind("HTTP/1.1 100 Continue\r\n\r\n", 0) == 0);
  c.send(body);
  const std::string r = c.response();
  CHECK(status_of(r) == 200);
  CHECK(body_of(r)["quantity"] == 9);
  // A POST with neither a length nor a body is served at once (no body), not after a timeout.
  const auto start = Clock::now();
  c.send("POST /wms/shipments/0/pick HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(status_of(c.response()) == 404);  // no shipment 0: the handler ran
  CHECK(Clock::now() - start < milliseconds(1000));
}

TEST_CASE("live: the control routes answer while every mock worker is held by a fault") {
  MockServerOptions o = small_options();
  o.worker_threads = 1;
  const Gate slow = [](std::string_view, std::string_view) {
    GateDecision d;
    d.delay = milliseconds(1500);
    return d;
  };
  Served s(o, slow, [](httplib::Server& svr) {
    svr.Get("/_drill/ping", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("{}", "application/json");
    });
  });
  std::vector<std::thread> held;
  for (int i = 0; i < 3; ++i) {
    held.emplace_back([&s] {
      httplib::Client c("127.0.0.1", s.port());
      c.set_read_timeout(10, 0);
      c.Get("/erp/stock/1");
    });
  }
  std::this_thread::sleep_for(milliseconds(200));
  httplib::Client client("127.0.0.1", s.port());
  const auto start = Clock::now();
  const httplib::Result r = client.Get("/_drill/ping");
  REQUIRE(r);
  CHECK(r->status == 200);
  // Behind the held mock requests it would wait 1.5 s or more.
  CHECK(Clock::now() - start < milliseconds(1000));
  for (std::thread& t : held)
    t.join();
}

TEST_CASE("live: a busy kept-alive client does not keep its worker from a waiting request") {
  MockServerOptions o = small_options();
  o.worker_threads = 1;
  o.keep_alive_max_count = 1'000'000;
  Served s(o);
  std::atomic<bool> done{false};
  std::atomic<int> served{0};
  std::thread busy([&] {
    httplib::Client c("127.0.0.1", s.port());
    c.set_keep_alive(true);
    while (!done.load()) {
      if (c.Get("/erp/stock/1")) ++served;
    }
  });
  struct Join {
    std::atomic<bool>& done;
    std::thread& t;
    ~Join() {
      done = true;
      t.join();
    }
  } join{done, busy};
  while (served.load() < 20)
    std::this_thread::sleep_for(milliseconds(1));
  httplib::Client other("127.0.0.1", s.port());
  other.set_read_timeout(2, 0);
  for (int i = 0; i < 5; ++i) {
    const auto start = Clock::now();
    const httplib::Result r = other.Get("/erp/stock/2");
    CHECK(r);
    CHECK(Clock::now() - start < milliseconds(500));
  }
}

TEST_CASE("live: stop() returns promptly with idle and half-sent connections open") {
  auto s = std::make_unique<Served>(small_options());
  std::vector<std::unique_ptr<Raw>> open;
  for (int i = 0; i < 50; ++i) {
    open.push_back(std::make_unique<Raw>(s->port()));
    if (i % 10 == 0) open.back()->send("POST /oms/orders HTTP/1.1\r\nContent-Length: 10\r\n\r\nab");
  }
  std::this_thread::sleep_for(milliseconds(50));
  const auto start = Clock::now();
  s->server.stop();
  CHECK(Clock::now() - start < milliseconds(1000));
  CHECK(s->server.connection_stats().open == 0);
  CHECK(open.front()->closed_within(milliseconds(500)));
}

}  // namespace
}  // namespace syncdrill
