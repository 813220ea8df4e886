// Response: a monitor that starts firing pages on-call. The first page of an incident is
// acknowledged after a sampled delay (response.ack_delay); then the runbook's actions whose
// `on` names a monitor that paged (or that have no `on`) run, each after its own delay. A page
// in an incident already acknowledged runs its actions at once (after their delays). The
// incident closes when no monitor fires any more; the next page opens a new one.
//
// Every step is logged in WorldResult::response; the scoring maps it to the faults.
#include <algorithm>

#include "core/engine/check.hpp"
#include "sim/world/world_impl.hpp"

namespace syncdrill::world {

void World::build_response() {
  if (scenario.monitors.empty()) return;
  ack_rng_.emplace(seed, "response/ack");
  on_call_.open(scenario.monitors.size(), scenario.response.runbook.size());
}

void World::page(size_t monitor) {
  const SimTime now = engine.now();
  result.response.push_back(
      ResponseEvent{now, ResponseEvent::Kind::page, static_cast<int32_t>(monitor), -1, 0});
  switch (on_call_.page(monitor)) {
    case OnCall::PageNext::run_actions:
      acknowledge();  // runs the actions this monitor triggers, not yet run in this incident
      return;
    case OnCall::PageNext::ack_pending:
      return;  // the acknowledgement is on its way
    case OnCall::PageNext::send_ack:
      break;
  }
  const Duration delay = scenario.response.ack_delay.sample_duration(*ack_rng_);
  engine.schedule_after(delay, [this] {
    if (!on_call_.acknowledge()) return;  // the incident closed meanwhile
    result.response.push_back(
        ResponseEvent{engine.now(), ResponseEvent::Kind::acknowledge, -1, -1, 0});
    acknowledge();
  });
}

// Starts the runbook actions the monitors that paged call for.
void World::acknowledge() {
  const std::vector<ActionSpec>& runbook = scenario.response.runbook;
  for (size_t a = 0; a < runbook.size(); ++a) {
    if (!on_call_.take_action(a, runbook[a], scenario.monitors)) continue;
    engine.schedule_after(runbook[a].delay, [this, a] { run_action(a); });
  }
}

void World::monitors_quiet() {
  if (!on_call_.close()) return;
  result.response.push_back(ResponseEvent{engine.now(), ResponseEvent::Kind::all_clear, -1, -1, 0});
}

// Every SKU pushed again to the channel by its stock flows (a resume, a new buffer).
void World::resync_channel(uint32_t c) {
  const SimTime now = engine.now();
  for (Flow* f : registry_.stock_flows()) {
    if (f->connector->spec().to != registry_.channel(c).spec->name) continue;
    for (SkuId sku = 0; sku < registry_.erp_mock().sku_count(); ++sku)
      notify_sku_changed(*f, sku, now);
    if (!f->connector->spec().poll_interval) flush_sync(*f);
  }
}

// Through the channel's admin, not the connector: every listing hidden now (quantity 0), and
// what was listed kept for the resume.
void World::pause_channel(uint32_t c) {
  ChannelState& ch = registry_.channel(c);
  if (ch.paused) return;
  ch.paused = true;
  ch.listed_before_pause.resize(ch.mock->sku_count());
  for (SkuId sku = 0; sku < ch.mock->sku_count(); ++sku) {
    ch.listed_before_pause[sku] = ch.mock->listing(sku).quantity;
    ch.mock->set_quantity(sku, 0);
  }
}

// The listings come back as they were, then the stock flows push the ERP's current stock.
void World::resume_channel(uint32_t c) {
  ChannelState& ch = registry_.channel(c);
  if (!ch.paused) return;
  ch.paused = false;
  for (SkuId sku = 0; sku < ch.listed_before_pause.size(); ++sku)
    ch.mock->set_quantity(sku, ch.listed_before_pause[sku]);
  resync_channel(c);
}

void World::rollback(const std::string& fault_id) {
  const SimTime now = engine.now();
  for (size_t i = 0; i < faults.size(); ++i) {
    FaultSpec& f = faults[i];
    if (f.id != fault_id || now >= result.fault_ended[i]) continue;
    // The window ends now; whatever acts at the fault's edges sees it end at once.
    f.length = std::max(Duration{}, now - (SimTime{} + f.at));
    result.fault_ended[i] = std::max(now, SimTime{} + f.at);
    for (const auto& fn : fault_edge_fns_[i])
      fn();
  }
}

void World::run_action(size_t a) {
  const ActionSpec& spec = scenario.response.runbook[a];
  const SimTime now = engine.now();
  uint64_t effect = 0;
  auto each_connector = [&](auto fn) {
    for (const auto& c : connectors_) {
      if (spec.target.empty() || c->spec().name == spec.target) fn(*c);
    }
  };
  auto each_channel = [&](auto fn) {
    for (uint32_t c = 0; c < registry_.channel_count(); ++c) {
      if (registry_.channel(c).spec->name == spec.target) fn(c);
    }
  };
  switch (spec.kind) {
    case ActionKind::replay_dead_letter:
      each_connector([&](Connector& c) { effect += c.replay_dead_letters(); });
      break;
    case ActionKind::run_reconciliation:
      if (registry_.reconciliation() != nullptr) {
        reconcile_now(*registry_.reconciliation(), now,
                      registry_.reconciliation()->connector->spec().interval.value_or(hours(1)));
        effect = 1;
      }
      break;
    case ActionKind::raise_safety_buffer:
      each_channel([&](uint32_t c) {
        registry_.channel(c).safety_buffer = spec.units;
        resync_channel(c);
        effect += registry_.erp_mock().sku_count();
      });
      break;
    case ActionKind::pause_channel:
      each_channel([&](uint32_t c) {
        pause_channel(c);
        effect += registry_.channel(c).mock->sku_count();
        if (spec.length) engine.schedule_after(*spec.length, [this, c] { resume_channel(c); });
      });
      break;
    case ActionKind::resume_channel:
      each_channel([&](uint32_t c) {
        resume_channel(c);
        effect += registry_.erp_mock().sku_count();
      });
      break;
    case ActionKind::rollback:
      rollback(spec.target);
      effect = 1;
      break;
    case ActionKind::switch_policy:
      if (const PolicySpec* p = find_policy(scenario, spec.policy)) {
        each_connector([&](Connector& c) {
          c.set_policy(*p);
          // A retry storm still in force gives way to the new policy when it ends.
          connector_faults_.policy_switched(c, p);
          ++effect;
        });
      }
      break;
    case ActionKind::open_breaker:
      each_connector([&](Connector& c) {
        c.force_open(true);
        ++effect;
        if (spec.length) {
          Connector* conn = &c;
          engine.schedule_after(*spec.length, [conn] { conn->force_open(false); });
        }
      });
      break;
    case ActionKind::close_breaker:
      each_connector([&](Connector& c) {
        c.force_open(false);
        ++effect;
      });
      break;
  }
  result.response.push_back(
      ResponseEvent{now, ResponseEvent::Kind::action, -1, static_cast<int32_t>(a), effect});
}

}  // namespace syncdrill::world
