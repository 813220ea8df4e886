// LiveMocks' SPAPI-LIVE block: the notification queues of sp-api channels, their fault hook,
// getOrders' time-window query and the per-operation throttle.
#include <algorithm>

#include "core/engine/check.hpp"
#include "mocks/http/live_mocks.hpp"
#include "mocks/http/notification_queue.hpp"
#include "mocks/http/routes_sp_api_json.hpp"
#include "mocks/http/routes_sp_api_limits.hpp"

namespace syncdrill {

// Here, where the SPAPI-LIVE members' types are complete.
LiveMocks::~LiveMocks() = default;

void LiveMocks::init_sp_api() {
  sp_api_throttle_ = std::make_unique<SpApiThrottle>(clock_, channels_.size());
  queues_.resize(channels_.size());
  for (size_t i = 0; i < channels_.size(); ++i) {
    if (scenario_.channels[i].dialect == LiveDialect::sp_api) {
      queues_[i] = std::make_unique<NotificationQueue>(scenario_.channels[i].name);
    }
  }
}

NotificationQueue* LiveMocks::notification_queue(uint32_t channel) {
  return queues_.at(channel).get();
}

void LiveMocks::set_notification_faults(NotificationFaultHook hook) {
  notification_faults_ = std::move(hook);
}

uint64_t LiveMocks::notifications_dropped() {
  std::lock_guard lock(mutex_);
  return notifications_dropped_;
}

uint64_t LiveMocks::notifications_duplicated() {
  std::lock_guard lock(mutex_);
  return notifications_duplicated_;
}

// Called by emit() under the lock. A webhook fault on the channel acts on the notification as
// it would on a delivery: drop (either scope) = never enqueued; delay = enqueued with that delay
// (SQS's message delay); duplicate = enqueued twice, the copy after the fault's delay.
void LiveMocks::notify_sp_api(uint32_t channel, const WebhookEvent& e, SimTime now) {
  if (e.topic == WebhookTopic::returns_create) return;  // no ORDER_CHANGE for a return
  const ChannelSpec& spec = scenario_.channels[channel];
  WebhookFaultDecision d;
  if (notification_faults_) {
    d = notification_faults_(WebhookAttempt{spec.name, to_string(e.topic), false, false});
  }
  using Action = WebhookFaultDecision::Action;
  if (d.action == Action::drop_attempt || d.action == Action::drop_event) {
    ++notifications_dropped_;
    return;
  }
  const Duration delay = clock_.to_simulated(std::chrono::milliseconds(d.delay_ms));
  const std::string body = sp_api_order_change_notification(
      clock_, channel, spec.name, view(channels_[channel], e.order), e.event_id, now);
  NotificationQueue& queue = *queues_[channel];
  queue.enqueue(body, now, d.action == Action::delay ? delay : Duration{});
  if (d.action == Action::duplicate) {
    ++notifications_duplicated_;
    queue.enqueue(body, now, delay);
  }
}

OrderWindowPage LiveMocks::orders_in_window(uint32_t channel, const OrderWindowQuery& q) {
  std::lock_guard lock(mutex_);
  const ChannelState& ch = channels_.at(channel);
  OrderWindowPage page;
  size_t scanned = 0;
  std::pair<int64_t, uint64_t> last{};  // the last entry looked at
  // Visits (time, id) entries in order from the cursor (or `after`); false stops.
  const auto visit = [&](int64_t time_us, uint64_t id) {
    if (q.before && time_us > q.before->us) return false;
    if (page.orders.size() == q.limit || scanned == q.scan_max) {
      page.next = last;  // this entry is still to come: resume strictly after the last one
      return false;
    }
    ++scanned;
    last = {time_us, id};
    if ((q.status_mask >> static_cast<uint32_t>(ch.mock->status(id)) & 1u) != 0) {
      page.orders.push_back(view(ch, id));
    }
    return true;
  };
  if (q.by_created) {
    // Ids are dense in placement order and placement times never go back: both sorted.
    const auto first =
        std::partition_point(ch.created_at.begin(), ch.created_at.end(), [&](const SimTime& t) {
          const auto id = static_cast<uint64_t>(&t - ch.created_at.data());
          if (q.cursor) return std::pair{t.us, id} <= *q.cursor;
          return t.us < q.after.us;
        });
    for (auto it = first; it != ch.created_at.end(); ++it) {
      if (!visit(it->us, static_cast<uint64_t>(it - ch.created_at.begin()))) break;
    }
  } else {
    auto it =
        q.cursor ? ch.by_update.upper_bound(*q.cursor) : ch.by_update.lower_bound({q.after.us, 0});
    for (; it != ch.by_update.end(); ++it) {
      if (!visit(it->first, it->second)) break;
    }
  }
  return page;
}

nlohmann::json sp_api_notifications_report(LiveMocks& mocks) {
  nlohmann::json queues = nlohmann::json::object();
  for (uint32_t c = 0; c < mocks.scenario().channels.size(); ++c) {
    NotificationQueue* q = mocks.notification_queue(c);
    if (q == nullptr) continue;
    const NotificationQueueStats s = q->stats(mocks.clock().now());
    queues[mocks.scenario().channels[c].name] = {
        {"enqueued", s.enqueued},   {"received", s.received},        {"redelivered", s.redelivered},
        {"deleted", s.deleted},     {"expired", s.expired},          {"held", s.held},
        {"in_flight", s.in_flight}, {"refused_full", s.refused_full}};
  }
  if (queues.empty()) return nlohmann::json::object();
  return {{"queues", std::move(queues)},
          {"dropped_by_fault", mocks.notifications_dropped()},
          {"duplicated", mocks.notifications_duplicated()}};
}

}  // namespace syncdrill
