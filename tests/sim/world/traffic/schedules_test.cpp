// Schedule tests: SKU rounds are distinct and sized as specified, each SKU is picked with
// probability k/n (per-SKU inclusion counts within 5 binomial standard errors, fixed seeds),
// price changes are uniform on [-change_max, change_max) and rounded as documented, and
// returns happen with the configured fraction and delay.
#include "sim/world/traffic/schedules.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

constexpr double kMaxZ = 5.0;

TEST_CASE("a scheduled round touches sku_fraction of the catalog, rounded, at least one") {
  CHECK(skus_per_round(0.1, 1000) == 100);
  CHECK(skus_per_round(0.05, 10) == 1);  // 0.5 rounds half away from zero
  CHECK(skus_per_round(0.04, 10) == 1);  // 0.4 would round to 0: at least one
  CHECK(skus_per_round(0.25, 10) == 3);  // 2.5 -> 3
  CHECK(skus_per_round(1.0, 7) == 7);
  CHECK(skus_per_round(1e-9, 100'000) == 1);
}

TEST_CASE("SKUs picked for a scheduled round are distinct, in range, and equally likely") {
  constexpr uint32_t kSkus = 40;
  constexpr uint32_t kPerRound = 7;
  constexpr int kRounds = 100'000;
  SkuPicker picker(kSkus);
  RandomStream rng(1, "erp/restock");
  std::vector<int64_t> included(kSkus, 0);
  for (int r = 0; r < kRounds; ++r) {
    const auto picked = picker.pick(rng, kPerRound);
    REQUIRE(picked.size() == kPerRound);
    const std::set<SkuId> distinct(picked.begin(), picked.end());
    REQUIRE(distinct.size() == kPerRound);
    for (const SkuId s : picked) {
      REQUIRE(s < kSkus);
      ++included[s];
    }
  }
  const double p = static_cast<double>(kPerRound) / kSkus;
  const double se = std::sqrt(p * (1 - p) / kRounds);
  for (uint32_t s = 0; s < kSkus; ++s) {
    CAPTURE(s);
    CHECK(std::abs(static_cast<double>(included[s]) / kRounds - p) < kMaxZ * se);
  }
}

TEST_CASE("every pair of SKUs is equally likely to share a scheduled round") {
  // Floyd's algorithm gives every k-subset the same probability; with n = 5, k = 2 there are 10
  // subsets, each with probability 1/10. Chi-square with 9 df.
  SkuPicker picker(5);
  RandomStream rng(2, "erp/pairs");
  constexpr int kRounds = 200'000;
  std::vector<int64_t> counts(25, 0);
  for (int r = 0; r < kRounds; ++r) {
    const auto picked = picker.pick(rng, 2);
    ++counts[std::min(picked[0], picked[1]) * 5 + std::max(picked[0], picked[1])];
  }
  double chi2 = 0;
  const double expected = kRounds / 10.0;
  for (uint32_t a = 0; a < 5; ++a) {
    for (uint32_t b = a + 1; b < 5; ++b) {
      const double d = static_cast<double>(counts[a * 5 + b]) - expected;
      chi2 += d * d / expected;
    }
  }
  CHECK(chi2 < 9 + kMaxZ * std::sqrt(18.0));
}

TEST_CASE("a scheduled round over the whole catalog picks every SKU once") {
  SkuPicker picker(1000);
  RandomStream rng(3, "erp/all");
  for (int r = 0; r < 3; ++r) {
    const auto picked = picker.pick(rng, 1000);
    std::vector<SkuId> sorted(picked.begin(), picked.end());
    std::sort(sorted.begin(), sorted.end());
    for (uint32_t i = 0; i < 1000; ++i)
      REQUIRE(sorted[i] == i);
  }
}

TEST_CASE("a scheduled restock adds the configured units to sku_fraction of the SKUs") {
  RestockSpec spec;
  spec.units = 25;
  spec.sku_fraction = 0.2;
  SkuPicker picker(50);
  RandomStream rng(4, "erp/restock");
  std::vector<Restock> out{{99, 99}};  // replaced, not appended to
  restock_round(spec, rng, picker, out);
  REQUIRE(out.size() == 10);
  std::set<SkuId> skus;
  for (const Restock& r : out) {
    CHECK(r.units == 25);
    CHECK(r.sku < 50);
    skus.insert(r.sku);
  }
  CHECK(skus.size() == 10);
}

TEST_CASE("scheduled price changes are uniform within plus or minus change_max") {
  PriceChangeSpec spec;
  spec.sku_fraction = 0.5;
  spec.change_max = 0.2;
  SkuPicker picker(100);
  RandomStream rng(5, "erp/prices");
  std::vector<PriceChange> out;
  double sum = 0;
  double sum_sq = 0;
  int64_t n = 0;
  for (int r = 0; r < 4000; ++r) {
    price_change_round(spec, rng, picker, out);
    REQUIRE(out.size() == 50);
    for (const PriceChange& c : out) {
      REQUIRE(c.change >= -0.2);
      REQUIRE(c.change < 0.2);
      sum += c.change;
      sum_sq += c.change * c.change;
      ++n;
    }
  }
  // Uniform on [-a, a): mean 0, variance a^2/3 (0.01333); SE of the mean sqrt(var/n), of the
  // variance about sqrt((m4 - var^2)/n) with m4 = a^4/5.
  const double var = 0.04 / 3;
  const double mean = sum / static_cast<double>(n);
  CHECK(std::abs(mean) < kMaxZ * std::sqrt(var / static_cast<double>(n)));
  const double m4 = 0.0016 / 5;
  CHECK(std::abs(sum_sq / static_cast<double>(n) - mean * mean - var) <
        kMaxZ * std::sqrt((m4 - var * var) / static_cast<double>(n)));
}

TEST_CASE("a scheduled price change rounds to whole minor units and never goes below one") {
  CHECK(apply_price_change(1000, 0.1) == 1100);
  CHECK(apply_price_change(1000, -0.1) == 900);
  CHECK(apply_price_change(999, 0.0005) == 999);    // 999.4995 -> 999
  CHECK(apply_price_change(1000, 0.0005) == 1001);  // 1000.5 -> 1001 (half away from zero)
  CHECK(apply_price_change(1, -0.4) == 1);          // 0.6 -> 1
  CHECK(apply_price_change(3, -0.9) == 1);          // 0.3 -> 0 -> floor of 1
  CHECK(apply_price_change(500, -1.0) == 1);
}

// Changes compound: +100% a round passed int64 (undefined llround) within about 30 rounds from
// the largest price. A price now stops at the most a scenario may name.
TEST_CASE("a scheduled price change never takes a price above the money bound") {
  CHECK(apply_price_change(kMoneyMaxMinor, 1.0) == kMoneyMaxMinor);
  CHECK(apply_price_change(kMoneyMaxMinor - 10, 0.5) == kMoneyMaxMinor);
  CHECK(apply_price_change(kMoneyMaxMinor, -0.5) == kMoneyMaxMinor / 2);
  int64_t price = 1;
  for (int round = 0; round < 200; ++round) {
    price = apply_price_change(price, 1.0);
    REQUIRE(price >= 1);
    REQUIRE(price <= kMoneyMaxMinor);
  }
  CHECK(price == kMoneyMaxMinor);
}

TEST_CASE("returns schedule the configured fraction of orders after the configured delay") {
  ReturnsSpec spec;
  spec.fraction = 0.3;
  spec.delay = Distribution::constant(2 * 86'400e6);
  const ReturnsSampler returns(spec);
  RandomStream rng(6, "returns/shop");
  constexpr int kOrders = 100'000;
  int returned = 0;
  for (int i = 0; i < kOrders; ++i)
    returned += returns.will_return(rng) ? 1 : 0;
  CHECK(std::abs(returned / double{kOrders} - 0.3) < kMaxZ * std::sqrt(0.3 * 0.7 / kOrders));
  CHECK(returns.return_delay(rng) == days(2));

  spec.fraction = 0;
  const ReturnsSampler never(spec);
  spec.fraction = 1;
  const ReturnsSampler always(spec);
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(!never.will_return(rng));
    REQUIRE(always.will_return(rng));
  }
}

TEST_CASE("returns schedule: will_return takes one draw whatever the fraction") {
  ReturnsSpec low;
  low.fraction = 0.01;
  ReturnsSpec high;
  high.fraction = 0.99;
  RandomStream r1(7, "returns/align");
  RandomStream r2(7, "returns/align");
  for (int i = 0; i < 100; ++i) {
    (void)ReturnsSampler(low).will_return(r1);
    (void)ReturnsSampler(high).will_return(r2);
  }
  CHECK(r1.next_u64() == r2.next_u64());
}

TEST_CASE("returns schedule: delays follow the delay distribution and are never negative") {
  ReturnsSpec spec;
  spec.fraction = 1;
  spec.delay = Distribution::normal(1e6, 2e6);  // often below zero before clamping
  const ReturnsSampler returns(spec);
  RandomStream rng(8, "returns/delay");
  for (int i = 0; i < 10'000; ++i)
    REQUIRE(returns.return_delay(rng) >= Duration{});
}

}  // namespace
}  // namespace syncdrill
