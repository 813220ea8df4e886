// WmsMock: shipments in a dense vector and their state machine.
#include "mocks/wms.hpp"

#include <limits>

#include "core/engine/check.hpp"

namespace syncdrill {
namespace {

constexpr std::array<std::string_view, kShipmentStateCount> kNames{
    "received", "picking", "picked", "shipped", "delivered", "cancelled"};
constexpr std::array<std::string_view, kShipmentStateCount> kDefaultSpellings{
    "RECEIVED", "PICKING", "PICKED", "SHIPPED", "DELIVERED", "CANCELLED"};

bool edge_allowed(ShipmentState from, ShipmentState to) {
  using S = ShipmentState;
  switch (to) {
    case S::picking:
      return from == S::received;
    case S::picked:
      return from == S::received || from == S::picking;
    case S::shipped:
      return from == S::picked;
    case S::delivered:
      return from == S::shipped;
    case S::cancelled:
      return from == S::received || from == S::picking;
    case S::received:
      return false;
  }
  return false;
}

}  // namespace

std::string_view to_string(ShipmentState s) {
  const auto i = static_cast<uint32_t>(s);
  SD_CHECK(i < kShipmentStateCount, "shipment state out of range");
  return kNames[i];
}

WmsMock::WmsMock(std::span<const StatusMapping> overrides) {
  for (uint32_t i = 0; i < kShipmentStateCount; ++i) {
    spellings_[i] = kDefaultSpellings[i];
  }
  for (const StatusMapping& m : overrides) {
    bool known = false;
    for (uint32_t i = 0; i < kShipmentStateCount; ++i) {
      if (kNames[i] == m.from) {
        spellings_[i] = m.to;
        known = true;
      }
    }
    SD_CHECK(known, "WMS spelling override for an unknown state");
  }
}

uint64_t WmsMock::receive(uint64_t oms_order, std::span<const OrderLine> lines, SimTime /*now*/) {
  SD_CHECK(oms_order < std::numeric_limits<uint32_t>::max(), "OMS order id too large");
  SD_CHECK(!lines.empty(), "a shipment has at least one line");
  uint64_t units = 0;
  for (const OrderLine& l : lines) {
    units += l.quantity;
  }
  SD_CHECK(units <= std::numeric_limits<uint32_t>::max(), "shipment too large");
  shipments_.push_back(
      {static_cast<uint32_t>(oms_order), static_cast<uint32_t>(units), ShipmentState::received});
  if (copies_.size() <= oms_order) {
    copies_.resize(oms_order + 1, 0);  // geometric growth: amortised O(1) for dense ids
  }
  if (copies_[oms_order] < UINT8_MAX) {
    ++copies_[oms_order];
  }
  return shipments_.size() - 1;
}

Response WmsMock::move(uint64_t shipment, ShipmentState to) {
  if (shipment >= shipments_.size()) {
    return {ErrorClass::not_found, {}};
  }
  Shipment& s = shipments_[shipment];
  if (s.state == to) {
    return {};
  }
  if (!edge_allowed(s.state, to)) {
    return {ErrorClass::rejected, {}};
  }
  s.state = to;
  return {};
}

Response WmsMock::start_picking(uint64_t shipment, SimTime /*now*/) {
  return move(shipment, ShipmentState::picking);
}
Response WmsMock::pick(uint64_t shipment, SimTime /*now*/) {
  return move(shipment, ShipmentState::picked);
}
Response WmsMock::ship(uint64_t shipment, SimTime /*now*/) {
  return move(shipment, ShipmentState::shipped);
}
Response WmsMock::deliver(uint64_t shipment, SimTime /*now*/) {
  return move(shipment, ShipmentState::delivered);
}
Response WmsMock::cancel(uint64_t shipment, SimTime /*now*/) {
  return move(shipment, ShipmentState::cancelled);
}

ShipmentState WmsMock::state(uint64_t shipment) const {
  SD_CHECK(shipment < shipments_.size(), "unknown shipment");
  return shipments_[shipment].state;
}

std::string_view WmsMock::spelling(ShipmentState s) const {
  return spellings_[static_cast<uint32_t>(s)];
}

uint64_t WmsMock::oms_order(uint64_t shipment) const {
  SD_CHECK(shipment < shipments_.size(), "unknown shipment");
  return shipments_[shipment].oms_order;
}

uint32_t WmsMock::units(uint64_t shipment) const {
  SD_CHECK(shipment < shipments_.size(), "unknown shipment");
  return shipments_[shipment].units;
}

uint32_t WmsMock::shipments_for(uint64_t oms_order) const {
  return oms_order < copies_.size() ? copies_[oms_order] : 0;
}

}  // namespace syncdrill
