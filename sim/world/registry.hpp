// Registry: the channels and systems of a world, and which flow serves which of them.
//
// The world builds it once, in its constructor, and never adds or removes a channel, system or
// flow afterwards; the flows reach channels, mocks and ports only through this interface, which
// checks every index and every system it is asked for. World inherits it privately, so its own
// methods (building, faults, response, sampling) keep naming the parts directly.
//
// Invariants (from the end of World's constructor on):
// - channels[i] is scenario.channels[i], and its outcome is WorldResult::channels[i].
// - erp and oms are set: the world always runs one ERP and one OMS mock (the scenario's first).
// - erp_port, oms_port and wms_port point into ports_ (the first system of their kind), or are
//   null when the scenario has none; a flow that needs one is built only when it is set.
// - port_meta_[i] describes ports_[i]; channel ports come first, in channel order.
// - stock_flows and price_flows hold each built sync flow once; fulfillment and reconciliation
//   are the single flow of their kind that was built, or null.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/engine/check.hpp"
#include "core/scenario/scenario.hpp"
#include "mocks/erp.hpp"
#include "mocks/oms.hpp"
#include "sim/world/channel_state.hpp"
#include "sim/world/port.hpp"
#include "sim/world/world.hpp"

namespace syncdrill::world {

class Flow;

class Registry {
 public:
  uint32_t channel_count() const { return static_cast<uint32_t>(channels.size()); }
  ChannelState& channel(uint32_t c) {
    SD_CHECK(c < channels.size(), "a known channel");
    return channels[c];
  }
  const ChannelState& channel(uint32_t c) const {
    SD_CHECK(c < channels.size(), "a known channel");
    return channels[c];
  }

  ErpMock& erp_mock() { return *erp; }
  const ErpMock& erp_mock() const { return *erp; }
  OmsMock& oms_mock() { return *oms; }
  const OmsMock& oms_mock() const { return *oms; }

  // Whether the scenario has a system of this kind (an ERP, OMS or WMS) the world runs.
  bool has_system(SystemKind kind) const { return system_port_or_null(kind) != nullptr; }
  // The port of the world's system of this kind. REQUIRES: has_system(kind).
  Port& system_port(SystemKind kind) const {
    Port* p = system_port_or_null(kind);
    SD_CHECK(p != nullptr, "a flow calls a system the scenario has");
    return *p;
  }

 protected:
  Registry() = default;
  ~Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Port* system_port_or_null(SystemKind kind) const {
    switch (kind) {
      case SystemKind::erp:
        return erp_port;
      case SystemKind::oms:
        return oms_port;
      case SystemKind::wms:
        return wms_port;
    }
    return nullptr;
  }

  std::vector<ChannelState> channels;
  std::unique_ptr<ErpMock> erp;
  std::unique_ptr<OmsMock> oms;
  Port* erp_port = nullptr;
  Port* oms_port = nullptr;
  Port* wms_port = nullptr;
  std::vector<std::unique_ptr<Port>> ports_;
  std::vector<PortOutcome> port_meta_;
  std::vector<Flow*> stock_flows;
  std::vector<Flow*> price_flows;
  Flow* fulfillment = nullptr;
  Flow* reconciliation = nullptr;
};

}  // namespace syncdrill::world
