// Webhooks as a channel emits them, and the channel's own redelivery schedule.
//
// A channel returns a WebhookEvent for each change it announces; the caller (the simulation)
// decides when, whether and how often it is delivered. Event ids are unique and dense per channel
// (0, 1, 2, ...), so a consumer's dedupe table can be a bitmap and the sim can tell a duplicate
// delivery (same id) from a duplicate event.
//
// The sender's retry schedule is a pure function of the channel's WebhookSpec. With the defaults
// (8 retries, exponential from 10s doubling, 1h cap) the retries come 10s, 20s, ..., 1280s after
// each failed attempt: the cap is never reached and the whole schedule spans 2550s = 42.5 min.
// Shopify documents 8 retries over about 4 hours; `base: 60s` with the 1h cap comes close:
// 60, 120, 240, 480, 960, 1920, 3600, 3600 = 10980s = 3h03m.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"

namespace syncdrill {

enum class WebhookTopic : uint8_t {
  orders_create,   // a new order
  orders_updated,  // an order's status changed
  returns_create,  // units of an order were returned
};

// Shopify-style spelling: "orders/create", "orders/updated", "returns/create".
std::string_view to_string(WebhookTopic t);

struct WebhookEvent {
  uint64_t event_id = 0;  // unique and dense per channel
  WebhookTopic topic = WebhookTopic::orders_create;
  uint64_t order = 0;  // the channel's order id
};

// The delay before redelivery number `retry_number` (1 = the first retry), measured from the
// failed attempt before it:
//   none: 0 (redeliver at once);  constant: base;  exponential: base * 2^(retry_number-1);
//   full_jitter: jitter_u01 * exponential;  equal_jitter: exponential * (1 + jitter_u01) / 2;
//   decorrelated_jitter: a stateless sender has no previous delay to decorrelate from, so it is
//     base + jitter_u01 * (3 * exponential - base).
// Every result is capped at spec.cap. jitter_u01 is a uniform draw in [0, 1] from the caller's
// stream; the default 1 gives each jitter kind's ceiling.
// REQUIRES: retry_number >= 1, 0 <= jitter_u01 <= 1.
Duration webhook_retry_delay(const WebhookSpec& spec, uint32_t retry_number,
                             double jitter_u01 = 1.0);

// The sum of all spec.retries delays at their ceilings: how long after the first failed attempt
// the sender gives up (ignoring delivery timeouts).
Duration webhook_retry_span(const WebhookSpec& spec);

}  // namespace syncdrill
