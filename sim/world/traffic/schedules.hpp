// ERP restocks and price changes, and order returns: pure generators the world calls on its own
// schedule (a restock round at every k x RestockSpec::interval, k >= 1; likewise for prices).
//
// Each round picks round(sku_fraction x sku_count) SKUs, at least 1, distinct and uniformly
// among all subsets of that size, with Robert Floyd's sampling algorithm: exactly k calls to
// RandomStream::below per round, O(k) time. SkuPicker keeps one mark per SKU across rounds so
// a round neither allocates (once `out` has grown) nor clears anything.
//
// Deterministic in the stream; thread-compatible.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/engine/distribution.hpp"
#include "core/engine/random.hpp"
#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"

namespace syncdrill {

using SkuId = uint32_t;

// The SKUs one round touches: llround(fraction x sku_count), clamped to [1, sku_count].
// REQUIRES: sku_count >= 1, 0 < fraction <= 1.
uint32_t skus_per_round(double fraction, uint32_t sku_count);

class SkuPicker {
 public:
  // REQUIRES: sku_count >= 1.
  explicit SkuPicker(uint32_t sku_count);

  // k distinct SKU ids from [0, sku_count), in Floyd's draw order (a uniformly random subset;
  // the order is deterministic but not itself uniformly shuffled). The span points into the
  // picker and is valid until the next pick. REQUIRES: k <= sku_count.
  std::span<const SkuId> pick(RandomStream& rng, uint32_t k);

  uint32_t sku_count() const { return static_cast<uint32_t>(mark_.size()); }

 private:
  std::vector<uint32_t> mark_;  // mark_[sku] == round_ when sku is in the current round
  std::vector<SkuId> picked_;   // the current round's SKUs
  uint32_t round_ = 0;
};

struct Restock {
  SkuId sku = 0;
  uint32_t units = 0;  // added to on-hand stock
};

// One restock round: skus_per_round(spec.sku_fraction) SKUs, each gaining spec.units.
// Replaces `out`.
void restock_round(const RestockSpec& spec, RandomStream& rng, SkuPicker& skus,
                   std::vector<Restock>& out);

struct PriceChange {
  SkuId sku = 0;
  double change = 0;  // relative: the new price is old x (1 + change); see apply_price_change
};

// One price round: skus_per_round(spec.sku_fraction) SKUs, each with a change uniform on
// [-change_max, +change_max) (one uniform01 per SKU, after the SKUs are picked). Replaces `out`.
void price_change_round(const PriceChangeSpec& spec, RandomStream& rng, SkuPicker& skus,
                        std::vector<PriceChange>& out);

// price_minor x (1 + change), rounded half away from zero to a whole minor unit, never below 1
// (a price never reaches zero or goes negative, whatever change_max is) and never above
// kMoneyMaxMinor (changes compound: +100% a round passes int64 in under 30 rounds). A free item
// (price 0, which the catalog admits) stays free: a relative change of nothing is nothing.
// REQUIRES: price_minor >= 0, change >= -1.
int64_t apply_price_change(int64_t price_minor, double change);

// Returns after an order: whether it comes back, and when.
class ReturnsSampler {
 public:
  explicit ReturnsSampler(const ReturnsSpec& spec);

  // True with probability spec.fraction. Always takes exactly one uniform01, even at fraction 0
  // or 1, so changing the fraction never shifts the rest of the stream.
  bool will_return(RandomStream& rng) const { return rng.uniform01() < fraction_; }
  // The time from the order to its return: spec.delay sampled, whole us, never negative.
  Duration return_delay(RandomStream& rng) const { return delay_.sample_duration(rng); }

 private:
  double fraction_;
  Distribution delay_;
};

}  // namespace syncdrill
