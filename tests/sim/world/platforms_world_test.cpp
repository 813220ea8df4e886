// The platform presets as the simulated world applies them: a Shopify channel's leaky bucket
// (40 at once, then 2 a second), SP-API's per-operation buckets whose 429s carry no
// Retry-After, and Shopify's removal of a subscription whose deliveries keep failing, after
// which only the connector's backup poll still brings the orders in.
#include <cstdint>
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/engine/engine.hpp"
#include "core/scenario/platforms.hpp"
#include "sim/world/port.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::from_text;

EndpointSpec preset_endpoint(Platform p) {
  ChannelSpec c;
  scenario::apply_platform(*scenario::platform_row(p), c);
  return c.endpoint;
}

// Requests admitted at `now`, asking one at a time until the first refusal (at most `cap`).
uint32_t admitted_until_refused(Port& port, SimTime now, std::optional<ChannelOperation> op,
                                uint32_t cap = 10'000) {
  uint32_t n = 0;
  while (n < cap && port.admit(now, op).answer.ok()) {
    ++n;
    port.release();
  }
  return n;
}

TEST_CASE("a shopify channel admits its bucket of 40 at once, then 2 requests a second") {
  Engine engine;
  Port port(engine, "shop", preset_endpoint(Platform::shopify), RandomStream(1, "t"), {}, 1);
  CHECK(admitted_until_refused(port, SimTime{}, {}) == 40);
  const GateVerdict refused = port.admit(SimTime{});
  CHECK(refused.answer.error == ErrorClass::rate_limited);
  CHECK(refused.answer.retry_after > Duration{});  // Shopify's 429 carries Retry-After
  // Ten seconds of leak make room for twenty more, and no more.
  CHECK(admitted_until_refused(port, SimTime{} + seconds(10), {}) == 20);
  CHECK(port.stats().rate_limited == 3);  // each loop ends on a refusal, and the one between

  Port plus(engine, "plus", preset_endpoint(Platform::shopify_plus), RandomStream(1, "t"), {}, 1);
  CHECK(admitted_until_refused(plus, SimTime{}, {}) == 400);
  CHECK(admitted_until_refused(plus, SimTime{} + seconds(10), {}) == 200);
}

TEST_CASE("SP-API buckets are per operation and their 429s say nothing of when to retry") {
  Engine engine;
  ChannelSpec c;
  scenario::apply_platform(*scenario::platform_row(Platform::amazon_sp_api), c);
  Port port(engine, "amz", c.endpoint, RandomStream(1, "t"), {}, 1);
  port.set_operation_limits(c.operation_limits);
  // confirmShipment: a burst of 10.
  CHECK(admitted_until_refused(port, SimTime{}, ChannelOperation::status_updates) == 10);
  const GateVerdict refused = port.admit(SimTime{}, ChannelOperation::status_updates);
  CHECK(refused.answer.error == ErrorClass::rate_limited);
  CHECK(refused.answer.retry_after == Duration{});
  // An empty status bucket leaves the feeds' own buckets (JSON_LISTINGS_FEED: 5 at once) alone.
  CHECK(admitted_until_refused(port, SimTime{}, ChannelOperation::listing_updates) == 5);
  CHECK(admitted_until_refused(port, SimTime{}, ChannelOperation::price_updates) == 5);
  // A call of no operation (none the simulation makes on a marketplace) meets no bucket.
  CHECK(admitted_until_refused(port, SimTime{}, {}, 100) == 100);
  // Two seconds refill four confirmShipment tokens.
  CHECK(admitted_until_refused(port, SimTime{} + seconds(2), ChannelOperation::status_updates) ==
        4);
}

TEST_CASE("a rate_limit fault on an SP-API channel throttles in SP-API's way: no Retry-After") {
  FaultSpec fault;
  fault.id = "throttle";
  fault.kind = FaultKind::rate_limit;
  fault.at = Duration{};
  fault.length = hours(1);
  RateLimitSpec tight;
  tight.rate_per_s = 1;
  tight.burst = 1;
  fault.settings = RateLimitSettings{tight};
  for (const bool sp_api : {false, true}) {
    Engine engine;
    uint64_t hits = 0;
    Port port(engine, "ch", EndpointSpec{}, RandomStream(1, "t"), {}, 1);
    port.set_platform_retry_after(!sp_api);
    port.faults().add(&fault, &hits);
    CHECK(port.admit(SimTime{}).answer.ok());
    port.release();
    const GateVerdict refused = port.admit(SimTime{});
    REQUIRE(refused.answer.error == ErrorClass::rate_limited);
    CHECK((refused.answer.retry_after > Duration{}) == !sp_api);
  }
}

// A marketplace shipping 4 orders a second through the fulfillment connector, once the
// warehouse's delays (about 80 minutes to the carrier) have passed.
std::string shipping_marketplace(const std::string& status_bucket) {
  return fmt::format(R"Y(extends: base.yaml
duration: 4h
channels:
  - {{name: shop, remove: true}}
  - name: amz
    kind: amazon_like
    platform: amazon_sp_api
{}
systems:
  - {{name: wms, kind: wms, endpoint: {{workers: 64, service_time: 20ms}}}}
traffic:
  - {{channel: shop, remove: true}}
  - {{channel: amz, rate: 4/s}}
connectors:
  - {{name: ingest, from: amz}}
  - {{name: fulfil, flow: fulfillment, from: oms, to: wms, policy: retrying, workers: 64}}
)Y",
                     status_bucket);
}

TEST_CASE("confirmShipment's default 2/s refuses a marketplace shipping 4 orders a second") {
  const WorldResult tight = run_world(from_text(shipping_marketplace("")), 3);
  const WorldResult raised = run_world(
      from_text(shipping_marketplace(
          "    operation_limits: {status_updates: {kind: token_bucket, rate: 50/s, burst: 100}}")),
      3);
  CHECK(testing::port(tight, "amz").admission.rate_limited > 1000);
  CHECK(testing::port(raised, "amz").admission.rate_limited == 0);
}

// A store whose webhooks all fail from 5m to 10m, with a backup poll every 5 minutes. Its
// schedule is short (1s, 2s, then 4s) so the retries run out inside the fault.
std::string failing_store(bool remove) {
  return fmt::format(R"Y(extends: base.yaml
duration: 40m
channels:
  - name: shop
    platform: shopify
    endpoint: {{rate_limit: {{kind: leaky_bucket, rate: 1000/s, capacity: 1000}}}}
    webhooks: {{base: 1s, cap: 4s, remove_when_exhausted: {}}}
connectors:
  - {{name: ingest, poll_interval: 5m}}
faults:
  - {{id: drop, kind: webhook_drop, target: shop/orders/create, at: 5m, for: 5m}}
)Y",
                     remove ? "true" : "false");
}

TEST_CASE("a removed webhook subscription delivers nothing more and the poll carries the orders") {
  const WorldResult kept = run_world(from_text(failing_store(false)), 5);
  const WorldResult removed = run_world(from_text(failing_store(true)), 5);
  const ChannelOutcome& k = testing::channel(kept, "shop");
  const ChannelOutcome& r = testing::channel(removed, "shop");
  // Kept: webhooks resume when the fault ends; the poll only picks up what the fault lost.
  CHECK(k.webhook_events_not_emitted == 0);
  // Removed: every order from the removal on goes unsent (30 of the 40 minutes at 5/s, less
  // the retries' half minute), and the poll brings them all in.
  CHECK(r.webhook_events_not_emitted > 5 * 60 * 29);
  CHECK(r.orders_polled > k.orders_polled + 5 * 60 * 25);
  CHECK(r.lost == 0);
  CHECK(k.lost == 0);
  // The poll is slower than the webhook: the orders wait for it.
  CHECK(r.ingest_delay_us.quantile(0.95) > k.ingest_delay_us.quantile(0.95));
}

}  // namespace
}  // namespace syncdrill
