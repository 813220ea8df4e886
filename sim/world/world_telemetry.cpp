// Telemetry records: every connector attempt and every webhook delivery attempt, with the faults
// in force on its path. Built only when a sink is attached.
#include "mocks/webhook.hpp"
#include "sim/world/world_impl.hpp"

namespace syncdrill::world {

std::span<const FaultSpec* const> TelemetryTap::active_on(SimTime now, std::string_view a,
                                                          std::string_view b, std::string_view c) {
  active_.clear();
  for (const FaultSpec& f : world_.faults) {
    if (!fault_active(f, now)) continue;
    for (const std::string& target : f.targets) {
      // A webhook topic ("shop/orders/create") is on its channel's path.
      const std::string_view channel = std::string_view(target).substr(0, target.find('/'));
      const bool named = target == a || (!b.empty() && target == b) ||
                         (!c.empty() && (target == c || channel == c));
      if (named) {
        active_.push_back(&f);
        break;
      }
    }
  }
  return active_;
}

void TelemetryTap::on_attempt(const Connector& connector, const Job& job, const Port* port,
                              uint64_t request_id, uint32_t attempt, SimTime sent, SimTime now,
                              ErrorClass error) {
  const Flow* flow = nullptr;
  for (const auto& f : world_.flows_) {
    if (f->connector == &connector) flow = f.get();
  }
  const JobEntity entity = flow != nullptr ? flow->entity(job) : JobEntity{"job", job.subject};
  const Registry& registry = world_.registry();
  const std::string_view channel = job.channel < registry.channel_count()
                                       ? std::string_view(registry.channel(job.channel).spec->name)
                                       : std::string_view();
  TelemetryRecord r;
  r.kind = TelemetryKind::request;
  r.time = now;
  r.request_id = request_id;
  r.flow = connector.spec().flow;
  r.connector = connector.spec().name;
  r.endpoint = port != nullptr ? std::string_view(port->name()) : std::string_view();
  r.attempt = attempt;
  r.latency = now - sent;
  r.error = error;
  r.entity_kind = entity.kind;
  r.entity = entity.id;
  r.channel = channel;
  r.faults = active_on(now, r.connector, r.endpoint);
  world_.telemetry->record(r);
}

void World::record_webhook(uint32_t c, const WebhookEvent& event, uint32_t attempt,
                           DeliveryResult delivery) {
  if (telemetry == nullptr) return;
  const ChannelState& ch = registry_.channel(c);
  const bool is_return = event.topic == WebhookTopic::returns_create;
  const Flow* flow = is_return ? ch.returns : ch.ingest;
  TelemetryRecord r;
  r.kind = TelemetryKind::webhook;
  r.time = engine.now();
  r.request_id = tap->next_request_id();
  r.flow = is_return ? FlowKind::returns : FlowKind::order_ingest;
  if (flow != nullptr) r.connector = flow->connector->spec().name;
  r.endpoint = ch.spec->name;
  r.attempt = attempt;
  r.delivery = delivery;
  r.error = delivery == DeliveryResult::refused ? ErrorClass::queue_full : ErrorClass::none;
  r.entity_kind = "order";
  r.entity = event.order;
  r.channel = ch.spec->name;
  r.faults = tap->active_on(r.time, r.connector, {}, ch.spec->name);
  telemetry->record(r);
}

}  // namespace syncdrill::world
