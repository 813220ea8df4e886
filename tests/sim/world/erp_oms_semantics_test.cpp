// NetSuite-like concurrency refusals and Stripe-like idempotency keys in the simulated world:
// each test runs the same customers twice (one seed), changing one setting, and checks that the
// effect appears for its reason and that every order is still accounted for.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "mocks/types.hpp"
#include "sim/world/world.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::connector;
using testing::from_text;

uint64_t errors_of(const WorldResult& r, ErrorClass e) {
  return connector(r, "ingest").stats.errors[static_cast<size_t>(e)];
}

void check_conserved(const WorldResult& r) {
  const ChannelOutcome& c = r.channels[0];
  CHECK(c.orders_placed == c.in_oms_once + c.duplicated + c.lost + c.oversold + c.in_flight);
  CHECK(r.skus_not_conserved == 0);
}

// An OMS that serves at most 3 requests at once, 200 ms each, under 5 orders a second: Poisson
// bursts go over the limit all the time. The ingest policy tries up to 12 times.
std::string limited_oms(const char* refusal, bool retry_request_limited) {
  return fmt::format(R"Y(
extends: base.yaml
name: limited-oms
duration: 30m
systems:
  - name: oms
    endpoint: {{workers: 64, queue_max: 1000, service_time: 200ms}}
    concurrency_limit: 3
    concurrency_refusal: {}
traffic:
  - {{channel: shop, rate: 5/s}}
policies:
  - name: retrying
    retry: {{max_attempts: 12, backoff: full_jitter, base: 200ms, cap: 5s}}
    retry_request_limited: {}
connectors:
  - {{name: ingest, policy: retrying}}
)Y",
                     refusal, retry_request_limited ? "true" : "false");
}

TEST_CASE(
    "a NetSuite-style 400 over the concurrency limit loses work only under a policy that "
    "takes every 400 as final") {
  const WorldResult retried = run_world(from_text(limited_oms("netsuite", true)), 7);
  const WorldResult trapped = run_world(from_text(limited_oms("netsuite", false)), 7);
  // The same customers, the same refusals on the first attempts.
  REQUIRE(retried.channels[0].orders_placed == trapped.channels[0].orders_placed);
  for (const WorldResult* r : {&retried, &trapped}) {
    CHECK(errors_of(*r, ErrorClass::request_limited) > 100);
    CHECK(errors_of(*r, ErrorClass::unavailable) == 0);  // the 400, not the 503
    check_conserved(*r);
  }
  CHECK(connector(retried, "ingest").stats.jobs_dead_lettered == 0);
  CHECK(retried.channels[0].lost == 0);
  // The trap: each refused first attempt is dead-lettered at once, without a retry.
  const ConnectorStats& t = connector(trapped, "ingest").stats;
  CHECK(t.jobs_dead_lettered == errors_of(trapped, ErrorClass::request_limited));
  CHECK(t.jobs_dead_lettered > 100);
  CHECK(trapped.channels[0].lost > 100);
}

TEST_CASE("the default 503 refusal is retried even by a policy that gives up on a 400") {
  const WorldResult r = run_world(from_text(limited_oms("unavailable", false)), 7);
  CHECK(errors_of(r, ErrorClass::unavailable) > 100);
  CHECK(errors_of(r, ErrorClass::request_limited) == 0);
  CHECK(connector(r, "ingest").stats.jobs_dead_lettered == 0);
  CHECK(r.channels[0].lost == 0);
  check_conserved(r);
}

// Every create times out (2 s of service, a 1 s client timeout) but is done anyway, and the
// connector retries it 90 minutes later with the same key: whether that makes a second order
// depends only on whether the OMS still knows the key. Customers order in the first hour only,
// so every retry is served before the run ends.
std::string expiring_keys(const char* idempotency) {
  return fmt::format(R"Y(
extends: base.yaml
name: expiring-keys
duration: 3h
systems:
  - name: oms
    endpoint: {{workers: 64, queue_max: 1000, service_time: 2s}}
    {}
traffic:
  - channel: shop
    rate: 1/min
    shape: [{{at: 0s, multiplier: 1}}, {{at: 60m, multiplier: 1}}, {{at: 61m, multiplier: 0}}]
policies:
  - name: retrying
    timeout: 1s
    retry: {{max_attempts: 2, backoff: constant, base: 90m, cap: 90m}}
    idempotency_keys: true
connectors:
  - {{name: ingest, policy: retrying}}
)Y",
                     idempotency);
}

TEST_CASE("a Stripe-style key that expired before the retry creates a second order") {
  const WorldResult forever = run_world(from_text(expiring_keys("")), 3);
  const WorldResult stripe_day =
      run_world(from_text(expiring_keys("idempotency: {style: stripe}")), 3);
  const WorldResult stripe_hour =
      run_world(from_text(expiring_keys("idempotency: {style: stripe, ttl: 1h}")), 3);
  REQUIRE(forever.channels[0].orders_placed == stripe_hour.channels[0].orders_placed);
  REQUIRE(forever.channels[0].orders_placed > 20);
  // Every create timed out and was retried 90 minutes later with the same key.
  CHECK(connector(forever, "ingest").stats.retries > 20);
  CHECK(forever.channels[0].duplicated == 0);
  CHECK(stripe_day.channels[0].duplicated == 0);  // 24 h outlives the 90-minute retry
  // A 1-hour key is gone when the retry comes: each retried order is created twice.
  CHECK(stripe_hour.channels[0].duplicated > 20);
  CHECK(stripe_hour.channels[0].duplicated == connector(stripe_hour, "ingest").stats.retries);
  for (const WorldResult* r : {&forever, &stripe_day, &stripe_hour})
    check_conserved(*r);
}

// An OMS that often answers after the 1 s client timeout: the retry of a create comes while the
// first is still being served (as in mechanisms_test's slow OMS).
std::string slow_keyed_oms(const char* idempotency) {
  return fmt::format(R"Y(
extends: base.yaml
name: slow-keyed-oms
duration: 1h
systems:
  - name: oms
    endpoint: {{workers: 32, queue_max: 5000, service_time: "lognormal(p50=300ms, p95=2s)"}}
    {}
traffic:
  - {{channel: shop, rate: 120/min}}
policies:
  - {{name: retrying, retry: {{max_attempts: 8, base: 200ms, cap: 5s}}}}
connectors:
  - {{name: ingest, policy: retrying}}
)Y",
                     idempotency);
}

TEST_CASE(
    "with Stripe-style keys a retry that arrives while its create is still served is "
    "answered 409, and the order is still created once") {
  const WorldResult waits = run_world(from_text(slow_keyed_oms("")), 11);
  const WorldResult stripe =
      run_world(from_text(slow_keyed_oms("idempotency: {style: stripe}")), 11);
  REQUIRE(waits.channels[0].orders_placed == stripe.channels[0].orders_placed);
  // Syncdrill's style serves the retry and replays the first result: no 409 ever.
  CHECK(errors_of(waits, ErrorClass::conflict) == 0);
  CHECK(connector(waits, "ingest").stats.late_responses > 50);
  // Stripe's refuses the retries that overtake their own first request.
  CHECK(errors_of(stripe, ErrorClass::conflict) > 20);
  for (const WorldResult* r : {&waits, &stripe}) {
    CHECK(r->channels[0].duplicated == 0);  // keys either way
    check_conserved(*r);
  }
}

}  // namespace
}  // namespace syncdrill
