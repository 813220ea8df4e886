// The World's insides, shared by its implementation files (world*.cpp). Not a public header.
#pragma once

#include <array>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "mocks/channel.hpp"
#include "mocks/erp.hpp"
#include "mocks/oms.hpp"
#include "sim/engine/check.hpp"
#include "sim/engine/random.hpp"
#include "sim/faults/fault_window.hpp"
#include "sim/world/monitors/monitor_eval.hpp"
#include "sim/world/policy/dedupe.hpp"
#include "sim/world/traffic/arrivals.hpp"
#include "sim/world/traffic/basket.hpp"
#include "sim/world/traffic/replay.hpp"
#include "sim/world/traffic/schedules.hpp"
#include "sim/world/traffic/zipf.hpp"
#include "sim/world/world.hpp"
#include "sim/world/world_timers.hpp"

namespace syncdrill::world {

// Per channel order, what the flows know of it (one byte each: millions of orders).
enum OrderFlag : uint8_t {
  kWebhookGivenUp = 1 << 0,  // the sender stopped redelivering orders/create
  kIngestFailed = 1 << 1,    // the ingest job was dropped or dead-lettered
  kOversold = 1 << 2,        // the OMS cancelled it for lack of stock
  kRepairPending = 1 << 3,   // reconciliation queued a repair
  // A returns job holds its return: the returns flow's (queued, retrying) or a replayed dead
  // letter. One bit, not a count: a duplicate delivery's second job may still hold the return
  // after the first one ends; the return is synced by then, or the second job syncs it.
  kReturnHeld = 1 << 4,
  kReturnSynced = 1 << 5,  // the OMS and ERP processed its return
  // Bits 6 and 7 count the ingest jobs holding the order (a poll job and a webhook
  // redelivery can both hold it); see holders().
};
inline constexpr int kHolderShift = 6;
inline uint8_t holders(uint8_t flags) {
  return flags >> kHolderShift;
}
// Saturates at 3: at most two jobs hold an order at once (the poll offers only orders no job
// holds; a webhook is redelivered only after a refusal).
inline void add_holder(uint8_t& flags) {
  if (holders(flags) < 3) flags = static_cast<uint8_t>(flags + (1 << kHolderShift));
}
inline void remove_holder(uint8_t& flags) {
  if (holders(flags) > 0) flags = static_cast<uint8_t>(flags - (1 << kHolderShift));
}

class World;

// What a job is about, for telemetry: a kind ("order", "sku", "shipment", "oms_order") and id.
struct JobEntity {
  std::string_view kind;
  uint64_t id = 0;
};

// The flow of one connector: a ConnectorFlow with a back pointer to the world.
class Flow : public ConnectorFlow {
 public:
  Flow(World& world, const ConnectorSpec& spec) : world_(world), spec_(spec) {}
  virtual ~Flow() = default;
  // Telemetry's affected entity. Default: the job's subject is a channel order.
  virtual JobEntity entity(const Job& job) const { return JobEntity{"order", job.subject}; }
  Connector* connector = nullptr;

 protected:
  World& world_;
  const ConnectorSpec& spec_;
};

// A fault on a channel's webhooks: webhook_drop, webhook_duplicate, webhook_delay, event_drop.
struct WebhookFault {
  const FaultSpec* fault = nullptr;
  uint64_t* hits = nullptr;
  uint8_t topics = 0;  // bit (1 << WebhookTopic) for each topic it covers
};

inline constexpr uint8_t kDeliveryDelayed = 1 << 0;
inline constexpr uint8_t kDeliveryCopy = 1 << 1;

// A return the channel recorded: its order and when.
struct ReturnRequest {
  uint64_t order = 0;
  int64_t at_us = 0;
};

struct ChannelState {
  const ChannelSpec* spec = nullptr;
  std::unique_ptr<ChannelMock> mock;
  Port* port = nullptr;
  ChannelOutcome* outcome = nullptr;
  std::vector<uint8_t> flags;         // per channel order (OrderFlag)
  std::vector<int64_t> placed_at_us;  // per channel order
  std::vector<uint32_t> oms_order;    // per channel order: first OMS order + 1 (0 = none)
  // The returns customers made, in time order (at most one per order), for reconciliation to
  // compare with what the OMS and ERP processed.
  std::vector<ReturnRequest> returns_made;
  Flow* ingest = nullptr;   // the order_ingest flow reading this channel's webhooks
  Flow* returns = nullptr;  // the returns flow
  std::optional<WebhookDedupe> ingest_dedupe;
  uint64_t poll_cursor = 0;  // the backup poll has looked at orders before this
  // Orders before this are older than kMissingGrace and were counted missing if they had no
  // OMS order then (World::DamageTally).
  uint64_t missing_cursor = 0;
  std::vector<WebhookFault> webhook_faults;
  uint32_t safety_buffer = 0;  // the spec's, until a runbook raises it
  bool paused = false;         // a runbook paused the listings: stock sync lists nothing
  std::vector<uint32_t> listed_before_pause;  // restored when the channel resumes
  // Monitoring (only with monitors): sync delays since the last evaluation tick, and the orders
  // the OMS cancelled as oversold so far.
  SyncDelays<LatencyHistogram> window_delay_us;
  SyncDelays<LatencyHistogram> sample_delay_us;  // since the last series sample
  uint64_t oversold_so_far = 0;
  uint64_t webhooks_taken = 0;                    // deliveries the receiving connector took
  uint64_t webhooks_taken_at_tick = 0;            // ... at the last monitor evaluation
  std::optional<RandomStream> webhook_fault_rng;  // drawn only while a webhook fault is in force
};

// A traffic entry's generators.
struct TrafficState {
  const TrafficSpec* spec = nullptr;
  uint32_t channel = 0;
  std::unique_ptr<ArrivalProcess> arrivals;  // the Poisson model, unless replay is set
  std::unique_ptr<ZipfSampler> skus;
  std::unique_ptr<BasketSampler> baskets;
  RandomStream rng;
  RandomStream returns_rng;
  std::optional<ReplaySchedule> replay;  // the spec's replay times, instead of `arrivals`
  // A peak_traffic fault's extra customers: arrivals outside its on phases are skipped.
  const FaultSpec* peak = nullptr;
  uint64_t* peak_hits = nullptr;
};

// One monitor and what it watches.
struct MonitorState {
  const MonitorSpec* spec = nullptr;
  MonitorEvaluator eval;
  std::vector<uint32_t> connectors;  // indices in World::connectors_
  std::vector<uint32_t> channels;    // indices in World::channels
};

// A fault acting on one connector through its on/off edges (consumer_stall, retry_storm).
struct ConnectorFault {
  const FaultSpec* fault = nullptr;
  uint64_t* hits = nullptr;
  Connector* connector = nullptr;
  const PolicySpec* base_policy = nullptr;  // the connector's own policy
  uint64_t mark = 0;  // the connector's counter at the last onset (jobs offered, attempts)
  bool on = false;    // counting: between an onset and the end that follows it
};

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

class World {
 public:
  World(const Scenario& scenario, uint64_t seed, const Engine::Limits& limits,
        TelemetrySink* telemetry);
  WorldResult run();

  // Shared by the flows.
  Engine engine;
  TelemetrySink* telemetry = nullptr;  // none: nothing is recorded
  std::optional<TelemetryTap> tap;     // set with telemetry
  FarTimers far_timers{engine};        // returns, warehouse pick and ship: minutes to hours ahead
  const Scenario& scenario;
  uint64_t seed;
  WorldResult result;
  std::vector<ChannelState> channels;
  std::unique_ptr<ErpMock> erp;
  std::unique_ptr<OmsMock> oms;
  Port* erp_port = nullptr;
  Port* oms_port = nullptr;
  Port* wms_port = nullptr;
  Flow* fulfillment = nullptr;
  Flow* reconciliation = nullptr;
  std::vector<Flow*> stock_flows;
  std::vector<Flow*> price_flows;
  std::vector<ExtraCopy> extra_copies;  // in creation order, for reconciliation
  // Running damage figures behind WorldResult::damage (sampled by sample_series).
  struct DamageTally {
    uint64_t missing = 0;  // orders past kMissingGrace with no OMS order
    int64_t missing_minor = 0;
    uint64_t extra_open = 0;  // duplicate OMS orders not cancelled
    int64_t extra_open_minor = 0;
    uint64_t oversold = 0;
    int64_t oversold_minor = 0;
  } damage;
  // A duplicate OMS order for this channel order was cancelled (by reconciliation).
  void duplicate_cancelled(uint32_t channel, uint64_t channel_order);
  std::vector<SkuId> changed_skus;  // the change feed's buffer, reused
  RandomStream restock_rng;
  RandomStream price_rng;
  SkuPicker sku_picker;
  std::vector<Restock> restock_buffer;
  std::vector<PriceChange> price_buffer;
  // The scenario's faults, the world's own copy: a runbook's rollback ends one early. Everything
  // that applies faults points here.
  std::vector<FaultSpec> faults;
  std::vector<BasketLine> basket_buffer;  // place_order's, reused
  std::vector<SkuQuantity> line_buffer;   // place_order's and request_return's, reused

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
  // A sync delay for the channel's freshness monitors (nothing without monitors).
  void record_freshness(ChannelState& ch, SyncDelay kind, int64_t delay_us) {
    SD_CHECK(delay_us >= 0, "a sync delay ends after it starts");
    ch.sample_delay_us[kind].record(delay_us);
    if (monitoring) ch.window_delay_us[kind].record(delay_us);
  }
  bool monitoring = false;  // the scenario has monitors
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
  void add_traffic(const TrafficSpec& spec, const FaultSpec* peak, uint64_t* peak_hits);
  void update_stall(Connector* connector);
  void close_fault_tallies();
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
  void update_storm(Connector* connector, const PolicySpec* base_policy);
  void tally_connector_fault(ConnectorFault& b);
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

  std::vector<std::unique_ptr<Port>> ports_;
  std::vector<PortOutcome> port_meta_;
  std::vector<std::unique_ptr<Flow>> flows_;
  std::vector<std::unique_ptr<Connector>> connectors_;
  std::vector<std::unique_ptr<TrafficState>> traffic_;
  friend class TelemetryTap;
  std::vector<MonitorState> monitors_;
  std::vector<std::vector<std::function<void()>>> fault_edge_fns_;  // per fault
  struct OnCall {
    bool engaged = false;  // an incident is open
    bool acknowledged = false;
    std::vector<uint8_t> paged_by;      // per monitor: paged in this incident
    std::vector<uint8_t> actions_done;  // per runbook action: ran in this incident
  } on_call_;
  std::optional<RandomStream> ack_rng_;
  std::vector<ConnectorStats> sample_prev_;      // each connector's counters at the last sample
  std::vector<ConnectorStats> monitor_prev_;     // each connector's counters at the previous tick
  size_t reconciliation_seen_ = 0;               // runs already shown to monitors
  std::deque<ConnectorFault> connector_faults_;  // stable addresses: edge events point here
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
