// MonitorSet: the scenario's monitors as the world evaluates them (world_monitors.cpp): every
// evaluation_interval each reads its signal over the connectors and channels in its scope, then
// the window starts again.
//
// Invariants (from the end of World's constructor on):
// - monitors[k] is scenario.monitors[k] and WorldResult::monitors[k]: same order, same count.
// - A monitor's connectors and channels are indices into the world's connectors and channels,
//   ascending, each once (add() checks).
// - connector_prev has one entry per connector when there are monitors: its counters at the
//   previous tick (all 0 before the first).
// - reconciliation_seen never passes the number of reconciliation runs so far.
// - active() is fixed before the run starts: the channels' monitoring windows are fed only then.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/engine/check.hpp"
#include "core/scenario/scenario.hpp"
#include "sim/world/connector.hpp"
#include "sim/world/monitors/monitor_eval.hpp"

namespace syncdrill::world {

// One monitor and what it watches.
struct MonitorState {
  const MonitorSpec* spec = nullptr;
  MonitorEvaluator eval;
  std::vector<uint32_t> connectors;  // indices in World::connectors_
  std::vector<uint32_t> channels;    // indices in World::channels
};

struct MonitorSet {
  std::vector<MonitorState> monitors;
  std::vector<ConnectorStats> connector_prev;  // each connector's counters at the previous tick
  size_t reconciliation_seen = 0;              // runs already shown to monitors

  // The scenario has monitors: sync delays feed the channels' monitoring windows.
  bool active() const { return !monitors.empty(); }

  // REQUIRES: m's scope indexes `connectors` connectors and `channels` channels, ascending.
  void add(MonitorState m, size_t connectors, size_t channels) {
    SD_CHECK(ascending_below(m.connectors, connectors), "a monitor watches known connectors");
    SD_CHECK(ascending_below(m.channels, channels), "a monitor watches known channels");
    monitors.push_back(std::move(m));
  }

 private:
  static bool ascending_below(const std::vector<uint32_t>& v, size_t n) {
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] >= n || (i > 0 && v[i - 1] >= v[i])) return false;
    }
    return true;
  }
};

}  // namespace syncdrill::world
