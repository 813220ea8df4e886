// Recovery and response scoring on real runs: a runbook action shortens MTTR against the same
// seed without it, a fault whose dead letters are never replayed does not recover, and the
// incident timeline carries the acknowledgement and the actions.
#include "sim/score/detection.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "sim/score/tier_checks.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::from_text;

// The base drill (one attempt per call); an error monitor on ingest that fires 90 s after an
// OMS fault starts at 20m (see monitors_world_test). `extra`: faults and response.
std::string drill(const std::string& extra) {
  return fmt::format(R"Y(
extends: base.yaml
name: recovering
duration: 60m
connectors:
  - {{name: ingest, dead_letter_max: 100000}}
monitors:
  - {{name: ingest-errors, kind: threshold, signal: error_rate, target: ingest, above: 0.05,
     window: 1m, for: 1m}}
sla_tiers:
  - {{name: orders, flows: [order_ingest], mttr_max: 15m}}
{}
)Y",
                     extra);
}

const char* kRelease = R"(faults:
  - {id: bad-deploy, kind: error_burst, target: oms, at: 20m, for: 20m, intensity: 50%,
     cause: release})";

TEST_CASE("rolling back a release shortens its MTTR on the same seed") {
  const std::string rollback = std::string(kRelease) + R"(
response:
  ack_delay: 2m
  stable_for: 5m
  runbook:
    - {action: replay_dead_letter, target: ingest, delay: 4m}
    - {action: rollback, target: bad-deploy, delay: 3m})";
  const std::string replay_only = std::string(kRelease) + R"(
response:
  ack_delay: 2m
  stable_for: 5m
  runbook:
    - {action: replay_dead_letter, target: ingest, delay: 21m})";
  const Scenario slow_s = from_text(drill(replay_only));
  const Scenario fast_s = from_text(drill(rollback));
  const Score slow = score_run(slow_s, run_world(slow_s, 7));
  const Score fast = score_run(fast_s, run_world(fast_s, 7));
  REQUIRE(slow.incidents.size() == 1);
  REQUIRE(fast.incidents.size() == 1);
  // Without the rollback the burst runs its 20 minutes; the replay at 21m30s + 2m + 21m =
  // 44m30s clears the dead letters, so the first healthy sample is at 45m: MTTR 25m.
  REQUIRE(slow.incidents[0].mttr.has_value());
  CHECK(*slow.incidents[0].mttr == minutes(25));
  // With it: rolled back at 26m30s, dead letters replayed at 27m30s; healthy from the sample at
  // 28m on: MTTR 8m.
  REQUIRE(fast.incidents[0].mttr.has_value());
  CHECK(*fast.incidents[0].mttr == minutes(8));
  CHECK(fast.incidents[0].ended == SimTime{} + minutes(26) + seconds(30));
  // The timeline: detected 21m30s, acknowledged 23m30s, both actions inside the incident.
  CHECK(fast.incidents[0].acknowledged == SimTime{} + minutes(23) + seconds(30));
  REQUIRE(fast.incidents[0].actions.size() == 2);
  CHECK(fast.incidents[0].actions[0].kind == ActionKind::rollback);
  CHECK(fast.incidents[0].actions[1].kind == ActionKind::replay_dead_letter);
  // The tier's MTTR target of 15 minutes: breached without the rollback, held with it.
  REQUIRE(slow.tiers.size() == 1);
  CHECK_FALSE(slow.held());
  CHECK(fast.held());
}

TEST_CASE("a fault whose dead letters stay unreplayed never recovers") {
  const Scenario s = from_text(drill(kRelease));
  const Score score = score_run(s, run_world(s, 8));
  REQUIRE(score.incidents.size() == 1);
  CHECK(score.incidents[0].detected.has_value());
  CHECK_FALSE(score.incidents[0].recovered.has_value());
  // No runbook: acknowledged (the default ack delay), but no action ran.
  CHECK(score.incidents[0].acknowledged.has_value());
  CHECK(score.incidents[0].actions.empty());
  REQUIRE(score.tiers.size() == 1);
  CHECK_FALSE(score.held());
  // Service is back once the burst ends, but the dead letters it left are the damage: the note
  // names the connector and how many it still holds.
  const FaultIncident& f = score.incidents[0];
  const WorldResult again = run_world(s, 8);
  const ConnectorOutcome& ingest = testing::connector(again, "ingest");
  REQUIRE(ingest.dead_letter_size > 0);
  CHECK(f.recovery_note ==
        fmt::format("service not restored: at the end connector ingest still held {} dead "
                    "letters (0 before the onset)",
                    count_text(ingest.dead_letter_size_series.back())));
}

// A harmless fault near the end leaves healthy connectors but no room for a stable period.
TEST_CASE("a fault that ends too close to the end of the run says so instead of blaming it") {
  const Scenario s = from_text(drill(R"(faults:
  - {id: late, kind: latency, target: oms, at: 56m, for: 2m, latency: 10ms})"));
  const Score score = score_run(s, run_world(s, 8));
  REQUIRE(score.incidents.size() == 1);
  CHECK_FALSE(score.incidents[0].recovered.has_value());
  CHECK(score.incidents[0].recovery_note ==
        "the run ended 2m after the fault did, too soon to see its connectors healthy for 5m "
        "(response.stable_for)");
}

}  // namespace
}  // namespace syncdrill
