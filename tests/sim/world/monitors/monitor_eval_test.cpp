// MonitorEvaluator tests. Each test feeds ticks built from a traffic model written out here
// (cumulative counts of requests, errors or events as functions of time, binned into the
// evaluation intervals (now - 30 s, now]) and checks the detection and reset times against the
// continuous-time formulas of monitor_eval.hpp, worked out in the test, never read back from the
// evaluator. Onsets are deliberately not aligned to ticks.
#include "sim/world/monitors/monitor_eval.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

constexpr Duration kInterval = seconds(30);
constexpr double kIntervalS = 30.0;

SimTime tick_time(int64_t k) {
  return SimTime{} + kInterval * k;
}

SimTime at_s(double s) {
  return SimTime{static_cast<int64_t>(std::llround(s * 1e6))};
}

// The first evaluation tick strictly after t seconds (for a strict comparison crossing at t).
SimTime first_tick_after(double t) {
  return tick_time(static_cast<int64_t>(std::floor(t / kIntervalS)) + 1);
}

// The first evaluation tick at or after t seconds (for a >= comparison crossing at t).
SimTime first_tick_at_or_after(double t) {
  return tick_time(static_cast<int64_t>(std::ceil(t / kIntervalS)));
}

// Feeds ticks 1..ticks, tick k built by tick_at(k), to an evaluator of spec.
MonitorEvaluator run(const MonitorSpec& spec, int64_t ticks,
                     const std::function<SignalTick(int64_t)>& tick_at) {
  MonitorEvaluator ev(spec, kInterval);
  for (int64_t k = 1; k <= ticks; ++k)
    ev.tick(tick_time(k), tick_at(k));
  return ev;
}

// The tick of `total` requests in interval k of which bad_cum(end) - bad_cum(start) failed.
SignalTick requests(int64_t k, uint64_t total, const std::function<uint64_t(SimTime)>& bad_cum) {
  SignalTick t;
  t.bad = bad_cum(tick_time(k)) - bad_cum(tick_time(k - 1));
  REQUIRE(t.bad <= total);
  t.good = total - t.bad;
  return t;
}

// Microseconds from `from` to `to`, clamped at 0.
int64_t since(SimTime from, SimTime to) {
  return to > from ? (to - from).us : 0;
}

TEST_CASE(
    "threshold monitor on error_rate fires and clears at the ticks the window formula gives") {
  // 100 requests per 30 s tick; from onset to stop one request in 10 fails, i.e. one failure
  // every 3 s (bad_cum counts them). Neither instant is on a tick.
  const double onset = 607, stop = 1213, e = 0.1;
  const auto bad_cum = [&](SimTime t) -> uint64_t {
    const SimTime end = std::min(t, at_s(stop));
    return static_cast<uint64_t>(since(at_s(onset), end) / 3'000'000);
  };
  MonitorSpec spec;
  spec.kind = MonitorKind::threshold;
  spec.signal = Signal::error_rate;
  spec.above = 0.05;
  spec.window = minutes(5);
  spec.hold = minutes(2);
  const double window_s = 300, hold_s = 120;

  const MonitorEvaluator ev = run(spec, 80, [&](int64_t k) { return requests(k, 100, bad_cum); });

  // With a steady request rate the window's ratio t after the onset is e * t / window; it passes
  // `above` (strictly) at crossing = onset + window * above / e = 757 s. Pending from the first
  // tick after that, firing `for` later.
  const double crossing = onset + window_s * *spec.above / e;
  const SimTime expected_start = first_tick_after(crossing) + spec.hold;
  REQUIRE(ev.firings().size() == 1);
  const Firing& f = ev.firings()[0];
  CHECK(f.start == expected_start);
  CHECK(f.start == at_s(900));  // the same worked by hand: 780 s + 2 min
  // Within one evaluation interval of the continuous-time MTTD (crossing + for).
  const Duration lag = f.start - at_s(crossing + hold_s);
  CHECK(lag > Duration{});
  CHECK(lag <= kInterval);
  // The value at the firing tick: e * (start - onset) / window, to one request in the 1000.
  CHECK(f.value == doctest::Approx(e * (f.start.seconds() - onset) / window_s).epsilon(0.02));

  // After stop the window's ratio is e * (stop - (now - window)) / window, which is no longer
  // above `above` from now = stop + window - window * above / e = 1363 s: the first tick at or
  // after that ends the episode.
  const double clearing = stop + window_s - window_s * *spec.above / e;
  REQUIRE(f.end.has_value());
  CHECK(*f.end == first_tick_at_or_after(clearing));
  CHECK(*f.end == at_s(1380));
  CHECK_FALSE(ev.firing());
}

TEST_CASE(
    "threshold monitor: a false tick resets `for`, the episode ends when the condition does") {
  // A one-tick window, so each tick's condition is its own gauge: above 50 at ticks 1-3, below at
  // tick 4, above again at ticks 5-14, below from tick 15.
  MonitorSpec spec;
  spec.kind = MonitorKind::threshold;
  spec.signal = Signal::queue_depth;
  spec.above = 50;
  spec.window = seconds(30);
  spec.hold = minutes(2);
  const auto gauge = [](int64_t k) {
    SignalTick t;
    t.gauge = (k <= 3 || (k >= 5 && k <= 14)) ? 100 : 0;
    return t;
  };
  MonitorEvaluator ev(spec, kInterval);
  for (int64_t k = 1; k <= 20; ++k) {
    const bool fired = ev.tick(tick_time(k), gauge(k));
    // Without the reset it would fire at tick 5 (30 s + 2 min); pending restarts at tick 5 (150 s)
    // instead, so it fires at 150 s + 2 min = 270 s (tick 9) and stops at tick 15.
    CHECK(fired == (k >= 9 && k <= 14));
  }
  REQUIRE(ev.firings().size() == 1);
  CHECK(ev.firings()[0].start == at_s(270));
  CHECK(ev.firings()[0].end == at_s(450));
  CHECK(ev.firings()[0].value == 100);
}

TEST_CASE("threshold monitor on a gauge compares the mean of the window's gauges") {
  // Queue depth 0 for ten ticks, then 100. Over a 2 min (4 tick) window the mean m ticks into the
  // rise is 100 * m / 4, above 60 from m = 3: tick 13, 390 s, mean 75.
  MonitorSpec spec;
  spec.kind = MonitorKind::threshold;
  spec.signal = Signal::queue_depth;
  spec.above = 60;
  spec.window = minutes(2);
  const MonitorEvaluator ev = run(spec, 20, [](int64_t k) {
    SignalTick t;
    t.gauge = k <= 10 ? 0 : 100;
    return t;
  });
  REQUIRE(ev.firings().size() == 1);
  CHECK(ev.firings()[0].start == at_s(390));
  CHECK(ev.firings()[0].value == doctest::Approx(75));
  CHECK(ev.firing());

  // Before a full window exists the mean is over the ticks there are: one tick of 100 is 100.
  MonitorEvaluator early(spec, kInterval);
  SignalTick high;
  high.gauge = 100;
  CHECK(early.tick(tick_time(1), high));
  CHECK(early.value() == 100);
}

TEST_CASE("threshold monitor on throughput with `below` fires on a drop, not at the run's start") {
  // 10 events/s until onset, 2 events/s after it. Over a 5 min window the rate t after the onset
  // is (10 * (window - t) + 2 * t) / window, below 5/s once t > 5 * window / 8 = 187.5 s.
  const double onset = 607, window_s = 300;
  const auto events_cum = [&](SimTime t) -> int64_t {
    const int64_t before = std::min(t, at_s(onset)).us / 100'000;  // 10 per second
    return before + since(at_s(onset), t) / 500'000;               // 2 per second
  };
  MonitorSpec spec;
  spec.kind = MonitorKind::threshold;
  spec.signal = Signal::throughput;
  spec.below = 5;
  spec.window = minutes(5);
  const MonitorEvaluator ev = run(spec, 40, [&](int64_t k) {
    SignalTick t;
    t.events = static_cast<uint64_t>(events_cum(tick_time(k)) - events_cum(tick_time(k - 1)));
    return t;
  });
  const double crossing = onset + 5 * window_s / 8;
  REQUIRE(ev.firings().size() == 1);  // none while the first window fills (10/s throughout)
  const Firing& f = ev.firings()[0];
  CHECK(f.start == first_tick_after(crossing));
  CHECK(f.start == at_s(810));
  const double t = f.start.seconds() - onset;
  CHECK(f.value == doctest::Approx((10 * (window_s - t) + 2 * t) / window_s));
}

// A burn-rate monitor with the workbook's page alert: SLO 99.9%, factor 14.4, 1 h and 5 min.
MonitorSpec burn_spec() {
  MonitorSpec spec;
  spec.kind = MonitorKind::burn_rate;
  spec.objective = 0.999;
  spec.burn_rate = 14.4;
  spec.long_window = hours(1);
  spec.short_window = minutes(5);
  return spec;
}

// SRE Workbook, "Alerting on SLOs": time to fire = (1 - SLO) / error ratio * window * burn rate.
double workbook_detection_s(const MonitorSpec& spec, double error_ratio) {
  return (1 - spec.objective) / error_ratio * spec.long_window.seconds() * spec.burn_rate;
}

TEST_CASE("burn_rate monitor detection times follow the SRE Workbook formula") {
  const MonitorSpec spec = burn_spec();
  // The workbook's numbers for this alert: 0.864 min at a 100% error rate; twice that at 50%.
  CHECK(workbook_detection_s(spec, 1.0) == doctest::Approx(51.84));
  CHECK(workbook_detection_s(spec, 0.5) == doctest::Approx(103.68));

  // 100 requests/s throughout; from onset (2 h 7 s: a full long window of clean traffic before
  // it) to stop, a fraction permille/1000 of them fail.
  const double onset = 7207, stop = 10'222;
  for (const int64_t permille : {1000, 200, 20}) {
    CAPTURE(permille);
    const double e = static_cast<double>(permille) / 1000;
    const auto bad_cum = [&](SimTime t) -> uint64_t {
      const SimTime end = std::min(t, at_s(stop));
      return static_cast<uint64_t>(since(at_s(onset), end) * permille / 10'000'000);
    };
    const MonitorEvaluator ev =
        run(spec, 400, [&](int64_t k) { return requests(k, 3000, bad_cum); });

    const double detection = workbook_detection_s(spec, e);
    REQUIRE(detection <= spec.long_window.seconds());  // the long window can get there
    REQUIRE(ev.firings().size() == 1);
    const Firing& f = ev.firings()[0];
    // burn >= factor: the first tick at or after onset + detection, within one interval of it.
    CHECK(f.start == first_tick_at_or_after(onset + detection));
    const Duration lag = f.start - at_s(onset + detection);
    CHECK(lag >= Duration{});
    CHECK(lag < kInterval);
    CHECK(f.value >= spec.burn_rate);

    // Reset: the short window's burn drops below the factor once
    // (stop - (now - short)) / short * e / budget < factor, i.e. now > stop + short * (1 - factor *
    // budget / e); the long window is still high then.
    const double budget = 1 - spec.objective;
    const double short_s = spec.short_window.seconds();
    const double reset = stop + short_s * (1 - spec.burn_rate * budget / e);
    REQUIRE(f.end.has_value());
    CHECK(*f.end == first_tick_after(reset));
  }
  // The same by hand for 100% and 20%: 7207 + 51.84 -> 7260 s; 7207 + 259.2 -> 7470 s.
}

TEST_CASE("burn_rate monitor stays quiet when the burn never reaches the factor") {
  // 1% errors against a 0.1% budget burn at 10 < 14.4: the workbook time (86.4 min) exceeds the
  // long window, so a steady 1% never fires, however long it lasts. 2% (burn 20) does.
  const MonitorSpec spec = burn_spec();
  CHECK(workbook_detection_s(spec, 0.01) > spec.long_window.seconds());
  const double onset = 7207;
  const auto bad_cum = [&](SimTime t) -> uint64_t {
    return static_cast<uint64_t>(since(at_s(onset), t) * 10 / 10'000'000);  // 1 per second
  };
  const MonitorEvaluator ev =
      run(spec, 1000, [&](int64_t k) { return requests(k, 3000, bad_cum); });
  CHECK(ev.firings().empty());
  CHECK(ev.value() == doctest::Approx(10).epsilon(0.001));  // the long window's burn rate
}

TEST_CASE("absence monitor fires once a full window has passed without events") {
  // One event every 2 s from 2 s to 1006 s, then silence until 1502 s, then every 2 s again.
  MonitorSpec spec;
  spec.kind = MonitorKind::absence;
  spec.signal = Signal::throughput;
  spec.window = minutes(5);
  const auto events_cum = [](SimTime t) -> int64_t {
    const int64_t s = t.us / 1'000'000;
    const int64_t first_run = std::min<int64_t>(s, 1006) / 2;
    const int64_t second_run = s >= 1502 ? (s - 1502) / 2 + 1 : 0;
    return first_run + second_run;
  };
  const MonitorEvaluator ev = run(spec, 60, [&](int64_t k) {
    SignalTick t;
    t.events = static_cast<uint64_t>(events_cum(tick_time(k)) - events_cum(tick_time(k - 1)));
    return t;
  });
  // The last event (1006 s) falls in the tick ending at 1020 s; the window is 10 ticks, so the
  // first tick whose window holds no event is 1020 s + 5 min = 1320 s. The first new event
  // (1502 s) falls in the tick ending at 1530 s, which ends the episode.
  REQUIRE(ev.firings().size() == 1);
  CHECK(ev.firings()[0].start == first_tick_at_or_after(1006) + spec.window);
  CHECK(ev.firings()[0].start == at_s(1320));
  CHECK(ev.firings()[0].end == first_tick_at_or_after(1502));
  CHECK(ev.firings()[0].value == 0);

  // A run that starts silent: nothing during the first window, firing at its end (tick 10).
  MonitorEvaluator silent(spec, kInterval);
  for (int64_t k = 1; k <= 12; ++k)
    CHECK(silent.tick(tick_time(k), SignalTick{}) == (k >= 10));
  CHECK(silent.firings()[0].start == at_s(300));
}

TEST_CASE("reconciliation monitor fires on a run above the count and clears on a later run") {
  // A run every 10 min (every 20th tick) reports 3, 12, 12, 2 unmatched entries; between runs the
  // world reports nothing (events 0, gauge 0) and the last run's count stands.
  MonitorSpec spec;
  spec.kind = MonitorKind::reconciliation;
  spec.signal = Signal::reconciliation_delta;
  spec.above = 5;
  const auto runs = [](int64_t k) {
    SignalTick t;
    if (k % 20 == 0) {
      const double counts[] = {3, 12, 12, 2};
      t.events = 1;
      t.gauge = counts[k / 20 - 1];
    }
    return t;
  };
  const MonitorEvaluator ev = run(spec, 90, runs);
  REQUIRE(ev.firings().size() == 1);
  CHECK(ev.firings()[0].start == at_s(1200));
  CHECK(ev.firings()[0].end == at_s(2400));
  CHECK(ev.firings()[0].value == 12);
  CHECK(ev.value() == 2);

  // Without `above`, any unmatched entry fires.
  MonitorSpec any = spec;
  any.above.reset();
  MonitorEvaluator ev2(any, kInterval);
  SignalTick one_run;
  one_run.events = 1;
  one_run.gauge = 1;
  CHECK_FALSE(ev2.tick(tick_time(1), SignalTick{}));
  CHECK(ev2.tick(tick_time(2), one_run));
  CHECK(ev2.tick(tick_time(3), SignalTick{}));  // no run: the count stays 1
}

}  // namespace
}  // namespace syncdrill
