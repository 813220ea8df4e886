// SystemSpec::concurrency_limit in live mode: requests held by a gate delay keep their slots, and
// the requests over the limit are refused at once in the system's style (NetSuite's 400 with
// SSS_REQUEST_LIMIT_EXCEEDED, or a 503), counted per route and told to the observer. Served on
// 127.0.0.1 with a manual clock.
#include "mocks/http/system_concurrency.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/scenario/loader.hpp"
#include "mocks/http/mock_server.hpp"
#include "tests/mocks/http/at_once.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using nlohmann::json;

constexpr const char* kScenario = R"(
name: live-concurrency
duration: 1h
catalog: {skus: 10, stock_per_sku: 20}
channels:
  - {name: dtc, kind: shopify_like}
systems:
  - {name: erp, kind: erp, concurrency_limit: 2, concurrency_refusal: netsuite}
  - {name: oms, kind: oms, concurrency_limit: 1}
  - {name: wms, kind: wms}
)";

Scenario scenario() {
  return testing::from_text(kScenario);
}

struct Answer {
  int status = 0;
  std::string body;
};

struct Live {
  LiveClock clock = LiveClock::manual(1);
  LiveMocks mocks{scenario(), 1, clock};
  MockServer server;
  std::mutex seen_mutex;
  std::vector<RequestRecord> seen;  // copies; the string_views point into the server's slots

  // Every request to `held_system` waits `hold` at the gate before its handler.
  Live(std::string held_system, std::chrono::milliseconds hold) : server(mocks, options()) {
    server.set_gate([held_system, hold](std::string_view system, std::string_view) {
      GateDecision d;
      if (system == held_system) d.delay = hold;
      return d;
    });
    server.set_observer([this](const RequestRecord& r) {
      std::lock_guard lock(seen_mutex);
      seen.push_back(r);
    });
    std::string error;
    REQUIRE_MESSAGE(server.start(&error), error);
  }

  static MockServerOptions options() {
    MockServerOptions o;
    o.worker_threads = 8;
    return o;
  }

  // `n` GETs of `path` sent at once from `n` threads.
  std::vector<Answer> burst(size_t n, const std::string& path) {
    return testing::at_once<Answer>(n, [&] {
      httplib::Client c("127.0.0.1", server.port());
      c.set_read_timeout(10, 0);
      auto r = c.Get(path);
      return r ? Answer{r->status, r->body} : Answer{};
    });
  }

  uint64_t refused_counted(const std::string& route) {
    uint64_t n = 0;
    for (const RouteCounters& c : server.counters().routes)
      if (c.route == route) n += c.over_concurrency_limit;
    return n;
  }
};

TEST_CASE(
    "live: a NetSuite-style ERP refuses the requests over its concurrency limit with 400 "
    "SSS_REQUEST_LIMIT_EXCEEDED while the held ones keep their slots") {
  Live live("erp", std::chrono::milliseconds(1500));
  const std::vector<Answer> answers = live.burst(6, "/erp/stock/3");
  size_t ok = 0, refused = 0;
  for (const Answer& a : answers) {
    if (a.status == 200) ++ok;
    if (a.status == 400) {
      ++refused;
      const json body = json::parse(a.body);
      CHECK(body["error"]["code"] == "SSS_REQUEST_LIMIT_EXCEEDED");
      CHECK(body["error"]["message"].get<std::string>().find("2 requests") != std::string::npos);
    }
  }
  // Two held by the gate delay answered; the other four were refused at once.
  CHECK(ok == 2);
  CHECK(refused == 4);
  CHECK(live.refused_counted("GET /erp/stock/{sku}") == 4);
  REQUIRE(live.server.concurrency(SystemKind::erp) != nullptr);
  CHECK(live.server.concurrency(SystemKind::erp)->refused() == 4);
  CHECK(live.server.concurrency(SystemKind::erp)->in_use_max() == 2);
  CHECK(live.server.concurrency(SystemKind::erp)->in_use() == 0);  // every slot given back
  {
    std::lock_guard lock(live.seen_mutex);
    size_t flagged = 0;
    for (const RequestRecord& r : live.seen)
      if (r.over_concurrency_limit) {
        ++flagged;
        CHECK(r.status == 400);
        CHECK(r.latency_us < 1'000'000);  // at once, not after the hold
      }
    CHECK(flagged == 4);
  }
  // Slots are free again: the next request passes.
  httplib::Client c("127.0.0.1", live.server.port());
  auto again = c.Get("/erp/stock/3");
  REQUIRE(again);
  CHECK(again->status == 200);
  // A system without a limit is never refused, and channels have no gate.
  CHECK(live.server.concurrency(SystemKind::wms) == nullptr);
}

TEST_CASE("live: the default refusal over the concurrency limit is a retryable 503") {
  Live live("oms", std::chrono::milliseconds(1500));
  const std::vector<Answer> answers = live.burst(3, "/oms/orders/0");
  size_t held = 0, refused = 0;
  for (const Answer& a : answers) {
    if (a.status == 404) ++held;  // no order 0 yet: answered by the handler after the hold
    if (a.status == 503) {
      ++refused;
      CHECK(json::parse(a.body)["error"] == "over_concurrency_limit");
    }
  }
  CHECK(held == 1);
  CHECK(refused == 2);
  CHECK(live.refused_counted("GET /oms/orders/{id}") == 2);
  // The ERP's limit is its own: an ERP request is not refused while the OMS is full.
  CHECK(live.server.concurrency(SystemKind::erp)->refused() == 0);
}

TEST_CASE("live: SystemConcurrency counts from many threads without losing a slot") {
  SystemConcurrency gate(5, ConcurrencyRefusal::unavailable);
  std::atomic<uint64_t> acquired{0};
  std::atomic<bool> over{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20'000; ++i) {
        if (!gate.try_acquire()) continue;
        ++acquired;
        if (gate.in_use() > 5) over = true;
        gate.release();
      }
    });
  }
  for (std::thread& t : threads)
    t.join();
  CHECK_FALSE(over.load());
  CHECK(gate.in_use() == 0);
  CHECK(gate.in_use_max() <= 5);
  CHECK(acquired.load() + gate.refused() == 8u * 20'000u);
  SystemConcurrency unlimited(std::nullopt, ConcurrencyRefusal::netsuite);
  for (int i = 0; i < 100; ++i)
    CHECK(unlimited.try_acquire());
  CHECK(unlimited.refused() == 0);
}

}  // namespace
}  // namespace syncdrill
