// Shared mock vocabulary tests: error classes and canonical order statuses round-trip by name.
#include "mocks/types.hpp"

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

TEST_CASE("mocks/types: transient errors are retryable and client errors are not") {
  CHECK(retryable(ErrorClass::timeout));
  CHECK(retryable(ErrorClass::rate_limited));
  CHECK(retryable(ErrorClass::server_error));
  CHECK(retryable(ErrorClass::unavailable));
  CHECK(retryable(ErrorClass::queue_full));
  CHECK_FALSE(retryable(ErrorClass::none));
  CHECK_FALSE(retryable(ErrorClass::conflict));  // needs a re-read, not the same request
  CHECK_FALSE(retryable(ErrorClass::rejected));
  CHECK_FALSE(retryable(ErrorClass::not_found));
  CHECK(to_string(ErrorClass::rate_limited) == "rate_limited");
  CHECK(to_string(ErrorClass::queue_full) == "queue_full");
  // NetSuite's 400 over the concurrency limit: the same request later may pass.
  CHECK(retryable(ErrorClass::request_limited));
  CHECK(to_string(ErrorClass::request_limited) == "request_limited");
}

TEST_CASE("mocks/types: every canonical order status parses back from its name") {
  for (uint32_t i = 0; i < kOrderStatusCount; ++i) {
    const auto s = static_cast<OrderStatus>(i);
    CHECK(parse_order_status(to_string(s)) == s);
  }
  CHECK(to_string(OrderStatus::refunded) == "refunded");
  CHECK_FALSE(parse_order_status("Canceled").has_value());
}

}  // namespace
}  // namespace syncdrill
