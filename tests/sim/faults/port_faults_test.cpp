// Faults that a port applies (outage, error_burst, latency), each checked against a run of the
// same scenario and seed without it: the effect shows on its target inside its window, and
// before the onset the two runs agree exactly (common random numbers).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "mocks/fault_window.hpp"
#include "sim/world/world.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::from_text;
using testing::port;

// The base drill at ten orders a second into a fast OMS and ERP for an hour, its ingest retrying
// with backoff (the base's policy `retrying`); `faults` is a YAML list or empty.
std::string scenario(const std::string& faults, bool idempotency_keys = true) {
  return fmt::format(R"Y(
extends: base.yaml
name: port-faults
duration: 1h
catalog: {{skus: 500, stock_per_sku: 100000}}
systems:
  - {{name: oms, endpoint: {{workers: 16, queue_max: 5000, service_time: 50ms}}}}
  - {{name: erp, endpoint: {{workers: 16, queue_max: 5000, service_time: 80ms}}}}
traffic:
  - {{channel: shop, rate: 10/s}}
policies:
  - {{name: retrying, idempotency_keys: {}}}
connectors:
  - {{name: ingest, policy: retrying}}
{}
)Y",
                     idempotency_keys ? "true" : "false", faults);
}

const ConnectorOutcome& ingest(const WorldResult& r) {
  return r.connectors.front();
}

// Per-minute series agree before `minute`.
void check_same_before(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b,
                       size_t minute) {
  REQUIRE(a.size() > minute);
  REQUIRE(b.size() > minute);
  for (size_t i = 0; i <= minute; ++i)
    CHECK(a[i] == b[i]);
}

TEST_CASE("a fault is in force inside its window and, when it flaps, only in its on phases") {
  FaultSpec f;
  f.at = minutes(10);
  f.length = minutes(6);
  CHECK_FALSE(fault_active(f, SimTime{} + minutes(10) - microseconds(1)));
  CHECK(fault_active(f, SimTime{} + minutes(10)));
  CHECK(fault_active(f, SimTime{} + minutes(16) - microseconds(1)));
  CHECK_FALSE(fault_active(f, SimTime{} + minutes(16)));
  f.flap = FlapSpec{minutes(1), minutes(2)};
  CHECK(fault_active(f, SimTime{} + minutes(10) + seconds(59)));
  CHECK_FALSE(fault_active(f, SimTime{} + minutes(11)));
  CHECK_FALSE(fault_active(f, SimTime{} + minutes(12) + seconds(59)));
  CHECK(fault_active(f, SimTime{} + minutes(13)));
}

TEST_CASE("an OMS outage stops order ingest inside its window and only there") {
  const std::string outage = R"(faults:
  - {id: oms-down, kind: outage, target: oms, at: 20m, for: 10m, cause: third_party})";
  const WorldResult healthy = run_world(from_text(scenario("")), 7);
  const WorldResult down = run_world(from_text(scenario(outage)), 7);
  REQUIRE(healthy.channels[0].orders_placed == down.channels[0].orders_placed);
  CHECK(port(down, "oms").admission.refused_by_outage > 0);
  CHECK(port(healthy, "oms").admission.refused_by_outage == 0);
  const auto& ok = ingest(down).succeeded_series;
  // Minute k of the series counts jobs that ended in (k-1, k] minutes: 21..30 lie inside.
  for (size_t minute = 22; minute <= 30; ++minute)
    CHECK(ok[minute] == 0);
  CHECK(ok[35] > 0);
  check_same_before(ingest(healthy).succeeded_series, ok, 20);
  check_same_before(ingest(healthy).dead_lettered_series, ingest(down).dead_lettered_series, 20);
  // Jobs exhausted their four attempts inside the outage: dead letters, orders lost.
  CHECK(ingest(down).stats.jobs_dead_lettered > 0);
  CHECK(down.channels[0].lost > 0);
  CHECK(healthy.channels[0].lost == 0);
}

TEST_CASE("an error burst fails about its intensity of the calls it covers") {
  const std::string burst = R"(faults:
  - {id: erp-5xx, kind: error_burst, target: erp, at: 10m, for: 30m, intensity: 30%,
     cause: release})";
  const WorldResult healthy = run_world(from_text(scenario("")), 9);
  const WorldResult bursty = run_world(from_text(scenario(burst)), 9);
  const PortOutcome& erp = port(bursty, "erp");
  const uint64_t failed = erp.admission.failed_by_error_burst;
  // Every 5xx in this world comes from the burst: no server queue ever fills.
  CHECK(ingest(bursty).stats.errors[static_cast<size_t>(ErrorClass::server_error)] == failed);
  // ERP calls in the window: ~10/s x 1800 s first attempts plus retries. The fraction failed
  // among them is 30% with a binomial standard error under 0.4% at this count.
  const double calls_in_window = static_cast<double>(failed) + 10.0 * 1800.0;
  const double fraction = static_cast<double>(failed) / calls_in_window;
  INFO("failed " << failed << " of about " << calls_in_window);
  CHECK(fraction > 0.25);
  CHECK(fraction < 0.35);
  check_same_before(ingest(healthy).succeeded_series, ingest(bursty).succeeded_series, 10);
  CHECK(port(healthy, "erp").admission.failed_by_error_burst == 0);
}

TEST_CASE("OMS latency beyond the client timeout creates duplicates when keys are off") {
  const std::string slow = R"(faults:
  - {id: oms-slow, kind: latency, target: oms, at: 15m, for: 10m, intensity: 50%,
     latency: 3s, cause: capacity})";
  const WorldResult healthy = run_world(from_text(scenario("", false)), 5);
  const WorldResult slowed = run_world(from_text(scenario(slow, false)), 5);
  const WorldResult keyed = run_world(from_text(scenario(slow, true)), 5);
  CHECK(healthy.channels[0].duplicated == 0);
  CHECK(port(slowed, "oms").admission.delayed_by_latency > 0);
  CHECK(ingest(slowed).stats.errors[static_cast<size_t>(ErrorClass::timeout)] > 100);
  CHECK(slowed.channels[0].duplicated > 100);
  CHECK(keyed.channels[0].duplicated == 0);
  check_same_before(ingest(healthy).succeeded_series, ingest(slowed).succeeded_series, 15);
  for (const WorldResult* r : {&healthy, &slowed, &keyed}) {
    const ChannelOutcome& c = r->channels[0];
    CHECK(c.orders_placed == c.in_oms_once + c.duplicated + c.lost + c.oversold + c.in_flight);
    CHECK(r->skus_not_conserved == 0);
  }
}

}  // namespace
}  // namespace syncdrill
