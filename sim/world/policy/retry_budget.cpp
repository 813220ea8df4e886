#include "sim/world/policy/retry_budget.hpp"

#include <algorithm>
#include <cmath>

#include "core/engine/check.hpp"

namespace syncdrill {
namespace {

int64_t to_micro(double v) {
  return static_cast<int64_t>(std::llround(v * 1e6));
}

}  // namespace

RetryBudget::RetryBudget(const BudgetSpec& spec)
    : kind_(spec.kind),
      max_tokens_micro_(to_micro(spec.max_tokens)),
      token_ratio_micro_(to_micro(spec.token_ratio)),
      tokens_micro_(max_tokens_micro_),
      ratio_micro_(static_cast<uint64_t>(to_micro(std::clamp(spec.ratio, 0.0, 1.0)))) {
  if (kind_ == BudgetSpec::Kind::token_bucket) {
    SD_CHECK(max_tokens_micro_ > 0 && token_ratio_micro_ > 0,
             "a token bucket needs positive max_tokens and token_ratio");
  }
}

bool RetryBudget::ratio_allows(SimTime now) {
  // retries < ratio * firsts + min, scaled by a million so the comparison is exact in integers.
  // Products stay below 2^63 for any count a run can reach (10^12 calls per window).
  constexpr auto kScale = static_cast<uint64_t>(kMicro);
  const uint64_t firsts = window_.total(now, kFirstAttempts);
  const uint64_t retries = window_.total(now, kRetries);
  return retries * kScale < ratio_micro_ * firsts + kRatioMinRetries * kScale;
}

bool RetryBudget::try_acquire_retry(SimTime now) {
  bool allowed = false;
  if (kind_ == BudgetSpec::Kind::token_bucket) {
    // Strictly above half: A6 throttles once tokens fall to max_tokens / 2 or below. Comparing
    // 2 * tokens with max avoids rounding an odd count of millionths.
    allowed = 2 * tokens_micro_ > max_tokens_micro_;
  } else {
    allowed = ratio_allows(now);
    if (allowed) window_.add(now, kRetries);
  }
  ++(allowed ? retries_allowed_ : retries_denied_);
  return allowed;
}

void RetryBudget::on_first_attempt(SimTime now) {
  if (kind_ == BudgetSpec::Kind::ratio) window_.add(now, kFirstAttempts);
}

void RetryBudget::on_success(SimTime /*now*/) {
  if (kind_ == BudgetSpec::Kind::token_bucket)
    tokens_micro_ = std::min(max_tokens_micro_, tokens_micro_ + token_ratio_micro_);
}

void RetryBudget::on_failure(SimTime /*now*/) {
  if (kind_ == BudgetSpec::Kind::token_bucket)
    tokens_micro_ = std::max<int64_t>(0, tokens_micro_ - kMicro);
}

}  // namespace syncdrill
