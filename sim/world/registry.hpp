// Registry: the channels and systems of a world, and which flow serves which of them.
//
// World owns one (a member, not a base) and fills it in its constructor through the add_* and
// set_* calls below, then seals it; from then on nothing adds or removes a channel, system,
// port or flow. The flows, the telemetry tap and the world's own methods reach channels, mocks
// and ports only through this interface, which checks every index and every system it is asked
// for.
//
// Invariants (from seal() on; checked by seal() and by each call that could break them):
// - channel(i) is scenario.channels[i], and its outcome is WorldResult::channels[i].
// - erp_mock() and oms_mock() are set: the world always runs one ERP and one OMS mock.
// - port(i) is described by port_meta(i); channel ports come first, in channel order (channel c's
//   port is port(c)), then the systems' in scenario order.
// - system_port(kind) is the first port of a system of that kind; has_system(kind) is false when
//   the scenario has none, and a flow that needs one is built only when it is true.
// - stock_flows() and price_flows() hold each built sync flow once; fulfillment() and
//   reconciliation() are the single flow of their kind that was built, or null.
// - Building calls come only before seal(); World seals it as soon as the flows are built, before
//   any fault is attached or event scheduled.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
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
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // --- Building (World's constructor). Each REQUIRES: not sealed.

  // The ERP and OMS mocks. REQUIRES: both set, once.
  void set_mocks(std::unique_ptr<ErpMock> erp, std::unique_ptr<OmsMock> oms) {
    building("mocks are set while the world is built");
    SD_CHECK(erp != nullptr && oms != nullptr, "the world runs an ERP and an OMS mock");
    SD_CHECK(erp_ == nullptr && oms_ == nullptr, "the mocks are set once");
    erp_ = std::move(erp);
    oms_ = std::move(oms);
  }
  // `count` channels, to be filled through channel(i). REQUIRES: none yet.
  void add_channels(size_t count) {
    building("channels are added while the world is built");
    SD_CHECK(channels_.empty(), "the channels are added once");
    channels_.resize(count);
  }
  // Channel c's port. REQUIRES: the next channel port, before any system's.
  Port* add_channel_port(uint32_t c, std::unique_ptr<Port> port, PortOutcome meta) {
    SD_CHECK(c < channels_.size() && ports_.size() == c,
             "channel ports come first, in channel order");
    Port* p = add_port(std::move(port), std::move(meta));
    channels_[c].port = p;
    return p;
  }
  // A system's port; the first of its kind is the one flows call.
  Port* add_system_port(SystemKind kind, std::unique_ptr<Port> port, PortOutcome meta) {
    SD_CHECK(ports_.size() >= channels_.size(), "system ports follow every channel's");
    Port* p = add_port(std::move(port), std::move(meta));
    if (system_ports_[kind_index(kind)] == nullptr) system_ports_[kind_index(kind)] = p;
    return p;
  }
  void set_ingest(uint32_t c, Flow* flow) {
    building("flows are added while the world is built");
    channel(c).ingest = flow;
  }
  void set_returns(uint32_t c, Flow* flow) {
    building("flows are added while the world is built");
    channel(c).returns = flow;
  }
  void add_stock_flow(Flow* flow) { add_sync_flow(stock_flows_, flow); }
  void add_price_flow(Flow* flow) { add_sync_flow(price_flows_, flow); }
  void set_fulfillment(Flow* flow) { set_single(fulfillment_, flow); }
  void set_reconciliation(Flow* flow) { set_single(reconciliation_, flow); }
  // The end of building: checks what every reader relies on.
  void seal() {
    building("a registry is sealed once");
    SD_CHECK(erp_ != nullptr && oms_ != nullptr, "the world runs an ERP and an OMS mock");
    SD_CHECK(port_meta_.size() == ports_.size(), "each port has its description");
    for (uint32_t c = 0; c < channels_.size(); ++c) {
      SD_CHECK(channels_[c].port == ports_[c].get(), "channel c's port is port c");
      SD_CHECK(channels_[c].spec != nullptr && channels_[c].mock != nullptr,
               "each channel has its spec and mock");
    }
    sealed_ = true;
  }

  // --- Reading and acting.

  uint32_t channel_count() const { return static_cast<uint32_t>(channels_.size()); }
  // Available while building too (World fills each channel in).
  ChannelState& channel(uint32_t c) {
    SD_CHECK(c < channels_.size(), "a known channel");
    return channels_[c];
  }
  const ChannelState& channel(uint32_t c) const {
    SD_CHECK(c < channels_.size(), "a known channel");
    return channels_[c];
  }
  std::span<ChannelState> channels() { return channels_; }
  std::span<const ChannelState> channels() const { return channels_; }

  ErpMock& erp_mock() { return *erp_; }
  const ErpMock& erp_mock() const { return *erp_; }
  OmsMock& oms_mock() { return *oms_; }
  const OmsMock& oms_mock() const { return *oms_; }

  // Whether the scenario has a system of this kind (an ERP, OMS or WMS) the world runs.
  bool has_system(SystemKind kind) const { return system_slot(kind) != nullptr; }
  // The port of the world's system of this kind. REQUIRES: has_system(kind).
  Port& system_port(SystemKind kind) const {
    Port* p = system_slot(kind);
    SD_CHECK(p != nullptr, "a flow calls a system the scenario has");
    return *p;
  }

  // Every port, channels' first (for faults by target name and the end-of-run outcome).
  size_t port_count() const { return ports_.size(); }
  Port& port(size_t i) const {
    SD_CHECK(i < ports_.size(), "a known port");
    return *ports_[i];
  }
  const PortOutcome& port_meta(size_t i) const {
    SD_CHECK(i < port_meta_.size(), "a known port");
    return port_meta_[i];
  }

  std::span<Flow* const> stock_flows() const { return stock_flows_; }
  std::span<Flow* const> price_flows() const { return price_flows_; }
  Flow* fulfillment() const { return fulfillment_; }        // or null
  Flow* reconciliation() const { return reconciliation_; }  // or null

 private:
  void building(const char* why) const { SD_CHECK(!sealed_, why); }
  Port* add_port(std::unique_ptr<Port> port, PortOutcome meta) {
    building("ports are added while the world is built");
    SD_CHECK(port != nullptr, "a port to add");
    ports_.push_back(std::move(port));
    port_meta_.push_back(std::move(meta));
    return ports_.back().get();
  }
  void add_sync_flow(std::vector<Flow*>& flows, Flow* flow) {
    building("flows are added while the world is built");
    SD_CHECK(flow != nullptr, "a flow to add");
    flows.push_back(flow);
  }
  void set_single(Flow*& slot, Flow* flow) {
    building("flows are added while the world is built");
    SD_CHECK(flow != nullptr && slot == nullptr, "one flow of its kind");
    slot = flow;
  }
  // The first port of each kind of system, by SystemKind (erp, oms, wms), or null.
  static size_t kind_index(SystemKind kind) {
    const auto i = static_cast<size_t>(kind);
    SD_CHECK(i < 3, "a known kind of system");
    return i;
  }
  Port* system_slot(SystemKind kind) const { return system_ports_[kind_index(kind)]; }

  std::vector<ChannelState> channels_;
  std::unique_ptr<ErpMock> erp_;
  std::unique_ptr<OmsMock> oms_;
  std::array<Port*, 3> system_ports_{};
  std::vector<std::unique_ptr<Port>> ports_;
  std::vector<PortOutcome> port_meta_;
  std::vector<Flow*> stock_flows_;
  std::vector<Flow*> price_flows_;
  Flow* fulfillment_ = nullptr;
  Flow* reconciliation_ = nullptr;
  bool sealed_ = false;
};

}  // namespace syncdrill::world
