// MonitorEvaluator: one of the team's alert rules (a MonitorSpec), evaluated in simulated time.
//
// The evaluator is pure and clock-free: the world measures the monitor's signal in its scope and
// hands the evaluator one SignalTick per evaluation interval; the evaluator answers whether the
// alert fires and records each firing episode. It reads no clock, draws no random numbers and,
// after construction, allocates only when a firing episode starts (never per tick), so a run
// replays bit for bit.
//
// Ticks. The evaluator is driven at now = k x I for consecutive k (I = the evaluation interval,
// default 30 s, chosen by the world): the first call may be at any now >= I, every later call at
// exactly the previous now + I. Tick k covers the interval (now - I, now]. A firing episode starts
// at the first tick whose alert condition is true (after `for`, where it applies) and ends at the
// first later tick whose condition is false.
//
// Windows. A window of length w covers the last n(w) = ceil(w / I) ticks (at least 1, at most
// kMaxWindowTicks), i.e. the smallest whole number of intervals covering w; when w is a multiple of
// I that is exactly the ticks whose interval lies inside (now - w, now]. Before n(w) ticks exist
// the window uses the ticks there are ("what is there"). Sums over a window:
//   good_w, bad_w, events_w = sums of the ticks' good, bad, events;
//   present_w = number of ticks in the window (<= n(w)); span_w = present_w x I.
//   error_ratio_w = bad_w / (good_w + bad_w), or 0 when good_w + bad_w = 0.
//
// Kinds (MonitorSpec::kind):
//
// threshold: the windowed value v of `signal` over `window`:
//     error_rate          v = error_ratio_window
//     throughput          v = events_window / span_window.seconds()          (events per second)
//     any other signal    v = (sum of the ticks' gauge) / present_window     (mean of the gauges)
//   Throughput divides by the span actually present, so a run's first ticks are not mistaken for a
//   drop. Condition: (above set and v > above) or (below set and v < below). `for` (hold), with
//   Prometheus semantics: the alert is pending from the first tick p at which the condition became
//   true and fires at the first tick t with t - p >= hold (hold 0 fires at the first true tick); a
//   false tick clears the pending state. So when the windowed value crosses the bound at time c
//   and stays past it, the alert is pending from p = the first tick after c and fires at the first
//   tick at or after p + hold: within one evaluation interval after the continuous-time answer
//   c + hold when hold is a multiple of I (within two otherwise).
//
// burn_rate: the SRE Workbook's multiwindow, multi-burn-rate alert (Google SRE Workbook, ch. 5
//   "Alerting on SLOs", https://sre.google/workbook/alerting-on-slos/, sections "Alert on burn
//   rate" and "Multiwindow, multi-burn-rate alerts"):
//     burn_w = error_ratio_w / (1 - objective)      for w = long_window and w = short_window
//     fires when burn_long >= burn_rate and burn_short >= burn_rate        (`for` is not used)
//   Detection time, in the workbook's words: "the time taken for an alert to fire is
//   ((1 - SLO) / error ratio) x alerting window size x burn rate". Derivation: with requests at a
//   constant rate r, no errors before the onset and a constant error ratio e after it, the long
//   window's ratio t after the onset (t < long_window, full window of prior traffic) is
//   e x t / long_window, which reaches burn_rate x (1 - objective) at
//     T_long = long_window x burn_rate x (1 - objective) / e   (never when T_long > long_window,
//                                                               i.e. when e / (1 - objective) <
//                                                               burn_rate);
//   the short window gets there at T_short = short_window x burn_rate x (1 - objective) / e <
//   T_long, so the alert fires at the first tick at or after onset + T_long. Example: SLO 99.9%,
//   factor 14.4 (2% of a 30-day budget in 1 h: 0.02 x 720 h / 1 h), long window 1 h: e = 100% ->
//   0.0144 x 3600 s = 51.84 s (0.864 min); e = 50% -> 103.68 s; e = 1% -> burn 10 < 14.4, never.
//   Once the errors stop (after at least short_window of them), the short window clears first: the
//   alert resets at the first tick after stop + short_window x (1 - burn_rate x (1 - objective) /
//   e). An onset less than long_window into the run sees a partly filled long window (the ticks
//   there are, no padding), so the alert fires earlier than T_long.
//   The reported value is burn_long.
//
// absence: fires when events_window = 0 over `window` and at least n(window) ticks have been seen
//   (so at least `window` has passed since the evaluator's first interval began): a run that starts
//   with no events fires once a full window of silence has passed, never earlier. With the last
//   event in tick k_last, the alert fires at tick k_last + n(window), i.e. at the first tick at or
//   after (last event time rounded up to a tick) + n(window) x I. `for` is not used (the window is
//   the silence that fires). The reported value is events_window (0).
//
// reconciliation: the unmatched entries reported by the latest reconciliation run. The world
//   reports a run by setting events > 0 (the number of runs that finished in the interval) and
//   gauge = the unmatched count of the latest of them; a tick with events = 0 keeps the last
//   reported count (0 before the first run). Condition: count > above (above unset: 0), then `for`
//   as for threshold. The reported value is the count.
//
// Memory: one ring of n_max = max n(w) over the windows the kind uses SignalTicks (32 bytes each),
// allocated at construction; windows longer than kMaxWindowTicks intervals are clamped to it (the
// loader limits durations to 30 days; at I = 30 s that is 86,400 ticks). Work per tick: O(1)
// amortized (running sums; the gauge sum is recomputed from the ring once per n(window) ticks so
// floating-point drift cannot build up).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"

namespace syncdrill {

// What the world measured for one monitor's signal and scope in the last evaluation interval.
struct SignalTick {
  // The instantaneous value at the tick: queue depth, dead letters, freshness p95 (seconds),
  // latency p95 (seconds), breaker open (0/1), oversells (total); reconciliation: the latest run's
  // unmatched count (see `events`).
  double gauge = 0;
  uint64_t good = 0;    // successful requests in the interval (error_rate, burn_rate)
  uint64_t bad = 0;     // failed requests in the interval (error_rate, burn_rate)
  uint64_t events = 0;  // events in the interval (throughput, absence); reconciliation: runs
};

// One firing episode.
struct Firing {
  SimTime start;               // the first tick the alert fired
  std::optional<SimTime> end;  // the first tick it no longer did; none while still firing
  double value = 0;            // the monitor's value at `start` (see each kind above)
};

class MonitorEvaluator {
 public:
  // The longest window, in evaluation intervals; longer windows are clamped to it.
  static constexpr int64_t kMaxWindowTicks = 1'000'000;

  // REQUIRES: eval_interval > 0; spec as the loader validates it.
  MonitorEvaluator(const MonitorSpec& spec, Duration eval_interval);

  // Feeds the interval (now - eval_interval, now] and returns whether the monitor fires after it.
  // REQUIRES: now >= eval_interval on the first call, previous now + eval_interval afterwards.
  bool tick(SimTime now, const SignalTick& t);

  bool firing() const { return firing_; }
  // Every episode so far, oldest first; the last has no end while the monitor still fires.
  const std::vector<Firing>& firings() const { return firings_; }
  // The value computed at the latest tick (0 before the first): the windowed value (threshold),
  // burn_long (burn_rate), events in the window (absence), the unmatched count (reconciliation).
  double value() const { return value_; }

 private:
  // Running sums over the last `ticks` ticks of the ring.
  struct Window {
    int64_t ticks = 1;  // n(w)
    uint64_t good = 0;
    uint64_t bad = 0;
    uint64_t events = 0;
    double gauge_sum = 0;
  };

  int64_t window_ticks(Duration w) const;
  void push(const SignalTick& t);
  int64_t present(const Window& w) const;
  double error_ratio(const Window& w) const;
  double threshold_value(const Window& w) const;
  // Applies `for` to a raw condition; returns whether the alert fires.
  bool held(SimTime now, bool condition);

  MonitorKind kind_;
  Signal signal_;
  std::optional<double> above_;
  std::optional<double> below_;
  Duration hold_;
  double objective_;
  double burn_rate_;
  Duration interval_;

  Window main_;   // threshold, absence: `window`; burn_rate: long_window
  Window short_;  // burn_rate only: short_window
  std::vector<SignalTick> ring_;
  int64_t seen_ = 0;  // ticks fed so far
  std::optional<SimTime> last_;
  std::optional<SimTime> pending_since_;
  double reconciled_ = 0;  // reconciliation: the latest run's count
  double value_ = 0;
  bool firing_ = false;
  std::vector<Firing> firings_;
};

}  // namespace syncdrill
