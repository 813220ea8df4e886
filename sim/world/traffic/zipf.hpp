// ZipfSampler: SKU popularity with a Zipf (power-law) skew, the reason hot SKUs oversell.
//
// Rank k in [0, n) is drawn with probability P(k) = (k+1)^-s / H(n, s), where H is the sum of
// (j+1)^-s over all ranks; s = 0 is uniform. Ranks map to SKU ids through a permutation: the
// identity by default, or a fixed shuffle drawn once from a caller's stream, so the hottest
// SKU is not always SKU 0 (and two channels can share or differ in which SKUs are hot).
//
// Method: Walker's alias method in Vose's numerically stable form. Construction is O(n) and
// allocates the tables once; a draw is O(1), takes exactly two 64-bit outputs of the stream
// (one for the column via RandomStream::below, one for the coin; below() may rarely take more
// for its rejection step) and never allocates. The tables are built in a fixed order with
// plain IEEE double arithmetic, so the same (n, s) gives the same tables on every run; the only
// platform input is std::pow, whose last-bit differences could at most move a column's coin
// threshold by one ulp (a draw changes only if its coin lands within 1e-16 of it).
//
// Memory layout: sku() is on the hot path of every order line, and the tables outgrow the
// caches in a long run, so a draw reads ONE 16-byte column (its coin threshold and the SKU ids
// of its own and its alias rank) instead of three separate arrays.
//
// Thread-compatible: draws are const and only advance the caller's stream.
#pragma once

#include <cstdint>
#include <vector>

#include "core/engine/random.hpp"

namespace syncdrill {

class ZipfSampler {
 public:
  // The largest n accepted; matches the scenario loader's catalog limit with room to spare.
  static constexpr uint32_t kRanksMax = 1u << 24;

  // Identity mapping: rank k is SKU k.
  // REQUIRES: 1 <= n <= kRanksMax, 0 <= exponent <= 64 (finite).
  ZipfSampler(uint32_t n, double exponent);
  // Rank k is SKU permutation[k], the permutation a Fisher-Yates shuffle drawn from `shuffle`
  // (n - 1 calls to below()). Pass a dedicated stream, e.g. RandomStream(seed, "catalog/hot").
  ZipfSampler(uint32_t n, double exponent, RandomStream& shuffle);

  // A popularity rank in [0, n); 0 is the most popular.
  uint32_t rank(RandomStream& rng) const {
    const auto column = static_cast<uint32_t>(rng.below(columns_.size()));
    return rng.uniform01() < columns_[column].accept ? column : alias_[column];
  }
  // A SKU id in [0, n): sku_of_rank(rank(rng)), with the same draws.
  uint32_t sku(RandomStream& rng) const {
    const Column& c = columns_[static_cast<uint32_t>(rng.below(columns_.size()))];
    return rng.uniform01() < c.accept ? c.kept_sku : c.alias_sku;
  }
  // REQUIRES: r < size().
  uint32_t sku_of_rank(uint32_t r) const { return sku_of_rank_.empty() ? r : sku_of_rank_[r]; }

  // The exact model probability of rank r (for tests and reports). REQUIRES: r < size().
  double probability(uint32_t r) const;

  uint32_t size() const { return static_cast<uint32_t>(columns_.size()); }
  double exponent() const { return exponent_; }

 private:
  double exponent_;
  double normalizer_ = 0;  // H(n, s)
  struct Column {          // 16 bytes: what one draw reads
    double accept;         // column k keeps rank k when the coin is below it
    uint32_t kept_sku;     // sku_of_rank(k)
    uint32_t alias_sku;    // sku_of_rank(alias_[k])
  };
  static_assert(sizeof(Column) == 16);

  void fill_skus();  // the columns' SKU ids from alias_ and sku_of_rank_

  std::vector<Column> columns_;
  std::vector<uint32_t> alias_;        // by column: the rank topped up into it (for rank())
  std::vector<uint32_t> sku_of_rank_;  // empty = identity
};

}  // namespace syncdrill
