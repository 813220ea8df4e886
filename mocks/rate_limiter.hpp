// RateLimiter: an endpoint's request-rate limit (RateLimitSpec), as a token bucket or a leaky
// bucket, in exact integer arithmetic.
//
// token_bucket: holds at most `burst` tokens, refilled at `rate_per_s`; a request takes one.
// leaky_bucket (Shopify-like): holds at most `burst` (YAML `capacity`) requests, leaking at
// `rate_per_s`; a request adds one if it fits. For unit-cost requests the two admit exactly the
// same requests (the bucket's fill is the token bucket's missing tokens), so one meter serves both;
// `kind` is kept for reports. Rejected requests cost nothing (as with Shopify and most APIs).
//
// Arithmetic: one request is 10^12 units and the rate is quantised to 10^-6 requests per second
// (rate_per_s rounded to the nearest micro-request per second, at least one). Given that rate,
// every decision is exact and deterministic: fill drains by rate * elapsed microseconds, both
// integers, in 128-bit intermediates.
//
// Retry-After: a rejection carries the time until one request would fit, rounded UP to a whole
// millisecond (at least 1ms), so a request at exactly now + retry_after is admitted if nothing
// else was admitted in between. HTTP Retry-After headers are usually whole seconds; the live
// adapter should round up again (never down) when it formats the header.
//
// Not thread-safe. Time must not go backwards between calls (SD_CHECK).
#pragma once

#include <cstdint>

#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"
#include "mocks/types.hpp"

namespace syncdrill {

class RateLimiter {
 public:
  // Starts full of tokens (an empty leaky bucket): the first `burst` requests pass at once.
  // REQUIRES: spec.rate_per_s > 0, spec.burst within core/scenario/fault_rules.hpp's bucket sizes
  // (the loader and the live control API both check them there).
  explicit RateLimiter(const RateLimitSpec& spec);

  // Admits one request at `now` (ok) or refuses it: ErrorClass::rate_limited with retry_after.
  // REQUIRES: now >= the time of the previous call.
  Response admit(SimTime now);

  // Whole requests that would be admitted at `now` with nothing else happening (like Shopify's
  // X-Shopify-Shop-Api-Call-Limit header). Does not change the state.
  uint64_t headroom(SimTime now) const;

  // Changes rate and burst from `now` on (a rate-limit tightening fault, or its end). Fill
  // accrued so far is kept, clipped to the new capacity. REQUIRES: as for the constructor.
  void reconfigure(const RateLimitSpec& spec, SimTime now);

  RateLimitSpec::Kind kind() const { return kind_; }

  static constexpr int64_t kUnitsPerRequest = 1'000'000'000'000;

 private:
  __extension__ using Wide = __int128;  // -Wpedantic: GCC and Clang both provide it

  void drain_to(SimTime now);
  Wide drained_fill(SimTime now) const;

  RateLimitSpec::Kind kind_;
  int64_t rate_micro_per_s_;  // requests per second * 10^6 == units drained per microsecond
  Wide capacity_units_;
  Wide fill_units_ = 0;  // leaky-bucket fill; token bucket: capacity minus tokens
  SimTime last_{};
};

}  // namespace syncdrill
