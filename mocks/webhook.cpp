// The sender-side webhook retry schedule.
#include "mocks/webhook.hpp"

#include <algorithm>
#include <cmath>

#include "core/engine/check.hpp"

namespace syncdrill {
namespace {

// base * 2^(n-1), saturating at cap without overflowing.
Duration exponential_capped(const WebhookSpec& spec, uint32_t retry_number) {
  Duration d = spec.base;
  for (uint32_t i = 1; i < retry_number && d < spec.cap; ++i) {
    d = d * 2;
  }
  return std::min(d, spec.cap);
}

Duration scaled(Duration d, double factor) {
  return {static_cast<int64_t>(std::llround(static_cast<double>(d.us) * factor))};
}

}  // namespace

std::string_view to_string(WebhookTopic t) {
  switch (t) {
    case WebhookTopic::orders_create:
      return "orders/create";
    case WebhookTopic::orders_updated:
      return "orders/updated";
    case WebhookTopic::returns_create:
      return "returns/create";
  }
  return "unknown";
}

Duration webhook_retry_delay(const WebhookSpec& spec, uint32_t retry_number, double jitter_u01) {
  SD_CHECK(retry_number >= 1, "retries are numbered from 1");
  SD_CHECK(jitter_u01 >= 0 && jitter_u01 <= 1, "jitter draw outside [0, 1]");
  const Duration exp = exponential_capped(spec, retry_number);
  Duration d{};
  switch (spec.backoff) {
    case BackoffKind::none:
      d = Duration{};
      break;
    case BackoffKind::constant:
      d = spec.base;
      break;
    case BackoffKind::exponential:
      d = exp;
      break;
    case BackoffKind::full_jitter:
      d = scaled(exp, jitter_u01);
      break;
    case BackoffKind::equal_jitter:
      d = scaled(exp, (1 + jitter_u01) / 2);
      break;
    case BackoffKind::decorrelated_jitter:
      d = spec.base + scaled(std::max(exp * 3 - spec.base, Duration{}), jitter_u01);
      break;
  }
  return std::min(d, spec.cap);
}

Duration webhook_retry_span(const WebhookSpec& spec) {
  Duration total{};
  for (uint32_t n = 1; n <= spec.retries; ++n) {
    total += webhook_retry_delay(spec, n);
  }
  return total;
}

}  // namespace syncdrill
