// OnCall: the state of the on-call engineer's incident, as World's response (world_response.cpp)
// drives it: pages open an incident, one acknowledgement follows after its delay, runbook actions
// run once per incident, and the incident closes when no monitor fires any more.
//
// Invariants:
// - acknowledged implies engaged: only an open incident is acknowledged.
// - paged_by has one entry per monitor and actions_done one per runbook action (sized by
//   open()); both are all 0 whenever no incident is open.
// - An action runs at most once per incident (take_action marks it).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/engine/check.hpp"
#include "core/scenario/scenario.hpp"

namespace syncdrill::world {

class OnCall {
 public:
  // What a page asks of the world.
  enum class PageNext : uint8_t {
    send_ack,     // a new incident: schedule its acknowledgement
    ack_pending,  // the acknowledgement is on its way: nothing more
    run_actions,  // the incident is acknowledged: start the actions this page calls for
  };

  // Sized for the scenario's monitors and runbook actions.
  void open(size_t monitors, size_t actions) {
    paged_by_.assign(monitors, 0);
    actions_done_.assign(actions, 0);
  }

  PageNext page(size_t monitor) {
    SD_CHECK(monitor < paged_by_.size(), "a page from a known monitor");
    SD_CHECK(engaged_ || !acknowledged_, "only an open incident is acknowledged");
    paged_by_[monitor] = 1;
    if (acknowledged_) return PageNext::run_actions;
    if (engaged_) return PageNext::ack_pending;
    engaged_ = true;
    return PageNext::send_ack;
  }

  // The acknowledgement arrives; false when its incident closed meanwhile (or was acknowledged).
  bool acknowledge() {
    if (!engaged_ || acknowledged_) return false;
    acknowledged_ = true;
    return true;
  }

  // Whether runbook action `a` should start now: not yet run in this incident, and its `on` is
  // empty or names a monitor that paged. Marks it run when it should.
  bool take_action(size_t a, const ActionSpec& spec, const std::vector<MonitorSpec>& monitors) {
    SD_CHECK(a < actions_done_.size(), "a known runbook action");
    SD_CHECK(monitors.size() == paged_by_.size(), "one page flag per monitor");
    if (actions_done_[a]) return false;
    bool wanted = spec.on.empty();
    for (const std::string& name : spec.on) {
      for (size_t m = 0; m < monitors.size(); ++m) {
        wanted |= monitors[m].name == name && paged_by_[m];
      }
    }
    if (!wanted) return false;
    actions_done_[a] = 1;
    return true;
  }

  // No monitor fires: the incident closes. False when none was open.
  bool close() {
    if (!engaged_) return false;
    engaged_ = false;
    acknowledged_ = false;
    std::fill(paged_by_.begin(), paged_by_.end(), 0);
    std::fill(actions_done_.begin(), actions_done_.end(), 0);
    return true;
  }

 private:
  bool engaged_ = false;  // an incident is open
  bool acknowledged_ = false;
  std::vector<uint8_t> paged_by_;      // per monitor: paged in this incident
  std::vector<uint8_t> actions_done_;  // per runbook action: ran in this incident
};

}  // namespace syncdrill::world
