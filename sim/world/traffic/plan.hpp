// The traffic plan: every source of customers a scenario has, and the generators that play one.
// The world (sim/world/world.cpp) and the live drill (app/live_traffic.cpp) both read it, so a live
// drill sees the simulation's customers: the same sources, streams and draws.
//
// A source is one traffic entry, or one peak_traffic fault's extra customers on an entry
// (sim/world/traffic/peak.hpp). Its arrivals follow the entry's rate and shape (ArrivalProcess),
// its replayed trace (ReplaySchedule), or for a peak the fault's extra Poisson process. Each source
// has its own random streams, named after its entry:
//   "traffic/<entry>"  arrival gaps and baskets;
//   "returns/<entry>"  whether and when an order comes back (the world's returns flow);
// where <entry> is the channel's name for its first traffic entry, "<channel>#<n>" for its n-th
// (a channel's second entry must not replay the first's customers), and "peak/<fault id>/<entry>"
// for a peak's extra customers (so the entry's own customers are the same with and without the
// fault). SKU popularity is one order for every source, shuffled from "catalog/popularity": a
// product hot on one channel is hot on all.
//
// The ERP's own changes over the run (restock rounds and price changes of the scenario's first ERP,
// schedules.hpp) draw from "erp/restocks" and "erp/prices", picking SKUs with one SkuPicker.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/random.hpp"
#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"
#include "sim/world/traffic/arrivals.hpp"
#include "sim/world/traffic/basket.hpp"
#include "sim/world/traffic/replay.hpp"
#include "sim/world/traffic/schedules.hpp"
#include "sim/world/traffic/zipf.hpp"

namespace syncdrill {

struct TrafficSourcePlan {
  const TrafficSpec* spec = nullptr;  // points into the scenario's traffic
  uint32_t channel = 0;               // the entry's channel: an index in scenario.channels
  std::optional<size_t> peak_fault;   // set: a peak_traffic fault's index in scenario.faults
  std::string entry;                  // the streams' name: "shop", "shop#2", "peak/bf/shop"
};

// The scenario's sources in the order the world adds them: the traffic entries in order, then for
// each peak_traffic fault (in fault order) and each of its distinct targets, that channel's
// entries. REQUIRES: every traffic entry names a channel of the scenario (the loader checks).
std::vector<TrafficSourcePlan> traffic_plan(const Scenario& s);

// One source's generators. Keeps pointers into the scenario, which must outlive it.
struct Customers {
  // `peak`: the fault of plan.peak_fault as the caller keeps it (the world's copy may end early on
  // a rollback), nullptr for a plain entry. REQUIRES: peak set iff plan.peak_fault is.
  Customers(const Scenario& s, const TrafficSourcePlan& plan, const FaultSpec* peak,
            uint64_t root_seed);

  // The next arrival time, kArrivalsEnd once none remains before `horizon` (the scenario's
  // duration). A peak's arrivals outside its on phases are returned too: the caller skips them.
  SimTime next_arrival(SimTime horizon);

  const TrafficSpec* spec = nullptr;
  uint32_t channel = 0;
  const FaultSpec* peak = nullptr;  // set: customers come only while this fault is on
  RandomStream rng;
  RandomStream returns_rng;
  std::unique_ptr<ArrivalProcess> arrivals;  // the Poisson model, unless replay is set
  std::optional<ReplaySchedule> replay;      // the spec's replay times, instead of `arrivals`
  std::unique_ptr<ZipfSampler> skus;
  std::unique_ptr<BasketSampler> baskets;
};

// The ERP's restock rounds and price changes, with their streams. Keeps pointers into the
// scenario, which must outlive it.
struct ErpChanges {
  ErpChanges(const Scenario& s, uint64_t root_seed);

  // One round each, written to `out` (cleared first). REQUIRES: restocks / prices set.
  void restock_round(std::vector<Restock>& out);
  void price_round(std::vector<PriceChange>& out);

  const RestockSpec* restocks = nullptr;  // the first ERP's, nullptr without
  const PriceChangeSpec* prices = nullptr;
  RandomStream restock_rng;
  RandomStream price_rng;
  SkuPicker picker;
};

}  // namespace syncdrill
