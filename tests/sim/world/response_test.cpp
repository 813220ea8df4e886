// Response in the world: a firing monitor pages on-call, acknowledgement follows the sampled
// delay, the runbook's actions run and change the outcome against the same seed without them.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "sim/world/world.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::connector;
using testing::from_text;

// The base drill: ingest with one attempt per call, so an OMS fault dead-letters the orders it
// meets; the monitor fires at 21m30s for a fault at 20m (see monitors_world_test). `extra`:
// faults, response and anything else, as YAML.
std::string drill(const std::string& extra, const std::string& more_monitors = "") {
  return fmt::format(R"Y(
extends: base.yaml
name: responded
duration: 50m
connectors:
  - {{name: ingest, dead_letter_max: 100000}}
monitors:
  - {{name: ingest-errors, kind: threshold, signal: error_rate, target: ingest, above: 0.05,
     window: 1m, for: 1m}}
{}
{}
)Y",
                     more_monitors, extra);
}

const char* kOutage = R"(faults:
  - {id: oms-down, kind: outage, target: oms, at: 20m, for: 10m})";

std::vector<ResponseEvent> of_kind(const WorldResult& r, ResponseEvent::Kind kind) {
  std::vector<ResponseEvent> out;
  for (const ResponseEvent& e : r.response) {
    if (e.kind == kind) out.push_back(e);
  }
  return out;
}

TEST_CASE("a firing pages on-call, acknowledged after the ack delay, all clear when it stops") {
  const WorldResult r = run_world(from_text(drill(std::string(kOutage) + R"(
response: {ack_delay: 2m})")),
                                  1);
  const auto pages = of_kind(r, ResponseEvent::Kind::page);
  const auto acks = of_kind(r, ResponseEvent::Kind::acknowledge);
  const auto clears = of_kind(r, ResponseEvent::Kind::all_clear);
  REQUIRE(pages.size() == 1);
  CHECK(pages[0].at == SimTime{} + minutes(21) + seconds(30));
  CHECK(pages[0].monitor == 0);
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].at == pages[0].at + minutes(2));
  REQUIRE(clears.size() == 1);
  CHECK(clears[0].at == SimTime{} + minutes(31));  // the monitor's episode ends at 31m
  CHECK(of_kind(r, ResponseEvent::Kind::action).empty());
}

TEST_CASE("replaying the dead-letter queue after the outage brings the lost orders back") {
  const std::string runbook = std::string(kOutage) + R"(
response:
  ack_delay: 2m
  runbook:
    - {action: replay_dead_letter, target: ingest, on: ingest-errors, delay: 10m})";
  const WorldResult without = run_world(from_text(drill(kOutage)), 2);
  const WorldResult with = run_world(from_text(drill(runbook)), 2);
  // Every order the outage met was dead-lettered: ~5/s x 600 s.
  CHECK(without.channels[0].lost > 2500);
  const auto actions = of_kind(with, ResponseEvent::Kind::action);
  REQUIRE(actions.size() == 1);
  // Page 21m30s + ack 2m + delay 10m, after the outage ended at 30m.
  CHECK(actions[0].at == SimTime{} + minutes(33) + seconds(30));
  CHECK(actions[0].effect == connector(without, "ingest").stats.jobs_dead_lettered);
  CHECK(with.channels[0].lost == 0);
  CHECK(with.channels[0].in_oms_once == with.channels[0].orders_placed);
  CHECK(connector(with, "ingest").dead_letter_size == 0);
}

TEST_CASE("rolling back a release fault ends it when the runbook says, not when its window does") {
  const std::string release = R"(faults:
  - {id: bad-deploy, kind: error_burst, target: oms, at: 20m, for: 20m, intensity: 50%,
     cause: release})";
  const std::string runbook = release + R"(
response:
  ack_delay: 2m
  runbook:
    - {action: rollback, target: bad-deploy, delay: 3m})";
  const WorldResult without = run_world(from_text(drill(release)), 3);
  const WorldResult with = run_world(from_text(drill(runbook)), 3);
  REQUIRE(without.fault_ended.size() == 1);
  CHECK(without.fault_ended[0] == SimTime{} + minutes(40));
  // Detected at 21m30s, acknowledged at 23m30s, rolled back 3 minutes later.
  CHECK(with.fault_ended[0] == SimTime{} + minutes(26) + seconds(30));
  // ~6.5 of the 20 minutes: about a third of the 5xx answers.
  const double ratio =
      static_cast<double>(with.fault_hits[0]) / static_cast<double>(without.fault_hits[0]);
  CHECK(ratio > 0.28);
  CHECK(ratio < 0.38);
  CHECK(with.channels[0].lost < without.channels[0].lost);
}

TEST_CASE("a rolled-back stall counts the jobs it held until the rollback, once") {
  // The stall's scheduled end (40m) still fires after the rollback closed the window; it must
  // not count the window again.
  const std::string stall = R"(faults:
  - {id: stuck-consumer, kind: consumer_stall, target: ingest, at: 20m, for: 20m, cause: release})";
  const std::string absence =
      "  - {name: ingest-stalled, kind: absence, target: ingest, window: 2m}";
  const std::string runbook = stall + R"(
response:
  ack_delay: 2m
  runbook:
    - {action: rollback, target: stuck-consumer, delay: 3m})";
  const WorldResult without = run_world(from_text(drill(stall, absence)), 5);
  const WorldResult with = run_world(from_text(drill(runbook, absence)), 5);
  const Duration rolled = with.fault_ended[0] - (SimTime{} + minutes(20));
  REQUIRE(rolled > minutes(3));
  REQUIRE(rolled < minutes(12));
  // ~5 orders/s offered: the hits scale with the time the stall was in force.
  const double expected = static_cast<double>(without.fault_hits[0]) *
                          (static_cast<double>(rolled.us) / static_cast<double>(minutes(20).us));
  CHECK(static_cast<double>(with.fault_hits[0]) > 0.85 * expected);
  CHECK(static_cast<double>(with.fault_hits[0]) < 1.15 * expected);
  CHECK(with.fault_hits[0] < without.fault_hits[0]);
}

TEST_CASE("pausing a channel stops its sales until it resumes") {
  const std::string runbook = std::string(kOutage) + R"(
response:
  ack_delay: 1m
  runbook:
    - {action: pause_channel, target: shop, for: 5m, delay: 10m})";
  const WorldResult without = run_world(from_text(drill(kOutage)), 4);
  const WorldResult with = run_world(from_text(drill(runbook)), 4);
  // Paused from 32m30s to 37m30s, after the outage (a pause during it would silence the error
  // monitor, close the incident, and the next firing would pause again): ~5/s x 300 s
  // customers find nothing listed, Poisson SD ~39.
  CHECK(without.channels[0].orders_sold_out == 0);
  CHECK(with.channels[0].orders_sold_out > 1300);
  CHECK(with.channels[0].orders_sold_out < 1700);
  // The channel stock is re-listed after the pause: sales go on.
  CHECK(with.channels[0].orders_placed + with.channels[0].orders_sold_out ==
        without.channels[0].orders_placed + without.channels[0].orders_sold_out);
}

}  // namespace
}  // namespace syncdrill
