// The tier checks on hand-made run results: per-channel freshness and error rate (the worst
// channel decides, a channel with too few attempts counts only in the all-channel figure), no
// data when there is nothing to measure, and one mttd check per fault in a tier.
#include "sim/score/tier_checks.hpp"

#include <doctest/doctest.h>

#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::from_text;
using testing::tier_check;

const char* kTwoShops = R"Y(
name: two-shops
duration: 1h
channels:
  - {name: big, kind: shopify_like}
  - {name: small, kind: shopify_like}
systems:
  - {name: oms, kind: oms}
  - {name: erp, kind: erp}
connectors:
  - {name: ingest-big, flow: order_ingest, from: big, to: oms}
  - {name: ingest-small, flow: order_ingest, from: small, to: oms}
  - {name: stock-big, flow: stock_sync, from: erp, to: big}
sla_tiers:
  - {name: critical, flows: [order_ingest], error_rate_max: 1%, freshness_p95: 1m}
  - {name: stock, flows: [stock_sync], error_rate_max: 1%, freshness_p95: 1m}
)Y";

ConnectorOutcome connector(std::string name, FlowKind flow, uint64_t ok, uint64_t failed) {
  ConnectorOutcome c;
  c.name = std::move(name);
  c.flow = flow;
  c.stats.jobs_offered = ok + failed;
  c.stats.attempts_ok = ok;
  c.stats.errors[static_cast<size_t>(ErrorClass::server_error)] = failed;
  return c;
}

ChannelOutcome channel(std::string name, std::vector<int64_t> ingest_delays_us) {
  ChannelOutcome c;
  c.channel = std::move(name);
  for (int64_t d : ingest_delays_us)
    c.ingest_delay_us.record(d);
  return c;
}

TEST_CASE("the worst channel decides freshness and error rate, the merged figure rides along") {
  const Scenario s = from_text(kTwoShops);
  WorldResult r;
  // big: 10,000 attempts, 0.5% failed; small: 1,000 attempts, 3% failed (enough to stand alone).
  r.connectors = {connector("ingest-big", FlowKind::order_ingest, 9'950, 50),
                  connector("ingest-small", FlowKind::order_ingest, 970, 30),
                  connector("stock-big", FlowKind::stock_sync, 0, 0)};
  r.channels = {channel("big", std::vector<int64_t>(100, 1'000'000)),
                channel("small", std::vector<int64_t>(100, 120'000'000))};
  Score score;
  judge_tiers(s, r, score);
  const TierCheck& errors = tier_check(score.tiers[0], "error_rate");
  CHECK_FALSE(errors.held);
  CHECK(errors.channel == "small");
  CHECK(*errors.actual == doctest::Approx(0.03));
  CHECK(*errors.merged == doctest::Approx(80.0 / 11'000));  // 0.73%: under the limit
  CHECK(
      errors.reason.find("on small (ingest-small) failed 3.00% of their attempts (30 of 1,000)") !=
      std::string::npos);
  const TierCheck& fresh = tier_check(score.tiers[0], "freshness_p95");
  CHECK_FALSE(fresh.held);
  CHECK(fresh.channel == "small");
  CHECK(*fresh.actual > 110);
  // Nothing on the stock flow: no data, not a pass on nothing.
  const TierCheck& stock_errors = tier_check(score.tiers[1], "error_rate");
  CHECK(stock_errors.no_data);
  CHECK(stock_errors.held);
  CHECK_FALSE(stock_errors.actual.has_value());
  CHECK(tier_check(score.tiers[1], "freshness_p95").no_data);
  CHECK(tier_check(score.tiers[1], "dropped").no_data);
  CHECK(score.tiers[1].no_data());
}

TEST_CASE("a channel with fewer than 1 / limit attempts counts only in the all-channel figure") {
  const Scenario s = from_text(kTwoShops);
  WorldResult r;
  // small: 1 failure in 20 attempts (5%) is below 1 / 1% = 100 attempts: no rate of its own.
  r.connectors = {connector("ingest-big", FlowKind::order_ingest, 9'990, 10),
                  connector("ingest-small", FlowKind::order_ingest, 19, 1)};
  Score score;
  judge_tiers(s, r, score);
  const TierCheck& errors = tier_check(score.tiers[0], "error_rate");
  // big alone (0.1%) is under the all-channel figure (11 of 10,020), which then decides.
  CHECK(errors.held);
  CHECK(errors.channel.empty());
  CHECK(*errors.actual == doctest::Approx(11.0 / 10'020));
  // The same small channel with 100 attempts stands alone, and fails.
  r.connectors[1] = connector("ingest-small", FlowKind::order_ingest, 95, 5);
  Score again;
  judge_tiers(s, r, again);
  const TierCheck& now = tier_check(again.tiers[0], "error_rate");
  CHECK_FALSE(now.held);
  CHECK(now.channel == "small");
  // Failures spread thin over small channels (one each, within one of their allowance) still
  // show in the all-channel figure: 2 of 100 is 2%.
  r.connectors = {connector("ingest-big", FlowKind::order_ingest, 49, 1),
                  connector("ingest-small", FlowKind::order_ingest, 49, 1)};
  Score thin;
  judge_tiers(s, r, thin);
  const TierCheck& pooled = tier_check(thin.tiers[0], "error_rate");
  CHECK_FALSE(pooled.held);
  CHECK(pooled.channel.empty());
  CHECK(pooled.reason.find("(all channels together)") != std::string::npos);
  // A channel that failed everything stands alone at any volume: 92 of 92.
  r.connectors = {connector("ingest-big", FlowKind::order_ingest, 9'990, 10),
                  connector("ingest-small", FlowKind::order_ingest, 0, 92)};
  Score dead;
  judge_tiers(s, r, dead);
  const TierCheck& all_failed = tier_check(dead.tiers[0], "error_rate");
  CHECK_FALSE(all_failed.held);
  CHECK(all_failed.channel == "small");
  CHECK(*all_failed.actual == 1.0);
}

TEST_CASE("a channel whose sync work never got through is the stalest, not left out") {
  const Scenario s = from_text(kTwoShops);
  WorldResult r;
  r.simulated = hours(1);
  r.connectors = {connector("ingest-big", FlowKind::order_ingest, 100, 0),
                  connector("ingest-small", FlowKind::order_ingest, 0, 30)};
  r.channels = {channel("big", std::vector<int64_t>(100, 1'000'000)), channel("small", {})};
  Score score;
  judge_tiers(s, r, score);
  const TierCheck& fresh = tier_check(score.tiers[0], "freshness_p95");
  CHECK_FALSE(fresh.held);
  CHECK(fresh.channel == "small");
  CHECK(*fresh.actual == 3600);
  CHECK(*fresh.merged == doctest::Approx(1.0).epsilon(0.04));
  CHECK(fresh.reason.find("no order_ingest update reached small in the whole run (30 jobs "
                          "offered, none delivered)") != std::string::npos);
  // With nothing offered to it, a quiet channel is simply not measured.
  r.connectors[1] = connector("ingest-small", FlowKind::order_ingest, 0, 0);
  Score quiet;
  judge_tiers(s, r, quiet);
  CHECK(tier_check(quiet.tiers[0], "freshness_p95").held);
  CHECK(tier_check(quiet.tiers[0], "freshness_p95").channel == "big");
}

}  // namespace
}  // namespace syncdrill
