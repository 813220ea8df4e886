// Flow: the world's side of one connector (a ConnectorFlow): which port each job's step calls
// and what the call changes in the mocks. One implementation file per kind: ingest and returns
// (world_orders.cpp), stock and price sync (world_sync.cpp), fulfillment
// (world_fulfillment.cpp), reconciliation (world_reconcile.cpp).
//
// Invariants:
// - A flow reaches channels, mocks and ports through registry_ (Registry's checked interface),
//   records what it did through World::recorder() (ResultRecorder, never WorldResult's fields),
//   and the world's order bookkeeping through World's methods; it owns only its own state.
// - connector is set by the world right after the flow is made, before any job is offered,
//   and never changes.
// - A job's meaning (subject, op, step, payload) is its flow's: each flow documents its ops,
//   and a payload is read only by the op that made it (payload_of checks the type).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"
#include "sim/world/connector.hpp"
#include "sim/world/sync_delay.hpp"

namespace syncdrill::world {

class World;
class Registry;

// What a job is about, for telemetry: a kind ("order", "sku", "shipment", "oms_order") and id.
struct JobEntity {
  std::string_view kind;
  uint64_t id = 0;
};

// The flow of one connector: a ConnectorFlow with a back pointer to the world.
class Flow : public ConnectorFlow {
 public:
  Flow(World& world, const ConnectorSpec& spec);  // defined in world_impl.hpp
  virtual ~Flow() = default;
  // Telemetry's affected entity. Default: the job's subject is a channel order.
  virtual JobEntity entity(const Job& job) const { return JobEntity{"order", job.subject}; }
  Connector* connector = nullptr;

 protected:
  World& world_;
  Registry& registry_;
  const ConnectorSpec& spec_;
};

// Flow factories (one file each).
std::unique_ptr<Flow> make_ingest_flow(World& world, const ConnectorSpec& spec, uint32_t channel);
std::unique_ptr<Flow> make_stock_flow(World& world, const ConnectorSpec& spec, uint32_t channel);
std::unique_ptr<Flow> make_price_flow(World& world, const ConnectorSpec& spec, uint32_t channel);
std::unique_ptr<Flow> make_returns_flow(World& world, const ConnectorSpec& spec, uint32_t channel);

std::unique_ptr<Flow> make_reconcile_flow(World& world, const ConnectorSpec& spec);
std::unique_ptr<Flow> make_fulfillment_flow(World& world, const ConnectorSpec& spec);
void fulfillment_released(Flow& flow, uint64_t oms_order);
void fulfillment_cancelled(Flow& flow, uint32_t channel, uint64_t channel_order);

// The stock and price flows hear of ERP changes through this (world_sync.cpp).
void notify_sku_changed(Flow& flow, SkuId sku, SimTime now);
// A stale_feed fault on a sync flow; feed_fault_edge() at each of its edges sends the withheld
// updates once no such fault is in force (when the fault catches up).
void add_feed_fault(Flow& flow, const FaultSpec* fault, uint64_t* hits);
void feed_fault_edge(Flow& flow);
// A mapping_regression on the fulfillment flow, for one channel (or all: channel < 0).
void add_mapping_fault(Flow& flow, const FaultSpec* fault, uint64_t* hits, int channel);
// A reconciliation run now, looking back over `interval` (world_reconcile.cpp).
void reconcile_now(Flow& flow, SimTime now, Duration interval);
// Interval mode: sends what the flow collected since its last interval.
void flush_sync(Flow& flow);

}  // namespace syncdrill::world
