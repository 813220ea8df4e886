// World: the simulated commerce world of a scenario, its six flows, and the ground truth.
//
// Channels (ChannelMock) take customers' orders from their own listings; the ERP (ErpMock) is the
// truth for stock, prices and revenue; the OMS (OmsMock) the system of record for orders. Each
// system and each channel's API sits behind a Port (rate limiter, concurrency limit, workers,
// bounded queue, service time). Connectors carry the flows between them under their policies:
//
//   order_ingest    channel --orders/create webhook--> connector --> OMS create --> ERP revenue
//   stock_sync      ERP stock change --> connector --> channel listed quantity (minus buffer)
//   price_sync      ERP price change --> connector --> channel price
//   fulfillment     OMS --> WMS (release) ... WMS ships --> mapping --> OMS shipped --> channel
//   returns         channel --returns/create webhook--> connector --> OMS return --> ERP stock
//   reconciliation  a scheduled job compares channel, OMS and ERP (orders, revenue, return
//                   states) and repairs what is missing
//
// Orders arrive per traffic entry by its Poisson model (rate x shape) or, when the entry has a
// `replay`, at exactly its CSV's times (ReplaySpec::times, read by the loader).
//
// The first OMS, ERP and WMS of the scenario take part; a flow without its connector does not
// run (its work piles up as ground truth: orders never ingested, listings never updated).
//
// Ground truth: every channel order ends in exactly one class (in the OMS once, duplicated, lost,
// cancelled as an oversell, or still in flight), and stock is conserved per SKU. Both are
// computed from the mocks' own records at the end, not from the flows' bookkeeping.
//
// Randomness: each component draws from its own stream named after it ("traffic/dtc",
// "endpoint/erp", "connector/ingest-dtc", ...). Deterministic: a scenario and seed give the same
// WorldResult on every run.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/engine.hpp"
#include "core/observe/histogram.hpp"
#include "core/scenario/scenario.hpp"
#include "sim/world/connector.hpp"
#include "sim/world/endpoint.hpp"
#include "sim/world/monitors/monitor_eval.hpp"
#include "sim/world/port.hpp"
#include "sim/world/sync_delay.hpp"
#include "sim/world/telemetry.hpp"

namespace syncdrill {

// What became of one channel's orders, and how fresh its data stayed.
struct ChannelOutcome {
  std::string channel;
  uint64_t orders_placed = 0;    // accepted by the channel
  uint64_t orders_sold_out = 0;  // refused at checkout: listed quantity too small
  // Ground truth classes; they add up to orders_placed.
  uint64_t in_oms_once = 0;
  uint64_t duplicated = 0;            // channel orders with two or more OMS orders
  uint64_t lost = 0;                  // given up by every path (webhook, connector, dead letters)
  uint64_t oversold = 0;              // cancelled by the OMS: the ERP had no stock to allocate
  uint64_t in_flight = 0;             // still on their way when the run ended
  uint64_t duplicate_oms_orders = 0;  // extra OMS orders beyond the first, over all duplicates
  uint64_t price_mismatches = 0;      // order lines sold at a price other than the ERP's
  int64_t price_mismatch_minor = 0;   // sum of |channel price - ERP price| x quantity
  uint64_t returns_requested = 0;     // returns customers made (an event_drop may hide some)
  uint64_t returns_synced = 0;        // returns the OMS and ERP processed
  // Delivery attempts that did not reach the receiver: refused (queue full) or dropped by a
  // webhook_drop fault per attempt; the sender retries each.
  uint64_t webhook_deliveries_failed = 0;
  uint64_t webhook_events_lost = 0;  // events whose sender gave up
  // Webhook faults: attempts a webhook_drop lost (the sender retried or, per event, gave up),
  // events an event_drop kept the channel from emitting, deliveries a webhook_duplicate sent
  // twice and deliveries a webhook_delay held back.
  uint64_t webhook_deliveries_dropped = 0;
  uint64_t webhook_events_not_emitted = 0;
  uint64_t webhook_deliveries_duplicated = 0;
  uint64_t webhook_deliveries_delayed = 0;
  // Sampled every WorldResult::sample_interval from the first interval on: the p95 of the sync
  // delays delivered in the interval, milliseconds, -1 when none was; one series per sync delay.
  SyncDelays<std::vector<int64_t>> delay_p95_ms_series;
  // Sampled with the connector series: sample k counts the orders placed in
  // [(k-1) x sample_interval, k x sample_interval), sample 0 none (sim/world/placed_series.hpp).
  std::vector<uint32_t> orders_placed_series;
  uint64_t orders_polled = 0;             // orders the backup poll ingested
  LatencyHistogram ingest_delay_us;       // order placed -> created in the OMS
  LatencyHistogram stock_sync_delay_us;   // ERP stock change -> channel listing updated
  LatencyHistogram price_sync_delay_us;   // ERP price change -> channel price updated
  LatencyHistogram status_sync_delay_us;  // WMS shipped -> channel status updated
};

// A channel's sync delays of one kind over the run. Outcome: ChannelOutcome, const or not.
template <typename Outcome>
auto& sync_delays_of(Outcome& c, SyncDelay d) {
  switch (d) {
    case SyncDelay::ingest:
      return c.ingest_delay_us;
    case SyncDelay::stock:
      return c.stock_sync_delay_us;
    case SyncDelay::price:
      return c.price_sync_delay_us;
    case SyncDelay::status:
      break;
  }
  return c.status_sync_delay_us;
}

// A channel's sync delays of a flow over the run; null for flows without one.
inline const LatencyHistogram* sync_delays(const ChannelOutcome& c, FlowKind flow) {
  const std::optional<SyncDelay> d = sync_delay_of(flow);
  return d ? &sync_delays_of(c, *d) : nullptr;
}

struct ConnectorOutcome {
  std::string name;
  FlowKind flow = FlowKind::order_ingest;
  ConnectorStats stats;
  uint32_t queue_length_at_end = 0;
  uint32_t busy_workers_at_end = 0;  // workers holding a job at the end (not in the report)
  uint32_t dead_letter_size = 0;
  // Sampled every WorldResult::sample_interval, starting at time 0: the queue length then,
  // and the jobs that succeeded or were dead-lettered since the previous sample.
  std::vector<uint32_t> queue_depth_series;
  std::vector<uint32_t> succeeded_series;
  std::vector<uint32_t> dead_lettered_series;
  std::vector<uint32_t> attempts_ok_series;       // attempts answered with success
  std::vector<uint32_t> attempts_failed_series;   // attempts failed (any error, breaker rejections)
  std::vector<uint32_t> dead_letter_size_series;  // jobs in the dead-letter queue then
};

struct PortOutcome {
  std::string name;
  std::string role;  // "channel", "oms", "erp", "wms"
  uint32_t workers = 0;
  uint32_t queue_max = 0;
  uint32_t in_system_at_end = 0;
  EndpointStats endpoint;
  PortStats admission;
};

struct ReconciliationRun {
  SimTime at;
  // The run's figures, as found when it ran (unmatched() adds them up).
  uint64_t missing_in_oms = 0;      // channel orders older than the run's grace with no OMS order
  uint64_t duplicated_in_oms = 0;   // extra OMS orders for one channel order, not cancelled
  uint64_t revenue_mismatched = 0;  // OMS orders whose ERP revenue entries are not exactly one
  // Returns the channel recorded longer ago than the run's grace that the OMS and ERP have not
  // processed and no returns job holds (an unannounced or given-up return).
  uint64_t returns_out_of_sync = 0;
  uint64_t repairs_started = 0;
  // Everything the run found out of step: what the reconciliation monitor reads.
  uint64_t unmatched() const {
    return missing_in_oms + duplicated_in_oms + revenue_mismatched + returns_out_of_sync;
  }
};

// A monitor as it ran: its alert episodes and its value at each evaluation tick.
struct MonitorRun {
  std::string name;
  std::vector<Firing> firings;
  std::vector<double> values;           // one per tick, the first at evaluation_interval
  std::vector<std::string> connectors;  // the connectors whose signals it reads
};

// The damage outstanding in the world, sampled with the connector series (every sample_interval
// from time 0): what sim/score/recovery.hpp compares with its level before a fault to decide
// when the fault's damage was repaired. Counts over every channel; money in minor units.
struct DamageSeries {
  // Channel orders placed more than kMissingGrace before the sample with no OMS order yet (lost,
  // or still held up), and their value.
  std::vector<uint64_t> orders_missing;
  std::vector<int64_t> orders_missing_minor;
  // Duplicate OMS orders created and not cancelled (reconciliation cancels what it can).
  std::vector<uint64_t> extra_oms_orders;
  std::vector<int64_t> extra_oms_orders_minor;
  // Running totals of damage that cannot be undone: orders the OMS cancelled as oversold (and
  // their value), order lines sold at a price other than the ERP's, unmapped shipment states.
  std::vector<uint64_t> oversold;
  std::vector<int64_t> oversold_minor;
  std::vector<uint64_t> stale_price_lines;
  std::vector<int64_t> stale_price_minor;  // their |channel price - ERP price| x quantity
  std::vector<uint64_t> unmapped_states;
  std::vector<uint64_t> returns_out_of_sync;  // returns requested and not yet synced
  std::vector<uint64_t> unmatched;            // at the latest reconciliation run (0 before one)
};
// An order not in the OMS this long after it was placed counts as missing in DamageSeries.
inline constexpr Duration kMissingGrace = minutes(5);

// What on-call did, in time order.
struct ResponseEvent {
  enum class Kind : uint8_t {
    page,         // a monitor started firing and paged on-call
    acknowledge,  // on-call acknowledged the open incident
    action,       // a runbook action ran (`action` indexes scenario.response.runbook)
    all_clear,    // no monitor fires any more: the incident is closed
  };
  SimTime at;
  Kind kind = Kind::page;
  int32_t monitor = -1;  // page: the monitor (index in scenario.monitors)
  int32_t action = -1;   // action: the runbook entry
  uint64_t effect = 0;   // action: jobs replayed, SKUs re-pushed, ... (0 when not counted)
};

struct WorldResult {
  uint64_t seed = 0;
  Duration simulated;
  RunStatus status = RunStatus::reached_time;
  uint64_t events_processed = 0;
  std::string limit_message;
  std::vector<ChannelOutcome> channels;
  std::vector<ConnectorOutcome> connectors;
  std::vector<PortOutcome> ports;
  std::vector<ReconciliationRun> reconciliation;
  uint64_t unmapped_states = 0;     // shipment states the fulfillment mapping could not translate
  uint64_t status_updates = 0;      // shipments whose state the fulfillment flow sent to a channel
  uint64_t skus_not_conserved = 0;  // SKUs breaking initial + restocks + returns = on hand + ...
  uint64_t duplicates_cancelled = 0;      // extra OMS orders reconciliation cancelled
  uint64_t revenue_entries_reversed = 0;  // extra ERP revenue entries reconciliation reversed
  uint64_t units_restocked = 0;
  uint64_t price_changes = 0;
  Duration sample_interval = minutes(1);
  DamageSeries damage;
  // Per scenario fault (same order as Scenario::faults): how many requests, deliveries, events,
  // jobs or orders it acted on (a 5xx it caused, a delivery it dropped, an extra order it
  // brought, a job a stalled worker left waiting, ...). 0 means it never touched anything.
  std::vector<uint64_t> fault_hits;
  // Per scenario fault: the connectors whose work it touches (calls to a faulty endpoint, a
  // channel's webhooks, a stalled connector, ...), for attributing monitor firings to it.
  std::vector<std::vector<std::string>> fault_connectors;
  std::vector<MonitorRun> monitors;  // in scenario order
  std::vector<ResponseEvent> response;
  // Per scenario fault: when it actually ended (its window's end, or a rollback's time).
  std::vector<SimTime> fault_ended;
  Duration evaluation_interval = seconds(30);
};

// The engine limits a run of `scenario` gets unless told otherwise: at most
// run_events_max(scenario) events (core/scenario/estimate.hpp: a multiple of its expected orders
// and periodic work) and the engine's default pending limit. A run that reaches one stops with
// WorldResult::status and limit_message set; it is not a result (`syncdrill run` writes no
// report).
Engine::Limits run_limits(const Scenario& scenario);

// limits: none = run_limits(scenario). telemetry: when given, every request and webhook
// delivery is handed to it as it happens. second_core: draw the random samples of fixed
// sequences on another thread (core/engine/draw_ahead.hpp); the result is the same either
// way. Pass false when no core is free for it (app/parallel.hpp's second_core_free).
WorldResult run_world(const Scenario& scenario, uint64_t seed,
                      const std::optional<Engine::Limits>& limits = std::nullopt,
                      TelemetrySink* telemetry = nullptr, bool second_core = true);

}  // namespace syncdrill
