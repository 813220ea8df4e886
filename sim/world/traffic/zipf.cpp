#include "sim/world/traffic/zipf.hpp"

#include <cmath>
#include <numeric>
#include <utility>

#include "core/engine/check.hpp"

namespace syncdrill {

ZipfSampler::ZipfSampler(uint32_t n, double exponent) : exponent_(exponent) {
  SD_CHECK(n >= 1 && n <= kRanksMax, "a Zipf sampler needs 1 <= n <= kRanksMax ranks");
  SD_CHECK(std::isfinite(exponent) && exponent >= 0 && exponent <= 64,
           "a Zipf exponent must be in [0, 64]");
  // Weights, and their sum smallest first so the many tiny tail terms are not lost.
  std::vector<double> scaled(n);
  for (uint32_t k = 0; k < n; ++k)
    scaled[k] = exponent == 0 ? 1.0 : std::pow(static_cast<double>(k) + 1, -exponent);
  double sum = 0;
  for (uint32_t k = n; k-- > 0;)
    sum += scaled[k];
  normalizer_ = sum;

  // Vose: each column holds one "small" rank (probability mass below 1/n) topped up by one
  // "large" rank. Worklists are stacks processed in index order: deterministic.
  std::vector<double> accept(n, 1.0);
  alias_.resize(n);
  std::iota(alias_.begin(), alias_.end(), 0u);
  std::vector<uint32_t> small;
  std::vector<uint32_t> large;
  for (uint32_t k = n; k-- > 0;) {
    scaled[k] = scaled[k] * static_cast<double>(n) / sum;
    (scaled[k] < 1.0 ? small : large).push_back(k);
  }
  while (!small.empty() && !large.empty()) {
    const uint32_t s = small.back();
    small.pop_back();
    const uint32_t l = large.back();
    accept[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Whatever is left differs from 1 only by rounding: those columns keep their own rank.
  for (const uint32_t k : small)
    accept[k] = 1.0;
  for (const uint32_t k : large)
    accept[k] = 1.0;
  columns_.resize(n);
  for (uint32_t k = 0; k < n; ++k)
    columns_[k].accept = accept[k];
  fill_skus();
}

void ZipfSampler::fill_skus() {
  for (uint32_t k = 0; k < columns_.size(); ++k) {
    columns_[k].kept_sku = sku_of_rank(k);
    columns_[k].alias_sku = sku_of_rank(alias_[k]);
  }
}

ZipfSampler::ZipfSampler(uint32_t n, double exponent, RandomStream& shuffle)
    : ZipfSampler(n, exponent) {
  sku_of_rank_.resize(n);
  std::iota(sku_of_rank_.begin(), sku_of_rank_.end(), 0u);
  for (uint32_t i = n - 1; i > 0; --i)
    std::swap(sku_of_rank_[i], sku_of_rank_[shuffle.below(uint64_t{i} + 1)]);
  fill_skus();
}

double ZipfSampler::probability(uint32_t r) const {
  SD_CHECK(r < size(), "rank out of range");
  const double w = exponent_ == 0 ? 1.0 : std::pow(static_cast<double>(r) + 1, -exponent_);
  return w / normalizer_;
}

}  // namespace syncdrill
