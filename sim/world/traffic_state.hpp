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
#include "core/engine/draw_ahead.hpp"
#include "core/scenario/scenario.hpp"
#include "sim/world/traffic/plan.hpp"

namespace syncdrill::world {

// A customer as drawn ahead: the arrival time, then the basket (kArrivalsEnd: no more).
struct CustomerDraw {
  static constexpr uint32_t kLinesMax = 4;  // larger baskets are drawn when served
  SimTime at;
  uint32_t lines = 0;
  BasketLine line[kLinesMax];
};

// A traffic source's generators, and where a peak counts its hits.
//
// The sequences a source draws can be taken from DrawQueues (core/engine/draw_ahead.hpp), so a
// DrawAhead can draw them on another core:
// - `customers`: for a plain source with baskets of up to CustomerDraw::kLinesMax lines, the
//   arrivals and baskets, which share `rng` in the fixed order arrival, basket, arrival, ...
//   (a peak source draws a basket only while its fault is on: not a fixed sequence, not here).
// - `returns`: with a returns fraction, one draw per accepted order from `returns_rng`: the
//   delay to the return, or Duration{-1} for none.
struct TrafficState : Customers {
  TrafficState(const Scenario& s, const TrafficSourcePlan& plan, const FaultSpec* peak_fault,
               uint64_t root_seed, uint64_t* hits)
      : Customers(s, plan, peak_fault, root_seed),
        peak_hits(hits),
        horizon(SimTime{} + s.duration) {
    if (peak_fault == nullptr && baskets->lines_max() <= CustomerDraw::kLinesMax)
      customers = std::make_unique<DrawQueue<CustomerDraw>>(&draw_customers, this);
    if (spec->returns.fraction > 0)
      returns = std::make_unique<DrawQueue<Duration>>(&draw_returns, this);
  }
  uint64_t* peak_hits = nullptr;                       // set with `peak`
  SimTime horizon;                                     // the scenario's duration
  std::unique_ptr<DrawQueue<CustomerDraw>> customers;  // see above; null: drawn when needed
  CustomerDraw next_customer;                          // with `customers`: the next to arrive
  std::unique_ptr<DrawQueue<Duration>> returns;        // null: the spec has no returns

 private:
  static void draw_customers(void* self, CustomerDraw* out, size_t count) {
    auto& t = *static_cast<TrafficState*>(self);
    for (size_t i = 0; i < count; ++i) {
      CustomerDraw& c = out[i];
      c.at = t.ended_ ? kArrivalsEnd : t.next_arrival(t.horizon);
      c.lines = 0;
      if (c.at == kArrivalsEnd) {
        t.ended_ = true;  // nothing is drawn after the last arrival
        continue;
      }
      c.lines = t.baskets->sample(t.rng, std::span(c.line, CustomerDraw::kLinesMax));
    }
  }
  static void draw_returns(void* self, Duration* out, size_t count) {
    auto& t = *static_cast<TrafficState*>(self);
    for (size_t i = 0; i < count; ++i) {
      const bool returned = t.returns_rng.uniform01() < t.spec->returns.fraction;
      out[i] = returned ? t.spec->returns.delay.sample_duration(t.returns_rng) : Duration{-1};
    }
  }
  bool ended_ = false;  // the drawing side's: the last arrival was drawn
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
