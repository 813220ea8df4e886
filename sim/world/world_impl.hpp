// The World's insides, shared by its implementation files (world*.cpp). Not a public header.
//
// World is assembled from owned parts (members), each in its own header with its invariants:
//   Registry (registry.hpp)         the channels (ChannelState, channel_state.hpp), mocks and
//                                   ports, and which flow serves which; the only way to them,
//                                   for the flows, the telemetry tap and World's own methods
//   Flow (flow.hpp)                 one connector's work: ingest, returns, sync, fulfillment,
//                                   reconciliation (one file each)
//   Traffic (traffic_state.hpp)     the customers of every traffic source, the ERP's own changes
//   ConnectorFaults (connector_faults.hpp)  stalls and retry storms, acting at their edges
//   DamageTally (damage_tally.hpp)  the running damage figures behind WorldResult::damage
//   OnCall (on_call.hpp)            the response's incident state (world_response.cpp)
//   MonitorSet (monitors/monitor_set.hpp)  the monitors and their previous tick
//   FarTimers (world_timers.hpp)    events minutes to hours ahead
// What stays here is what the world's own methods share: the engine, the result, the world's
// copy of the faults and their edge functions, the connectors, telemetry.
//
// Invariants of World itself:
// - result.connectors[i] is the outcome of connectors_[i], and flows_[i] its flow; both are
//   built once, in the constructor.
// - faults is the world's own copy of scenario.faults (same order, same ids); only a runbook's
//   rollback changes it (a window ended early). fault_edge_fns_ has one entry per fault.
// - Per connector, sample_prev_ holds its counters at the last series sample.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/engine/check.hpp"
#include "core/engine/draw_ahead.hpp"
#include "core/engine/random.hpp"
#include "mocks/fault_window.hpp"
#include "sim/world/channel_state.hpp"
#include "sim/world/connector_faults.hpp"
#include "sim/world/damage_tally.hpp"
#include "sim/world/flow.hpp"
#include "sim/world/monitors/monitor_set.hpp"
#include "sim/world/on_call.hpp"
#include "sim/world/order_flags.hpp"
#include "sim/world/registry.hpp"
#include "sim/world/result_recorder.hpp"
#include "sim/world/traffic/basket.hpp"
#include "sim/world/traffic_state.hpp"
#include "sim/world/world.hpp"
#include "sim/world/world_timers.hpp"

namespace syncdrill::world {

class World;

inline constexpr uint8_t kDeliveryDelayed = 1 << 0;
inline constexpr uint8_t kDeliveryCopy = 1 << 1;

// An OMS order created for a channel order that already had one.
struct ExtraCopy {
  uint32_t channel = 0;
  uint64_t channel_order = 0;
  uint64_t oms_order = 0;
};

// Hands each connector attempt to the world's TelemetrySink, with the faults on its path.
class TelemetryTap final : public AttemptObserver {
 public:
  explicit TelemetryTap(World& world) : world_(world) {}
  uint64_t next_request_id() override { return ++last_request_id_; }
  void on_attempt(const Connector& connector, const Job& job, const Port* port, uint64_t request_id,
                  uint32_t attempt, SimTime sent, SimTime now, ErrorClass error) override;
  // The faults in force at `now` that name one of `names` (a connector, port or channel).
  std::span<const FaultSpec* const> active_on(SimTime now, std::string_view a,
                                              std::string_view b = {}, std::string_view c = {});

 private:
  World& world_;
  uint64_t last_request_id_ = 0;
  std::vector<const FaultSpec*> active_;  // reused
};

// The OMS's line source (OrderLineSource): a channel order's lines as its channel mock keeps them.
class ChannelOrderLines final : public OrderLineSource {
 public:
  explicit ChannelOrderLines(const Registry& registry) : registry_(registry) {}
  std::span<const OrderLine> order_lines(uint32_t channel, uint64_t channel_order) const override {
    return registry_.channel(channel).mock->order_lines(channel_order);
  }

 private:
  const Registry& registry_;
};

class World {
 public:
  // second_core: see run_world (sim/world/world.hpp).
  World(const Scenario& scenario, uint64_t seed, const Engine::Limits& limits,
        TelemetrySink* telemetry, bool second_core = true);
  WorldResult run();

  // The channels and systems, for the flows.
  Registry& registry() { return registry_; }
  const Registry& registry() const { return registry_; }

  // Shared by the flows.
  Engine engine;
  TelemetrySink* telemetry = nullptr;  // none: nothing is recorded
  std::optional<TelemetryTap> tap;     // set with telemetry
  FarTimers far_timers{engine};        // returns and shipments: minutes to hours ahead
  const Scenario& scenario;
  uint64_t seed;
  WorldResult result;
  std::vector<ExtraCopy> extra_copies;  // in creation order, for reconciliation
  DamageTally damage;                   // behind WorldResult::damage (sampled by sample_series)
  // How the flows record what they did in `result` (result_recorder.hpp).
  ResultRecorder& recorder() { return recorder_; }
  // The scenario's faults, the world's own copy: a runbook's rollback ends one early. Everything
  // that applies faults points here.
  std::vector<FaultSpec> faults;

  SimTime end() const { return SimTime{} + scenario.duration; }

  // on_fault_edges, and kept so a rollback can run fn at once when it ends the fault early.
  template <typename F>
  void on_fault_edges_of(const FaultSpec& fault, F fn) {
    SD_CHECK(&fault >= faults.data() && &fault < faults.data() + faults.size(),
             "a rollback can end only the world's own copy of a fault");
    on_fault_edges(fault, fn);
    fault_edge_fns_[static_cast<size_t>(&fault - faults.data())].push_back(fn);
  }

  // Calls fn() at each on/off edge of `fault` inside the run (fault_active tells which).
  // fn: trivially copyable, at most 32 bytes.
  template <typename F>
  void on_fault_edges(const FaultSpec& fault, F fn) {
    struct Edge {
      World* w;
      const FaultSpec* fault;
      F fn;
      void operator()() const {
        fn();
        const std::optional<SimTime> next = next_fault_edge(*fault, w->engine.now());
        if (next && *next <= w->end()) w->engine.schedule_at(*next, *this);
      }
    };
    const std::optional<SimTime> first = next_fault_edge(fault, SimTime{});
    if (fault.at == Duration{}) {
      engine.schedule_at(SimTime{}, Edge{this, &fault, fn});
    } else if (first && *first <= end()) {
      engine.schedule_at(*first, Edge{this, &fault, fn});
    }
  }

  // Runs fn() at `first`, then every `period`, while inside the run. fn must be trivially
  // copyable and at most 32 bytes: a lambda capturing `this` and a pointer or two.
  template <typename F>
  void repeat(SimTime first, Duration period, F fn) {
    struct Tick {
      World* w;
      Duration period;
      F fn;
      void operator()() const {
        fn();
        if (w->engine.now() + period <= w->end()) w->engine.schedule_after(period, *this);
      }
    };
    SD_CHECK(period.us > 0, "a repeating event needs a positive period");
    if (first <= end()) engine.schedule_at(first, Tick{this, period, fn});
  }

  // Orders and webhooks (world_orders.cpp).
  void place_order(TrafficState& t);
  void serve_customer(TrafficState& t, SimTime now);
  // The traffic entry's next arrival (replayed or drawn), kArrivalsEnd when there is none.
  SimTime next_arrival(TrafficState& t);
  // fault_marks: kDeliveryDelayed / kDeliveryCopy, so a fault acts on a delivery once.
  void deliver_webhook(uint32_t channel, const WebhookEvent& event, uint32_t attempt,
                       uint8_t fault_marks = 0);
  // Sends an event the channel just produced, unless an event_drop fault keeps it back.
  void emit_webhook(uint32_t channel, const WebhookEvent& event);
  // The first webhook fault of `kind` in force on the channel's `topic` that takes this
  // delivery (a draw against its intensity), or null.
  const WebhookFault* webhook_fault(ChannelState& ch, FaultKind kind, WebhookTopic topic);
  void record_webhook(uint32_t channel, const WebhookEvent& event, uint32_t attempt,
                      DeliveryResult result);
  void request_return(uint32_t channel, uint64_t order);
  // The OMS takes the order's returned units back and the ERP restocks them; the first success
  // marks the return synced (the returns flow and reconciliation's repair both call it).
  Response process_return(uint32_t channel, uint64_t order, SimTime now);
  void on_oms_created(uint32_t channel, uint64_t order, const CreateResult& created);
  // Offers an ingest job for a channel order, counting it as a holder; false when refused.
  bool offer_ingest(uint32_t channel, const Job& job);
  void poll_orders(uint32_t channel);

 private:
  void build_ports();
  // Faults (world_faults.cpp): each to the gate, flow, channel or traffic it acts on.
  void attach_faults();
  void attach_gate_fault(const FaultSpec& f, uint64_t* hits);
  void attach_webhook_fault(const FaultSpec& f, uint64_t* hits);
  void attach_connector_fault(const FaultSpec& f, uint64_t* hits);
  void attach_feed_fault(const FaultSpec& f, uint64_t* hits);
  void attach_mapping_fault(const FaultSpec& f, uint64_t* hits);
  void attach_peak_fault(const FaultSpec& f, uint64_t* hits);
  void add_traffic(const TrafficSourcePlan& source, const FaultSpec* peak, uint64_t* peak_hits);
  // Monitors (world_monitors.cpp): evaluated every scenario.evaluation_interval.
  void build_monitors();
  void evaluate_monitors();
  SignalTick measure(MonitorState& m);
  void collect_monitors();
  // Response (world_response.cpp): paging on-call, acknowledgement, the runbook's actions.
  void build_response();
  void page(size_t monitor);
  void acknowledge();
  void run_action(size_t action);
  void monitors_quiet();
  void resync_channel(uint32_t channel);
  void pause_channel(uint32_t channel);
  void resume_channel(uint32_t channel);
  void rollback(const std::string& fault_id);
  // The connectors whose work `f` touches (WorldResult::fault_connectors).
  std::vector<std::string> touched_connectors(const FaultSpec& f) const;
  void build_connectors();
  void build_traffic();
  void schedule_erp_changes();
  void read_change_feed();
  void sample_series();
  void sample_damage();
  void schedule_erp_rounds();
  void schedule_scheduled_jobs();
  void schedule_sampling();
  void collect();

  Registry registry_;  // the channels, systems and flows (registry.hpp)
  ChannelOrderLines channel_order_lines_{registry_};  // the OMS reads order lines here
  std::vector<std::unique_ptr<Flow>> flows_;
  std::vector<std::unique_ptr<Connector>> connectors_;
  Traffic traffic_;  // customers and the ERP's own changes (traffic_state.hpp)
  // Scratch space, reused so the hot paths do not allocate; holds nothing between calls.
  struct Scratch {
    std::vector<SkuId> changed_skus;  // read_change_feed's
    std::vector<BasketLine> basket;   // serve_customer's
    std::vector<SkuQuantity> lines;   // serve_customer's and request_return's
  } scratch_;
  friend class TelemetryTap;
  MonitorSet monitoring_;
  std::vector<std::vector<std::function<void()>>> fault_edge_fns_;  // per fault
  OnCall on_call_;
  std::optional<RandomStream> ack_rng_;
  std::vector<ConnectorStats> sample_prev_;  // each connector's counters at the last sample
  ConnectorFaults connector_faults_;         // stalls and storms (connector_faults.hpp)
  // The flows' way to record what they did (result_recorder.hpp).
  ResultRecorder recorder_{result, damage, monitoring_};

 public:
  // Draws the samples of fixed sequences (service times, warehouse delays, customers) on a
  // second core. Last member: destroyed, and its thread joined, before any queue it reads.
  DrawAhead draw_ahead;
};

inline Flow::Flow(World& world, const ConnectorSpec& spec)
    : world_(world), registry_(world.registry()), spec_(spec) {}

}  // namespace syncdrill::world
