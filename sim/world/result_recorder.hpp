// ResultRecorder: how the flows record what they did in the run's ground truth (WorldResult)
// and in the channels' freshness windows, instead of writing WorldResult's fields themselves.
//
// Invariants:
// - The flows (world_sync.cpp, world_orders.cpp, world_reconcile.cpp, world_fulfillment.cpp)
//   change WorldResult's run-wide counters, its reconciliation runs and the channels' sync-delay
//   histograms only through this class; World reads them when it samples and collects.
// - Counters only grow. Reconciliation runs are appended in time order (checked).
// - A sync delay is never negative (checked), and goes to the channel outcome's histogram of
//   its kind, the series' sample window and, when the world has monitors, the monitors' window:
//   all three see every delay.
// - A duplicate cancelled is one counted open in the DamageTally (DamageTally checks it).
#pragma once

#include <cstdint>

#include "core/engine/check.hpp"
#include "sim/world/channel_state.hpp"
#include "sim/world/damage_tally.hpp"
#include "sim/world/monitors/monitor_set.hpp"
#include "sim/world/sync_delay.hpp"
#include "sim/world/world.hpp"

namespace syncdrill::world {

class ResultRecorder {
 public:
  // Keeps references to the world's result, damage tally and monitors, which outlive it.
  ResultRecorder(WorldResult& result, DamageTally& damage, const MonitorSet& monitoring)
      : result_(result), damage_(damage), monitoring_(monitoring) {}
  ResultRecorder(const ResultRecorder&) = delete;
  ResultRecorder& operator=(const ResultRecorder&) = delete;

  // A sync of `kind` reached the channel `delay_us` after its cause (an order placed, a stock or
  // price change, a shipment). REQUIRES: delay_us >= 0.
  void sync_delay(ChannelState& ch, SyncDelay kind, int64_t delay_us) {
    SD_CHECK(delay_us >= 0, "a sync delay ends after it starts");
    SD_CHECK(ch.outcome != nullptr, "a channel with its outcome");
    sync_delays_of(*ch.outcome, kind).record(delay_us);
    ch.sample_delay_us[kind].record(delay_us);
    if (monitoring_.active()) ch.window_delay_us[kind].record(delay_us);
  }
  // Reconciliation cancelled a duplicate OMS order of a channel order worth `amount_minor`.
  void duplicate_cancelled(int64_t amount_minor) {
    ++result_.duplicates_cancelled;
    damage_.extra_cancelled(amount_minor);
  }
  // Reconciliation reversed a revenue entry posted twice.
  void revenue_reversed() { ++result_.revenue_entries_reversed; }
  // A reconciliation run and what it found. REQUIRES: not before the last run.
  void reconciliation_run(const ReconciliationRun& run) {
    SD_CHECK(result_.reconciliation.empty() || result_.reconciliation.back().at <= run.at,
             "reconciliation runs are recorded in time order");
    result_.reconciliation.push_back(run);
  }
  // A shipment's state went to a channel (once per shipment), and whether the channel had no
  // spelling for it (once per shipment too).
  void status_update() { ++result_.status_updates; }
  void unmapped_state() { ++result_.unmapped_states; }

 private:
  WorldResult& result_;
  DamageTally& damage_;
  const MonitorSet& monitoring_;
};

}  // namespace syncdrill::world
