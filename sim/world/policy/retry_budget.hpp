// RetryBudget: whether a connector may retry at all right now, across all of its requests.
//
// Backoff spaces one request's retries; a budget caps the retries of the whole connector so a
// failing dependency is not hit by (1 + retries) times its normal load: the retry storm.
//
// token_bucket: gRPC retry throttling (gRPC proposal A6, "Retry throttling"). A token count
//   starts full at max_tokens. Each failed attempt takes 1 token (floor 0), each successful one
//   gives back token_ratio (ceiling max_tokens). A retry is allowed only while tokens are strictly
//   above max_tokens / 2. Tokens are kept as an integer count of millionths, so long runs do not
//   drift and the threshold compares exactly (A6 itself keeps thousandths; BudgetSpec accepts
//   ratios down to 1e-6). First attempts are never throttled.
//
// ratio: a retry budget as a fraction of traffic (as in Finagle's RetryBudget and Envoy's
//   retry budget). Over a sliding window of kRatioWindow (10 s, counted in 1 s buckets, see
//   sliding_window.hpp) a retry is allowed while
//       retries_in_window < ratio * first_attempts_in_window + kRatioMinRetries
//   and an allowed retry counts in the window at once. The minimum keeps a quiet connector able
//   to retry at all (one first attempt at ratio 0.1 would otherwise never earn a retry); 10 per
//   10 s window is Finagle's default floor of 1 retry a second. Under a storm where every call
//   fails, the retries admitted settle at about ratio * first attempts plus that floor.
//   Outcomes (on_success, on_failure) do not move a ratio budget.
//
// Every call takes the current simulated time; only the ratio budget reads it. Deterministic, no
// allocation, O(1) per call. REQUIRES: the times passed in never decrease.
#pragma once

#include <cstdint>

#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"
#include "sim/world/policy/sliding_window.hpp"

namespace syncdrill {

class RetryBudget {
 public:
  static constexpr Duration kRatioWindow = seconds(10);
  static constexpr uint64_t kRatioMinRetries = 10;  // per window, on top of the ratio

  // REQUIRES: the spec's ranges as the loader enforces them (max_tokens, token_ratio > 0;
  // ratio in [0, 1]).
  explicit RetryBudget(const BudgetSpec& spec);

  // Asks to send a retry now. True = allowed, and counted as sent; false = denied (counted).
  bool try_acquire_retry(SimTime now);
  // A request's first attempt was sent (ratio: the base retries are a fraction of).
  void on_first_attempt(SimTime now);
  // An attempt (first or retry) finished well (token_bucket: refund token_ratio).
  void on_success(SimTime now);
  // An attempt (first or retry) failed in a retryable way (token_bucket: take 1 token).
  void on_failure(SimTime now);

  BudgetSpec::Kind kind() const { return kind_; }
  // token_bucket: the current token count (max_tokens for a ratio budget, which has none).
  double tokens() const { return static_cast<double>(tokens_micro_) / kMicro; }
  uint64_t retries_allowed() const { return retries_allowed_; }
  uint64_t retries_denied() const { return retries_denied_; }

 private:
  static constexpr int64_t kMicro = 1'000'000;
  // SlidingWindow counters of the ratio budget.
  static constexpr uint32_t kFirstAttempts = 0;
  static constexpr uint32_t kRetries = 1;

  bool ratio_allows(SimTime now);

  BudgetSpec::Kind kind_;
  // token_bucket, in millionths of a token.
  int64_t max_tokens_micro_;
  int64_t token_ratio_micro_;
  int64_t tokens_micro_;
  // ratio, in millionths.
  uint64_t ratio_micro_;
  SlidingWindow window_{kRatioWindow};

  uint64_t retries_allowed_ = 0;
  uint64_t retries_denied_ = 0;
};

}  // namespace syncdrill
