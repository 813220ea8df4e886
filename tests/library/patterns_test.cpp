// The five playbook drills of scenarios/, each run on its own seed and checked against the outcome
// its header comment promises; variants (the drill's text with an edit or two) show that the
// damage comes from the drill's fault and that the lesson the header draws holds.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/scenario/loader.hpp"
#include "reports/report_json.hpp"
#include "sim/score/detection.hpp"
#include "sim/score/tier_checks.hpp"
#include "tests/library/library_run.hpp"
#include "tests/lookups.hpp"

namespace syncdrill {
namespace {

using testing::channel;
using testing::connector;
using testing::incident;
using testing::LibraryRun;
using testing::monitor;
using testing::run_library;
using testing::tier;
using testing::tier_check;
using testing::total_duplicated;
using testing::total_lost;
using testing::total_oversold;
using testing::Variant;

struct Edit {
  std::string from;
  std::string to;
};

// The drill with each edit's `from` (which must occur) replaced by its `to`, run as a variant.
Variant run_variant(const std::string& file, const std::vector<Edit>& edits) {
  std::string text = testing::drill_text(file);
  for (const Edit& e : edits) {
    const size_t pos = text.find(e.from);
    REQUIRE_MESSAGE(pos != std::string::npos, "no '", e.from, "' in ", file);
    text.replace(pos, e.from.size(), e.to);
  }
  return testing::run_variant(file, text);
}

// The failed checks of a tier, as "check/subject" (subject empty unless mttd or mttr).
std::vector<std::string> breaches(const TierVerdict& t) {
  std::vector<std::string> out;
  for (const TierCheck& c : t.checks) {
    if (!c.held) out.push_back(c.check + "/" + c.subject);
  }
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool has_action(const FaultIncident& i, ActionKind kind) {
  return std::any_of(i.actions.begin(), i.actions.end(),
                     [&](const ActionRecord& a) { return a.kind == kind; });
}

Duration mttd_of(const FaultIncident& i) {
  REQUIRE(i.mttd.has_value());
  return *i.mttd;
}

Duration mttr_of(const FaultIncident& i) {
  REQUIRE(i.mttr.has_value());
  return *i.mttr;
}

SimTime at(Duration d) {
  return SimTime{} + d;
}

TEST_CASE("library stock-drift: a stalled marketplace feed oversells it, caught late") {
  const LibraryRun run = run_library("stock-drift.yaml");
  const WorldResult& r = run.result;
  const ChannelOutcome& us = channel(r, "amazon-us");
  // The spike lands on the channel whose feed stalled; nothing is lost or duplicated.
  CHECK(us.oversold >= 250);
  CHECK(us.oversold <= 500);
  CHECK(channel(r, "dtc").oversold <= 5);
  CHECK(channel(r, "amazon-eu").oversold <= 45);
  CHECK(total_lost(r) == 0);
  CHECK(total_duplicated(r) == 0);
  // The backup poll brings in the orders whose webhooks kept failing.
  CHECK(us.orders_polled >= 5000);
  CHECK(us.orders_polled <= 7000);
  CHECK(us.webhook_deliveries_dropped >= 25000);

  const FaultIncident& stall = incident(run, "stock-consumer-stall");
  const FaultIncident& webhooks = incident(run, "order-webhooks-failing");
  CHECK(run.result.fault_hits[0] >= 3);  // the feed batches the stalled workers left waiting
  CHECK(run.result.fault_hits[1] == us.webhook_deliveries_dropped);
  for (const FaultIncident* i : {&stall, &webhooks}) {
    CAPTURE(i->fault_id);
    // The oversell count crosses 60 some 12-21 minutes in: over the 10-minute target.
    CHECK(mttd_of(*i) >= minutes(11));
    CHECK(mttd_of(*i) <= minutes(25));
    REQUIRE(!i->detected_by.empty());
    CHECK(i->detected_by.front() == "amazon-us-oversells");
    // Service is back ~42 minutes in (the consumer restarts at 70m and drains its backlog, the
    // webhooks succeed again); the damage is repaired once oversells no longer rise faster than
    // before the onset, at the restore or a few minutes after it.
    REQUIRE(i->restored.has_value());
    CHECK(*i->restored - i->onset >= minutes(40));
    CHECK(*i->restored - i->onset <= minutes(44));
    CHECK(mttr_of(*i) >= *i->restored - i->onset);
    CHECK(mttr_of(*i) <= minutes(55));
    CHECK(i->repaired == i->recovered);
    CHECK(i->recovery_note.empty());
    CHECK(has_action(*i, ActionKind::raise_safety_buffer));
  }
  // The delay monitor sees nothing until the stalled backlog lands, ~45 minutes late.
  const MonitorOutcome& delay = monitor(run.score, "amazon-us-stock-delay");
  REQUIRE(delay.firings.size() == 1);
  CHECK(delay.firings[0].start >= at(minutes(70)));
  CHECK(delay.firings[0].start <= at(minutes(75)));
  CHECK(delay.firings[0].value > 40 * 60);
  // Detection misses its target for both faults, and stock sync freshness breaks on the one
  // channel whose feed stalled: judged per channel, Amazon US's p95 is the backlog's ~43
  // minutes, while over every channel together (the DTC store is pushed every second) it stays
  // under the target, near the marketplaces' 5-minute feed interval.
  CHECK(!run.score.held());
  const TierVerdict& critical = tier(run.score, "critical");
  CHECK(breaches(critical) == std::vector<std::string>{"mttd/order-webhooks-failing",
                                                       "freshness_p95/",
                                                       "mttd/stock-consumer-stall"});
  const TierCheck& stock_fresh = tier_check(critical, "freshness_p95", FlowKind::stock_sync);
  CHECK(!stock_fresh.held);
  CHECK(stock_fresh.channel == "amazon-us");
  REQUIRE(stock_fresh.actual.has_value());
  CHECK(*stock_fresh.actual >= 40 * 60);
  CHECK(*stock_fresh.actual <= 46 * 60);
  REQUIRE(stock_fresh.merged.has_value());
  CHECK(*stock_fresh.merged >= 4 * 60);
  CHECK(*stock_fresh.merged < stock_fresh.limit);
  CHECK(contains(stock_fresh.reason, "on amazon-us"));
  // The backup poll keeps Amazon US orders inside the ingest target.
  CHECK(tier_check(critical, "freshness_p95", FlowKind::order_ingest).held);
  CHECK(tier(run.score, "standard").held());
  CHECK(tier(run.score, "batch").held());

  // The same seed gives the same report, byte for byte.
  const bool same_report = run_library("stock-drift.yaml").report_json == run.report_json;
  CHECK(same_report);
  // Without the faults Amazon US oversells a tenth as much and nothing alerts.
  {
    const Variant quiet = run_variant(
        "stock-drift.yaml", {{"intensity: 100%, cause: capacity", "intensity: 0%, cause: capacity"},
                             {"intensity: 100%, per: attempt", "intensity: 0%, per: attempt"}});
    CHECK(channel(quiet.result, "amazon-us").oversold < 60);
    CHECK(channel(quiet.result, "amazon-us").oversold * 4 < us.oversold);
    CHECK(monitor(quiet.score, "amazon-us-oversells").firings.empty());
    CHECK(tier_check(tier(quiet.score, "critical"), "freshness_p95", FlowKind::stock_sync).held);
  }
  // A queue-depth alert on the stalled connector meets the 10-minute target.
  {
    const Variant watched = run_variant(
        "stock-drift.yaml",
        {{"\nresponse:",
          "  - {name: amazon-us-stock-backlog, kind: threshold, signal: queue_depth,\n"
          "     target: stock-amazon-us, above: 1, window: 30s, for: 5m}\n\nresponse:"}});
    const FaultIncident& caught = watched.score.incidents[0];
    REQUIRE(caught.mttd.has_value());
    CHECK(*caught.mttd <= minutes(10));
    CHECK(caught.detected_by.front() == "amazon-us-stock-backlog");
  }
}

TEST_CASE("library duplicate-orders: retries without keys duplicate orders reconciliation finds") {
  const LibraryRun run = run_library("duplicate-orders.yaml");
  const WorldResult& r = run.result;
  CHECK(total_duplicated(r) >= 450);
  CHECK(total_duplicated(r) <= 800);
  uint64_t extra = 0;
  for (const ChannelOutcome& c : r.channels) {
    CAPTURE(c.channel);
    CHECK(c.duplicated > 0);
    CHECK(c.duplicate_oms_orders >= c.duplicated);
    extra += c.duplicate_oms_orders;
  }
  // Amazon US takes both faults: the timeouts and the redeliveries.
  CHECK(channel(r, "amazon-us").duplicated > channel(r, "dtc").duplicated);
  CHECK(total_lost(r) == 0);
  CHECK(total_oversold(r) == 0);
  CHECK(r.fault_hits[0] >= 300);  // OMS requests written but not answered
  CHECK(r.fault_hits[0] <= 600);
  CHECK(r.fault_hits[1] >= 150);  // notifications sent twice
  CHECK(r.fault_hits[1] <= 320);

  // Both faults are seen by the first reconciliation run after them, at 60m.
  for (const char* id : {"oms-failover-timeouts", "amazon-us-redeliveries"}) {
    const FaultIncident& i = incident(run, id);
    CAPTURE(id);
    CHECK(mttd_of(i) == minutes(35));
    CHECK(i.detected_by == std::vector<std::string>{"recon-unmatched"});
    // Service is restored minutes after the faults end, before anyone knows...
    REQUIRE(i.restored.has_value());
    CHECK(*i.restored - i.onset >= minutes(20));
    CHECK(*i.restored - i.onset <= minutes(40));
    CHECK(*i.restored < *i.detected);
    // ...but the damage is never repaired: no duplicate is cancelled, so the extra OMS orders
    // stay at their peak to the end, and the note says how many.
    CHECK(!i.repaired.has_value());
    CHECK(!i.recovered.has_value());
    CHECK(!i.mttr.has_value());
    CHECK(i.damage.extra_oms_orders_at_end == extra);
    CHECK(i.damage.extra_oms_orders_at_end == r.damage.extra_oms_orders.back());
    CHECK(i.damage.extra_oms_orders == extra);  // none before the onset
    CHECK(i.damage.orders_missing_at_end == 0);
    CHECK(contains(i.recovery_note, count_text(extra) + " duplicate OMS orders not cancelled"));
    CHECK(contains(i.recovery_note, "(at most 0 before the onset)"));
  }
  // The scheduled runs at 60m and 120m and the runbook's one in between. The duplicates have
  // all gone to the warehouse: reconciliation reverses their revenue, cancels none.
  REQUIRE(r.reconciliation.size() == 3);
  CHECK(r.reconciliation[0].at == at(hours(1)));
  CHECK(r.reconciliation[0].duplicated_in_oms >= 400);
  CHECK(r.reconciliation[1].at > at(minutes(75)));
  CHECK(r.reconciliation[1].at < at(minutes(90)));
  CHECK(r.reconciliation[2].duplicated_in_oms == extra);
  CHECK(r.duplicates_cancelled == 0);
  CHECK(r.revenue_entries_reversed >= 150);
  CHECK(r.revenue_entries_reversed <= 400);
  // The critical tier allows no duplicated order (base/topology.yaml): it fails on that alone,
  // with the count per channel in its reason. Batch fails too: the last reconciliation run
  // still finds every duplicate (and the revenue entries of the redeliveries after it).
  CHECK(!run.score.held());
  const TierVerdict& critical = tier(run.score, "critical");
  CHECK(breaches(critical) == std::vector<std::string>{"duplicated/"});
  const TierCheck& dup = tier_check(critical, "duplicated", FlowKind::order_ingest);
  CHECK(dup.limit == 0);
  CHECK(dup.actual == static_cast<double>(total_duplicated(r)));
  CHECK(contains(dup.reason, count_text(total_duplicated(r)) + " orders were duplicated"));
  CHECK(contains(dup.reason, "amazon-us " + count_text(channel(r, "amazon-us").duplicated)));
  CHECK(contains(dup.reason, count_text(extra) + " extra OMS orders"));
  CHECK(tier(run.score, "standard").held());
  const TierVerdict& batch = tier(run.score, "batch");
  CHECK(breaches(batch) == std::vector<std::string>{"unmatched_end/"});
  CHECK(tier_check(batch, "unmatched_end", FlowKind::reconciliation).actual ==
        static_cast<double>(r.reconciliation.back().unmatched()));

  // The same seed gives the same report, byte for byte.
  const bool same_report = run_library("duplicate-orders.yaml").report_json == run.report_json;
  CHECK(same_report);
  // With idempotency keys and webhook dedupe the same faults duplicate nothing.
  {
    const Variant keyed =
        run_variant("duplicate-orders.yaml", {{"idempotency_keys: false", "idempotency_keys: true"},
                                              {"webhook_dedupe: false", "webhook_dedupe: true"}});
    CHECK(keyed.result.fault_hits[0] > 0);
    CHECK(keyed.result.fault_hits[1] > 0);
    CHECK(total_duplicated(keyed.result) == 0);
    CHECK(monitor(keyed.score, "recon-unmatched").firings.empty());
    // So the duplicated check holds on a measured 0, and every tier holds.
    const TierCheck& keyed_dup =
        tier_check(tier(keyed.score, "critical"), "duplicated", FlowKind::order_ingest);
    CHECK(keyed_dup.held);
    CHECK(!keyed_dup.no_data);
    CHECK(keyed_dup.actual == 0.0);
    CHECK(keyed.score.held());
    // With nothing to repair, each fault recovers when its service is restored.
    for (const FaultIncident& i : keyed.score.incidents) {
      CAPTURE(i.fault_id);
      REQUIRE(i.restored.has_value());
      CHECK(i.repaired == i.restored);
      CHECK(mttr_of(i) <= minutes(40));
    }
  }
}

TEST_CASE("library fulfillment-handoff: a mapping regression is caught and rolled back") {
  const LibraryRun run = run_library("fulfillment-handoff.yaml");
  const WorldResult& r = run.result;
  // Every status update the release could not map was counted once and later replayed.
  CHECK(r.unmapped_states >= 250);
  CHECK(r.unmapped_states <= 1500);  // past 1,000 when on-call takes 10 minutes to acknowledge
  CHECK(r.fault_hits[0] == r.unmapped_states);
  const ConnectorOutcome& fulfil = connector(r, "fulfil");
  CHECK(fulfil.stats.jobs_dead_lettered == r.unmapped_states);
  CHECK(fulfil.dead_letter_size == 0);
  CHECK(total_lost(r) == 0);
  CHECK(total_duplicated(r) == 0);
  CHECK(total_oversold(r) == 0);

  const FaultIncident& i = incident(run, "fulfil-release-mapping");
  CHECK(mttd_of(i) >= seconds(30));
  CHECK(mttd_of(i) <= minutes(3));
  CHECK(mttr_of(i) >= minutes(10));
  CHECK(mttr_of(i) <= minutes(25));
  // Rolled back: the window, two hours long, ended within 20 minutes of its onset.
  CHECK(i.ended < i.onset + minutes(20));
  REQUIRE(i.actions.size() == 2);
  CHECK(i.actions[0].kind == ActionKind::rollback);
  CHECK(i.actions[1].kind == ActionKind::replay_dead_letter);
  CHECK(i.actions[1].at == i.actions[0].at + minutes(5));
  CHECK(i.repaired == i.restored);  // the replay cleared the drift with the restore
  // Detected and rolled back in time, but the standard tier allows 1% of shipment states
  // unmapped (base/topology.yaml): the ~7 minutes of the regression before the rollback leave
  // ~2.2% of the run's status updates unmapped, so the drill fails on that check alone.
  CHECK(!run.score.held());
  const TierVerdict& standard = tier(run.score, "standard");
  CHECK(breaches(standard) == std::vector<std::string>{"unmapped_rate/"});
  const TierCheck& unmapped = tier_check(standard, "unmapped_rate", FlowKind::fulfillment);
  REQUIRE(r.status_updates > 0);
  const double rate =
      static_cast<double>(r.unmapped_states) / static_cast<double>(r.status_updates);
  REQUIRE(unmapped.actual.has_value());
  CHECK(*unmapped.actual == doctest::Approx(rate));
  CHECK(rate >= 0.018);
  CHECK(rate <= 0.026);
  CHECK(unmapped.limit == doctest::Approx(0.01));
  CHECK(contains(unmapped.reason, count_text(r.unmapped_states) + " of " +
                                      count_text(r.status_updates) + " shipment states"));
  CHECK(tier(run.score, "critical").held());
  CHECK(tier(run.score, "batch").held());
  // Nothing queued beyond the connector's room: the dropped check holds on a measured 0.
  const TierCheck& kept = tier_check(standard, "dropped", FlowKind::fulfillment);
  CHECK(kept.held);
  CHECK(kept.actual == 0.0);

  // Without the release (and so without its runbook) every state maps and the drill passes.
  {
    const Variant intact = run_variant(
        "fulfillment-handoff.yaml",
        {{"  - {id: fulfil-release-mapping, kind: mapping_regression, target: fulfil, at: 45m, "
          "for: 2h,\n     remove: [shipped], cause: release}\n",
          ""},
         {"\nfaults:\n", "\nfaults: []\n"},
         {"  runbook:\n    - {action: rollback, target: fulfil-release-mapping, on: "
          "unmapped-states, delay: 5m}\n    - {action: replay_dead_letter, target: fulfil, on: "
          "unmapped-states, delay: 10m}\n",
          "  runbook: []\n"}});
    CHECK(intact.result.unmapped_states == 0);
    CHECK(intact.result.status_updates * 10 > r.status_updates * 9);  // the same shipments
    const TierCheck& mapped =
        tier_check(tier(intact.score, "standard"), "unmapped_rate", FlowKind::fulfillment);
    CHECK(mapped.held);
    CHECK(mapped.actual == 0.0);
    CHECK(intact.score.held());
  }

  // A fulfillment connector cut down to 4 workers and a 10-job queue cannot keep up with the
  // warehouse: the jobs it drops on its full queue are in the business impact and breach the
  // `dropped` check (0 allowed), which names the connector and its queue_max.
  {
    const Variant cramped = run_variant(
        "fulfillment-handoff.yaml",
        {{"\nfaults:\n",
          "\nconnectors:\n  - {name: fulfil, workers: 4, queue_max: 10}\n\nfaults:\n"}});
    const uint64_t dropped = connector(cramped.result, "fulfil").stats.jobs_dropped_queue_full;
    CHECK(dropped >= 100);
    CHECK(dropped <= 5000);
    const Impact impact = total_impact(cramped.result);
    CHECK(impact.jobs_dropped == dropped);  // no other connector dropped anything
    CHECK(dropped_by_flow(cramped.result) ==
          std::vector<std::pair<FlowKind, uint64_t>>{{FlowKind::fulfillment, dropped}});
    bool row_found = false;
    for (const ImpactRow& row : impact_rows(impact, cramped.result, cramped.scenario.currency)) {
      if (row.measure != "Work dropped on a full queue") continue;
      row_found = true;
      CHECK(row.count == dropped);
      CHECK(row.note == "fulfillment " + count_text(dropped));
    }
    CHECK(row_found);
    const nlohmann::ordered_json json =
        report_json(cramped.scenario, RunIdentity{"fulfillment-handoff-cramped.yaml", "", 1},
                    cramped.result, nullptr, &cramped.score);
    CHECK(json["impact"]["jobs_dropped_queue_full"].get<uint64_t>() == dropped);
    CHECK(json["impact"]["jobs_dropped_by_flow"].size() == 1);
    CHECK(json["impact"]["jobs_dropped_by_flow"]["fulfillment"].get<uint64_t>() == dropped);

    const TierVerdict& cramped_standard = tier(cramped.score, "standard");
    const TierCheck& full = tier_check(cramped_standard, "dropped", FlowKind::fulfillment);
    CHECK(!full.held);
    CHECK(full.limit == 0);
    CHECK(full.actual == static_cast<double>(dropped));
    CHECK(contains(full.reason, "fulfil: " + count_text(dropped) + ", queue_max 10"));
    const std::vector<std::string> failed = breaches(cramped_standard);
    CHECK(std::find(failed.begin(), failed.end(), "dropped/") != failed.end());
  }

  // Without the runbook the regression outlasts the drill and the tier fails.
  {
    const Variant alone = run_variant(
        "fulfillment-handoff.yaml",
        {{"  runbook:\n    - {action: rollback, target: fulfil-release-mapping, on: "
          "unmapped-states, delay: 5m}\n    - {action: replay_dead_letter, target: fulfil, on: "
          "unmapped-states, delay: 10m}\n",
          "  runbook: []\n"}});
    CHECK(alone.result.unmapped_states > 10 * r.unmapped_states);
    CHECK(!alone.score.incidents[0].recovered.has_value());
    CHECK(!alone.score.held());
    CHECK(breaches(tier(alone.score, "standard")) ==
          std::vector<std::string>{"error_rate/", "unmapped_rate/", "mttr/fulfil-release-mapping"});
  }
}

TEST_CASE("library price-mismatch: a stale feed to one market sells at wrong prices there") {
  const LibraryRun run = run_library("price-mismatch.yaml");
  const WorldResult& r = run.result;
  const ChannelOutcome& eu = channel(r, "amazon-eu");
  CHECK(eu.price_mismatches >= 550);
  CHECK(eu.price_mismatches <= 1000);
  CHECK(eu.price_mismatch_minor >= 400'000);  // 4,000 to 9,000 EUR
  CHECK(eu.price_mismatch_minor <= 900'000);
  CHECK(channel(r, "dtc").price_mismatches <= 3);  // a sale in the second before a push
  CHECK(r.fault_hits[0] >= 200);                   // price updates withheld
  CHECK(r.fault_hits[0] <= 500);
  CHECK(total_lost(r) == 0);
  CHECK(total_duplicated(r) == 0);
  CHECK(total_oversold(r) == 0);

  const FaultIncident& i = incident(run, "eu-price-export-release");
  CHECK(mttd_of(i) >= minutes(30));
  CHECK(mttd_of(i) <= minutes(45));
  CHECK(mttr_of(i) >= minutes(45));
  CHECK(mttr_of(i) <= minutes(65));
  CHECK(has_action(i, ActionKind::rollback));
  CHECK(i.ended < i.onset + hours(1));
  // Price sync freshness breaks `standard`, on Amazon EU: judged per channel its p95 is ~45
  // minutes, the withheld changes sent when the export is back; over every channel together
  // (the DTC store pushed at once, Amazon US on its 5-minute feed) it is ~30. The other tiers
  // hold.
  CHECK(!run.score.held());
  const TierVerdict& standard = tier(run.score, "standard");
  CHECK(breaches(standard) == std::vector<std::string>{"freshness_p95/"});
  const TierCheck& price_fresh = tier_check(standard, "freshness_p95", FlowKind::price_sync);
  CHECK(price_fresh.channel == "amazon-eu");
  REQUIRE(price_fresh.actual.has_value());
  CHECK(*price_fresh.actual >= 40 * 60);
  CHECK(*price_fresh.actual <= 60 * 60);
  REQUIRE(price_fresh.merged.has_value());
  CHECK(*price_fresh.merged >= 20 * 60);
  CHECK(*price_fresh.merged < *price_fresh.actual);
  CHECK(contains(price_fresh.reason, "on amazon-eu"));
  CHECK(tier(run.score, "critical").held());
  CHECK(tier(run.score, "batch").held());

  // With a working feed Amazon EU shows only its feed lag and Amazon US is unchanged.
  {
    const Variant fresh = run_variant("price-mismatch.yaml",
                                      {{"intensity: 100%, catch_up", "intensity: 0%, catch_up"}});
    const ChannelOutcome& eu_fresh = channel(fresh.result, "amazon-eu");
    CHECK(eu_fresh.price_mismatches < 350);
    CHECK(eu_fresh.price_mismatches * 2 < eu.price_mismatches);
    CHECK(eu_fresh.price_mismatch_minor * 2 < eu.price_mismatch_minor);
    CHECK(monitor(fresh.score, "eu-price-parity").firings.empty());
    CHECK(tier_check(tier(fresh.score, "standard"), "freshness_p95", FlowKind::price_sync).held);
    // Same seed, same customers and repricings: the other market did not feel the fault.
    CHECK(channel(fresh.result, "amazon-us").price_mismatches ==
          channel(r, "amazon-us").price_mismatches);
  }
}

TEST_CASE("library returns-desync: return reconciliation finds unannounced returns an hour late") {
  const LibraryRun run = run_library("returns-desync.yaml");
  const WorldResult& r = run.result;
  const ChannelOutcome& dtc = channel(r, "dtc");
  const uint64_t withheld = dtc.webhook_events_not_emitted;
  const uint64_t unsynced = dtc.returns_requested - dtc.returns_synced;
  CHECK(r.fault_hits[0] == withheld);
  CHECK(withheld >= 130);
  CHECK(withheld <= 300);
  CHECK(dtc.returns_requested >= 600);
  for (const char* name : {"amazon-us", "amazon-eu"}) {
    CAPTURE(name);
    const ChannelOutcome& c = channel(r, name);
    CHECK(c.returns_requested > 50);
    CHECK(c.returns_requested - c.returns_synced <= 2);  // at most a return still on its way
  }
  CHECK(total_lost(r) == 0);
  CHECK(total_duplicated(r) == 0);
  CHECK(total_oversold(r) == 0);

  // Reconciliation compares return states: the hourly run at 2h finds the returns withheld
  // before 1h45m (its grace is 15 min), the monitor fires, on-call runs reconciliation at once,
  // and each run queues a repair per return it found. Orders and revenue stay matched.
  REQUIRE(r.reconciliation.size() >= 3);
  for (const ReconciliationRun& rec : r.reconciliation) {
    CHECK(rec.missing_in_oms + rec.duplicated_in_oms + rec.revenue_mismatched == 0);
    CHECK(rec.unmatched() == rec.returns_out_of_sync);
    CHECK(rec.repairs_started == rec.returns_out_of_sync);
  }
  CHECK(r.reconciliation[0].at == SimTime{} + hours(1));
  CHECK(r.reconciliation[0].returns_out_of_sync == 0);  // before the fault
  CHECK(r.reconciliation[1].at == SimTime{} + hours(2));
  CHECK(r.reconciliation[1].returns_out_of_sync > 0);
  const FaultIncident& i = incident(run, "partial-returns-unannounced");
  REQUIRE(!i.missed());
  CHECK(i.detected_by == std::vector<std::string>{"recon-unmatched"});
  CHECK(*i.detected == SimTime{} + hours(2));
  CHECK(i.mttd == minutes(30));
  REQUIRE(i.acknowledged.has_value());
  REQUIRE(i.actions.size() == 1);
  CHECK(i.actions[0].kind == ActionKind::run_reconciliation);

  // The returns withheld in the last 45 minutes of the fault are found only by the run at 3h,
  // the end of the drill, too late for its repairs to run: exactly those stay unsynced, and
  // every repair that ran synced one return.
  CHECK(r.reconciliation.back().at == SimTime{} + hours(3));
  CHECK(r.reconciliation.back().returns_out_of_sync == unsynced);
  CHECK(unsynced > 0);
  CHECK(unsynced < withheld);
  CHECK(connector(r, "recon").stats.jobs_succeeded == withheld - unsynced);
  CHECK(r.skus_not_conserved == 0);
  CHECK(breaches(tier(run.score, "standard")) == std::vector<std::string>{"data_loss/"});
  CHECK(tier(run.score, "critical").held());
  // Batch allows nothing unmatched at reconciliation's last run: that run found exactly the
  // returns left unsynced.
  const TierVerdict& batch = tier(run.score, "batch");
  CHECK(breaches(batch) == std::vector<std::string>{"unmatched_end/"});
  CHECK(tier_check(batch, "unmatched_end", FlowKind::reconciliation).actual ==
        static_cast<double>(unsynced));
  // The fault never touched a connector's health: service counts as restored when its window
  // ends (2h30m). The damage, the unsynced returns, is still there at the end: not recovered,
  // and the note counts them.
  REQUIRE(i.restored.has_value());
  CHECK(*i.restored == i.ended);
  CHECK(i.ended == i.onset + hours(1));
  CHECK(!i.repaired.has_value());
  CHECK(!i.mttr.has_value());
  CHECK(i.damage.returns_out_of_sync_at_end == unsynced);
  CHECK(i.damage.returns_out_of_sync >= unsynced);
  CHECK(contains(i.recovery_note, "at the end " + count_text(unsynced) + " returns not synced"));

  // An hour more and the last run's repairs run too: every withheld return is synced.
  {
    const Variant longer = run_variant("returns-desync.yaml", {{"duration: 3h", "duration: 4h"}});
    const ChannelOutcome& dtc_longer = channel(longer.result, "dtc");
    CHECK(dtc_longer.webhook_events_not_emitted == withheld);  // the same customers and fault
    CHECK(dtc_longer.returns_requested - dtc_longer.returns_synced <= 2);  // a return on its way
    CHECK(longer.result.skus_not_conserved == 0);
    // So the damage is repaired just after the 3h run, and every tier holds.
    const FaultIncident& repaired = longer.score.incidents[0];
    REQUIRE(repaired.repaired.has_value());
    CHECK(*repaired.repaired > SimTime{} + hours(3));
    CHECK(*repaired.repaired <= SimTime{} + hours(3) + minutes(5));
    CHECK(repaired.recovery_note.empty());
    CHECK(longer.score.held());
  }

  // Without the fault every return syncs and reconciliation finds nothing.
  {
    const Variant intact =
        run_variant("returns-desync.yaml", {{"intensity: 40%, cause", "intensity: 0%, cause"}});
    const ChannelOutcome& dtc_intact = channel(intact.result, "dtc");
    // A return placed in the last second may still be on its way when the run ends.
    CHECK(dtc_intact.returns_requested - dtc_intact.returns_synced <= 2);
    CHECK(dtc_intact.webhook_events_not_emitted == 0);
    for (const ReconciliationRun& rec : intact.result.reconciliation)
      CHECK(rec.unmatched() == 0);
    CHECK(monitor(intact.score, "recon-unmatched").firings.empty());
  }
}

}  // namespace
}  // namespace syncdrill
