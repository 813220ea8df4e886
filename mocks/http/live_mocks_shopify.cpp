// LiveMocks for the shopify dialect (SHOPIFY-LIVE): the REST bucket, order scans by id, status
// writes by canonical state.
#include <algorithm>

#include "mocks/http/live_mocks.hpp"

namespace syncdrill {

RateLimitStatus LiveMocks::admit_shopify(uint32_t channel) {
  std::lock_guard lock(mutex_);
  return shopify_bucket(channel, true);
}

RateLimitStatus LiveMocks::peek_shopify(uint32_t channel) {
  std::lock_guard lock(mutex_);
  return shopify_bucket(channel, false);
}

RateLimitStatus LiveMocks::shopify_bucket(uint32_t channel, bool admit) {
  ChannelState& ch = channels_.at(channel);
  RateLimitSpec spec;
  RateLimiter* limiter = nullptr;
  if (ch.limiter) {
    spec = *ch.limit_spec;
    limiter = &*ch.limiter;
  } else {
    spec.kind = RateLimitSpec::Kind::leaky_bucket;
    spec.rate_per_s = kShopifyLeakPerS;
    spec.burst = kShopifyBucketCapacity;
    if (shopify_buckets_.size() < channels_.size()) shopify_buckets_.resize(channels_.size());
    std::optional<RateLimiter>& bucket = shopify_buckets_[channel];
    if (!bucket) bucket.emplace(spec);
    limiter = &*bucket;
  }
  const SimTime now = clock_.now();
  const Response r = admit ? limiter->admit(now) : Response{};
  RateLimitStatus out;
  out.limited = true;
  out.admitted = r.ok();
  out.retry_after = r.retry_after;
  out.limit = static_cast<uint64_t>(std::max(1.0, spec.burst));
  out.remaining = std::min(out.limit, limiter->headroom(now));
  out.rate_per_s = spec.rate_per_s;
  return out;
}

uint64_t LiveMocks::scan_channel_orders(uint32_t channel, uint64_t first_id,
                                        ChannelOrderFilter keep, const void* context, size_t limit,
                                        std::vector<ChannelOrderView>* out) {
  std::lock_guard lock(mutex_);
  const ChannelState& ch = channels_.at(channel);
  const uint64_t count = ch.mock->order_count();
  uint64_t matched = 0;
  for (uint64_t id = first_id; id < count; ++id) {
    if (out != nullptr && matched >= limit) break;
    const ChannelOrderStamp stamp{id, ch.mock->status(id), ch.created_at[id], ch.updated_at[id]};
    if (keep != nullptr && !keep(stamp, context)) continue;
    ++matched;
    if (out != nullptr) out->push_back(view(ch, id));
  }
  return matched;
}

ChannelEventResult LiveMocks::set_channel_canonical(uint32_t channel, uint64_t order,
                                                    OrderStatus to) {
  std::string spelling;
  {
    std::lock_guard lock(mutex_);
    spelling = std::string(channels_.at(channel).mock->spelling(to));
  }
  return set_channel_status(channel, order, spelling);
}

uint64_t LiveMocks::channel_order_count(uint32_t channel) {
  std::lock_guard lock(mutex_);
  return channels_.at(channel).mock->order_count();
}

}  // namespace syncdrill
