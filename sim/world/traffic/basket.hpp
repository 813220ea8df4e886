// BasketSampler: the lines of one order, drawn from a traffic spec and a SKU popularity.
//
// Contract:
// - The number of lines is uniform on [basket_lines_min, basket_lines_max], then capped at the
//   catalog size (a basket cannot hold more distinct SKUs than exist).
// - SKUs within a basket are distinct. Each line draws from the ZipfSampler and redraws a SKU
//   already in the basket, at most kRedrawsMax times; if every redraw repeats (only possible
//   with a steep skew on a basket close to the catalog size), the line takes the most popular
//   SKU not yet in the basket. That keeps a draw bounded without shortening the basket.
// - Every line has quantity 1: TrafficSpec has no quantity distribution, and one unit per line
//   keeps "units sold" equal to "lines sold" in oversell accounting.
// - Deterministic in the stream; sample() writes into the caller's buffer and never allocates
//   (its scratch memory is allocated once, in the constructor).
//
// - Repeats are found by scanning the lines drawn so far when a basket has at most
//   kScanLinesMax lines (a handful of compares on data in registers), else by per-SKU marks
//   (a random read into a catalog-sized array per draw, which a long run keeps out of cache).
//
// Thread-compatible. sample() is not const: it reuses per-SKU scratch marks.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/engine/random.hpp"
#include "core/scenario/scenario.hpp"
#include "sim/world/traffic/zipf.hpp"

namespace syncdrill {

struct BasketLine {
  uint32_t sku = 0;
  uint32_t quantity = 1;
};

class BasketSampler {
 public:
  static constexpr uint32_t kRedrawsMax = 32;    // per line, before the deterministic fallback
  static constexpr uint32_t kScanLinesMax = 16;  // larger baskets find repeats by marks

  // Keeps a reference to `skus`, which must outlive the sampler.
  // REQUIRES: 1 <= spec.basket_lines_min <= spec.basket_lines_max.
  BasketSampler(const TrafficSpec& spec, const ZipfSampler& skus);

  // The most lines one basket can have: min(basket_lines_max, catalog size). Size buffers by it.
  uint32_t lines_max() const { return lines_max_; }

  // Writes one basket into out[0, count) and returns count (>= 1).
  // REQUIRES: out.size() >= lines_max().
  uint32_t sample(RandomStream& rng, std::span<BasketLine> out);

 private:
  // Takes sku as line `used` of the basket in out[0, used); false if it is already there.
  bool take(uint32_t sku, std::span<const BasketLine> out, uint32_t used) {
    if (mark_.empty()) {
      for (uint32_t i = 0; i < used; ++i)
        if (out[i].sku == sku) return false;
      return true;
    }
    if (mark_[sku] == basket_) return false;
    mark_[sku] = basket_;
    return true;
  }

  const ZipfSampler& skus_;
  uint32_t spec_lines_min_;
  uint32_t spec_lines_max_;
  uint32_t lines_max_;  // spec_lines_max_ capped at the catalog size
  // mark_[sku] == basket_ when sku is in the basket being drawn; basket_ advances per basket,
  // so nothing is cleared between baskets. Empty when baskets are scanned instead.
  std::vector<uint32_t> mark_;
  uint32_t basket_ = 0;
};

}  // namespace syncdrill
