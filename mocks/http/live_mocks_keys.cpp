// LiveMocks, ERP-OMS part: the OMS's Idempotency-Key lifetimes and the keys in flight
// (Stripe-like semantics, docs/platform-erp-oms.md).
#include <algorithm>

#include "core/engine/check.hpp"
#include "mocks/http/live_mocks.hpp"

namespace syncdrill {

namespace {

// Longer keys are refused by the route (400) before anything is tracked.
constexpr size_t kKeyBytesMax = 255;

}  // namespace

bool LiveMocks::key_expired(const KeyRecord& k, SimTime now) const {
  return oms_idempotency_.ttl && now - k.created >= *oms_idempotency_.ttl;
}

size_t LiveMocks::drop_expired_keys(SimTime now) {
  if (!oms_idempotency_.ttl) return 0;
  const size_t dropped =
      std::erase_if(keys_, [&](const auto& entry) { return key_expired(entry.second, now); });
  keys_expired_ += dropped;
  return dropped;
}

LiveMocks::KeyFlight LiveMocks::begin_key_flight(std::string_view key) {
  if (key.empty() || key.size() > kKeyBytesMax ||
      oms_idempotency_.style != IdempotencyStyle::stripe) {
    return KeyFlight::untracked;
  }
  std::lock_guard lock(mutex_);
  // At most one entry per request being served: bounded by the server's worker threads.
  if (!keys_in_flight_.emplace(key).second) {
    ++keys_in_flight_refused_;
    return KeyFlight::in_use;
  }
  return KeyFlight::started;
}

void LiveMocks::end_key_flight(std::string_view key) {
  std::lock_guard lock(mutex_);
  const auto it = keys_in_flight_.find(std::string(key));
  SD_CHECK(it != keys_in_flight_.end(), "a key flight ended that never began");
  keys_in_flight_.erase(it);
}

LiveMocks::KeyTableStats LiveMocks::key_table_stats() {
  std::lock_guard lock(mutex_);
  return KeyTableStats{keys_.size(), keys_max_, keys_expired_, keys_refused_full_,
                       keys_in_flight_refused_};
}

void LiveMocks::set_idempotency_keys_max(size_t keys_max) {
  SD_CHECK(keys_max >= 1, "the key table holds at least one key");
  std::lock_guard lock(mutex_);
  keys_max_ = keys_max;
}

}  // namespace syncdrill
