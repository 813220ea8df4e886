// OrderLedger: which Shopify orders the connector has in hand or has finished, so the webhook
// and the backup poll (which both bring the same orders) hand each order to the workers once,
// and the poll knows where to start (since_id).
//
// An order is claimed (queued or being created), then done (created, replayed, or given up for
// good: a permanent 4xx) or released (retries spent: the next poll claims it again).
//
// since_id() is the poll's starting point (Shopify: "since_id: Show orders after the specified
// ID"): no higher than the last id a complete poll pass reached (polled_through), since the
// webhooks bring ids out of order and a dropped one leaves a gap only the poll can see; and
// below every order still unfinished, so a released order is polled again.
//
// Bounded: at most `capacity` ids remembered; beyond it claim() says yes to every unknown id
// (the Idempotency-Key makes a second create harmless) and full() says so. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>

namespace syncdrill {

class OrderLedger {
 public:
  // REQUIRES: capacity >= 1.
  explicit OrderLedger(size_t capacity);

  // True when `id` was unknown or released: the caller now holds it and owes done() or
  // release(). False when it is in hand or done.
  bool claim(uint64_t id);
  void done(uint64_t id);
  void release(uint64_t id);

  // A complete poll pass saw every order up to `id` (the highest it returned).
  void polled_through(uint64_t id);
  // The poll's since_id; nullopt: from the first order.
  std::optional<uint64_t> since_id() const;
  bool full() const;

 private:
  enum class State : uint8_t { in_hand, released, done };

  const size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, State> states_;
  std::set<uint64_t> unfinished_;  // in hand or released
  std::optional<uint64_t> polled_through_;
  bool full_ = false;
};

}  // namespace syncdrill
