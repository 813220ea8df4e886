// ReferenceConnector tests: the live mocks served on an ephemeral loopback port (a MockServer
// whose gate injects the faults and logs every request), the connector in front of them, and
// signed webhooks posted to it with httplib::Client. Everything is 127.0.0.1 and takes < 2 s.
#include "connector/reference_connector.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/scenario/loader.hpp"
#include "mocks/http/mock_server.hpp"
#include "mocks/http/signature.hpp"
#include "tests/connector/connector_test_support.hpp"

namespace syncdrill {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kSecret = "drill-secret";
constexpr std::string_view kOmsCreate = "POST /oms/orders";

// No rate limits: the tests inject every fault through the gate.
constexpr const char* kScenario = R"(
name: connector-test
duration: 1h
currency: EUR
catalog: {skus: 20, stock_per_sku: 50, price_min: 10.00, price_max: 20.00}
channels:
  - name: dtc
    kind: shopify_like
    safety_buffer: 2
  - name: market
    kind: amazon_like
systems:
  - {name: oms, kind: oms}
  - {name: erp, kind: erp}
  - {name: wms, kind: wms}
)";

Scenario test_scenario() {
  LoadResult r = load_scenario_text(kScenario, "connector-test.yaml");
  if (!r.ok()) FAIL(format_diagnostic(r.errors.front()));
  return *r.scenario;
}

// What the gate does with OMS create number `n` (0 = the first).
using OmsRule = std::function<GateDecision(int n)>;

// The mocks served over loopback, with a gate that logs every request and applies `rule` to
// the OMS creates.
struct Drill {
  LiveClock clock = LiveClock::manual(1);
  LiveMocks mocks;
  MockServer server;
  OmsRule rule;
  std::mutex mutex;
  int requests = 0;                        // every routed request
  std::vector<Clock::time_point> creates;  // when each OMS create reached the gate

  explicit Drill(OmsRule oms_rule = {})
      : mocks(test_scenario(), 1, clock), server(mocks, options()), rule(std::move(oms_rule)) {
    server.set_gate([this](std::string_view, std::string_view route) { return gate(route); });
    std::string error;
    REQUIRE_MESSAGE(server.start(&error), error);
  }

  static MockServerOptions options() {
    MockServerOptions o;
    o.worker_threads = 8;
    return o;
  }

  GateDecision gate(std::string_view route) {
    std::lock_guard lock(mutex);
    ++requests;
    if (route != kOmsCreate) return {};
    creates.push_back(Clock::now());
    return rule ? rule(static_cast<int>(creates.size()) - 1) : GateDecision{};
  }

  int request_count() {
    std::lock_guard lock(mutex);
    return requests;
  }
  int create_count() {
    std::lock_guard lock(mutex);
    return static_cast<int>(creates.size());
  }
  // OMS creates the server has finished handling (a delayed one counts once its handler ran).
  uint64_t creates_handled() const {
    uint64_t n = 0;
    for (const RouteCounters& c : server.counters().routes) {
      if (c.route == kOmsCreate) n += c.requests;
    }
    return n;
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }

  uint64_t place(uint32_t channel, SkuId sku, uint32_t units = 1) {
    const SkuQuantity line{sku, units};
    const PlaceResult r = mocks.place_order(channel, std::span(&line, 1));
    REQUIRE(r.accepted);
    return r.order;
  }
};

ConnectorOptions connector_options(const Drill& drill, PolicySpec policy) {
  return small_connector_options(drill.url(), kSecret, std::move(policy));
}

std::string order_webhook(const std::string& channel, uint64_t order, SkuId sku,
                          const std::string& event_id) {
  const json line = {{"sku", sku}, {"quantity", 1}, {"unit_price_minor", 1500}};
  return json{
      {"event_id", event_id},
      {"topic", "orders/create"},
      {"channel", channel},
      {"created_at", "2026-11-28T00:50:15.123Z"},
      {"order", {{"id", order}, {"status", "paid"}, {"amount_minor", 1500}, {"lines", {line}}}}}
      .dump();
}

// Posts a webhook as the platform does; `signature` empty = none sent.
int deliver(int port, const std::string& body, const std::string& event_id,
            const std::string& signature, const std::string& topic = "orders/create",
            int attempt = 1) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5, 0);
  httplib::Headers headers{{"X-Syncdrill-Event-Id", event_id},
                           {"X-Syncdrill-Topic", topic},
                           {"X-Syncdrill-Channel", "market"},
                           {"X-Syncdrill-Attempt", std::to_string(attempt)}};
  if (!signature.empty()) headers.emplace("X-Syncdrill-Signature-256", signature);
  const auto r = client.Post("/webhooks", headers, body, "application/json");
  REQUIRE(r);
  return r->status;
}

int deliver_signed(int port, const std::string& body, const std::string& event_id,
                   int attempt = 1) {
  return deliver(port, body, event_id, sign_body(body, kSecret), "orders/create", attempt);
}

// Polls `done` every 5 ms for up to 3 s.
bool eventually(const std::function<bool()>& done) {
  const auto deadline = Clock::now() + std::chrono::seconds(3);
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// One order through an OMS whose first create is held past the connector's timeout and then
// processed anyway; returns the OMS copies of the order once that late create has run.
uint32_t copies_after_slow_oms(bool idempotency_keys) {
  Drill drill([](int n) {
    GateDecision d;
    if (n == 0) d.delay = std::chrono::milliseconds(400);  // 4x the 100 ms timeout
    return d;
  });
  PolicySpec policy = fast_policy();
  policy.idempotency_keys = idempotency_keys;
  Running live(connector_options(drill, policy));
  const uint64_t order = drill.place(1, 3);
  CHECK(deliver_signed(live.connector.port(), order_webhook("market", order, 3, "market-1"),
                       "market-1") == 200);
  const ConnectorStats stats = live.connector.stop();
  CHECK(stats.orders_created == 1);
  CHECK(stats.retries >= 1);
  CHECK(stats.dead_letters == 0);
  // Both creates have reached the OMS handler: the retry and the late first attempt.
  REQUIRE(eventually([&] { return drill.creates_handled() >= 2; }));
  return drill.mocks.oms_copies(1, order);
}

TEST_CASE("connector: idempotency keys keep a timed-out but processed create from duplicating") {
  CHECK(copies_after_slow_oms(true) == 1);
  CHECK(copies_after_slow_oms(false) > 1);
}

TEST_CASE("connector: a 503 burst is retried and the order is created once") {
  Drill drill([](int n) {
    GateDecision d;
    if (n < 3) d.action = GateDecision::Action::respond;  // 503 injected_fault
    return d;
  });
  Running live(connector_options(drill, fast_policy()));
  const uint64_t order = drill.place(1, 5);
  CHECK(deliver_signed(live.connector.port(), order_webhook("market", order, 5, "market-7"),
                       "market-7") == 200);
  const ConnectorStats stats = live.connector.stop();
  CHECK(drill.create_count() == 4);
  CHECK(drill.mocks.oms_copies(1, order) == 1);
  CHECK(stats.orders_created == 1);
  CHECK(stats.retries == 3);
  CHECK(stats.dead_letters == 0);
  // Every request the connector sent (OMS creates, the stock read and push) reached the drill.
  CHECK(stats.attempts == static_cast<uint64_t>(drill.request_count()));
  CHECK(stats.stock_pushes == 1);
  // The push listed what the ERP holds after the allocation.
  const auto listing = drill.mocks.listing(1, 5);
  REQUIRE(listing);
  CHECK(listing->quantity == drill.mocks.erp_stock(5)->on_hand);
}

TEST_CASE("connector: a 429 with Retry-After is retried no sooner than it says") {
  Drill drill([](int n) {
    GateDecision d;
    if (n == 0) {
      d.action = GateDecision::Action::respond;
      d.status = 429;
      d.body = R"({"error": "rate_limited", "detail": "slow down", "retry_after_ms": 1000})";
      d.retry_after_s = 1;
    }
    return d;
  });
  Running live(connector_options(drill, fast_policy()));  // backoff 10 ms, far below 1 s
  const uint64_t order = drill.place(1, 2);
  CHECK(deliver_signed(live.connector.port(), order_webhook("market", order, 2, "market-9"),
                       "market-9") == 200);
  const ConnectorStats stats = live.connector.stop();
  REQUIRE(drill.create_count() == 2);
  CHECK(drill.creates[1] - drill.creates[0] >= std::chrono::seconds(1));
  CHECK(stats.retry_after_waits == 1);
  CHECK(stats.retries == 1);
  CHECK(stats.orders_created == 1);
}

TEST_CASE("connector: a bad signature is refused with 401 and the signed body is processed") {
  Drill drill;
  Running live(connector_options(drill, fast_policy()));
  const int port = live.connector.port();
  const uint64_t order = drill.place(1, 4);
  const std::string body = order_webhook("market", order, 4, "market-3");
  CHECK(deliver(port, body, "market-3", sign_body(body, "not-the-secret")) == 401);
  CHECK(deliver(port, body, "market-3", "") == 401);  // no signature at all
  ConnectorStats stats = live.connector.stats();
  CHECK(stats.bad_signatures == 2);
  CHECK(stats.webhooks_received == 2);
  CHECK(drill.request_count() == 0);
  // A refused delivery is not remembered: the platform's signed redelivery goes through.
  CHECK(deliver_signed(port, body, "market-3", 3) == 200);
  // Other topics are acknowledged and counted, nothing more.
  const std::string update = R"({"event_id": "market-4", "topic": "orders/updated"})";
  CHECK(deliver(port, update, "market-4", sign_body(update, kSecret), "orders/updated") == 200);
  stats = live.connector.stop();
  CHECK(stats.bad_signatures == 2);
  CHECK(stats.other_topics == 1);
  CHECK(stats.orders_created == 1);
  CHECK(drill.create_count() == 1);
}

TEST_CASE("connector: a redelivered event id is processed once") {
  Drill drill;
  Running live(connector_options(drill, fast_policy()));
  const int port = live.connector.port();
  const uint64_t order = drill.place(1, 6);
  const std::string body = order_webhook("market", order, 6, "market-5");
  CHECK(deliver_signed(port, body, "market-5", 1) == 200);
  CHECK(deliver_signed(port, body, "market-5", 2) == 200);
  const ConnectorStats stats = live.connector.stop();
  CHECK(stats.duplicates_ignored == 1);
  CHECK(stats.webhooks_received == 2);
  CHECK(stats.orders_created == 1);
  CHECK(stats.orders_replayed == 0);
  CHECK(drill.create_count() == 1);
  CHECK(drill.mocks.oms_copies(1, order) == 1);
}

TEST_CASE("connector: without dedupe a redelivery is sent again and the key replays it") {
  Drill drill;
  PolicySpec policy = fast_policy();
  policy.webhook_dedupe = false;
  Running live(connector_options(drill, policy));
  const int port = live.connector.port();
  const uint64_t order = drill.place(1, 6);
  const std::string body = order_webhook("market", order, 6, "market-5");
  CHECK(deliver_signed(port, body, "market-5", 1) == 200);
  CHECK(deliver_signed(port, body, "market-5", 2) == 200);
  const ConnectorStats stats = live.connector.stop();
  CHECK(stats.duplicates_ignored == 0);
  CHECK(stats.orders_created + stats.orders_replayed == 2);
  CHECK(stats.orders_replayed == 1);
  CHECK(drill.mocks.oms_copies(1, order) == 1);
}

TEST_CASE("connector: the breaker opens under a sustained 503 and rejects calls unsent") {
  Drill drill([](int) {
    GateDecision d;
    d.action = GateDecision::Action::respond;
    return d;
  });
  PolicySpec policy = fast_policy();
  policy.retry.max_attempts = 3;
  policy.breaker = BreakerSpec{0.5, seconds(10), 3, seconds(10), 1};
  Running live(connector_options(drill, policy));
  const int port = live.connector.port();
  for (int i = 0; i < 3; ++i) {
    const uint64_t order = drill.place(1, static_cast<SkuId>(i));
    const std::string id = "market-b" + std::to_string(i);
    CHECK(deliver_signed(port, order_webhook("market", order, static_cast<SkuId>(i), id), id) ==
          200);
  }
  const ConnectorStats stats = live.connector.stop();
  CHECK(stats.breaker_opened >= 1);
  CHECK(stats.breaker_rejections >= 1);
  CHECK(stats.dead_letters == 3);
  CHECK(stats.orders_created == 0);
  // 3 orders x 3 attempts: what the breaker refused was never sent.
  CHECK(static_cast<uint64_t>(drill.create_count()) + stats.breaker_rejections == 9);
  CHECK(stats.attempts == static_cast<uint64_t>(drill.request_count()));
  REQUIRE_FALSE(stats.recent_dead_letters.empty());
  CHECK(stats.recent_dead_letters.back().find("POST /oms/orders") != std::string::npos);
}

TEST_CASE("connector: a full job queue answers 503 and stop() drops what is left") {
  Drill drill([](int) {
    GateDecision d;
    d.delay = std::chrono::milliseconds(300);  // holds the single worker on its first order
    return d;
  });
  PolicySpec policy = fast_policy();
  policy.timeout = seconds(2);
  ConnectorOptions options = connector_options(drill, policy);
  options.worker_threads = 1;
  options.queue_max = 1;
  options.stop_deadline_ms = 0;
  Running live(std::move(options));
  const int port = live.connector.port();
  std::vector<int> statuses;
  for (int i = 0; i < 3; ++i) {
    const uint64_t order = drill.place(1, 1);
    const std::string id = "market-q" + std::to_string(i);
    statuses.push_back(deliver_signed(port, order_webhook("market", order, 1, id), id));
    if (i == 0) REQUIRE(eventually([&] { return drill.create_count() == 1; }));
  }
  // The first is with the worker, the second waits in the queue, the third finds it full.
  CHECK(statuses == std::vector<int>{200, 200, 503});
  const ConnectorStats stats = live.connector.stop();
  CHECK(stats.queue_full_rejections == 1);
  CHECK(stats.jobs_abandoned == 1);
}

}  // namespace
}  // namespace syncdrill
