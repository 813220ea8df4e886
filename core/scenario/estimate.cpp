#include "core/scenario/estimate.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace syncdrill {

namespace {

// Work items of the jobs that do something per connector or channel each run: a counter copy
// per connector, a latency histogram (1,888 buckets) reset or merged costs about ten.
constexpr double kHistogramWork = 10;

// The shape's multiplier at `at` (linear between points, flat before the first and after the
// last), as sim/world/traffic reads it.
double multiplier_at(const std::vector<ShapePoint>& shape, double at_s) {
  if (shape.empty()) return 1.0;
  if (at_s <= shape.front().at.seconds()) return shape.front().multiplier;
  for (size_t i = 1; i < shape.size(); ++i) {
    const double t0 = shape[i - 1].at.seconds();
    const double t1 = shape[i].at.seconds();
    if (at_s <= t1) {
      const double f = t1 > t0 ? (at_s - t0) / (t1 - t0) : 1.0;
      return shape[i - 1].multiplier + f * (shape[i].multiplier - shape[i - 1].multiplier);
    }
  }
  return shape.back().multiplier;
}

// The integral of the shape's multiplier over [from_s, to_s], in seconds: exact, since the shape
// is linear between its points (trapezoids between the span's ends and the points inside it).
double shape_integral_s(const std::vector<ShapePoint>& shape, double from_s, double to_s) {
  std::vector<double> knots{from_s};
  for (const ShapePoint& p : shape) {
    if (p.at.seconds() > from_s && p.at.seconds() < to_s) knots.push_back(p.at.seconds());
  }
  knots.push_back(to_s);
  double area = 0;
  for (size_t i = 1; i < knots.size(); ++i) {
    area += (knots[i] - knots[i - 1]) *
            (multiplier_at(shape, knots[i - 1]) + multiplier_at(shape, knots[i])) / 2;
  }
  return area;
}

// Expected orders of one traffic entry in [from, to): rate x length x the peak of its shape (an
// upper bound, for the limits), or x its mean over the span (for the memory estimate); a
// replayed entry counts its rows in the span instead.
double entry_orders(const TrafficSpec& t, SimTime from, SimTime to,
                    ShapeReading reading = ShapeReading::peak) {
  if (to <= from) return 0;
  if (t.replay) {
    const std::vector<SimTime>& times = t.replay->times;
    const auto first = std::lower_bound(times.begin(), times.end(), from);
    const auto last = std::lower_bound(times.begin(), times.end(), to);
    return static_cast<double>(last - first);
  }
  if (reading == ShapeReading::mean) {
    return t.orders_per_s *
           shape_integral_s(t.shape, (from - SimTime{}).seconds(), (to - SimTime{}).seconds());
  }
  double peak = t.shape.empty() ? 1.0 : 0.0;
  for (const ShapePoint& p : t.shape) {
    peak = std::max(peak, p.multiplier);
  }
  return t.orders_per_s * (to - from).seconds() * peak;
}

// How often a job every `every` runs in the run: at every, 2 x every, ... up to the end.
double runs(const Scenario& s, Duration every) {
  if (every.us <= 0) return 0;
  return static_cast<double>(s.duration.us / every.us);
}

std::string indexed(std::string_view list, size_t i, std::string_view key = {}) {
  return key.empty() ? fmt::format("{}[{}]", list, i) : fmt::format("{}[{}].{}", list, i, key);
}

size_t count_flows(const Scenario& s, FlowKind flow) {
  return static_cast<size_t>(std::count_if(s.connectors.begin(), s.connectors.end(),
                                           [&](const ConnectorSpec& c) { return c.flow == flow; }));
}

// The SKUs one restock or price change round touches (as sim/world/traffic/schedules.hpp).
double skus_per_round(double fraction, uint32_t skus) {
  return std::clamp(std::round(fraction * skus), 1.0, static_cast<double>(std::max(skus, 1u)));
}

// Per evaluation tick: each connector's counters and latency window, each channel's four freshness
// windows, and each monitor's reading of its scope (the connectors of its flow, all without
// one; a histogram merge for each of them on latency_p95, for each channel on freshness_p95).
double monitor_tick_work(const Scenario& s) {
  const auto connectors = static_cast<double>(s.connectors.size());
  const auto channels = static_cast<double>(s.channels.size());
  double work = kHistogramWork * connectors + 4 * kHistogramWork * channels;
  for (const MonitorSpec& m : s.monitors) {
    const double scope = m.flow ? static_cast<double>(count_flows(s, *m.flow)) : connectors;
    work += 1;
    if (m.kind != MonitorKind::burn_rate && m.signal == Signal::latency_p95) {
      work += kHistogramWork * scope;
    } else if (m.kind != MonitorKind::burn_rate && m.signal == Signal::freshness_p95) {
      work += kHistogramWork * channels;
    } else {
      work += scope;
    }
  }
  return work;
}

void add_erp_jobs(const Scenario& s, std::vector<PeriodicJob>& jobs) {
  // The world runs the first ERP's schedules only.
  for (size_t i = 0; i < s.systems.size(); ++i) {
    const SystemSpec& sys = s.systems[i];
    if (sys.kind != SystemKind::erp) continue;
    const auto round = [&](std::string_view key, Duration every, double fraction, FlowKind sync) {
      const double n = runs(s, every);
      const double skus = skus_per_round(fraction, s.catalog.skus);
      const double consumers = 1 + static_cast<double>(count_flows(s, sync));
      jobs.push_back(PeriodicJob{
          fmt::format("{} of {}: {:.0f} runs x {:.0f} SKUs x (1 + {:.0f} {} connectors)", key,
                      sys.name, n, skus, consumers - 1, to_string(sync)),
          {indexed("systems", i, fmt::format("{}.interval", key)), indexed("systems", i, key)},
          n * (1 + skus * consumers),
          0});
    };
    if (sys.restocks) {
      round("restocks", sys.restocks->interval, sys.restocks->sku_fraction, FlowKind::stock_sync);
    }
    if (sys.price_changes) {
      round("price_changes", sys.price_changes->interval, sys.price_changes->sku_fraction,
            FlowKind::price_sync);
    }
    if (sys.batch_import_interval) {
      const double n = runs(s, *sys.batch_import_interval);
      jobs.push_back(PeriodicJob{fmt::format("batch_import of {}: {:.0f} runs", sys.name, n),
                                 {indexed("systems", i, "batch_import.interval")},
                                 n,
                                 0});
    }
    return;
  }
}

void add_connector_jobs(const Scenario& s, std::vector<PeriodicJob>& jobs) {
  const double orders = expected_orders(s);
  for (size_t i = 0; i < s.connectors.size(); ++i) {
    const ConnectorSpec& c = s.connectors[i];
    if (c.flow == FlowKind::reconciliation) {
      // Each run compares every order placed so far: counted as if it saw all of them.
      const double n = runs(s, c.interval.value_or(hours(1)));
      jobs.push_back(PeriodicJob{
          fmt::format("reconciliation {}: {:.0f} runs over about {:.0f} orders", c.name, n, orders),
          {indexed("connectors", i, "interval"), indexed("connectors", i)},
          n * (1 + orders / 100),
          n});
    }
    if (c.poll_interval) {
      const double n = runs(s, *c.poll_interval);
      jobs.push_back(PeriodicJob{fmt::format("poll of {}: {:.0f} runs", c.name, n),
                                 {indexed("connectors", i, "poll_interval")},
                                 n,
                                 0});
    }
  }
}

void add_flap_jobs(const Scenario& s, std::vector<PeriodicJob>& jobs) {
  for (size_t i = 0; i < s.faults.size(); ++i) {
    const FaultSpec& f = s.faults[i];
    if (!f.flap) continue;
    const int64_t cycle_us = f.flap->on.us + f.flap->off.us;
    const int64_t window_us = std::min(f.length.us, std::max<int64_t>(0, (s.duration - f.at).us));
    if (cycle_us <= 0) continue;
    const double edges = 2 * static_cast<double>(window_us / cycle_us + 1) *
                         static_cast<double>(std::max<size_t>(1, f.targets.size()));
    jobs.push_back(PeriodicJob{fmt::format("flapping fault {}: {:.0f} on/off edges", f.id, edges),
                               {indexed("faults", i, "flap"), indexed("faults", i)},
                               edges,
                               0});
  }
}

}  // namespace

std::vector<double> expected_orders_by_entry(const Scenario& s, ShapeReading reading) {
  const SimTime end = SimTime{} + s.duration;
  std::vector<double> out;
  for (const TrafficSpec& t : s.traffic) {
    out.push_back(entry_orders(t, SimTime{}, end, reading));
  }
  for (const FaultSpec& f : s.faults) {
    if (f.kind != FaultKind::peak_traffic) continue;
    const SimTime from = SimTime{} + f.at;
    const SimTime to = std::min(end, from + f.length);
    for (size_t i = 0; i < s.traffic.size(); ++i) {
      const TrafficSpec& t = s.traffic[i];
      if (std::find(f.targets.begin(), f.targets.end(), t.channel) == f.targets.end()) continue;
      out[i] += (f.settings_as<PeakTrafficSettings>().multiplier - 1) *
                entry_orders(t, from, to, reading);
    }
  }
  return out;
}

double expected_orders(const Scenario& s) {
  double total = 0;
  for (double orders : expected_orders_by_entry(s)) {
    total += orders;
  }
  return total;
}

double expected_order_lines(const Scenario& s, ShapeReading reading) {
  const std::vector<double> orders = expected_orders_by_entry(s, reading);
  double total = 0;
  for (size_t i = 0; i < orders.size(); ++i) {
    const uint32_t lines = std::min(s.traffic[i].basket_lines_max, s.catalog.skus);
    total += orders[i] * std::max(lines, 1u);
  }
  return total;
}

std::vector<PeriodicJob> periodic_jobs(const Scenario& s) {
  std::vector<PeriodicJob> jobs;
  const double feed = runs(s, seconds(1));
  jobs.push_back(
      PeriodicJob{fmt::format("the ERP change feed: {:.0f} runs", feed), {"duration"}, feed, 0});
  // Series sampling, every series_interval from time 0: six series per connector, four delay
  // series per channel (each a histogram read and reset) and 13 damage series; the orders placed
  // per channel are counted after the run (stored, no sampling work).
  const double samples = runs(s, s.series_interval) + 1;
  const auto connectors = static_cast<double>(s.connectors.size());
  const auto channels = static_cast<double>(s.channels.size());
  jobs.push_back(PeriodicJob{
      fmt::format("series sampling: {:.0f} samples of {:.0f} connectors and {:.0f} channels",
                  samples, connectors, channels),
      {"series_interval", "duration"},
      samples * (1 + 6 * connectors + 4 * kHistogramWork * channels + 13),
      samples * (6 * connectors + 5 * channels + 13)});
  if (!s.monitors.empty()) {
    const double ticks = runs(s, s.evaluation_interval);
    const auto monitors = static_cast<double>(s.monitors.size());
    jobs.push_back(PeriodicJob{fmt::format("monitor evaluation: {:.0f} ticks of {:.0f} monitors "
                                           "over {:.0f} connectors and {:.0f} channels",
                                           ticks, monitors, connectors, channels),
                               {"evaluation_interval", "monitors"},
                               ticks * monitor_tick_work(s),
                               ticks * monitors});
  }
  add_erp_jobs(s, jobs);
  add_connector_jobs(s, jobs);
  add_flap_jobs(s, jobs);
  return jobs;
}

uint64_t run_events_max(const Scenario& s) {
  double work = 0;
  for (const PeriodicJob& j : periodic_jobs(s)) {
    work += j.work;
  }
  const double events =
      kEventsPerOrder * expected_orders(s) + kEventsPerWorkItem * work + kEventsBase;
  // The engine's own ceiling (2^40) holds whatever the estimate says.
  constexpr double kCeiling = static_cast<double>(uint64_t{1} << 40);
  return static_cast<uint64_t>(std::isfinite(events) ? std::min(events, kCeiling) : kCeiling);
}

double estimated_run_bytes(const Scenario& s) {
  double orders = 0;
  for (double o : expected_orders_by_entry(s, ShapeReading::mean)) {
    orders += o;
  }
  double stored = 0;
  for (const PeriodicJob& j : periodic_jobs(s)) {
    stored += j.stored;
  }
  const double listings = static_cast<double>(s.catalog.skus) *
                          static_cast<double>(s.channels.size() + s.systems.size());
  const double bytes = kRunBytesBase + kRunBytesPerOrder * orders +
                       kRunBytesPerLine * expected_order_lines(s, ShapeReading::mean) +
                       kRunBytesPerSkuListing * listings + kRunBytesPerStored * stored;
  return std::isfinite(bytes) ? bytes : 1e18;
}

}  // namespace syncdrill
