// SpApiThrottle: SP-API's per-operation usage plans, one token bucket per (channel, operation),
// with each operation's documented rate and burst (docs/dialect-sp-api.md gives the sources).
//
// Unlike a syncdrill channel's single endpoint bucket, SP-API meters every operation on its own:
// getOrders at 0.0167 requests/s with a burst of 20 does not share tokens with getOrder. The
// rates are per SIMULATED second, read from the live clock, so --time-scale X makes the wall
// rate X times the documented one (as LiveMocks::admit_channel does for the channel bucket).
// A refused request costs nothing.
//
// Thread-safe: one mutex; the clock is read under it, so the buckets never see time go back.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "mocks/http/live_clock.hpp"
#include "mocks/rate_limiter.hpp"

namespace syncdrill {

enum class SpApiOperation : uint8_t {
  get_orders,
  get_order,
  get_order_items,
  get_listings_item,
  patch_listings_item,
};
inline constexpr size_t kSpApiOperationCount = 5;

struct SpApiUsagePlan {
  std::string_view operation;  // "getOrders"
  double rate_per_s = 0;       // documented requests per second
  double burst = 0;            // documented burst
};

// The documented default usage plan of an operation.
const SpApiUsagePlan& sp_api_usage_plan(SpApiOperation op);

class SpApiThrottle {
 public:
  // `clock` must outlive this object.
  SpApiThrottle(const LiveClock& clock, size_t channels);

  // Takes one token of the channel's bucket for `op`; false: over the limit (answer 429).
  // REQUIRES: channel < the channel count given.
  bool admit(uint32_t channel, SpApiOperation op);

 private:
  const LiveClock& clock_;
  std::mutex mu_;
  std::vector<std::array<std::optional<RateLimiter>, kSpApiOperationCount>> buckets_;
};

}  // namespace syncdrill
