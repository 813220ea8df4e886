// What a live drill (`syncdrill serve`) measured: what the team's real connector did while the
// scenario's traffic and faults played out in scaled wall-clock time. The drill fills in a
// LiveResult (app/live_drill.cpp, app/live_observer.cpp); the same writers as `run`'s write it
// (report.json: live_report_json in reports/report_json.hpp, report.md: report_md.hpp,
// junit.xml: junit_xml.hpp, report.html and the terminal scorecard: below). Unlike a simulated
// run, a live drill is not replayable to the byte: the connector's timing is real. The report
// records the seed, scenario hash and version anyway, so the same traffic and fault timeline can
// be played again.
//
// The verdict is the simulation's: `score` holds one TierVerdict per scenario tier with the
// checks a live drill can measure (data_loss, freshness_p95, mttd, mttr), and one FaultIncident
// per fault that acted (detected: the ack that caught it; recovered: the first success after
// it). `live_checks` are the drill's own checks, which no tier sets.
//
// Times in the result are SCENARIO time since the drill began (wall time x time_scale), in the
// simulation's integer SimTime / Duration, so they read against the scenario's SLA targets as a
// run's do; the reports print them in seconds. Wall-clock figures say so in their names. A
// figure the drill could not measure is empty (std::nullopt), never 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/scenario/scenario.hpp"
#include "reports/report_json.hpp"
#include "sim/score/score.hpp"

namespace syncdrill {

struct LiveOrders {
  uint64_t placed = 0;            // orders customers placed on the channels
  uint64_t sold_out = 0;          // baskets a channel refused (its listing showed too little)
  uint64_t created_once = 0;      // placed orders the OMS holds exactly once
  uint64_t duplicated = 0;        // placed orders the OMS holds more than once
  uint64_t duplicate_copies = 0;  // the extra OMS orders those make
  uint64_t lost = 0;              // placed orders the OMS never got, even after the drain
  double drain_s = 0;             // wall seconds the drill kept serving after its traffic stopped
  uint64_t oms_orders = 0;        // every order the OMS holds
  uint64_t oversells = 0;         // OMS orders cancelled because the ERP was short
};

struct LiveStock {
  uint64_t samples = 0;          // sweeps over every (channel, SKU) listing
  double sample_interval_s = 0;  // scenario seconds between sweeps
  uint64_t listings = 0;         // channels x SKUs
  uint64_t stale_episodes = 0;   // times a listing left the ERP's figure (and came back, or not)
  // Of those episodes' lengths (open ones: to the end); none: no episode, nothing to measure.
  std::optional<Duration> staleness_p95;
  std::optional<Duration> staleness_max;
  std::optional<double> stale_share;   // fraction of listing samples out of sync; none: no sweep
  int64_t final_overlisted_units = 0;  // units listed beyond what the ERP can cover, at the end
};

struct LiveBehaviour {
  uint64_t requests = 0;
  uint64_t answered_2xx = 0;
  uint64_t answered_4xx = 0;  // 4xx other than 429
  uint64_t answered_5xx = 0;
  uint64_t answered_429 = 0;
  uint64_t dropped = 0;                    // closed without an answer (fault)
  uint64_t hung = 0;                       // held past any client timeout by a timeout fault
  uint64_t attempts_in_error_windows = 0;  // requests to a target while a fault was in force on it
  uint64_t retry_after_sent = 0;           // answers that carried Retry-After
  // Refused at once over a system's concurrency_limit (503, or NetSuite's 400); a failed answer
  // for retries. Reported only when some were.
  uint64_t over_concurrency_limit = 0;
  // A retry is the same request (method, path, query, body) again after a failed answer (5xx,
  // 429, a refusal over a concurrency limit, dropped or hung), within 2 wall minutes of it. Its
  // gap: wall time from the failed answer (a hung request: from its arrival) to the retry's
  // arrival.
  uint64_t retry_after_honoured = 0;  // retries of an answer with Retry-After that waited it out
  uint64_t retry_after_early = 0;     // retries that came before the wait was over
  uint64_t gaps_after_error = 0;      // retries recognised
  std::optional<double> gap_after_error_p50_ms;  // none: no retry
  std::optional<double> gap_after_error_min_ms;
  uint64_t hot_retries = 0;  // retries within 10 wall ms of the failed answer
};

struct LiveFaultOutcome {
  std::string id;
  std::string kind;
  std::vector<std::string> targets;
  bool from_scenario = true;
  bool applied = true;     // false: it acts on the simulated connector, which a live drill lacks
  bool exercised = false;  // it acted at least once (hits > 0); only those are judged
  SimTime start{};
  std::optional<SimTime> end;              // none: still in force at the end
  uint64_t hits = 0;                       // requests or deliveries it acted on
  FlowKind flow = FlowKind::order_ingest;  // the flow whose SLA tier judges it
  std::string tier;                        // empty: no tier covers that flow
  // A fault that was applied and acted has an incident in LiveResult::score (its MTTD, MTTR).
  bool judged() const { return applied && exercised; }
};

struct LiveAck {
  SimTime at{};
  std::string note;
  std::string fault_id;  // the fault it was matched to; empty when none was waiting
};

// The drill's figures per interval of scenario time, for report.html's charts: interval i covers
// [i x step, (i + 1) x step), in integer simulated time like a run's samples.
struct LiveAnswers {
  std::string system;            // the mock system (or channel) that answered
  std::vector<uint32_t> ok;      // answers that were not failures (2xx, 4xx other than 429)
  std::vector<uint32_t> failed;  // 5xx, 429, dropped and hung requests
};

struct LiveStockDelay {
  std::string channel;
  // Per interval, the p95 of the stale-listing episodes that ended in it (first sweep that found
  // a listing off the ERP's figure to the first that found it right again); none: none ended.
  std::vector<std::optional<Duration>> p95;
};

struct LiveSeries {
  Duration step{};                          // zero: nothing was sampled
  std::vector<LiveAnswers> answers;         // per system that answered, by name
  std::vector<LiveStockDelay> stock_delay;  // per channel with an ended episode, scenario order
};

struct LiveResult {
  RunIdentity id;
  std::string scenario_name;
  std::string version;
  std::string listen;       // "127.0.0.1:8080"
  std::string webhook_url;  // empty: none
  double time_scale = 1;
  double wall_s = 0;      // how long the drill ran
  double scenario_s = 0;  // wall_s x time_scale
  std::string ended_by;   // "duration", "finish", "signal"
  LiveOrders orders;
  LiveStock stock;
  LiveBehaviour behaviour;
  std::vector<LiveFaultOutcome> faults;  // by start; then the scenario's faults not applied
  std::vector<LiveAck> acks;
  nlohmann::json webhooks;  // the webhook sender's counts
  nlohmann::json routes;    // per (system, route) counters
  // The tiers' checks and the incidents (scored: the scenario has tiers), as a run's.
  Score score;
  // The live drill's own checks, which no tier sets; `check` is the check's name ("orders
  // duplicated", "Retry-After honoured", "orders lost" when no tier sets data_loss_max) and
  // `flow` is not used. Same units and states as a tier check.
  std::vector<TierCheck> live_checks;
  LiveSeries series;
  bool failed() const;  // a tier check or a live check was breached
  // The incident of fault `id`; nullptr: it has none (not applied live, or it never acted).
  const FaultIncident* incident(const std::string& id) const;
};

// The order figures of the business impact, as a run's (report_json.hpp): what a live drill
// measures of them. The rest of Impact stays 0 and is written "not measured".
Impact live_impact(const LiveOrders& orders);

// The live section's tables, shared by report.md and report.html: a title and (label, value)
// cells, values in plain text ("not measured" where the drill had nothing to measure).
struct LiveSummaryTable {
  std::string title;
  std::vector<std::pair<std::string, std::string>> cells;
};
std::vector<LiveSummaryTable> live_summary_tables(const LiveResult& r);

// A fault's window for a table cell: "10 s – 20 s", "30 s – end", "not applied live", with
// " (never acted)" for a fault that did not act.
std::string live_fault_window(const LiveFaultOutcome& f);

// "PASS" or "FAIL".
std::string live_verdict_text(const LiveResult& r);

// One self-contained page (no script, no external file): the checks, every table of report.md
// and report.html's chart section (the same charts as a run's; what a live drill does not
// measure says so in its chart).
std::string live_report_html(const LiveResult& r);
std::string live_scorecard_text(const LiveResult& r, const std::string& out_dir);

}  // namespace syncdrill
