// ConnectorStats: what the reference connector did, as counters a drill report can quote.
//
// StatsRecorder keeps them behind one mutex: every counter moves a few times per HTTP request at
// most, far below what an uncontended mutex serialises. Thread-safe; snapshot() is consistent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

// The declaration alone: nlohmann/json.hpp costs every includer about 2 s of compile time,
// so only the files that build or read the JSON include it.
#include <nlohmann/json_fwd.hpp>

namespace syncdrill {

struct ConnectorStats {
  // The webhook receiver.
  uint64_t webhooks_received = 0;      // every POST /webhooks, whatever became of it
  uint64_t bad_signatures = 0;         // missing or wrong signature: 401, nothing processed
  uint64_t malformed_webhooks = 0;     // not JSON, or an orders/create without its fields: 400
  uint64_t duplicates_ignored = 0;     // an event id seen before: 200, not processed again
  uint64_t other_topics = 0;           // topics other than orders/create: 200, nothing to do
  uint64_t queue_full_rejections = 0;  // the job queue was full: 503, the platform redelivers
  // The workers.
  uint64_t orders_created = 0;      // the OMS answered 201
  uint64_t orders_replayed = 0;     // the OMS answered 200 (an Idempotency-Key seen before)
  uint64_t attempts = 0;            // HTTP requests sent (a breaker rejection sends none)
  uint64_t retries = 0;             // retries scheduled after a failed or rejected attempt
  uint64_t retry_after_waits = 0;   // retries whose wait a Retry-After raised above the backoff
  uint64_t budget_denied = 0;       // retries the retry budget refused (the call dead-letters)
  uint64_t breaker_rejections = 0;  // attempts an open breaker failed without sending
  uint64_t breaker_opened = 0;      // times a breaker opened
  uint64_t dead_letters = 0;        // calls given up: permanent 4xx, retries spent, budget
  // Answers 400 SSS_REQUEST_LIMIT_EXCEEDED (NetSuite over its concurrency limit): retried unless
  // the policy's retry_request_limited is false.
  uint64_t request_limited = 0;
  uint64_t stock_pushes = 0;         // inventory/set calls that succeeded
  uint64_t stock_push_failures = 0;  // stock reads or pushes given up
  uint64_t jobs_abandoned = 0;       // jobs still queued when stop() ran out of time
  // The Shopify mode (0 in the syncdrill dialect).
  uint64_t polls = 0;                 // complete backup polls (every page read)
  uint64_t poll_failures = 0;         // polls given up on a page (the next poll starts again)
  uint64_t poll_orders = 0;           // orders the poll handed to the workers (no webhook had)
  uint64_t orders_known = 0;          // webhooks or polled orders already in hand or done
  uint64_t shop_pauses = 0;           // Shopify calls held back by a shop-wide pause
  uint64_t call_limit_slowdowns = 0;  // pauses X-Shopify-Shop-Api-Call-Limit asked for
  bool order_ledger_full = false;     // the ledger hit known_orders_max (later ids unremembered)
  std::vector<std::string> recent_dead_letters;  // the last few reasons, oldest first
  // Why the last poll was given up ("" = none was). Not a dead letter: no work is lost, the
  // next poll reads the same orders again.
  std::string last_poll_failure;
};

nlohmann::json to_json(const ConnectorStats& stats);

class StatsRecorder {
 public:
  using Counter = uint64_t ConnectorStats::*;

  // REQUIRES: reasons_max >= 1.
  explicit StatsRecorder(size_t reasons_max);

  void add(Counter counter, uint64_t n = 1);
  // Counts a dead letter and keeps its reason (dropping the oldest beyond reasons_max).
  void dead_letter(std::string reason);
  // Counts a poll given up and keeps its reason as last_poll_failure.
  void poll_failure(std::string reason);
  ConnectorStats snapshot() const;

 private:
  const size_t reasons_max_;
  mutable std::mutex mutex_;
  ConnectorStats stats_;
};

}  // namespace syncdrill
