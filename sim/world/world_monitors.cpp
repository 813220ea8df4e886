// Monitors in simulated time: every evaluation_interval each monitor reads its signal over the
// connectors and channels in its scope (what happened since the previous tick, or a gauge now)
// and its evaluator decides whether it fires. What each signal measures is documented in
// docs/scenario-format.md (monitors).
#include <algorithm>

#include "sim/world/fault_reach.hpp"
#include "sim/world/world_impl.hpp"

namespace syncdrill::world {

namespace {

// The playbook's headline freshness, for a monitor naming no flow: stock sync. A flow without
// a sync delay reads stock sync's too.
SyncDelay freshness_of(const MonitorSpec& m) {
  if (!m.flow) return SyncDelay::stock;
  return sync_delay_of(*m.flow).value_or(SyncDelay::stock);
}

}  // namespace

void World::build_monitors() {
  result.evaluation_interval = scenario.evaluation_interval;
  if (scenario.monitors.empty()) return;
  for (const MonitorSpec& spec : scenario.monitors) {
    MonitorState m{&spec, MonitorEvaluator(spec, scenario.evaluation_interval), {}, {}};
    // The connectors follow the call graph (sim/world/fault_reach.hpp); the channels are those
    // the target names or those the scoped connectors read from, write to or call.
    const std::vector<std::string> names = monitor_connectors(scenario, spec);
    std::vector<std::string> reached;
    for (uint32_t i = 0; i < connectors_.size(); ++i) {
      const ConnectorSpec& c = connectors_[i]->spec();
      if (std::find(names.begin(), names.end(), c.name) == names.end()) continue;
      m.connectors.push_back(i);
      reached.push_back(c.from);
      reached.push_back(c.to);
      for (std::string& port : ports_called(scenario, c))
        reached.push_back(std::move(port));
    }
    const bool channel_target = find_channel(scenario, spec.target) != nullptr;
    for (uint32_t c = 0; c < registry_.channel_count(); ++c) {
      const std::string& name = registry_.channel(c).spec->name;
      const bool in_scope =
          spec.target.empty() || name == spec.target ||
          (!channel_target && std::find(reached.begin(), reached.end(), name) != reached.end());
      if (in_scope) m.channels.push_back(c);
    }
    MonitorRun run;
    run.name = spec.name;
    for (uint32_t i : m.connectors)
      run.connectors.push_back(connectors_[i]->spec().name);
    result.monitors.push_back(std::move(run));
    monitoring_.add(std::move(m), connectors_.size(), registry_.channel_count());
  }
  monitoring_.connector_prev.resize(connectors_.size());
  const Duration every = scenario.evaluation_interval;
  repeat(SimTime{} + every, every, [this] { evaluate_monitors(); });
}

SignalTick World::measure(MonitorState& m) {
  SignalTick t;
  const MonitorSpec& spec = *m.spec;
  if (spec.kind == MonitorKind::burn_rate) {
    // An SLO counts jobs: an order ingested (good) or given up on (bad), retries inside.
    for (uint32_t i : m.connectors) {
      const ConnectorStats& now = connectors_[i]->stats();
      const ConnectorStats& before = monitoring_.connector_prev[i];
      t.good += now.jobs_succeeded - before.jobs_succeeded;
      t.bad += (now.jobs_dead_lettered - before.jobs_dead_lettered) +
               (now.jobs_dropped_queue_full - before.jobs_dropped_queue_full);
    }
    return t;
  }
  switch (spec.signal) {
    case Signal::error_rate:
      for (uint32_t i : m.connectors) {
        const ConnectorStats& now = connectors_[i]->stats();
        const ConnectorStats& before = monitoring_.connector_prev[i];
        t.good += now.attempts_ok - before.attempts_ok;
        t.bad += now.attempts_failed() - before.attempts_failed();
      }
      break;
    case Signal::latency_p95: {
      LatencyHistogram merged;
      for (uint32_t i : m.connectors)
        merged.merge(connectors_[i]->window_latency());
      t.gauge = merged.empty() ? 0 : static_cast<double>(merged.quantile(0.95)) / 1e6;
      break;
    }
    case Signal::queue_depth:
      for (uint32_t i : m.connectors)
        t.gauge += connectors_[i]->queue_length();
      break;
    case Signal::freshness_p95: {
      LatencyHistogram merged;
      for (uint32_t c : m.channels)
        merged.merge(registry_.channel(c).window_delay_us[freshness_of(spec)]);
      t.gauge = merged.empty() ? 0 : static_cast<double>(merged.quantile(0.95)) / 1e6;
      break;
    }
    case Signal::dead_letters:
      for (uint32_t i : m.connectors)
        t.gauge += connectors_[i]->dead_letter_size();
      break;
    case Signal::throughput:
      for (uint32_t i : m.connectors)
        t.events +=
            connectors_[i]->stats().jobs_succeeded - monitoring_.connector_prev[i].jobs_succeeded;
      break;
    case Signal::reconciliation_delta:
      if (result.reconciliation.size() > monitoring_.reconciliation_seen) {
        const ReconciliationRun& run = result.reconciliation.back();
        t.events = 1;
        t.gauge = static_cast<double>(run.unmatched());
      }
      break;
    case Signal::oversells:
      for (uint32_t c : m.channels)
        t.gauge += static_cast<double>(registry_.channel(c).oversold_so_far);
      break;
    case Signal::breaker_open:
      for (uint32_t i : m.connectors)
        t.gauge += connectors_[i]->breaker_open(engine.now()) ? 1 : 0;
      break;
    case Signal::mapping_errors:
      t.gauge = static_cast<double>(result.unmapped_states);
      break;
    case Signal::price_mismatches:
      for (uint32_t c : m.channels)
        t.gauge += static_cast<double>(registry_.channel(c).outcome->price_mismatches);
      break;
    case Signal::webhook_rate:
      for (uint32_t c : m.channels) {
        const ChannelState& ch = registry_.channel(c);
        t.events += ch.webhooks_taken - ch.webhooks_taken_at_tick;
      }
      break;
  }
  return t;
}

void World::evaluate_monitors() {
  const SimTime now = engine.now();
  bool any_firing = false;
  std::vector<size_t> started;
  for (size_t k = 0; k < monitoring_.monitors.size(); ++k) {
    MonitorState& m = monitoring_.monitors[k];
    const bool was_firing = m.eval.firing();
    m.eval.tick(now, measure(m));
    result.monitors[k].values.push_back(m.eval.value());
    if (m.eval.firing() && !was_firing) started.push_back(k);
    any_firing |= m.eval.firing();
  }
  // Pages after every monitor has been read, so actions see this tick's state.
  for (size_t k : started)
    page(k);
  if (!any_firing) monitors_quiet();
  // The next interval starts now.
  for (size_t i = 0; i < connectors_.size(); ++i) {
    monitoring_.connector_prev[i] = connectors_[i]->stats();
    connectors_[i]->window_latency().reset();
  }
  for (ChannelState& ch : registry_.channels()) {
    for (LatencyHistogram& h : ch.window_delay_us)
      h.reset();
    ch.webhooks_taken_at_tick = ch.webhooks_taken;
  }
  monitoring_.reconciliation_seen = result.reconciliation.size();
}

void World::collect_monitors() {
  for (size_t k = 0; k < monitoring_.monitors.size(); ++k)
    result.monitors[k].firings = monitoring_.monitors[k].eval.firings();
}

}  // namespace syncdrill::world
