// Vocabulary shared by the endpoint mocks: SKU ids, order lines, error classes, order statuses and
// the concurrency gate.
//
// Every mock in mocks/ is a clock-agnostic state machine: it takes one request at a time, with
// the current simulated time passed in, and returns a response (a small value, never an
// exception) plus its side effects. None reads a clock, sleeps, prints or allocates per request
// beyond amortised growth of its dense tables. Timing (service times, queues, delays) belongs to
// the simulation (sim/world) or, later, to the live HTTP adapter, both of which call these.
//
// Not thread-safe: a mock lives on the thread of whoever drives it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/engine/time.hpp"

namespace syncdrill {

// A catalog item, dense in [0, CatalogSpec::skus).
using SkuId = uint32_t;

// A line a customer asks for: no price yet (the channel prices it from its listing).
struct SkuQuantity {
  SkuId sku = 0;
  uint32_t quantity = 0;  // units, >= 1
};

// A priced order line, as stored by the channel, the OMS and the ERP. 16 bytes.
struct OrderLine {
  SkuId sku = 0;
  uint32_t quantity = 0;         // units, >= 1
  int64_t unit_price_minor = 0;  // price per unit in minor units, as the order was taken
};
static_assert(sizeof(OrderLine) == 16, "order lines are stored flat, millions of them");

// Why a request failed. `none` is success.
enum class ErrorClass : uint8_t {
  none,
  timeout,       // no answer in time (set by the caller's clock, never by a mock)
  rate_limited,  // 429 with Retry-After
  server_error,  // 5xx
  unavailable,   // refused: outage, or over a concurrency limit
  conflict,      // compare-and-set version mismatch
  rejected,      // non-retryable 4xx: bad payload, idempotency key reused with another payload,
                 // invalid state transition, unknown status spelling
  not_found,     // unknown order, SKU or shipment
  queue_full,    // the server's (or connector's) bounded queue is full
  // refused at once, over the server's concurrency limit, as a 400 (NetSuite's
  // SSS_REQUEST_LIMIT_EXCEEDED): retryable, but a client that takes every 400 as final loses it
  request_limited,
};

// The snake_case spelling, e.g. "rate_limited", for telemetry and reports.
std::string_view to_string(ErrorClass e);

// Whether sending the SAME request again may succeed: true for timeout, rate_limited,
// server_error, unavailable, queue_full and request_limited (whether a connector does retry a
// request_limited answer is its policy's choice: PolicySpec::retry_request_limited). False for
// none, rejected and not_found. conflict is false too: the same compare-and-set will fail again;
// the client must re-read the version and send a NEW request (which a stock-sync connector does on
// its own).
bool retryable(ErrorClass e);

// The outcome of a request that returns nothing else. retry_after is set (> 0) only with
// rate_limited: the earliest moment, from now, at which the same request would be admitted.
struct Response {
  ErrorClass error = ErrorClass::none;
  Duration retry_after{};

  bool ok() const { return error == ErrorClass::none; }
};

// The canonical order states a channel's `statuses` respells (docs/scenario-format.md), in
// lifecycle order. Stored as one byte per order.
enum class OrderStatus : uint8_t {
  pending,
  confirmed,
  picking,
  shipped,
  delivered,
  cancelled,
  returned,
  refunded,
};
inline constexpr uint32_t kOrderStatusCount = 8;

// The canonical spelling ("pending", ...); parse_order_status is its inverse (nullopt if none).
std::string_view to_string(OrderStatus s);
std::optional<OrderStatus> parse_order_status(std::string_view name);

// A cap on concurrent client connections (SystemSpec::concurrency_limit, NetSuite-like). A
// request that cannot acquire a slot is refused at once (ErrorClass::unavailable, or
// request_limited for a system whose concurrency_refusal is netsuite); the caller must
// release() exactly once per successful try_acquire(), when the request completes.
struct ConcurrencyGate {
  uint32_t limit = UINT32_MAX;  // default: unlimited
  uint32_t in_use = 0;

  bool try_acquire() {
    if (in_use >= limit) {
      return false;
    }
    ++in_use;
    return true;
  }
  // REQUIRES: in_use > 0.
  void release();
};

}  // namespace syncdrill
