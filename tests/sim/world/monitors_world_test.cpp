// Monitors evaluated inside a running world: their firing times against the detection time the
// rule's arithmetic predicts for a fault, and their scope (a monitor on another connector stays
// quiet). Retries are off (one attempt per call) so the error ratio is the fault's own.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "sim/world/world.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::from_text;
using testing::monitor;

// The base drill (one channel, an OMS and ERP that answer in 20 ms with room to spare, an
// ingest connector making one attempt per call) at `rate`, and a second connector (stock sync)
// no fault touches.
std::string world(const std::string& duration, const std::string& rate,
                  const std::string& faults_and_monitors) {
  return fmt::format(R"Y(
extends: base.yaml
name: monitored
duration: {}
traffic:
  - {{channel: shop, rate: {}}}
connectors:
  - {{name: ingest, queue_max: 100000}}
  - {{name: stock, flow: stock_sync, from: erp, to: shop, policy: once}}
{}
)Y",
                     duration, rate, faults_and_monitors);
}

TEST_CASE("a threshold monitor fires at the tick its window and `for` predict after an outage") {
  // Outage from 20m: every call fails. The 1m window's error ratio is (t - 20m) / 1m, over 5%
  // after 3 s, so the first tick with the condition true is 20m30s; `for: 1m` makes it fire at
  // 21m30s (continuous-time theory: 20m + 3 s + 1m = 21m03s, one interval earlier at most).
  // The outage ends at 30m; the window (30m, 31m] holds no failure: the episode ends at 31m.
  const WorldResult r = run_world(from_text(world("40m", "5/s", R"(faults:
  - {id: oms-down, kind: outage, target: oms, at: 20m, for: 10m}
monitors:
  - {name: ingest-errors, kind: threshold, signal: error_rate, target: ingest, above: 0.05,
     window: 1m, for: 1m}
  - {name: stock-errors, kind: threshold, signal: error_rate, target: stock, above: 0.05,
     window: 1m}
evaluation_interval: 30s)")),
                                  1);
  const MonitorRun& m = monitor(r, "ingest-errors");
  REQUIRE(m.firings.size() == 1);
  CHECK(m.firings[0].start == SimTime{} + minutes(21) + seconds(30));
  REQUIRE(m.firings[0].end.has_value());
  CHECK(*m.firings[0].end == SimTime{} + minutes(31));
  // One value per tick: 80 ticks in 40 minutes.
  CHECK(m.values.size() == 80);
  CHECK(monitor(r, "stock-errors").firings.empty());
  CHECK(m.connectors == std::vector<std::string>{"ingest"});
  REQUIRE(r.fault_connectors.size() == 1);
  CHECK(r.fault_connectors[0] == std::vector<std::string>{"ingest"});
}

// SRE Workbook, "Alerting on SLOs": time to fire = (1 - SLO) / error ratio x window x factor.
// SLO 99.9%, factor 14.4, 1h long window: 51.84 s at a 100% error ratio, 103.68 s at 50%. The
// fault starts at 1h30m, after a full long window of healthy traffic, and mid-interval (+7 s).
// The world's ratio is a Poisson estimate (relative SD about 4% at 10 jobs/s), so the firing
// tick is the first at or after onset + T, or the next one.
TEST_CASE("a burn-rate monitor detects an error burst when the workbook's arithmetic says") {
  for (const double error_ratio : {1.0, 0.5}) {
    CAPTURE(error_ratio);
    const std::string setup = fmt::format(R"(faults:
  - {{id: oms-5xx, kind: error_burst, target: oms, at: 5407s, for: 20m, intensity: {}}}
monitors:
  - {{name: ingest-slo, kind: burn_rate, flow: order_ingest, objective: 99.9%,
     long_window: 1h, short_window: 5m, burn_rate: 14.4}}
evaluation_interval: 30s)",
                                          error_ratio);
    const WorldResult r = run_world(from_text(world("2h", "10/s", setup)), 2);
    const MonitorRun& m = monitor(r, "ingest-slo");
    REQUIRE_FALSE(m.firings.empty());
    const double onset_s = 5407;
    const double t_s = 3600 * 14.4 * 0.001 / error_ratio;
    const double first_tick_s = 30 * std::ceil((onset_s + t_s) / 30);
    const double fired_s = m.firings[0].start.seconds();
    CHECK(fired_s >= first_tick_s);
    CHECK(fired_s <= first_tick_s + 30);
    CHECK(r.fault_connectors[0] == std::vector<std::string>{"ingest"});
  }
}

TEST_CASE("an absence monitor fires a full window after a stalled consumer's last success") {
  // The stall at 20m stops every worker; a job in flight then (a 20% chance at 5 jobs/s of 40 ms)
  // finishes within 40 ms. The window (t - 5m, t] first holds no success at t = 25m, or at
  // 25m30s when such a job succeeded just after 20m: never earlier, never later.
  const WorldResult r = run_world(from_text(world("40m", "5/s", R"(faults:
  - {id: stuck, kind: consumer_stall, target: ingest, at: 20m, for: 10m}
monitors:
  - {name: ingest-silent, kind: absence, signal: throughput, target: ingest, window: 5m})")),
                                  3);
  const MonitorRun& m = monitor(r, "ingest-silent");
  REQUIRE(m.firings.size() == 1);
  INFO("fired at " << m.firings[0].start.seconds() << " s, ended at "
                   << (m.firings[0].end ? m.firings[0].end->seconds() : -1.0) << " s");
  const SimTime fired = m.firings[0].start;
  CHECK((fired == SimTime{} + minutes(25) || fired == SimTime{} + minutes(25) + seconds(30)));
  // The stall ends at 30m and the backlog drains at once: the tick at 30m30s sees successes.
  REQUIRE(m.firings[0].end.has_value());
  CHECK(*m.firings[0].end == SimTime{} + minutes(30) + seconds(30));
}

TEST_CASE("an absence monitor on a channel's webhook rate catches dropped order events") {
  // Every orders/create event from 20m is dropped at the source: deliveries stop at 20m plus
  // the 50 ms on the wire. The 2m window (t - 2m, t] first holds none at t = 22m or 22m30s.
  const WorldResult r = run_world(from_text(world("30m", "5/s", R"(faults:
  - {id: no-hooks, kind: event_drop, target: shop/orders/create, at: 20m, for: 5m}
monitors:
  - {name: shop-silent, kind: absence, signal: webhook_rate, target: shop, window: 2m}
  - {name: shop-rate, kind: threshold, signal: webhook_rate, target: shop, below: 2,
     window: 1m})")),
                                  5);
  const MonitorRun& silent = monitor(r, "shop-silent");
  REQUIRE(silent.firings.size() == 1);
  const SimTime fired = silent.firings[0].start;
  CHECK((fired == SimTime{} + minutes(22) || fired == SimTime{} + minutes(22) + seconds(30)));
  // Before the fault the rate is ~5 deliveries a second: the threshold's value says so.
  const MonitorRun& rate = monitor(r, "shop-rate");
  CHECK(rate.values[30] > 4);
  CHECK(rate.values[30] < 6);
  REQUIRE_FALSE(rate.firings.empty());
  CHECK(rate.firings[0].start > SimTime{} + minutes(20));
  CHECK(rate.firings[0].start <= SimTime{} + minutes(21));
}

}  // namespace
}  // namespace syncdrill
