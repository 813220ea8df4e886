// Failures by cause and the run's warnings, on real runs: each cause sums its faults' hits and
// damage; reconciliation dropping repairs on a full queue is a warning with the count; a stock
// check's per-channel figures and the dropped-work check see what the merged figures hide.
#include "sim/score/causes.hpp"

#include <algorithm>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "sim/score/detection.hpp"
#include "sim/score/tier_checks.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::from_text;

// The base drill, one attempt per ingest call: the OMS outage loses the orders it meets, and
// reconciliation (every 10 minutes, a queue of 5) finds far more missing orders than its queue
// holds.
const char* kLossy = R"Y(
extends: base.yaml
name: lossy
connectors:
  - {name: recon, flow: reconciliation, from: erp, to: oms, interval: 10m, queue_max: 5,
     workers: 1, repair_rate: 100/s}
faults:
  - {id: oms-down, kind: outage, target: oms, at: 5m, for: 5m, cause: third_party}
  - {id: bad-deploy, kind: error_burst, target: erp, at: 20m, for: 2m, intensity: 0.5,
     cause: release}
sla_tiers:
  - {name: orders, flows: [order_ingest], data_loss_max: 0}
  - {name: batch, flows: [reconciliation]}
)Y";

TEST_CASE("failures by cause sum their faults' hits and damage, in cause order") {
  const Scenario s = from_text(kLossy);
  const WorldResult r = run_world(s, 2);
  const Score score = score_run(s, r);
  REQUIRE(score.causes.size() == 2);
  // release before third_party (FaultCause order), whatever the scenario's order.
  CHECK(score.causes[0].cause == FaultCause::release);
  CHECK(score.causes[0].faults == std::vector<std::string>{"bad-deploy"});
  CHECK(score.causes[1].cause == FaultCause::third_party);
  CHECK(score.causes[1].faults == std::vector<std::string>{"oms-down"});
  CHECK(score.causes[0].errors == r.fault_hits[1]);
  CHECK(score.causes[1].errors == r.fault_hits[0]);
  const FaultDamage& outage = score.incidents[0].damage;
  CHECK(score.causes[1].orders_missing_peak == outage.orders_missing);
  CHECK(score.causes[1].money_minor == outage.money_minor);
  // ~5 orders/s for 5 minutes met the outage and were lost at once: ~1,500 missing at the peak.
  CHECK(outage.orders_missing > 1200);
  CHECK(outage.orders_missing < 1800);
  CHECK(outage.money_minor > 0);
}

TEST_CASE("reconciliation dropping repairs on a full queue is a warning with the count") {
  const Scenario s = from_text(kLossy);
  const WorldResult r = run_world(s, 2);
  const ConnectorOutcome& recon = testing::connector(r, "recon");
  REQUIRE(recon.stats.jobs_dropped_queue_full > 0);
  const Score score = score_run(s, r);
  const std::string expected = fmt::format(
      "reconciliation connector recon dropped {} repair jobs on a full queue (queue_max 5): those "
      "repairs were never made; raise its queue_max or lower its repair_rate",
      count_text(recon.stats.jobs_dropped_queue_full));
  CHECK(std::find(score.warnings.begin(), score.warnings.end(), expected) != score.warnings.end());
  // The batch tier's default dropped check breaches on the same jobs and says so.
  const TierVerdict& batch = score.tiers[1];
  REQUIRE(batch.checks.size() == 1);  // the tier sets no limit: only the default dropped check
  const TierCheck& dropped = batch.checks[0];
  CHECK(dropped.check == "dropped");
  CHECK_FALSE(dropped.held);
  CHECK(dropped.actual == static_cast<double>(recon.stats.jobs_dropped_queue_full));
  CHECK(dropped.reason.find("recon: " + count_text(recon.stats.jobs_dropped_queue_full) +
                            ", queue_max 5") != std::string::npos);
  // With room in the queue there is nothing to warn of.
  Scenario roomy = s;
  roomy.connectors[1].queue_max = 100'000;
  const Score calm = score_run(roomy, run_world(roomy, 2));
  for (const std::string& w : calm.warnings)
    CHECK(w.find("reconciliation connector") == std::string::npos);
}

}  // namespace
}  // namespace syncdrill
