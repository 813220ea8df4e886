// The reports of a live drill (`syncdrill serve`): what the team's real connector did while the
// scenario's traffic and faults played out in scaled wall-clock time. The same files as `run`
// writes (report.json, report.md, junit.xml, report.html) and a terminal scorecard, from a
// LiveResult the drill fills in (app/live_drill.cpp). Unlike a simulated run, a live drill is not
// replayable to the byte: the connector's timing is real. The report records the seed, scenario
// hash and version anyway, so the same traffic and fault timeline can be played again.
//
// Times in the result are SCENARIO time since the drill began (wall time x time_scale), in the
// simulation's integer SimTime / Duration, so they read against the scenario's SLA targets as a
// run's do; the reports print them in seconds. Wall-clock figures say so in their names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/scenario/scenario.hpp"
#include "reports/report_json.hpp"

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
  Duration staleness_p95{};      // of those episodes' lengths (open ones: to the end)
  Duration staleness_max{};
  double stale_share = 0;              // fraction of listing samples out of sync
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
  // A retry is the same request (method, path, query, body) again after a failed answer (5xx,
  // 429, dropped or hung), within 2 wall minutes of it. Its gap: wall time from the failed
  // answer (a hung request: from its arrival) to the retry's arrival.
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
  std::optional<SimTime> end;        // none: still in force at the end
  uint64_t hits = 0;                 // requests or deliveries it acted on
  std::string flow;                  // the flow whose SLA tier judges it ("order_ingest", ...)
  std::string tier;                  // empty: no tier covers that flow
  std::optional<Duration> mttd;      // from the fault's start to the ack that caught it
  std::optional<Duration> mttd_max;  // the tier's target
  std::optional<Duration> mttr;      // from the fault's start to the first success after it
  std::optional<Duration> mttr_max;
};

struct LiveAck {
  SimTime at{};
  std::string note;
  std::string fault_id;  // the fault it was matched to; empty when none was waiting
};

// One pass/fail line of the verdict: a JUnit test case.
struct LiveCheck {
  std::string name;  // "orders lost", "mttd order_ingest [oms-timeout]"
  bool passed = true;
  std::string actual;  // for people: "3 orders", "95 s"
  std::string limit;   // "0", "<= 5m"
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
  std::vector<LiveFaultOutcome> faults;
  std::vector<LiveAck> acks;
  nlohmann::json webhooks;  // the webhook sender's counts
  nlohmann::json routes;    // per (system, route) counters
  std::vector<LiveCheck> checks;
  LiveSeries series;
  bool failed() const;  // a check failed
};

nlohmann::json live_report_json(const LiveResult& r);
std::string live_report_markdown(const LiveResult& r);
std::string live_report_junit(const LiveResult& r);
// One self-contained page (no script, no external file): the checks, every table of report.md
// and report.html's chart section (the same charts as a run's; what a live drill does not
// measure says so in its chart).
std::string live_report_html(const LiveResult& r);
std::string live_scorecard_text(const LiveResult& r, const std::string& out_dir);

}  // namespace syncdrill
