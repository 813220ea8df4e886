#include "sim/world/traffic/schedules.hpp"

#include <algorithm>
#include <cmath>

#include "core/engine/check.hpp"

namespace syncdrill {

uint32_t skus_per_round(double fraction, uint32_t sku_count) {
  SD_CHECK(sku_count >= 1, "a round needs at least one SKU in the catalog");
  SD_CHECK(fraction > 0 && fraction <= 1, "a SKU fraction must be in (0, 1]");
  const long long k = std::llround(fraction * static_cast<double>(sku_count));
  return static_cast<uint32_t>(std::clamp<long long>(k, 1, sku_count));
}

SkuPicker::SkuPicker(uint32_t sku_count) : mark_(sku_count, 0) {
  SD_CHECK(sku_count >= 1, "a SKU picker needs at least one SKU");
}

std::span<const SkuId> SkuPicker::pick(RandomStream& rng, uint32_t k) {
  const uint32_t n = sku_count();
  SD_CHECK(k <= n, "cannot pick more distinct SKUs than the catalog holds");
  if (++round_ == 0) {  // wrapped after 2^32 rounds: clear the stale marks
    std::fill(mark_.begin(), mark_.end(), 0);
    round_ = 1;
  }
  picked_.clear();
  // Floyd: for j = n-k .. n-1 draw t in [0, j]; take t, or j itself if t is already taken
  // (j cannot be: every earlier pick is < j). Each k-subset comes out with equal probability.
  for (uint32_t j = n - k; j < n; ++j) {
    auto t = static_cast<uint32_t>(rng.below(uint64_t{j} + 1));
    if (mark_[t] == round_) t = j;
    mark_[t] = round_;
    picked_.push_back(t);
  }
  return picked_;
}

void restock_round(const RestockSpec& spec, RandomStream& rng, SkuPicker& skus,
                   std::vector<Restock>& out) {
  const std::span<const SkuId> picked =
      skus.pick(rng, skus_per_round(spec.sku_fraction, skus.sku_count()));
  out.clear();
  for (const SkuId sku : picked)
    out.push_back(Restock{sku, spec.units});
}

void price_change_round(const PriceChangeSpec& spec, RandomStream& rng, SkuPicker& skus,
                        std::vector<PriceChange>& out) {
  SD_CHECK(spec.change_max > 0 && spec.change_max <= 1, "change_max must be in (0, 1]");
  const std::span<const SkuId> picked =
      skus.pick(rng, skus_per_round(spec.sku_fraction, skus.sku_count()));
  out.clear();
  for (const SkuId sku : picked)
    out.push_back(PriceChange{sku, spec.change_max * (2 * rng.uniform01() - 1)});
}

int64_t apply_price_change(int64_t price_minor, double change) {
  SD_CHECK(price_minor >= 0, "a price is never negative");
  SD_CHECK(change >= -1, "a relative price change cannot be below -100%");
  if (price_minor == 0) return 0;
  // Changes compound over a run (+100% a round doubles a price): a price stops at the most a
  // scenario may name, so it and every sum of prices stay far inside int64.
  const double changed = std::round(static_cast<double>(price_minor) * (1 + change));
  return std::clamp<int64_t>(
      static_cast<int64_t>(std::min(changed, static_cast<double>(kMoneyMaxMinor))), 1,
      kMoneyMaxMinor);
}

ReturnsSampler::ReturnsSampler(const ReturnsSpec& spec)
    : fraction_(spec.fraction), delay_(spec.delay) {
  SD_CHECK(spec.fraction >= 0 && spec.fraction <= 1, "a returns fraction must be in [0, 1]");
}

}  // namespace syncdrill
