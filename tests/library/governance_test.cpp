// The governance drills of scenarios/ (stock-sync delay, connector timeout, mapping errors) and
// the marketplace rate-limit storm: each runs on its own seed with its default policy and must
// give the outcome its header comment promises. The ranges hold on seeds 1-5 as well, with a
// margin. Where it is cheap, a variant of the drill shows what the runbook or the policy is for,
// so a drill that stopped exercising its fault would fail here.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "sim/scenario/loader.hpp"
#include "sim/score/detection.hpp"
#include "tests/library/library_run.hpp"

namespace syncdrill {
namespace {

using testing::incident;
using testing::LibraryRun;
using testing::run_library;
using testing::total_duplicated;
using testing::total_lost;
using testing::total_oversold;

std::string drill_path(const std::string& file) {
  return std::string(SYNCDRILL_SOURCE_DIR) + "/scenarios/" + file;
}

std::string drill_text(const std::string& file) {
  std::ifstream in(drill_path(file));
  REQUIRE(in);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The text with `from` (which must occur once) replaced by `to`.
std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "no '", from, "' in the drill");
  CHECK(text.find(from, at + 1) == std::string::npos);
  return text.replace(at, from.size(), to);
}

// An edited drill, loaded at the drill's own path (so `extends` resolves), run on the drill's
// seed and scored.
struct Variant {
  Scenario scenario;
  WorldResult result;
  Score score;
};

Variant run_variant(const std::string& file, const std::string& text) {
  const LoadResult loaded = load_scenario_text(text, drill_path(file));
  REQUIRE(loaded.ok());
  Variant v{*loaded.scenario, {}, {}};
  v.result = run_world(v.scenario, v.scenario.seed);
  REQUIRE_MESSAGE(v.result.limit_message.empty(), v.result.limit_message);
  v.score = score_run(v.scenario, v.result);
  return v;
}

const FaultIncident& only_incident(const Score& score) {
  REQUIRE(score.incidents.size() == 1);
  return score.incidents.front();
}

const ConnectorOutcome& connector(const WorldResult& r, const std::string& name) {
  for (const ConnectorOutcome& c : r.connectors) {
    if (c.name == name) return c;
  }
  FAIL("no connector ", name);
  return r.connectors.front();  // not reached: FAIL throws
}

const ChannelOutcome& channel(const WorldResult& r, const std::string& name) {
  for (const ChannelOutcome& c : r.channels) {
    if (c.channel == name) return c;
  }
  FAIL("no channel ", name);
  return r.channels.front();  // not reached
}

const PortOutcome& port(const WorldResult& r, const std::string& name) {
  for (const PortOutcome& p : r.ports) {
    if (p.name == name) return p;
  }
  FAIL("no port ", name);
  return r.ports.front();  // not reached
}

const TierVerdict& tier(const Score& score, const std::string& name) {
  for (const TierVerdict& t : score.tiers) {
    if (t.tier == name) return t;
  }
  FAIL("no tier ", name);
  return score.tiers.front();  // not reached
}

// The checks of a tier that failed, as "check flow", sorted.
std::vector<std::string> failed_checks(const TierVerdict& t) {
  std::vector<std::string> out;
  for (const TierCheck& c : t.checks) {
    if (!c.held) out.push_back(c.check + " " + std::string(to_string(c.flow)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

const TierCheck& tier_check(const TierVerdict& t, const std::string& check, FlowKind flow) {
  for (const TierCheck& c : t.checks) {
    if (c.check == check && c.flow == flow) return c;
  }
  FAIL("no ", check, " check for ", to_string(flow), " in tier ", t.tier);
  return t.checks.front();  // not reached
}

double minutes_of(const std::optional<Duration>& d) {
  REQUIRE(d.has_value());
  return d->seconds() / 60.0;
}

bool detected_by(const FaultIncident& i, const std::string& monitor) {
  return std::find(i.detected_by.begin(), i.detected_by.end(), monitor) != i.detected_by.end();
}

std::vector<ActionKind> action_kinds(const FaultIncident& i) {
  std::vector<ActionKind> out;
  for (const ActionRecord& a : i.actions)
    out.push_back(a.kind);
  return out;
}

uint64_t unmatched_at_last_run(const WorldResult& r) {
  if (r.reconciliation.empty()) return 0;
  const ReconciliationRun& last = r.reconciliation.back();
  return last.unmatched();
}

// --- governance-stock-sync-delay ------------------------------------------------------------

constexpr const char* kStockFile = "governance-stock-sync-delay.yaml";

TEST_CASE("library: governance-stock-sync-delay is caught by its backlog monitor and rolled back") {
  const LibraryRun run = run_library(kStockFile);
  const FaultIncident& stall = incident(run, "stock-consumer-stall");
  // The stalled consumer left jobs waiting (a push a second until every changed SKU is queued).
  CHECK(run.result.fault_hits.at(0) >= 50);
  // The backlog monitor pages 2 minutes in; the freshness p95 sees nothing until the backlog
  // drains after the rollback, and then fires too.
  REQUIRE_FALSE(stall.missed());
  REQUIRE(!stall.detected_by.empty());
  CHECK(stall.detected_by.front() == "stock-backlog");
  CHECK(detected_by(stall, "stock-freshness"));
  CHECK(minutes_of(stall.mttd) >= 1.0);
  CHECK(minutes_of(stall.mttd) <= 3.0);
  // The buffer, then the rollback that ends the stall 13-17 minutes in.
  const std::vector<ActionKind> actions = action_kinds(stall);
  CHECK(std::find(actions.begin(), actions.end(), ActionKind::raise_safety_buffer) !=
        actions.end());
  CHECK(std::find(actions.begin(), actions.end(), ActionKind::rollback) != actions.end());
  const double stall_minutes = (stall.ended - stall.onset).seconds() / 60.0;
  CHECK(stall_minutes >= 10.0);
  CHECK(stall_minutes <= 20.0);
  CHECK(minutes_of(stall.mttr) >= 12.0);
  CHECK(minutes_of(stall.mttr) <= 25.0);
  // Every tier holds, the critical MTTD and MTTR targets included.
  CHECK(run.score.held());
  const TierVerdict& critical = tier(run.score, "critical");
  CHECK(tier_check(critical, "freshness_p95", FlowKind::stock_sync).actual < 450.0);
  // The damage: oversells on the DTC store, which has none without the stall.
  const uint64_t dtc_oversold = channel(run.result, "dtc").oversold;
  CHECK(dtc_oversold >= 1);
  CHECK(dtc_oversold <= 80);
  CHECK(total_lost(run.result) == 0);
  CHECK(total_duplicated(run.result) == 0);

  SUBCASE("without the rollback the stall runs its hour and the critical tier fails MTTR") {
    const std::string text = drill_text(kStockFile);
    const Variant v = run_variant(
        kStockFile, replace_once(text,
                                 "    - {action: rollback, target: stock-consumer-stall, on: "
                                 "stock-backlog, delay: 10m}\n",
                                 ""));
    const FaultIncident& i = only_incident(v.score);
    CHECK(minutes_of(i.mttr) > 60.0);
    CHECK_FALSE(v.score.held());
    CHECK(failed_checks(tier(v.score, "critical")) == std::vector<std::string>{"mttr stock_sync"});
    CHECK(channel(v.result, "dtc").oversold > 3 * dtc_oversold);
  }

  SUBCASE("without the stall the DTC store oversells nothing") {
    const std::string text = drill_text(kStockFile);
    const Variant v = run_variant(kStockFile, replace_once(text, "intensity: 100%, cause: release",
                                                           "intensity: 0%, cause: release"));
    CHECK(channel(v.result, "dtc").oversold == 0);
  }
}

// --- governance-connector-timeout -----------------------------------------------------------

constexpr const char* kTimeoutFile = "governance-connector-timeout.yaml";

TEST_CASE("library: governance-connector-timeout loses nothing but breaks the ingest SLA") {
  const LibraryRun run = run_library(kTimeoutFile);
  const FaultIncident& timeout = incident(run, "erp-timeout");
  // The ERP swallows a few hundred requests before the breakers shed the rest.
  CHECK(run.result.fault_hits.at(0) >= 300);
  CHECK(run.result.fault_hits.at(0) <= 1200);
  CHECK(port(run.result, "erp").admission.unanswered_by_timeout == run.result.fault_hits.at(0));
  // Every ingest monitor catches it; the dead letters first, 30 s in.
  REQUIRE_FALSE(timeout.missed());
  CHECK(timeout.detected_by.front() == "ingest-dead-letters");
  CHECK(detected_by(timeout, "ingest-errors"));
  CHECK(detected_by(timeout, "ingest-burn"));
  CHECK(minutes_of(timeout.mttd) <= 1.5);
  for (const MonitorOutcome& m : run.score.monitors)
    CHECK_MESSAGE(m.false_positives == 0, m.name);
  // Three staggered replays, then recovery half an hour after the onset.
  CHECK(action_kinds(timeout) == std::vector<ActionKind>(3, ActionKind::replay_dead_letter));
  CHECK(minutes_of(timeout.mttr) >= 25.0);
  CHECK(minutes_of(timeout.mttr) <= 45.0);
  // Thousands of ingest jobs were dead-lettered, the backup polls and the replays brought the
  // orders in: none lost or duplicated, nothing for reconciliation to report.
  uint64_t dead_lettered = 0;
  uint64_t dead_letters_left = 0;
  for (const char* name : {"ingest-dtc", "ingest-amazon-us", "ingest-amazon-eu"}) {
    dead_lettered += connector(run.result, name).stats.jobs_dead_lettered;
    dead_letters_left += connector(run.result, name).dead_letter_size;
  }
  CHECK(dead_lettered >= 5000);
  CHECK(dead_letters_left == 0);
  uint64_t polled = 0;
  for (const ChannelOutcome& c : run.result.channels)
    polled += c.orders_polled;
  CHECK(polled >= 2000);
  CHECK(total_lost(run.result) == 0);
  CHECK(total_duplicated(run.result) == 0);
  CHECK(unmatched_at_last_run(run.result) == 0);
  // Orders that wait for the ERP allocate late: more oversells than the ~15 of a quiet run.
  CHECK(total_oversold(run.result) >= 25);
  CHECK(total_oversold(run.result) <= 300);
  // The verdict: the critical tier fails on ingest freshness and error rate, and only on those.
  CHECK_FALSE(run.score.held());
  const TierVerdict& critical = tier(run.score, "critical");
  CHECK(failed_checks(critical) ==
        std::vector<std::string>{"error_rate order_ingest", "freshness_p95 order_ingest"});
  const double freshness =
      tier_check(critical, "freshness_p95", FlowKind::order_ingest).actual.value();
  CHECK(freshness >= 12 * 60.0);
  CHECK(freshness <= 25 * 60.0);
  const double errors = tier_check(critical, "error_rate", FlowKind::order_ingest).actual.value();
  CHECK(errors >= 0.10);
  CHECK(errors <= 0.35);
  CHECK(tier(run.score, "standard").held());

  SUBCASE("without idempotency keys the retried orders are duplicated") {
    const Variant v = run_variant(kTimeoutFile, drill_text(kTimeoutFile) + R"(
policies:
  - {name: orders, idempotency_keys: false}
)");
    CHECK(total_duplicated(v.result) >= 1000);
    CHECK(failed_checks(tier(v.score, "critical")) ==
          std::vector<std::string>{"error_rate order_ingest", "freshness_p95 order_ingest"});
  }
}

// --- governance-mapping-errors --------------------------------------------------------------

constexpr const char* kMappingFile = "governance-mapping-errors.yaml";

TEST_CASE("library: governance-mapping-errors, a release in the campaign, costs the SLA") {
  const LibraryRun run = run_library(kMappingFile);
  const FaultIncident& release = incident(run, "status-mapper-release");
  // Every shipped status the release renamed went unmapped until the rollback.
  const uint64_t hits = run.result.fault_hits.at(0);
  CHECK(hits >= 1800);
  CHECK(hits <= 3500);
  CHECK(run.result.unmapped_states == hits);
  REQUIRE_FALSE(release.missed());
  CHECK(release.detected_by.front() == "mapping-errors");
  CHECK(detected_by(release, "fulfil-dead-letters"));
  CHECK(minutes_of(release.mttd) <= 1.0);
  // The rollback ends the release's window 26-31 minutes in; the replay follows.
  CHECK(action_kinds(release) ==
        std::vector<ActionKind>{ActionKind::rollback, ActionKind::replay_dead_letter});
  const double window = (release.ended - release.onset).seconds() / 60.0;
  CHECK(window >= 25.0);
  CHECK(window <= 35.0);
  CHECK(minutes_of(release.mttr) >= 25.0);
  CHECK(minutes_of(release.mttr) <= 45.0);
  CHECK(connector(run.result, "fulfil").dead_letter_size == 0);
  CHECK(total_lost(run.result) == 0);
  CHECK(total_duplicated(run.result) == 0);
  // The verdict: the standard tier fails on the fulfillment error rate and status freshness;
  // its MTTD and MTTR targets hold, and the critical tier is untouched.
  CHECK_FALSE(run.score.held());
  const TierVerdict& standard = tier(run.score, "standard");
  CHECK(failed_checks(standard) ==
        std::vector<std::string>{"error_rate fulfillment", "freshness_p95 fulfillment"});
  const double errors = tier_check(standard, "error_rate", FlowKind::fulfillment).actual.value();
  CHECK(errors >= 0.024);
  CHECK(errors <= 0.045);
  CHECK(tier(run.score, "critical").held());

  SUBCASE("without the rollback the regression lasts to the end and never recovers") {
    const std::string text = drill_text(kMappingFile);
    const size_t runbook = text.find("  runbook:\n");
    REQUIRE(runbook != std::string::npos);
    const Variant v = run_variant(kMappingFile, text.substr(0, runbook));
    const FaultIncident& i = only_incident(v.score);
    CHECK_FALSE(i.recovered.has_value());
    CHECK(v.result.unmapped_states > 4 * hits);
  }
}

TEST_CASE("library: a drill gives byte-identical reports on a rerun with the same seed") {
  const LibraryRun a = run_library(kMappingFile, 3);
  const LibraryRun b = run_library(kMappingFile, 3);
  CHECK(a.report_json.size() > 1000);
  CHECK(a.report_json == b.report_json);
  CHECK(run_library(kMappingFile, 4).report_json != a.report_json);
}

// --- rate-limit-storm -----------------------------------------------------------------------

constexpr const char* kStormFile = "rate-limit-storm.yaml";

TEST_CASE("library: rate-limit-storm loses no order to the 429s but blows the error budget") {
  const LibraryRun run = run_library(kStormFile);
  const FaultIncident& storm = incident(run, "amazon-us-429");
  // Thousands of 429s from the fault's bucket, all on the marketplace's API.
  const uint64_t hits = run.result.fault_hits.at(0);
  CHECK(hits >= 5000);
  CHECK(hits <= 8000);
  CHECK(port(run.result, "amazon-us").admission.rate_limited_by_fault == hits);
  const auto rate_limited = [&](const char* name) {
    return connector(run.result, name).stats.errors[static_cast<size_t>(ErrorClass::rate_limited)];
  };
  CHECK(rate_limited("fulfil") >= 4500);
  CHECK(rate_limited("stock-amazon-us") >= 1);
  // Ingest never calls the marketplace: no 429 there.
  for (const char* name : {"ingest-dtc", "ingest-amazon-us", "ingest-amazon-eu"})
    CHECK_MESSAGE(rate_limited(name) == 0, name);
  // Caught as the status demand outgrows the bucket; the policy switch, then the replays.
  REQUIRE_FALSE(storm.missed());
  CHECK(detected_by(storm, "status-429s"));
  CHECK(minutes_of(storm.mttd) >= 2.0);
  CHECK(minutes_of(storm.mttd) <= 9.0);
  const std::vector<ActionKind> actions = action_kinds(storm);
  REQUIRE(actions.size() == 3);
  CHECK(actions.front() == ActionKind::switch_policy);
  CHECK(minutes_of(storm.mttr) >= 40.0);
  CHECK(minutes_of(storm.mttr) <= 58.0);
  for (const char* name : {"fulfil", "stock-amazon-us"})
    CHECK_MESSAGE(connector(run.result, name).dead_letter_size == 0, name);
  CHECK(total_lost(run.result) == 0);
  CHECK(total_duplicated(run.result) == 0);
  // The verdict: the standard tier's error rates fail, nothing else.
  CHECK_FALSE(run.score.held());
  CHECK(tier(run.score, "critical").held());
  const TierVerdict& standard = tier(run.score, "standard");
  CHECK(failed_checks(standard) == std::vector<std::string>{"error_rate fulfillment"});
  const double errors = tier_check(standard, "error_rate", FlowKind::fulfillment).actual.value();
  CHECK(errors >= 0.04);
  CHECK(errors <= 0.08);

  SUBCASE("without the throttle every tier holds and nothing fires") {
    std::string text = drill_text(kStormFile);
    const size_t from = text.find("faults:\n");
    const size_t to = text.find("sla_tiers:\n");
    REQUIRE(from != std::string::npos);
    REQUIRE(to != std::string::npos);
    text.erase(from, to - from);
    const Variant v = run_variant(kStormFile, text);
    CHECK(v.score.held());
    for (const MonitorOutcome& m : v.score.monitors)
      CHECK_MESSAGE(m.firings.empty(), m.name);
    CHECK(port(v.result, "amazon-us").admission.rate_limited == 0);
  }
}

}  // namespace
}  // namespace syncdrill
