#include "sim/world/traffic/basket.hpp"

#include <algorithm>

#include "core/engine/check.hpp"

namespace syncdrill {

BasketSampler::BasketSampler(const TrafficSpec& spec, const ZipfSampler& skus)
    : skus_(skus),
      spec_lines_min_(spec.basket_lines_min),
      spec_lines_max_(spec.basket_lines_max),
      lines_max_(std::min(spec.basket_lines_max, skus.size())),
      mark_(lines_max_ > kScanLinesMax ? skus.size() : 0, 0) {
  SD_CHECK(spec.basket_lines_min >= 1, "a basket has at least one line");
  SD_CHECK(spec.basket_lines_min <= spec.basket_lines_max, "basket_lines_min > basket_lines_max");
}

uint32_t BasketSampler::sample(RandomStream& rng, std::span<BasketLine> out) {
  SD_CHECK(out.size() >= lines_max_, "the basket buffer is smaller than lines_max()");
  if (++basket_ == 0) {  // wrapped after 2^32 baskets: old marks could collide, so clear them
    std::fill(mark_.begin(), mark_.end(), 0);
    basket_ = 1;
  }
  // Drawn over the spec's range, then capped, so a small catalog gets full baskets.
  const uint64_t drawn =
      spec_lines_min_ + rng.below(uint64_t{spec_lines_max_} - spec_lines_min_ + 1);
  const auto lines = static_cast<uint32_t>(std::min<uint64_t>(drawn, lines_max_));
  for (uint32_t i = 0; i < lines; ++i) {
    uint32_t sku = skus_.sku(rng);
    bool fresh = take(sku, out, i);
    for (uint32_t redraw = 0; !fresh && redraw < kRedrawsMax; ++redraw) {
      sku = skus_.sku(rng);
      fresh = take(sku, out, i);
    }
    // Fallback: the most popular unused SKU. At most i + 1 ranks are tried, as i are used.
    for (uint32_t r = 0; !fresh; ++r) {
      SD_CHECK(r < skus_.size(), "a basket cannot be larger than the catalog");
      sku = skus_.sku_of_rank(r);
      fresh = take(sku, out, i);
    }
    out[i] = BasketLine{sku, 1};
  }
  return lines;
}

}  // namespace syncdrill
