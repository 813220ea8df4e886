#include "sim/world/policy/backoff.hpp"

#include <algorithm>
#include <limits>

#include "core/engine/check.hpp"

namespace syncdrill {
namespace {

constexpr int64_t kMaxUs = std::numeric_limits<int64_t>::max();

// Uniform over the whole microseconds of [lo, hi]. REQUIRES: 0 <= lo <= hi.
Duration random_between(Duration lo, Duration hi, RandomStream& rng) {
  // hi - lo + 1 fits in uint64_t even for [0, INT64_MAX].
  const uint64_t width = static_cast<uint64_t>(hi.us - lo.us) + 1;
  return {lo.us + static_cast<int64_t>(rng.below(width))};
}

}  // namespace

Backoff::Backoff(const RetrySpec& spec) : Backoff(spec.backoff, spec.base, spec.cap) {}

Backoff::Backoff(BackoffKind kind, Duration base, Duration cap)
    : kind_(kind), base_(base), cap_(cap) {
  SD_CHECK(base.us >= 0 && cap.us >= 0, "backoff base and cap are never negative");
}

Duration Backoff::capped_exponential(uint32_t retry_number) const {
  SD_CHECK(retry_number >= 1, "retry numbers start at 1");
  const uint32_t shift = retry_number - 1;
  if (base_.us == 0) return Duration{};
  // base * 2^shift <= cap  <=>  base <= floor(cap / 2^shift) for integers, and that side never
  // overflows; a shift of 63 or more exceeds any int64 cap once base >= 1.
  if (shift >= 63 || base_.us > (cap_.us >> shift)) return cap_;
  return {base_.us << shift};
}

Duration Backoff::decorrelated(RandomStream& rng, BackoffState& state) const {
  const Duration prev = state.decorrelated_prev;
  const int64_t triple_us = prev.us > kMaxUs / 3 ? kMaxUs : prev.us * 3;
  // With cap < base the previous sleep can sit below base; the range must still be non-empty.
  const Duration hi{std::max(triple_us, base_.us)};
  const Duration sleep = std::min(cap_, random_between(base_, hi, rng));
  state.decorrelated_prev = sleep;
  return sleep;
}

Duration Backoff::next_delay(uint32_t retry_number, RandomStream& rng, BackoffState& state) const {
  SD_CHECK(retry_number >= 1, "retry numbers start at 1");
  switch (kind_) {
    case BackoffKind::none:
      return Duration{};
    case BackoffKind::constant:
      return base_;
    case BackoffKind::exponential:
      return capped_exponential(retry_number);
    case BackoffKind::full_jitter:
      return random_between(Duration{}, capped_exponential(retry_number), rng);
    case BackoffKind::equal_jitter: {
      const Duration half = capped_exponential(retry_number) / 2;
      return half + random_between(Duration{}, half, rng);
    }
    case BackoffKind::decorrelated_jitter:
      // A first retry begins a new request's sequence, whatever the state last held.
      if (retry_number == 1 || state.decorrelated_prev.us == 0) state.decorrelated_prev = base_;
      return decorrelated(rng, state);
  }
  SD_CHECK(false, "unknown backoff kind");
  return Duration{};
}

Duration with_retry_after(Duration backoff, std::optional<Duration> retry_after, bool honour) {
  if (!honour || !retry_after.has_value()) return backoff;
  return std::max(backoff, *retry_after);
}

}  // namespace syncdrill
