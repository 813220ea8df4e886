// What the connector tests share: a fast policy, small connector options and a running
// connector.
#pragma once

#include <string>
#include <utility>

#include <doctest/doctest.h>

#include "connector/reference_connector.hpp"
#include "core/scenario/scenario.hpp"

namespace syncdrill {

// A short timeout, 4 attempts 10 ms apart, keys and dedupe on.
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

// 2 workers, 2 receiver threads, 16 queued jobs, 3 s to stop.
inline ConnectorOptions small_connector_options(std::string target_url, std::string secret,
                                                PolicySpec policy) {
  ConnectorOptions o;
  o.target_url = std::move(target_url);
  o.secret = std::move(secret);
  o.policy = std::move(policy);
  o.worker_threads = 2;
  o.receiver_threads = 2;
  o.queue_max = 16;
  o.stop_deadline_ms = 3000;
  return o;
}

// A running connector.
struct Running {
  ReferenceConnector connector;
  explicit Running(ConnectorOptions options) : connector(std::move(options)) {
    const auto error = ReferenceConnector::check_options(connector.options());
    REQUIRE_MESSAGE(!error, error.value_or(""));
    std::string why;
    REQUIRE_MESSAGE(connector.start(&why), why);
  }
};

}  // namespace syncdrill
