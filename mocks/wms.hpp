// WmsMock: the fulfillment partner (3PL). It receives orders as shipments and moves them through
// its own states, spelled its own way; the simulation decides WHEN each step happens (after
// sampled delays) and the fulfillment connector maps the spellings to OMS states through
// ConnectorSpec::mapping (an unmapped spelling is the sim's mapping error).
//
// States and their default spellings (constructor overrides, by the snake_case name):
//   received RECEIVED -> picking PICKING -> picked PICKED -> shipped SHIPPED -> delivered DELIVERED
//   cancelled CANCELLED from received or picking.
// pick() may skip picking (received -> picked). A step to the state a shipment is already in is
// an idempotent no-op; any other move off these edges is rejected and changes nothing.
//
// receive() always creates a new shipment, even for an OMS order already received: a retried
// handoff without idempotency ships twice. shipments_for() is the ground truth for that.
//
// Memory: 12 bytes per shipment (the OMS holds the lines; the WMS keeps the unit count) plus
// 1 byte per OMS order id up to the highest received. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/growing_array.hpp"
#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"
#include "mocks/types.hpp"

namespace syncdrill {

enum class ShipmentState : uint8_t { received, picking, picked, shipped, delivered, cancelled };
inline constexpr uint32_t kShipmentStateCount = 6;

// The snake_case name ("received", ...).
std::string_view to_string(ShipmentState s);

class WmsMock {
 public:
  // overrides: {from: snake_case state name, to: this WMS's spelling}.
  // REQUIRES: every `from` names a ShipmentState.
  explicit WmsMock(std::span<const StatusMapping> overrides = {});

  // A new shipment (dense ids 0, 1, 2, ...) in state received. REQUIRES: oms_order < 2^32 - 1,
  // lines non-empty.
  uint64_t receive(uint64_t oms_order, std::span<const OrderLine> lines, SimTime now);

  // State changes: ok, not_found (unknown shipment) or rejected (not allowed from its state).
  Response start_picking(uint64_t shipment, SimTime now);
  Response pick(uint64_t shipment, SimTime now);
  Response ship(uint64_t shipment, SimTime now);
  Response deliver(uint64_t shipment, SimTime now);
  Response cancel(uint64_t shipment, SimTime now);

  // REQUIRES for the accessors: shipment < shipment_count().
  uint64_t shipment_count() const { return shipments_.size(); }
  ShipmentState state(uint64_t shipment) const;
  std::string_view status_spelling(uint64_t shipment) const { return spelling(state(shipment)); }
  std::string_view spelling(ShipmentState s) const;
  uint64_t oms_order(uint64_t shipment) const;
  uint32_t units(uint64_t shipment) const;
  // A hint, changes nothing: starts loading the shipment's record into the cache (ids past the
  // end are ignored).
  void prefetch(uint64_t shipment) const {
    if (shipment < shipments_.size()) __builtin_prefetch(&shipments_[shipment]);
  }

  // Shipments created for an OMS order (saturating at 255).
  uint32_t shipments_for(uint64_t oms_order) const;

 private:
  struct Shipment {  // 12 bytes
    uint32_t oms_order;
    uint32_t units;
    ShipmentState state;
  };
  static_assert(sizeof(Shipment) == 12);

  Response move(uint64_t shipment, ShipmentState to);

  std::array<std::string, kShipmentStateCount> spellings_;
  GrowingArray<Shipment> shipments_;
  GrowingArray<uint8_t> copies_;  // per OMS order
};

}  // namespace syncdrill
