// Spellings of the shared mock vocabulary.
#include "mocks/types.hpp"

#include <array>

#include "core/engine/check.hpp"

namespace syncdrill {
namespace {

constexpr std::array<std::string_view, kOrderStatusCount> kStatusNames{
    "pending", "confirmed", "picking", "shipped", "delivered", "cancelled", "returned", "refunded"};

}  // namespace

std::string_view to_string(ErrorClass e) {
  switch (e) {
    case ErrorClass::none:
      return "none";
    case ErrorClass::timeout:
      return "timeout";
    case ErrorClass::rate_limited:
      return "rate_limited";
    case ErrorClass::server_error:
      return "server_error";
    case ErrorClass::unavailable:
      return "unavailable";
    case ErrorClass::conflict:
      return "conflict";
    case ErrorClass::rejected:
      return "rejected";
    case ErrorClass::not_found:
      return "not_found";
    case ErrorClass::queue_full:
      return "queue_full";
    case ErrorClass::request_limited:
      return "request_limited";
  }
  return "unknown";
}

bool retryable(ErrorClass e) {
  switch (e) {
    case ErrorClass::timeout:
    case ErrorClass::rate_limited:
    case ErrorClass::server_error:
    case ErrorClass::unavailable:
    case ErrorClass::queue_full:
    case ErrorClass::request_limited:
      return true;
    case ErrorClass::none:
    case ErrorClass::conflict:
    case ErrorClass::rejected:
    case ErrorClass::not_found:
      return false;
  }
  return false;
}

std::string_view to_string(OrderStatus s) {
  const auto i = static_cast<uint32_t>(s);
  SD_CHECK(i < kOrderStatusCount, "order status out of range");
  return kStatusNames[i];
}

std::optional<OrderStatus> parse_order_status(std::string_view name) {
  for (uint32_t i = 0; i < kOrderStatusCount; ++i) {
    if (kStatusNames[i] == name) {
      return static_cast<OrderStatus>(i);
    }
  }
  return std::nullopt;
}

void ConcurrencyGate::release() {
  SD_CHECK(in_use > 0, "release without a matching try_acquire");
  --in_use;
}

}  // namespace syncdrill
