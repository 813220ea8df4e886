// Traffic: what reaches the world from outside its connectors, as the world runs it: the
// customers of every traffic source (the plan in sim/world/traffic/plan.hpp) and the ERP's own
// restock rounds and price changes.
//
// Invariants:
// - plan() is traffic_plan(scenario), computed once; a plain source is added for each of its
//   entries without a peak fault, and a peak source for each entry of a peak_traffic fault when
//   that fault is attached, with the world's copy of the fault (checked: a source has a peak
//   and a hit counter exactly when its plan entry names a peak fault).
// - Sources are only added, and their addresses never change (arrival events point at them).
// - restock_round() and price_round() return a view of a buffer the next round of the same kind
//   overwrites; the caller uses it at once.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/engine/check.hpp"
#include "core/scenario/scenario.hpp"
#include "sim/world/traffic/plan.hpp"

namespace syncdrill::world {

// A traffic source's generators, and where a peak counts its hits.
struct TrafficState : Customers {
  TrafficState(const Scenario& s, const TrafficSourcePlan& plan, const FaultSpec* peak_fault,
               uint64_t root_seed, uint64_t* hits)
      : Customers(s, plan, peak_fault, root_seed), peak_hits(hits) {}
  uint64_t* peak_hits = nullptr;  // set with `peak`
};

class Traffic {
 public:
  // Keeps a reference to the scenario, which must outlive it.
  Traffic(const Scenario& s, uint64_t root_seed)
      : scenario_(s), seed_(root_seed), plan_(traffic_plan(s)), erp_changes_(s, root_seed) {}
  Traffic(const Traffic&) = delete;
  Traffic& operator=(const Traffic&) = delete;

  std::span<const TrafficSourcePlan> plan() const { return plan_; }

  // A source of customers for `source` (an entry of plan()). REQUIRES: `peak` (the world's
  // copy of the fault) and `peak_hits` set exactly when the entry names a peak fault.
  TrafficState& add_source(const TrafficSourcePlan& source, const FaultSpec* peak,
                           uint64_t* peak_hits) {
    SD_CHECK(&source >= plan_.data() && &source < plan_.data() + plan_.size(),
             "a source comes from the traffic plan");
    SD_CHECK((peak != nullptr) == source.peak_fault.has_value() &&
                 (peak_hits != nullptr) == (peak != nullptr),
             "a peak source has its fault and hit counter, a plain one neither");
    sources_.push_back(std::make_unique<TrafficState>(scenario_, source, peak, seed_, peak_hits));
    return *sources_.back();
  }

  const RestockSpec* restocks() const { return erp_changes_.restocks; }
  const PriceChangeSpec* prices() const { return erp_changes_.prices; }
  // One round of the ERP's restocks / price changes. REQUIRES: restocks() / prices() set.
  std::span<const Restock> restock_round() {
    SD_CHECK(erp_changes_.restocks != nullptr, "a restock round of a scenario with restocks");
    erp_changes_.restock_round(restock_buffer_);
    return restock_buffer_;
  }
  std::span<const PriceChange> price_round() {
    SD_CHECK(erp_changes_.prices != nullptr, "a price round of a scenario with price changes");
    erp_changes_.price_round(price_buffer_);
    return price_buffer_;
  }

 private:
  const Scenario& scenario_;
  uint64_t seed_;
  std::vector<TrafficSourcePlan> plan_;
  std::vector<std::unique_ptr<TrafficState>> sources_;
  ErpChanges erp_changes_;
  std::vector<Restock> restock_buffer_;  // reused
  std::vector<PriceChange> price_buffer_;
};

}  // namespace syncdrill::world
