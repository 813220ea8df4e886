// RateLimiter: fill drains linearly with time; a request fits if fill + 1 request <= capacity.
#include "mocks/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

#include "core/engine/check.hpp"
#include "core/scenario/fault_rules.hpp"

namespace syncdrill {
namespace {

int64_t quantise_rate(double rate_per_s) {
  SD_CHECK(rate_per_s > 0, "rate limit rate out of range");
  return std::max<int64_t>(1,
                           std::llround(std::min(rate_per_s, scenario::kRatePerSecondMax) * 1e6));
}

}  // namespace

RateLimiter::RateLimiter(const RateLimitSpec& spec)
    : kind_(spec.kind), rate_micro_per_s_(quantise_rate(spec.rate_per_s)), capacity_units_(0) {
  SD_CHECK(scenario::valid_bucket_size(spec.burst), "rate limit burst out of range");
  // burst may be fractional (2.5 tokens): keep it to the unit, not the whole request.
  capacity_units_ = static_cast<Wide>(std::llround(spec.burst * 1e6)) * 1'000'000;
}

RateLimiter::Wide RateLimiter::drained_fill(SimTime now) const {
  SD_CHECK(now >= last_, "rate limiter time went backwards");
  const Wide drained = static_cast<Wide>(rate_micro_per_s_) * (now - last_).us;
  return drained >= fill_units_ ? 0 : fill_units_ - drained;
}

void RateLimiter::drain_to(SimTime now) {
  fill_units_ = drained_fill(now);
  last_ = now;
}

Response RateLimiter::admit(SimTime now) {
  drain_to(now);
  const Wide after = fill_units_ + kUnitsPerRequest;
  if (after <= capacity_units_) {
    fill_units_ = after;
    return {};
  }
  // Time until enough has leaked out: ceil(excess / rate) microseconds, then up to whole ms.
  const Wide excess = after - capacity_units_;
  const Wide wait_us = (excess + rate_micro_per_s_ - 1) / rate_micro_per_s_;
  const Wide wait_ms = std::max<Wide>(1, (wait_us + 999) / 1000);
  return {ErrorClass::rate_limited, milliseconds(static_cast<int64_t>(wait_ms))};
}

uint64_t RateLimiter::headroom(SimTime now) const {
  const Wide free_units = capacity_units_ - drained_fill(now);
  return free_units <= 0 ? 0 : static_cast<uint64_t>(free_units / kUnitsPerRequest);
}

void RateLimiter::reconfigure(const RateLimitSpec& spec, SimTime now) {
  drain_to(now);
  const RateLimiter fresh(spec);
  kind_ = fresh.kind_;
  rate_micro_per_s_ = fresh.rate_micro_per_s_;
  capacity_units_ = fresh.capacity_units_;
  fill_units_ = std::min(fill_units_, capacity_units_);
}

}  // namespace syncdrill
