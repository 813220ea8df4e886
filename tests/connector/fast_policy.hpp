// The connector tests' policy: a short timeout, 4 attempts 10 ms apart, keys and dedupe on.
#pragma once

#include "core/scenario/scenario.hpp"

namespace syncdrill {

inline PolicySpec fast_policy(Duration timeout = milliseconds(100)) {
  PolicySpec p;
  p.name = "fast";
  p.timeout = timeout;
  p.retry.max_attempts = 4;
  p.retry.backoff = BackoffKind::constant;
  p.retry.base = milliseconds(10);
  p.retry.cap = milliseconds(10);
  p.idempotency_keys = true;
  p.webhook_dedupe = true;
  return p;
}

}  // namespace syncdrill
