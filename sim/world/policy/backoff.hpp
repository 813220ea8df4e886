// Backoff: how long a connector waits before retry number n of a request.
//
// The kinds follow Marc Brooker's "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015),
// with v(n) = min(cap, base * 2^(n-1)) and random_between(lo, hi) uniform over the whole
// microseconds in [lo, hi], both ends included:
//   none                 0
//   constant             base
//   exponential          v(n)
//   full_jitter          random_between(0, v(n))
//   equal_jitter         v(n)/2 + random_between(0, v(n)/2)        (integer halves: <= v(n))
//   decorrelated_jitter  sleep = min(cap, random_between(base, prev * 3)), prev = previous sleep
//                        of the same request, base before its first retry.
// v(n) saturates at cap for any n (no overflow at n = 100 or n = 2^32 - 1).
//
// Decorrelated jitter is the only kind with memory, and that memory belongs to one request, not
// to the connector: thousands of requests retry at once and each must walk its own sequence. So
// the state is a BackoffState value (8 bytes) that the caller keeps with the request, and Backoff
// itself is an immutable policy shared by every request of a connector. Retry number 1 always
// starts the sequence afresh from base, so a state reused without reset() cannot leak one
// request's history into the next. For one-sequence users (a test, a single webhook delivery)
// the two-argument next_delay() keeps a state inside the object; reset() restarts it.
//
// Determinism: the only randomness is the RandomStream passed in, and the kinds without jitter
// draw nothing from it, so switching between them does not shift other draws of that stream.
// No allocation; a few integer operations per call.
#pragma once

#include <cstdint>
#include <optional>

#include "core/engine/random.hpp"
#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"

namespace syncdrill {

// A request's decorrelated-jitter memory: the previous sleep; zero = no retry yet (use base).
struct BackoffState {
  Duration decorrelated_prev{};
  void reset() { decorrelated_prev = Duration{}; }
};

class Backoff {
 public:
  // From a connector's retry policy (its max_attempts is the caller's business).
  explicit Backoff(const RetrySpec& spec);
  // From any schedule, e.g. a channel's WebhookSpec. REQUIRES: base >= 0, cap >= 0. cap < base
  // is tolerated, since a scenario can reach it: v(n) is then cap for every n, decorrelated
  // jitter always answers cap and constant still answers base.
  Backoff(BackoffKind kind, Duration base, Duration cap);

  // The wait before retry number retry_number (1 = first retry) of the request owning state.
  // REQUIRES: retry_number >= 1.
  Duration next_delay(uint32_t retry_number, RandomStream& rng, BackoffState& state) const;

  // The same, with the state kept inside this object (one request at a time).
  Duration next_delay(uint32_t retry_number, RandomStream& rng) {
    return next_delay(retry_number, rng, own_state_);
  }
  void reset() { own_state_.reset(); }

  // v(n) = min(cap, base * 2^(n-1)), saturating. REQUIRES: retry_number >= 1.
  Duration capped_exponential(uint32_t retry_number) const;

  BackoffKind kind() const { return kind_; }
  Duration base() const { return base_; }
  Duration cap() const { return cap_; }

 private:
  Duration decorrelated(RandomStream& rng, BackoffState& state) const;

  BackoffKind kind_;
  Duration base_;
  Duration cap_;
  BackoffState own_state_;
};

// The wait actually used: a server's Retry-After, when present and honoured, is a floor on the
// backoff (waiting less would only earn another 429), so the result is the larger of the two.
Duration with_retry_after(Duration backoff, std::optional<Duration> retry_after, bool honour);

}  // namespace syncdrill
