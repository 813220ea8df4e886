// Detection scoring on real runs: a firing is attributed to the fault on the connectors the
// monitor watches, MTTD is the firing minus the onset, a fault nobody watches is missed and
// fails its tier's MTTD check, a firing with no fault is a false positive, and the run-level
// tier checks compare what happened with the targets.
#include "sim/score/detection.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "sim/score/tier_checks.hpp"
#include "sim/world/fault_reach.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::from_text;
using testing::tier_check;

// Ingest makes one attempt per call (the base's policy `once`), so an OMS outage loses the
// orders it meets; stock sync runs alongside. The stock connector's consumer stall has no
// monitor watching it.
const char* kDrill = R"Y(
extends: base.yaml
name: scored
connectors:
  - {name: stock, flow: stock_sync, from: erp, to: shop, policy: once}
faults:
  - {id: oms-down, kind: outage, target: oms, at: 20m, for: 10m, cause: third_party}
  - {id: stock-stuck, kind: consumer_stall, target: stock, at: 5m, for: 5m, cause: release}
monitors:
  - {name: ingest-errors, kind: threshold, signal: error_rate, target: ingest, above: 0.05,
     window: 1m, for: 1m}
  - {name: too-eager, kind: threshold, signal: throughput, flow: order_ingest, below: 1000,
     window: 1m}
sla_tiers:
  - {name: orders, flows: [order_ingest], freshness_p95: 2s, error_rate_max: 1%,
     data_loss_max: 0, mttd_max: 2m}
  - {name: stock, flows: [stock_sync], mttd_max: 10m, freshness_p95: 1h}
)Y";

TEST_CASE("firings are attributed to the faults on the connectors a monitor watches") {
  const Scenario s = from_text(kDrill);
  const WorldResult r = run_world(s, 4);
  const Score score = score_run(s, r);
  REQUIRE(score.incidents.size() == 2);
  const FaultIncident& outage = score.incidents[0];
  // The threshold monitor fires at 21m30s (see monitors_world_test): MTTD 90 s.
  REQUIRE(outage.detected.has_value());
  CHECK(*outage.detected == SimTime{} + minutes(21) + seconds(30));
  REQUIRE(outage.mttd.has_value());
  CHECK(*outage.mttd == seconds(90));
  // "too-eager" fires from its first tick on (throughput is always below 1000/s). It watches
  // ingest too, but its firing starts at 30 s, long before any fault: a false positive, and not
  // a detection of the outage.
  CHECK(outage.detected_by == std::vector<std::string>{"ingest-errors"});
  const FaultIncident& stall = score.incidents[1];
  CHECK(stall.missed());
  CHECK_FALSE(stall.mttd.has_value());
  REQUIRE(score.monitors.size() == 2);
  CHECK(score.monitors[0].false_positives == 0);
  REQUIRE(score.monitors[0].firings.size() == 1);
  CHECK(score.monitors[0].firings[0].attributed_to == std::vector<std::string>{"oms-down"});
  REQUIRE_FALSE(score.monitors[1].firings.empty());
  CHECK(score.monitors[1].firings[0].start == SimTime{} + seconds(30));
  CHECK(score.monitors[1].false_positives >= 1);
}

TEST_CASE("tier checks compare the run with the targets and say why they failed") {
  const Scenario s = from_text(kDrill);
  const WorldResult r = run_world(s, 4);
  const Score score = score_run(s, r);
  CHECK(score.scored);
  REQUIRE(score.tiers.size() == 2);
  const TierVerdict& orders = score.tiers[0];
  // The outage lost every order it met (one attempt each): ~5/s x 600 s = ~3,000.
  const TierCheck& loss = tier_check(orders, "data_loss");
  CHECK_FALSE(loss.held);
  CHECK(loss.actual == static_cast<double>(r.channels[0].lost));
  CHECK(loss.actual > 2500);
  CHECK(loss.reason == fmt::format("{} orders never reached the OMS (shop {}), over the limit of 0",
                                   count_text(r.channels[0].lost), count_text(r.channels[0].lost)));
  // ~3,000 OMS creates refused in the outage, of ~12,000 creates and ~9,000 revenue posts (one
  // per accepted create): 1/7 = 14.3%, over 1%.
  const TierCheck& errors = tier_check(orders, "error_rate");
  CHECK_FALSE(errors.held);
  CHECK(errors.actual > 0.12);
  CHECK(errors.actual < 0.16);
  // Ingest is fast (20 ms + 20 ms) for the orders that got in: p95 well under 2 s.
  CHECK(tier_check(orders, "freshness_p95").held);
  // MTTD 90 s against 2 m: held.
  const TierCheck& mttd = tier_check(orders, "mttd", "oms-down");
  CHECK(mttd.held);
  CHECK(mttd.actual == 90);
  CHECK_FALSE(orders.held());
  // The stall nobody watched fails the stock tier's MTTD check.
  const TierVerdict& stock = score.tiers[1];
  const TierCheck& missed = tier_check(stock, "mttd", "stock-stuck");
  CHECK_FALSE(missed.held);
  CHECK(missed.reason == fmt::format("fault stock-stuck was never detected: no monitor in scope "
                                     "fired while it acted on {} requests, deliveries or jobs",
                                     r.fault_hits[1]));
  CHECK_FALSE(missed.actual.has_value());
  CHECK(tier_check(stock, "freshness_p95").held);
  CHECK_FALSE(score.held());
}

// The ERP is called by the order ingest (shop -> OMS, which then posts the order's revenue to the
// ERP): no connector names it in from or to. A 15-minute ERP timeout fails every revenue post.
const char* kErpTimeout = R"Y(
extends: base.yaml
name: erp-timeout
connectors:
  - {name: ingest, queue_max: 100000}
faults:
  - {id: erp-hang, kind: timeout, target: erp, at: 10m, for: 15m}
monitors:
  - {name: erp-errors, kind: threshold, signal: error_rate, target: erp, above: 0.05,
     window: 1m, for: 1m}
sla_tiers:
  - {name: orders, flows: [order_ingest], mttd_max: 5m}
)Y";

TEST_CASE("a monitor on the ERP detects an ERP timeout that only the order ingest meets") {
  const Scenario s = from_text(kErpTimeout);
  // Scoping by name, from or to, as monitors once did, would read nothing here.
  for (const ConnectorSpec& c : s.connectors) {
    CHECK(c.from != "erp");
    CHECK(c.to != "erp");
  }
  const WorldResult r = run_world(s, 4);
  REQUIRE(r.monitors.size() == 1);
  CHECK(r.monitors[0].connectors == std::vector<std::string>{"ingest"});
  const Score score = score_run(s, r);
  REQUIRE(score.incidents.size() == 1);
  const FaultIncident& hang = score.incidents[0];
  // Revenue posts time out (1 s) from 10m on: about half the ingest's attempts fail, far over 5%
  // in the 1m window by the 10m30s tick; `for: 1m` makes the monitor fire at 11m30s.
  REQUIRE(hang.detected.has_value());
  CHECK(*hang.detected == SimTime{} + minutes(11) + seconds(30));
  REQUIRE(hang.mttd.has_value());
  CHECK(*hang.mttd == seconds(90));
  CHECK(hang.detected_by == std::vector<std::string>{"erp-errors"});
  REQUIRE(score.tiers.size() == 1);
  CHECK(tier_check(score.tiers[0], "mttd", "erp-hang").held);
  CHECK(score.warnings.empty());
}

TEST_CASE("score_run carries the observability warnings of its scenario") {
  // The stall on the stock connector is watched by no monitor (kDrill's monitors read ingest).
  const Scenario s = from_text(kDrill);
  const Score score = score_run(s, run_world(s, 4));
  CHECK(score.warnings == observability_warnings(s));
  REQUIRE(score.warnings.size() == 1);
  CHECK(score.warnings[0] ==
        "fault stock-stuck (consumer_stall on stock) touches connector stock, but no monitor "
        "watches it: it can never be detected");
}

}  // namespace
}  // namespace syncdrill
