// The live OMS's Idempotency-Key semantics: syncdrill's (keys kept, 422 for another payload, a
// concurrent reuse replays) and Stripe's (keys expire after the ttl of scenario time, 400
// idempotency_error for another payload, 409 while the first request is still in flight,
// measured from dispatch start). Hostile keys and the table's bound too. Served on 127.0.0.1
// with a manual clock.
#include <algorithm>
#include <chrono>
#include <string>
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

Scenario scenario(const std::string& idempotency) {
  const std::string text =
      "name: live-keys\nduration: 1h\ncatalog: {skus: 10, stock_per_sku: 1000}\n"
      "channels: [{name: market, kind: amazon_like}]\n"
      "systems:\n  - {name: oms, kind: oms" +
      (idempotency.empty() ? std::string() : ", idempotency: " + idempotency) +
      "}\n  - {name: erp, kind: erp}\n";
  return testing::from_text(text);
}

std::string body(uint64_t channel_order, uint32_t units = 1) {
  return json{{"channel", "market"},
              {"channel_order", channel_order},
              {"lines", {{{"sku", 3}, {"quantity", units}, {"unit_price_minor", 1500}}}}}
      .dump();
}

struct Live {
  LiveClock clock = LiveClock::manual(60);  // a wall second is a scenario minute
  LiveMocks mocks;
  MockServer server;

  // hold: every OMS request waits this long at the gate (zero: none).
  explicit Live(const std::string& idempotency,
                std::chrono::milliseconds hold = std::chrono::milliseconds(0))
      : mocks(scenario(idempotency), 1, clock), server(mocks, options()) {
    if (hold.count() > 0) {
      server.set_gate([hold](std::string_view system, std::string_view) {
        GateDecision d;
        if (system == "oms") d.delay = hold;
        return d;
      });
    }
    std::string error;
    REQUIRE_MESSAGE(server.start(&error), error);
  }

  static MockServerOptions options() {
    MockServerOptions o;
    o.worker_threads = 12;
    return o;
  }

  uint64_t place() {
    const SkuQuantity line{3, 1};
    const PlaceResult r = mocks.place_order(0, std::span(&line, 1));
    REQUIRE(r.accepted);
    return r.order;
  }

  httplib::Result create(const std::string& key, const std::string& payload) {
    httplib::Client c("127.0.0.1", server.port());
    c.set_read_timeout(10, 0);
    httplib::Headers h;
    if (!key.empty()) h.emplace("Idempotency-Key", key);
    return c.Post("/oms/orders", h, payload, "application/json");
  }

  // `n` creates with the same key and payload, sent at once from `n` threads; their statuses.
  std::vector<int> burst(size_t n, const std::string& key, const std::string& payload) {
    return testing::at_once<int>(n, [&] {
      auto r = create(key, payload);
      return r ? r->status : 0;
    });
  }
};

size_t count(const std::vector<int>& statuses, int status) {
  return static_cast<size_t>(std::count(statuses.begin(), statuses.end(), status));
}

TEST_CASE("live: a Stripe-style key replays within its 24 hours and creates anew after them") {
  Live live("{style: stripe}");
  const uint64_t order = live.place();
  auto first = live.create("k-1", body(order));
  REQUIRE(first);
  CHECK(first->status == 201);
  // 23 h 59 min of scenario time later (at x60: 1439 wall seconds): still the same order.
  live.clock.advance(std::chrono::seconds(1439));
  auto replay = live.create("k-1", body(order));
  REQUIRE(replay);
  CHECK(replay->status == 200);
  CHECK(replay->get_header_value("Idempotent-Replayed") == "true");
  CHECK(json::parse(replay->body)["id"] == json::parse(first->body)["id"]);
  CHECK(live.mocks.oms_copies(0, order) == 1);
  // At 24 h the key is new: a second order for the same channel order, a duplicate.
  live.clock.advance(std::chrono::seconds(1));
  auto again = live.create("k-1", body(order));
  REQUIRE(again);
  CHECK(again->status == 201);
  CHECK(json::parse(again->body)["id"] != json::parse(first->body)["id"]);
  CHECK(live.mocks.oms_copies(0, order) == 2);
  CHECK(live.mocks.key_table_stats().expired == 1);
}

TEST_CASE("live: syncdrill-style keys never expire") {
  Live live("");
  const uint64_t order = live.place();
  REQUIRE(live.create("k-1", body(order))->status == 201);
  live.clock.advance(std::chrono::hours(24 * 30));  // 1800 scenario days
  CHECK(live.create("k-1", body(order))->status == 200);
  CHECK(live.mocks.oms_copies(0, order) == 1);
}

TEST_CASE(
    "live: a reused key with another payload is 400 idempotency_error with Stripe, 422 "
    "otherwise") {
  Live stripe("{style: stripe}");
  const uint64_t a = stripe.place();
  REQUIRE(stripe.create("k", body(a))->status == 201);
  auto other = stripe.create("k", body(a, 2));
  REQUIRE(other);
  CHECK(other->status == 400);
  CHECK(json::parse(other->body)["error"] == "idempotency_error");
  CHECK(stripe.mocks.oms_copies(0, a) == 1);

  Live plain("");
  const uint64_t b = plain.place();
  REQUIRE(plain.create("k", body(b))->status == 201);
  auto rejected = plain.create("k", body(b, 2));
  REQUIRE(rejected);
  CHECK(rejected->status == 422);
  CHECK(json::parse(rejected->body)["error"] == "rejected");
}

TEST_CASE(
    "live: with Stripe's style the same key from several threads at once gets one create "
    "and 409s while it is in flight") {
  // The gate holds each OMS request 1.5 s: in flight from dispatch start, before its handler.
  Live live("{style: stripe}", std::chrono::milliseconds(1500));
  const uint64_t order = live.place();
  const std::vector<int> statuses = live.burst(8, "same-key", body(order));
  CHECK(count(statuses, 201) == 1);
  CHECK(count(statuses, 409) == 7);
  CHECK(live.mocks.oms_copies(0, order) == 1);
  CHECK(live.mocks.key_table_stats().in_flight_refused == 7);
  // Once answered, the key replays (200), and other keys were never blocked by it.
  CHECK(live.create("same-key", body(order))->status == 200);
  const uint64_t other = live.place();
  CHECK(live.create("other-key", body(other))->status == 201);
}

TEST_CASE("live: with syncdrill's style the same key from several threads creates one order") {
  Live live("", std::chrono::milliseconds(200));
  const uint64_t order = live.place();
  const std::vector<int> statuses = live.burst(8, "same-key", body(order));
  CHECK(count(statuses, 201) == 1);
  CHECK(count(statuses, 200) == 7);  // replays, no 409
  CHECK(live.mocks.oms_copies(0, order) == 1);
  CHECK(live.mocks.key_table_stats().in_flight_refused == 0);
}

TEST_CASE("live: hostile keys: over 255 bytes refused, 255 taken, huge headers bounded") {
  Live live("{style: stripe}");
  const uint64_t order = live.place();
  auto too_long = live.create(std::string(256, 'k'), body(order));
  REQUIRE(too_long);
  CHECK(too_long->status == 400);
  CHECK(live.mocks.oms_copies(0, order) == 0);
  auto longest = live.create(std::string(255, 'k'), body(order));
  REQUIRE(longest);
  CHECK(longest->status == 201);
  CHECK(live.create(std::string(255, 'k'), body(order))->status == 200);
  // A key bigger than the server's header limit never reaches the table.
  auto huge = live.create(std::string(64 * 1024, 'x'), body(order));
  REQUIRE(huge);
  CHECK(huge->status == 431);
  CHECK(live.mocks.key_table_stats().keys == 1);
}

TEST_CASE("live: the key table's bound is reported when hit, and expired keys make room") {
  Live live("{style: stripe, ttl: 1h}");
  live.mocks.set_idempotency_keys_max(3);
  const uint64_t order = live.place();
  for (int i = 0; i < 3; ++i)
    REQUIRE(live.create("k" + std::to_string(i), body(order))->status == 201);
  auto full = live.create("k3", body(order));
  REQUIRE(full);
  CHECK(full->status == 503);
  CHECK(json::parse(full->body)["detail"] == "the Idempotency-Key table is full");
  LiveMocks::KeyTableStats s = live.mocks.key_table_stats();
  CHECK(s.keys == 3);
  CHECK(s.keys_max == 3);
  CHECK(s.refused_full == 1);
  // Known keys still replay while the table is full.
  CHECK(live.create("k0", body(order))->status == 200);
  // An hour of scenario time later (a wall minute at x60) the old keys are dropped for a new one.
  live.clock.advance(std::chrono::seconds(60));
  CHECK(live.create("k3", body(order))->status == 201);
  s = live.mocks.key_table_stats();
  CHECK(s.keys == 1);
  CHECK(s.expired == 3);
  CHECK(s.refused_full == 1);
}

}  // namespace
}  // namespace syncdrill
