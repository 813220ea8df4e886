#include "connector/connector_stats.hpp"

#include <utility>

#include <nlohmann/json.hpp>

#include "core/engine/check.hpp"

namespace syncdrill {

nlohmann::json to_json(const ConnectorStats& s) {
  return nlohmann::json{
      {"webhooks_received", s.webhooks_received},
      {"bad_signatures", s.bad_signatures},
      {"malformed_webhooks", s.malformed_webhooks},
      {"duplicates_ignored", s.duplicates_ignored},
      {"other_topics", s.other_topics},
      {"queue_full_rejections", s.queue_full_rejections},
      {"orders_created", s.orders_created},
      {"orders_replayed", s.orders_replayed},
      {"attempts", s.attempts},
      {"retries", s.retries},
      {"retry_after_waits", s.retry_after_waits},
      {"request_limited", s.request_limited},
      {"budget_denied", s.budget_denied},
      {"breaker_rejections", s.breaker_rejections},
      {"breaker_opened", s.breaker_opened},
      {"dead_letters", s.dead_letters},
      {"stock_pushes", s.stock_pushes},
      {"stock_push_failures", s.stock_push_failures},
      {"jobs_abandoned", s.jobs_abandoned},
      {"polls", s.polls},
      {"poll_failures", s.poll_failures},
      {"poll_orders", s.poll_orders},
      {"orders_known", s.orders_known},
      {"shop_pauses", s.shop_pauses},
      {"call_limit_slowdowns", s.call_limit_slowdowns},
      {"order_ledger_full", s.order_ledger_full},
      {"recent_dead_letters", s.recent_dead_letters},
      {"last_poll_failure", s.last_poll_failure},
  };
}

StatsRecorder::StatsRecorder(size_t reasons_max) : reasons_max_(reasons_max) {
  SD_CHECK(reasons_max >= 1, "keep at least one dead-letter reason");
}

void StatsRecorder::add(Counter counter, uint64_t n) {
  std::lock_guard lock(mutex_);
  stats_.*counter += n;
}

void StatsRecorder::dead_letter(std::string reason) {
  std::lock_guard lock(mutex_);
  ++stats_.dead_letters;
  std::vector<std::string>& kept = stats_.recent_dead_letters;
  if (kept.size() == reasons_max_) kept.erase(kept.begin());
  kept.push_back(std::move(reason));
}

void StatsRecorder::poll_failure(std::string reason) {
  std::lock_guard lock(mutex_);
  ++stats_.poll_failures;
  stats_.last_poll_failure = std::move(reason);
}

ConnectorStats StatsRecorder::snapshot() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace syncdrill
