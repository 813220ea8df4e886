// SyncDelay and SyncDelays<T>: the freshness record, one value per flow that has a sync delay.
//
// Four flows carry data to a channel and so have a delay a freshness monitor or tier reads:
// order ingest (placed -> created in the OMS), stock sync and price sync (ERP change -> channel
// updated) and fulfillment's status sync (shipped -> channel updated). Every per-channel record
// of those delays (the run's series, the monitors' windows) is a SyncDelays<T>, read by name or
// by SyncDelay, never by a position spelled out where it is used.
//
// Invariants: kSyncDelays lists every SyncDelay once, in the order the record iterates (and the
// report draws) them; sync_delay_of() maps exactly the four flows above and no other.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/scenario/scenario.hpp"

namespace syncdrill {

enum class SyncDelay : uint8_t { ingest, stock, price, status };
inline constexpr size_t kSyncDelayCount = 4;
inline constexpr std::array<SyncDelay, kSyncDelayCount> kSyncDelays = {
    SyncDelay::ingest, SyncDelay::stock, SyncDelay::price, SyncDelay::status};

// The sync delay of `flow`; none for the flows without one (returns, reconciliation).
constexpr std::optional<SyncDelay> sync_delay_of(FlowKind flow) {
  switch (flow) {
    case FlowKind::order_ingest:
      return SyncDelay::ingest;
    case FlowKind::stock_sync:
      return SyncDelay::stock;
    case FlowKind::price_sync:
      return SyncDelay::price;
    case FlowKind::fulfillment:
      return SyncDelay::status;
    default:
      return std::nullopt;
  }
}

// One T per sync delay. Iterates in kSyncDelays order.
template <typename T>
class SyncDelays {
 public:
  T& operator[](SyncDelay d) { return by_delay_[static_cast<size_t>(d)]; }
  const T& operator[](SyncDelay d) const { return by_delay_[static_cast<size_t>(d)]; }
  T& ingest() { return (*this)[SyncDelay::ingest]; }
  T& stock() { return (*this)[SyncDelay::stock]; }
  T& price() { return (*this)[SyncDelay::price]; }
  T& status() { return (*this)[SyncDelay::status]; }
  auto begin() { return by_delay_.begin(); }
  auto end() { return by_delay_.end(); }
  auto begin() const { return by_delay_.begin(); }
  auto end() const { return by_delay_.end(); }

 private:
  std::array<T, kSyncDelayCount> by_delay_{};
};

}  // namespace syncdrill
