// BasketSampler tests: structural guarantees checked on every basket of long fixed-seed runs
// (distinct SKUs, quantity 1, line counts in range) and the line-count distribution against
// uniform by chi-square (df + 5 sqrt(2 df) bound, as in zipf_test.cpp).
#include "sim/world/traffic/basket.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <vector>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

TrafficSpec lines(uint32_t min, uint32_t max) {
  TrafficSpec t;
  t.basket_lines_min = min;
  t.basket_lines_max = max;
  return t;
}

TEST_CASE("basket SKUs are distinct and every line has quantity 1") {
  const ZipfSampler skus(50, 1.5);
  BasketSampler basket(lines(1, 10), skus);
  REQUIRE(basket.lines_max() == 10);
  std::array<BasketLine, 10> buffer{};
  RandomStream rng(1, "basket/distinct");
  for (int i = 0; i < 50'000; ++i) {
    const uint32_t count = basket.sample(rng, buffer);
    REQUIRE(count >= 1);
    REQUIRE(count <= 10);
    std::set<uint32_t> seen;
    for (uint32_t j = 0; j < count; ++j) {
      REQUIRE(buffer[j].sku < 50);
      REQUIRE(buffer[j].quantity == 1);
      seen.insert(buffer[j].sku);
    }
    REQUIRE(seen.size() == count);
  }
}

TEST_CASE("basket line counts are uniform between min and max") {
  const ZipfSampler skus(1000, 1.0);
  BasketSampler basket(lines(2, 6), skus);
  std::array<BasketLine, 6> buffer{};
  RandomStream rng(2, "basket/lines");
  constexpr int64_t kBaskets = 200'000;
  std::array<int64_t, 7> counts{};
  for (int64_t i = 0; i < kBaskets; ++i)
    ++counts[basket.sample(rng, buffer)];
  CHECK(counts[0] == 0);
  CHECK(counts[1] == 0);
  const double expected = kBaskets / 5.0;
  double chi2 = 0;
  for (size_t k = 2; k <= 6; ++k)
    chi2 += (static_cast<double>(counts[k]) - expected) *
            (static_cast<double>(counts[k]) - expected) / expected;
  CHECK(chi2 < 4 + 5 * std::sqrt(8.0));
}

TEST_CASE("a basket larger than the catalog is capped at the catalog") {
  const ZipfSampler skus(3, 1.0);
  BasketSampler basket(lines(5, 5), skus);
  CHECK(basket.lines_max() == 3);
  std::array<BasketLine, 3> buffer{};
  RandomStream rng(3, "basket/cap");
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(basket.sample(rng, buffer) == 3);
    const std::set<uint32_t> seen{buffer[0].sku, buffer[1].sku, buffer[2].sku};
    REQUIRE(seen == std::set<uint32_t>{0, 1, 2});
  }
}

TEST_CASE("basket line counts are drawn over the spec's range before the catalog cap") {
  // Catalog of 2, lines 1..4: a draw of 2, 3 or 4 becomes 2, so P(2 lines) = 3/4.
  const ZipfSampler skus(2, 0.0);
  BasketSampler basket(lines(1, 4), skus);
  std::array<BasketLine, 2> buffer{};
  RandomStream rng(4, "basket/capdraw");
  constexpr int64_t kBaskets = 100'000;
  int64_t two = 0;
  for (int64_t i = 0; i < kBaskets; ++i)
    two += basket.sample(rng, buffer) == 2 ? 1 : 0;
  const double se = std::sqrt(0.75 * 0.25 / kBaskets);
  CHECK(std::abs(static_cast<double>(two) / kBaskets - 0.75) < 5 * se);
}

TEST_CASE("a steep skew on a nearly full basket still gives distinct SKUs in bounded time") {
  // s = 10 over 6 SKUs: the 6th SKU has probability ~2e-8, so redraws run out and the
  // most-popular-unused fallback must fill the basket.
  RandomStream shuffle(5, "catalog/hot");
  const ZipfSampler skus(6, 10.0, shuffle);
  BasketSampler basket(lines(6, 6), skus);
  std::array<BasketLine, 6> buffer{};
  RandomStream rng(5, "basket/steep");
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(basket.sample(rng, buffer) == 6);
    std::set<uint32_t> seen;
    for (const BasketLine& line : buffer)
      seen.insert(line.sku);
    REQUIRE(seen.size() == 6);
  }
}

TEST_CASE("single-line baskets follow the SKU popularity") {
  // With one line there is no redraw, so the line's SKU is a plain Zipf draw.
  const ZipfSampler skus(10, 1.0);
  BasketSampler basket(lines(1, 1), skus);
  std::array<BasketLine, 1> buffer{};
  RandomStream rng(6, "basket/popularity");
  constexpr int64_t kBaskets = 200'000;
  std::array<int64_t, 10> counts{};
  for (int64_t i = 0; i < kBaskets; ++i) {
    REQUIRE(basket.sample(rng, buffer) == 1);
    ++counts[buffer[0].sku];
  }
  for (uint32_t k = 0; k < 10; ++k) {
    const double p = skus.probability(k);
    const double se = std::sqrt(p * (1 - p) / kBaskets);
    CHECK(std::abs(static_cast<double>(counts[k]) / kBaskets - p) < 5 * se);
  }
}

// The contract written plainly (a set for the basket), to hold both ways of finding repeats to.
uint32_t reference_basket(const TrafficSpec& spec, const ZipfSampler& skus, RandomStream& rng,
                          std::vector<uint32_t>& out) {
  const uint64_t drawn = spec.basket_lines_min +
                         rng.below(uint64_t{spec.basket_lines_max} - spec.basket_lines_min + 1);
  const auto count = static_cast<uint32_t>(std::min<uint64_t>(drawn, skus.size()));
  std::set<uint32_t> used;
  out.clear();
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t sku = skus.sku(rng);
    for (uint32_t redraw = 0; used.count(sku) != 0 && redraw < BasketSampler::kRedrawsMax; ++redraw)
      sku = skus.sku(rng);
    for (uint32_t r = 0; used.count(sku) != 0; ++r)
      sku = skus.sku_of_rank(r);
    used.insert(sku);
    out.push_back(sku);
  }
  return count;
}

TEST_CASE("small baskets (scanned) and large ones (marked) draw what the contract says") {
  // A steep skew over a small catalog, so repeats, redraws and the fallback all happen.
  RandomStream shuffle(3, "catalog/hot");
  const ZipfSampler skus(60, 2.0, shuffle);
  for (const uint32_t max :
       {3u, BasketSampler::kScanLinesMax, BasketSampler::kScanLinesMax + 1, 50u}) {
    CAPTURE(max);
    const TrafficSpec spec = lines(1, max);
    BasketSampler basket(spec, skus);
    std::vector<BasketLine> buffer(basket.lines_max());
    std::vector<uint32_t> expected;
    RandomStream r1(11, "basket/reference");
    RandomStream r2(11, "basket/reference");
    for (int i = 0; i < 2'000; ++i) {
      const uint32_t n = basket.sample(r1, buffer);
      REQUIRE(reference_basket(spec, skus, r2, expected) == n);
      for (uint32_t j = 0; j < n; ++j)
        REQUIRE(buffer[j].sku == expected[j]);
    }
    CHECK(r1.next_u64() == r2.next_u64());  // the same number of draws
  }
}

TEST_CASE("baskets replay exactly from the same seed") {
  const ZipfSampler skus(500, 1.1);
  BasketSampler a(lines(1, 4), skus);
  BasketSampler b(lines(1, 4), skus);
  std::array<BasketLine, 4> ba{};
  std::array<BasketLine, 4> bb{};
  RandomStream r1(8, "basket/replay");
  RandomStream r2(8, "basket/replay");
  for (int i = 0; i < 10'000; ++i) {
    const uint32_t n = a.sample(r1, ba);
    REQUIRE(b.sample(r2, bb) == n);
    for (uint32_t j = 0; j < n; ++j)
      REQUIRE(ba[j].sku == bb[j].sku);
  }
}

}  // namespace
}  // namespace syncdrill
