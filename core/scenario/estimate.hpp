// Load-time estimates of the work a scenario asks for: the figures LoadLimits bounds
// (core/scenario/loader.hpp) and the run's event limit is derived from. Pure functions of a
// Scenario (valid or not: nothing here assumes more than the field types), documented in
// docs/scenario-format.md under "Limits".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/scenario/scenario.hpp"

namespace syncdrill {

// The expected orders of each traffic entry over the run (in Scenario::traffic order): rate x
// duration x the peak of its shape, or a replayed entry's CSV rows inside the duration, plus
// (multiplier - 1) x its expected orders inside each peak_traffic fault's window on its channel.
// `peak`: at the peak of each shape (an upper bound, what the limits check); `mean`: at the
// shape's mean over the run (what the memory estimate reads).
enum class ShapeReading : uint8_t { peak, mean };
std::vector<double> expected_orders_by_entry(const Scenario& s,
                                             ShapeReading reading = ShapeReading::peak);
// Their sum.
double expected_orders(const Scenario& s);
// Each entry's expected orders x the most lines a basket of it can have (basket_lines.max, at
// most the catalog's SKUs), summed: what the channel and OMS mocks store.
double expected_order_lines(const Scenario& s, ShapeReading reading = ShapeReading::peak);

// One periodic job of the run and its share of the periodic work: its runs x the work items of
// each run. A work item is roughly 0.1 us of simulation (a SKU restocked or repriced and synced,
// a histogram merged, a hundred orders compared by reconciliation, a tick).
struct PeriodicJob {
  std::string what;  // for messages: "price_changes of erp: 21600 runs x 100000 SKUs x 2"
  // Key paths of the settings that drive it, most specific first ("systems[1].restocks.interval",
  // "systems[1].restocks"): a message goes to the first one the scenario spells out.
  std::vector<std::string> paths;
  double work = 0;
  // Values and records it keeps for the report: series points, monitor values, reconciliation
  // runs (each 4 to 64 bytes).
  double stored = 0;
};

// Every periodic job the world schedules for this scenario (the ERP's change feed, the series
// sampling, monitor evaluation, the first ERP's restocks, price changes and batch import, each
// reconciliation and poll interval, each flapping fault's edges).
std::vector<PeriodicJob> periodic_jobs(const Scenario& s);

// The events a run of `s` may process before it is stopped as a runaway: kEventsPerOrder per
// expected order, kEventsPerWorkItem per periodic work item, plus kEventsBase. A scenario within
// the default LoadLimits gets at most about 2 billion.
inline constexpr double kEventsPerOrder = 100;
inline constexpr double kEventsPerWorkItem = 10;
inline constexpr double kEventsBase = 10'000'000;
uint64_t run_events_max(const Scenario& s);

// The peak memory one run of `s` is expected to take, in bytes: what `run`, `compare` and `sweep`
// bound their --jobs by (app/memory_budget.hpp) and `validate` prints. Linear in what the world
// keeps for the report: kRunBytesBase (the program, its libraries, the catalog's fixed costs) +
// kRunBytesPerOrder per expected order + kRunBytesPerLine per expected order line +
// kRunBytesPerSkuListing per SKU listed on a channel or held by a system + kRunBytesPerStored
// per stored periodic value. Calibrated on the library's drills (docs/cli.md, "Jobs and
// memory"): 9-32% above each one's measured peak.
inline constexpr double kRunBytesBase = 22.0 * 1024 * 1024;
inline constexpr double kRunBytesPerOrder = 110;
inline constexpr double kRunBytesPerLine = 12;
inline constexpr double kRunBytesPerSkuListing = 64;
inline constexpr double kRunBytesPerStored = 16;
double estimated_run_bytes(const Scenario& s);

}  // namespace syncdrill
