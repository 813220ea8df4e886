// How faults meet their targets: the documented admission order whatever the YAML order, a
// fault named twice acting once, latency on a connector's own calls, flapping windows counted
// by their on phases only, tallies closed at the end of the run, and a duplicate's copy never
// counted as a lost event.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "sim/world/world.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::connector;
using testing::from_text;
using testing::port;

// The base drill, its ingest retrying three times a second apart with a 10 s timeout.
std::string world(const std::string& faults) {
  return fmt::format(R"Y(
extends: base.yaml
name: targets
policies:
  - {{name: p, timeout: 10s, retry: {{max_attempts: 3, backoff: constant, base: 1s}},
     idempotency_keys: true}}
connectors:
  - {{name: ingest, policy: p, workers: 32, queue_max: 100000}}
{}
)Y",
                     faults);
}

TEST_CASE("admission asks an outage before a malformed payload, whatever the YAML order") {
  const WorldResult r = run_world(from_text(world(R"(faults:
  - {id: bad-schema, kind: malformed_payload, target: oms, at: 10m, for: 5m}
  - {id: oms-down, kind: outage, target: oms, at: 10m, for: 5m})")),
                                  1);
  CHECK(r.fault_hits[0] == 0);
  CHECK(r.fault_hits[1] > 1000);
  CHECK(connector(r, "ingest").stats.errors[static_cast<size_t>(ErrorClass::rejected)] == 0);
}

TEST_CASE("a fault whose targets name the same thing twice acts once") {
  const auto drop = [](const std::string& targets) {
    return fmt::format(R"(faults:
  - {{id: hooks, kind: webhook_drop, target: {}, at: 10m, for: 10m, intensity: 40%}})",
                       targets);
  };
  const WorldResult once = run_world(from_text(world(drop("shop"))), 2);
  const WorldResult twice = run_world(from_text(world(drop("[shop, shop/orders/create]"))), 2);
  CHECK(once.fault_hits[0] > 500);
  CHECK(twice.fault_hits[0] == once.fault_hits[0]);
  CHECK(twice.channels[0].webhook_deliveries_dropped ==
        once.channels[0].webhook_deliveries_dropped);
  const std::string stalls = R"(faults:
  - {id: stuck, kind: consumer_stall, target: [ingest, ingest], at: 10m, for: 5m})";
  const WorldResult stalled = run_world(from_text(world(stalls)), 2);
  // Each job offered in the 5 minutes counted once: ~1,500, not ~3,000.
  CHECK(stalled.fault_hits[0] > 1300);
  CHECK(stalled.fault_hits[0] < 1700);
}

TEST_CASE("a latency fault on a connector delays that connector's answers") {
  const WorldResult r = run_world(from_text(world(R"(faults:
  - {id: slow-client, kind: latency, target: ingest, at: 10m, for: 5m, latency: 2s})")),
                                  3);
  CHECK(r.fault_hits[0] > 1000);
  CHECK(connector(r, "ingest").stats.job_latency_us.max() >= 2'000'000);
  CHECK(port(r, "oms").admission.delayed_by_latency == 0);
}

TEST_CASE("a flapping stall counts its on phases only, however its window ends") {
  // On 5m, off 5m from 10m: the on phases are [10m,15m) and [20m,25m) whether the window is
  // 15m (it ends as the second on phase does) or 20m (it ends in an off phase, at 30m).
  const auto stall = [](const std::string& length) {
    return fmt::format(R"(faults:
  - {{id: stuck, kind: consumer_stall, target: ingest, at: 10m, for: {},
     flap: {{on: 5m, off: 5m}}}})",
                       length);
  };
  const WorldResult a = run_world(from_text(world(stall("15m"))), 4);
  const WorldResult b = run_world(from_text(world(stall("20m"))), 4);
  CHECK(a.fault_hits[0] > 2500);
  CHECK(a.fault_hits[0] == b.fault_hits[0]);
  CHECK(connector(a, "ingest").stats.attempts == connector(b, "ingest").stats.attempts);
}

TEST_CASE("a stall still in force when the run ends counts what it held") {
  const WorldResult r = run_world(from_text(world(R"(faults:
  - {id: stuck, kind: consumer_stall, target: ingest, at: 35m, for: 1h})")),
                                  5);
  // The jobs offered in the last 5 minutes, all still queued.
  CHECK(r.fault_hits[0] > 1300);
  CHECK(r.fault_hits[0] ==
        connector(r, "ingest").queue_length_at_end + connector(r, "ingest").busy_workers_at_end);
}

TEST_CASE("a duplicate's copy dropped or given up loses no event") {
  const WorldResult r = run_world(from_text(world(R"(faults:
  - {id: twice, kind: webhook_duplicate, target: shop, at: 10m, for: 10m, delay: 1s}
  - {id: drops, kind: webhook_drop, target: shop, at: 10m, for: 10m, intensity: 50%,
     per: event})")),
                                  6);
  const ChannelOutcome& c = r.channels[0];
  CHECK(c.webhook_events_lost > 500);
  // No backup poll: each event lost is exactly one order lost, copies included in neither.
  CHECK(c.lost == c.webhook_events_lost);
  CHECK(c.orders_placed == c.in_oms_once + c.duplicated + c.lost + c.oversold + c.in_flight);
}

}  // namespace
}  // namespace syncdrill
