// Building the world from a scenario, running it, and reading the ground truth at the end.
#include "sim/world/world.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "core/engine/check.hpp"
#include "core/engine/saturating.hpp"
#include "core/scenario/estimate.hpp"
#include "core/scenario/platforms.hpp"
#include "mocks/scenario_mocks.hpp"
#include "sim/world/placed_series.hpp"
#include "sim/world/traffic/schedules.hpp"
#include "sim/world/world_impl.hpp"

namespace syncdrill {

namespace world {

namespace {

// How often the ERP's change feed is read (stock and price changes reach their connectors).
constexpr Duration kChangeFeedPeriod = seconds(1);

// Units a SKU can still take in: the ERP counts each SKU's units in 32 bits (on hand + allocated
// + shipped, and the restocks so far), and the loader admits a billion a restock. A full
// warehouse takes no more.
uint32_t restock_room(const StockRecord& s) {
  constexpr uint64_t kMax = std::numeric_limits<uint32_t>::max();
  const uint64_t held = uint64_t{s.on_hand} + s.allocated + s.shipped;
  const uint64_t used = std::max<uint64_t>(held, s.restocked_total);
  return static_cast<uint32_t>(used >= kMax ? 0 : kMax - used);
}

int channel_index(const Scenario& s, const std::string& name) {
  for (size_t i = 0; i < s.channels.size(); ++i) {
    if (s.channels[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

World::World(const Scenario& s, uint64_t root_seed, const Engine::Limits& limits,
             TelemetrySink* sink, bool second_core)
    : engine(limits),
      telemetry(sink),
      scenario(s),
      seed(root_seed),
      faults(s.faults),
      traffic_(s, root_seed),
      draw_ahead(second_core) {
  result.seed = root_seed;
  result.sample_interval = s.series_interval;
  ScenarioMocks mocks = build_mocks(s, root_seed);
  SD_CHECK(mocks.channels.size() == s.channels.size(), "one mock per channel");
  registry_.set_mocks(std::move(mocks.erp), std::make_unique<OmsMock>());
  // Every OMS order is created from its channel order's lines, which the channel mock keeps for
  // the whole run: the OMS reads them there instead of keeping a second copy.
  registry_.oms_mock().set_line_source(&channel_order_lines_);
  // Nothing in a simulated run reads an order's revenue amount (reconciliation compares counts).
  registry_.erp_mock().keep_order_amounts(false);
  // Stripe-like keys expire; a retry after that creates a second order (a duplicate).
  if (const SystemSpec* oms = first_system(s, SystemKind::oms)) {
    registry_.oms_mock().set_key_ttl(oms->idempotency.ttl);
    registry_.oms_mock().set_in_flight_conflicts(oms->idempotency.style ==
                                                 IdempotencyStyle::stripe);
  }
  result.channels.resize(s.channels.size());
  registry_.add_channels(s.channels.size());
  for (uint32_t i = 0; i < registry_.channel_count(); ++i) {
    const ChannelSpec& spec = s.channels[i];
    ChannelState& ch = registry_.channel(i);
    ch.spec = &spec;
    ch.safety_buffer = spec.safety_buffer;
    ch.mock = std::move(mocks.channels[i]);
    ch.outcome = &result.channels[i];
    result.channels[i].channel = spec.name;
  }
  build_ports();
  build_connectors();
  registry_.seal();
  build_traffic();
  attach_faults();
  build_monitors();
  build_response();
  if (telemetry != nullptr) {
    tap.emplace(*this);
    for (const auto& c : connectors_)
      c->set_observer(&*tap);
  }
  schedule_erp_changes();
  schedule_scheduled_jobs();
  schedule_sampling();
}

void World::build_ports() {
  auto make = [&](const std::string& name, const std::string& role, const EndpointSpec& spec,
                  std::optional<uint32_t> limit, ErrorClass over_limit) {
    PortOutcome meta;
    meta.name = name;
    meta.role = role;
    meta.workers = spec.workers;
    meta.queue_max = spec.queue_max;
    auto port = std::make_unique<Port>(engine, name, spec, RandomStream(seed, "endpoint/" + name),
                                       limit, seed, over_limit);
    if (spec.service_time.kind() != Distribution::Kind::constant)
      draw_ahead.add(port->endpoint().service_draws());
    return std::pair{std::move(port), std::move(meta)};
  };
  for (uint32_t c = 0; c < registry_.channel_count(); ++c) {
    const ChannelSpec& spec = *registry_.channel(c).spec;
    auto [port, meta] = make(spec.name, "channel", spec.endpoint, {}, ErrorClass::unavailable);
    port->set_operation_limits(spec.operation_limits);
    const scenario::PlatformRow* platform = scenario::platform_row(spec.platform);
    port->set_platform_retry_after(platform == nullptr || platform->retry_after);
    registry_.add_channel_port(c, std::move(port), std::move(meta));
  }
  for (const SystemSpec& sys : scenario.systems) {
    auto [port, meta] =
        make(sys.name, std::string(to_string(sys.kind)), sys.endpoint, sys.concurrency_limit,
             sys.concurrency_refusal == ConcurrencyRefusal::netsuite ? ErrorClass::request_limited
                                                                     : ErrorClass::unavailable);
    registry_.add_system_port(sys.kind, std::move(port), std::move(meta));
  }
}

void World::build_connectors() {
  static const PolicySpec kDefaultPolicy{};
  for (const ConnectorSpec& spec : scenario.connectors) {
    const PolicySpec* policy = find_policy(scenario, spec.policy);
    std::unique_ptr<Flow> flow;
    const int from = channel_index(scenario, spec.from);
    const int to = channel_index(scenario, spec.to);
    switch (spec.flow) {
      case FlowKind::order_ingest:
        if (from >= 0 && registry_.has_system(SystemKind::oms)) {
          const auto c = static_cast<uint32_t>(from);
          flow = make_ingest_flow(*this, spec, c);
          registry_.set_ingest(c, flow.get());
          const PolicySpec& p = policy != nullptr ? *policy : kDefaultPolicy;
          if (p.webhook_dedupe) registry_.channel(c).ingest_dedupe.emplace();
        }
        break;
      case FlowKind::returns:
        if (from >= 0 && registry_.has_system(SystemKind::oms)) {
          flow = make_returns_flow(*this, spec, static_cast<uint32_t>(from));
          registry_.set_returns(static_cast<uint32_t>(from), flow.get());
        }
        break;
      case FlowKind::stock_sync:
        if (to >= 0) {
          flow = make_stock_flow(*this, spec, static_cast<uint32_t>(to));
          registry_.add_stock_flow(flow.get());
        }
        break;
      case FlowKind::price_sync:
        if (to >= 0) {
          flow = make_price_flow(*this, spec, static_cast<uint32_t>(to));
          registry_.add_price_flow(flow.get());
        }
        break;
      case FlowKind::fulfillment:
        if (registry_.fulfillment() == nullptr && registry_.has_system(SystemKind::oms) &&
            registry_.has_system(SystemKind::wms)) {
          flow = make_fulfillment_flow(*this, spec);
          registry_.set_fulfillment(flow.get());
        }
        break;
      case FlowKind::reconciliation:
        if (registry_.reconciliation() == nullptr && registry_.has_system(SystemKind::oms) &&
            registry_.has_system(SystemKind::erp)) {
          flow = make_reconcile_flow(*this, spec);
          registry_.set_reconciliation(flow.get());
        }
        break;
    }
    if (!flow) continue;
    connectors_.push_back(
        std::make_unique<Connector>(engine, spec, policy != nullptr ? *policy : kDefaultPolicy,
                                    RandomStream(seed, "connector/" + spec.name), flow.get()));
    flow->connector = connectors_.back().get();
    flows_.push_back(std::move(flow));
    ConnectorOutcome meta;
    meta.name = spec.name;
    meta.flow = spec.flow;
    result.connectors.push_back(meta);
  }
}

void World::build_traffic() {
  for (const TrafficSourcePlan& source : traffic_.plan()) {
    if (!source.peak_fault) add_traffic(source, nullptr, nullptr);
  }
}

// One source of customers (sim/world/traffic/plan.hpp). A peak_traffic fault's sources are added
// when the fault is attached, with the world's copy of the fault.
void World::add_traffic(const TrafficSourcePlan& source, const FaultSpec* peak,
                        uint64_t* peak_hits) {
  TrafficState* ts = &traffic_.add_source(source, peak, peak_hits);
  // A peak source is added when its fault attaches, while the run may be under way: its
  // returns are drawn here when needed (the same numbers), not on the other core.
  if (peak == nullptr) {
    if (ts->customers) draw_ahead.add(*ts->customers);
    if (ts->returns) draw_ahead.add(*ts->returns);
  }
  const SimTime first = next_arrival(*ts);
  if (first != kArrivalsEnd) engine.schedule_at(first, [this, ts] { place_order(*ts); });
}

void World::schedule_erp_changes() {
  repeat(SimTime{} + kChangeFeedPeriod, kChangeFeedPeriod, [this] { read_change_feed(); });
  schedule_erp_rounds();
  // Interval-mode sync connectors send their collected changes once per poll_interval.
  std::vector<Flow*> interval_flows(registry_.stock_flows().begin(), registry_.stock_flows().end());
  interval_flows.insert(interval_flows.end(), registry_.price_flows().begin(),
                        registry_.price_flows().end());
  for (Flow* f : interval_flows) {
    const ConnectorSpec& spec = f->connector->spec();
    if (!spec.poll_interval || spec.poll_interval->us <= 0) continue;
    repeat(SimTime{} + *spec.poll_interval, *spec.poll_interval, [f] { flush_sync(*f); });
  }
}

// The change feed: stock and price changes reach the sync connectors once a period.
void World::read_change_feed() {
  const SimTime now = engine.now();
  scratch_.changed_skus.clear();
  registry_.erp_mock().take_changed_skus(scratch_.changed_skus);
  for (Flow* f : registry_.stock_flows()) {
    for (SkuId sku : scratch_.changed_skus)
      notify_sku_changed(*f, sku, now);
  }
  scratch_.changed_skus.clear();
  registry_.erp_mock().take_price_changed_skus(scratch_.changed_skus);
  for (Flow* f : registry_.price_flows()) {
    for (SkuId sku : scratch_.changed_skus)
      notify_sku_changed(*f, sku, now);
  }
  // Sync connectors without a poll interval send what they heard at once.
  for (Flow* f : registry_.stock_flows()) {
    if (!f->connector->spec().poll_interval) flush_sync(*f);
  }
  for (Flow* f : registry_.price_flows()) {
    if (!f->connector->spec().poll_interval) flush_sync(*f);
  }
}

void World::schedule_erp_rounds() {
  if (const RestockSpec* restocks = traffic_.restocks()) {
    repeat(SimTime{} + restocks->interval, restocks->interval, [this] {
      for (const Restock& r : traffic_.restock_round()) {
        const uint32_t units = std::min(r.units, restock_room(registry_.erp_mock().stock(r.sku)));
        if (units == 0) continue;
        registry_.erp_mock().restock(r.sku, units);
        result.units_restocked += units;
      }
    });
  }
  if (const PriceChangeSpec* prices = traffic_.prices()) {
    repeat(SimTime{} + prices->interval, prices->interval, [this] {
      for (const PriceChange& p : traffic_.price_round()) {
        registry_.erp_mock().set_price(
            p.sku, apply_price_change(registry_.erp_mock().price_minor(p.sku), p.change));
        ++result.price_changes;
      }
    });
  }
}

void World::schedule_sampling() {
  repeat(SimTime{}, result.sample_interval, [this] { sample_series(); });
}

void World::sample_series() {
  SD_CHECK(result.connectors.size() == connectors_.size(), "one outcome per connector");
  sample_prev_.resize(connectors_.size());
  for (size_t i = 0; i < connectors_.size(); ++i) {
    ConnectorOutcome& out = result.connectors[i];
    const ConnectorStats& now = connectors_[i]->stats();
    ConnectorStats& prev = sample_prev_[i];
    out.queue_depth_series.push_back(connectors_[i]->queue_length());
    out.succeeded_series.push_back(static_cast<uint32_t>(now.jobs_succeeded - prev.jobs_succeeded));
    out.dead_lettered_series.push_back(
        static_cast<uint32_t>(now.jobs_dead_lettered - prev.jobs_dead_lettered));
    out.attempts_ok_series.push_back(static_cast<uint32_t>(now.attempts_ok - prev.attempts_ok));
    out.attempts_failed_series.push_back(
        static_cast<uint32_t>(now.attempts_failed() - prev.attempts_failed()));
    out.dead_letter_size_series.push_back(connectors_[i]->dead_letter_size());
    prev.jobs_succeeded = now.jobs_succeeded;
    prev.jobs_dead_lettered = now.jobs_dead_lettered;
    prev.attempts_ok = now.attempts_ok;
    prev.breaker_rejections = now.breaker_rejections;
    std::copy(std::begin(now.errors), std::end(now.errors), std::begin(prev.errors));
  }
  sample_damage();
  // Channel delays from the first interval on (the sample at time 0 has nothing before it).
  if (engine.now() == SimTime{}) return;
  for (ChannelState& ch : registry_.channels()) {
    for (const SyncDelay d : kSyncDelays) {
      LatencyHistogram& h = ch.sample_delay_us[d];
      ch.outcome->delay_p95_ms_series[d].push_back(h.empty() ? -1 : h.quantile(0.95) / 1000);
      h.reset();
    }
  }
}

void World::sample_damage() {
  const int64_t until_us = (engine.now() - kMissingGrace).us;
  uint64_t stale_lines = 0;
  int64_t stale_minor = 0;
  uint64_t returns_open = 0;
  for (ChannelState& ch : registry_.channels()) {
    for (uint64_t& k = ch.missing_cursor; k < ch.flags.size() && ch.placed_at_us[k] <= until_us;
         ++k) {
      if (ch.oms_order[k] == 0) damage.order_missing(ch.mock->order_amount_minor(k));
    }
    stale_lines += ch.outcome->price_mismatches;
    stale_minor = add_saturating(stale_minor, ch.outcome->price_mismatch_minor);
    returns_open += ch.outcome->returns_requested - ch.outcome->returns_synced;
  }
  DamageSeries& d = result.damage;
  d.orders_missing.push_back(damage.missing());
  d.orders_missing_minor.push_back(damage.missing_minor());
  d.extra_oms_orders.push_back(damage.extra_open());
  d.extra_oms_orders_minor.push_back(damage.extra_open_minor());
  d.oversold.push_back(damage.oversold());
  d.oversold_minor.push_back(damage.oversold_minor());
  d.stale_price_lines.push_back(stale_lines);
  d.stale_price_minor.push_back(stale_minor);
  d.unmapped_states.push_back(result.unmapped_states);
  d.returns_out_of_sync.push_back(returns_open);
  d.unmatched.push_back(result.reconciliation.empty() ? 0
                                                      : result.reconciliation.back().unmatched());
}

WorldResult World::run() {
  draw_ahead.start();
  result.status = engine.run_until(SimTime{} + scenario.duration);
  draw_ahead.stop();  // frees its core; a queue read after this draws for itself
  result.simulated = engine.now() - SimTime{};
  result.events_processed = engine.events_processed();
  if (result.status == RunStatus::event_limit) {
    result.limit_message = fmt::format("the run reached its limit of {} events at t={}s",
                                       engine.limits().events_max, engine.now().seconds());
  } else if (result.status == RunStatus::pending_limit) {
    result.limit_message = fmt::format("the run reached its limit of {} pending events at t={}s",
                                       engine.limits().pending_events_max, engine.now().seconds());
  }
  collect();
  return std::move(result);
}

void World::collect() {
  for (uint32_t c = 0; c < registry_.channel_count(); ++c) {
    ChannelState& ch = registry_.channel(c);
    ChannelOutcome& out = *ch.outcome;
    // Orders at or after the backup poll's cursor are still to be looked at: not given up.
    const bool polled = ch.ingest != nullptr && ch.ingest->connector->spec().poll_interval;
    for (uint64_t order = 0; order < ch.flags.size(); ++order) {
      const uint32_t copies = registry_.oms_mock().copies(static_cast<uint32_t>(c), order);
      const uint8_t flags = ch.flags[order];
      const bool poll_pending = polled && order >= ch.poll_cursor;
      if (copies >= 2) {
        ++out.duplicated;
        out.duplicate_oms_orders += copies - 1;
      } else if (copies == 1) {
        if (flags & kOversold) {
          ++out.oversold;
        } else {
          ++out.in_oms_once;
        }
      } else if ((flags & (kWebhookGivenUp | kIngestFailed)) && !(flags & kRepairPending) &&
                 holders(flags) == 0 && !poll_pending) {
        ++out.lost;
      } else {
        ++out.in_flight;
      }
    }
    SD_CHECK(out.in_oms_once + out.duplicated + out.lost + out.oversold + out.in_flight ==
                 out.orders_placed,
             "every channel order ends in exactly one class");
    out.orders_placed_series = orders_placed_series(ch.placed_at_us, result.sample_interval,
                                                    result.damage.orders_missing.size());
  }
  for (size_t i = 0; i < connectors_.size(); ++i) {
    ConnectorOutcome& out = result.connectors[i];
    out.stats = connectors_[i]->stats();
    out.queue_length_at_end = connectors_[i]->queue_length();
    out.busy_workers_at_end = connectors_[i]->busy_workers();
    out.dead_letter_size = connectors_[i]->dead_letter_size();
  }
  for (size_t i = 0; i < registry_.port_count(); ++i) {
    const Port& port = registry_.port(i);
    PortOutcome out = registry_.port_meta(i);
    out.endpoint = port.endpoint().stats();
    out.admission = port.stats();
    out.in_system_at_end = port.endpoint().in_system();
    result.ports.push_back(out);
  }
  for (SkuId sku = 0; sku < registry_.erp_mock().sku_count(); ++sku) {
    if (!registry_.erp_mock().stock_conserved(sku)) ++result.skus_not_conserved;
  }
  collect_monitors();
  connector_faults_.close();
}

}  // namespace world

Engine::Limits run_limits(const Scenario& scenario) {
  Engine::Limits limits;
  limits.events_max = std::min(limits.events_max, run_events_max(scenario));
  return limits;
}

WorldResult run_world(const Scenario& scenario, uint64_t seed,
                      const std::optional<Engine::Limits>& limits, TelemetrySink* telemetry,
                      bool second_core) {
  auto w = std::make_unique<world::World>(scenario, seed, limits.value_or(run_limits(scenario)),
                                          telemetry, second_core);
  return w->run();
}

}  // namespace syncdrill
