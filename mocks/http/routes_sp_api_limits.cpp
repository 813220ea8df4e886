// SP-API usage plans: the documented defaults of the operations the sp-api dialect serves.
#include "mocks/http/routes_sp_api_limits.hpp"

#include "core/engine/check.hpp"

namespace syncdrill {

const SpApiUsagePlan& sp_api_usage_plan(SpApiOperation op) {
  // Orders API v0 (models/orders-api-model/ordersV0.json, each operation's "Usage Plan") and
  // Listings Items API 2021-08-01 (models/listings-items-api-model/listingsItems_2021-08-01.json).
  static const std::array<SpApiUsagePlan, kSpApiOperationCount> kPlans{{
      {"getOrders", 0.0167, 20},
      {"getOrder", 0.5, 30},
      {"getOrderItems", 0.5, 30},
      {"getListingsItem", 5, 10},
      {"patchListingsItem", 5, 10},
  }};
  return kPlans.at(static_cast<size_t>(op));
}

SpApiThrottle::SpApiThrottle(const LiveClock& clock, size_t channels)
    : clock_(clock), buckets_(channels) {}

bool SpApiThrottle::admit(uint32_t channel, SpApiOperation op) {
  std::lock_guard lock(mu_);
  SD_CHECK(channel < buckets_.size(), "SP-API throttle: unknown channel");
  std::optional<RateLimiter>& bucket = buckets_[channel][static_cast<size_t>(op)];
  if (!bucket) {
    const SpApiUsagePlan& plan = sp_api_usage_plan(op);
    bucket.emplace(RateLimitSpec{RateLimitSpec::Kind::token_bucket, plan.rate_per_s, plan.burst});
  }
  return bucket->admit(clock_.now()).ok();
}

}  // namespace syncdrill
