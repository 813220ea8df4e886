// ZipfSampler tests: per-rank frequencies from fixed seeds against the exact model, within
// 5 binomial standard errors sqrt(p(1-p)/N) each (a correct sampler fails one such check with
// probability ~6e-7; seeds are fixed, so a run always passes or always fails), plus Pearson
// chi-square over all ranks against its df + 5 sqrt(2 df) bound, and structural cases.
#include "sim/world/traffic/zipf.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

constexpr double kMaxZ = 5.0;

std::vector<int64_t> rank_counts(const ZipfSampler& z, RandomStream& rng, int64_t draws) {
  std::vector<int64_t> counts(z.size(), 0);
  for (int64_t i = 0; i < draws; ++i)
    ++counts[z.rank(rng)];
  return counts;
}

// Pearson's chi-square of counts against probabilities from `p`.
template <typename P>
double chi_square(const std::vector<int64_t>& counts, int64_t draws, P p) {
  double chi2 = 0;
  for (size_t k = 0; k < counts.size(); ++k) {
    const double expected = p(static_cast<uint32_t>(k)) * static_cast<double>(draws);
    const double d = static_cast<double>(counts[k]) - expected;
    chi2 += d * d / expected;
  }
  return chi2;
}

// Largest |z| of per-rank frequencies against `p`.
template <typename P>
double max_rank_z(const std::vector<int64_t>& counts, int64_t draws, P p) {
  double worst = 0;
  const auto n = static_cast<double>(draws);
  for (size_t k = 0; k < counts.size(); ++k) {
    const double pk = p(static_cast<uint32_t>(k));
    const double se = std::sqrt(pk * (1 - pk) / n);
    worst = std::max(worst, std::abs(static_cast<double>(counts[k]) / n - pk) / se);
  }
  return worst;
}

double harmonic(uint32_t n, double s) {
  double h = 0;
  for (uint32_t k = n; k >= 1; --k)
    h += std::pow(static_cast<double>(k), -s);
  return h;
}

TEST_CASE("zipf model probabilities are (k+1)^-s normalised and sum to one") {
  const ZipfSampler z(1000, 1.2);
  const double h = harmonic(1000, 1.2);
  CHECK(z.probability(0) == doctest::Approx(1 / h).epsilon(1e-12));
  CHECK(z.probability(9) == doctest::Approx(std::pow(10.0, -1.2) / h).epsilon(1e-12));
  double total = 0;
  for (uint32_t k = 0; k < z.size(); ++k)
    total += z.probability(k);
  CHECK(total == doctest::Approx(1).epsilon(1e-12));
}

TEST_CASE("zipf rank frequencies match the model within 5 standard errors per rank") {
  for (const double s : {0.5, 1.0, 2.0}) {
    CAPTURE(s);
    const ZipfSampler z(20, s);
    RandomStream rng(7, "zipf/ranks");
    constexpr int64_t kDraws = 1'000'000;
    const auto counts = rank_counts(z, rng, kDraws);
    CHECK(max_rank_z(counts, kDraws, [&](uint32_t k) { return z.probability(k); }) < kMaxZ);
  }
}

TEST_CASE("zipf over a large catalog passes chi-square against the model") {
  // Ranks with fewer than 5 expected draws are pooled into one cell, as chi-square requires.
  const ZipfSampler z(100'000, 1.0);
  RandomStream rng(11, "zipf/chi2");
  constexpr int64_t kDraws = 2'000'000;
  const auto counts = rank_counts(z, rng, kDraws);
  std::vector<int64_t> cells;
  std::vector<double> probs;
  double tail_p = 0;
  int64_t tail_count = 0;
  for (uint32_t k = 0; k < z.size(); ++k) {
    if (z.probability(k) * kDraws >= 5) {
      cells.push_back(counts[k]);
      probs.push_back(z.probability(k));
    } else {
      tail_p += z.probability(k);
      tail_count += counts[k];
    }
  }
  cells.push_back(tail_count);
  probs.push_back(tail_p);
  const double chi2 = chi_square(cells, kDraws, [&](uint32_t k) { return probs[k]; });
  const double df = static_cast<double>(cells.size() - 1);
  CAPTURE(df);
  CHECK(chi2 < df + kMaxZ * std::sqrt(2 * df));
}

TEST_CASE("zipf with exponent 0 is uniform") {
  const ZipfSampler z(50, 0.0);
  for (uint32_t k = 0; k < 50; ++k)
    CHECK(z.probability(k) == doctest::Approx(1.0 / 50).epsilon(1e-15));
  RandomStream rng(3, "zipf/uniform");
  constexpr int64_t kDraws = 500'000;
  const auto counts = rank_counts(z, rng, kDraws);
  const double chi2 = chi_square(counts, kDraws, [](uint32_t) { return 1.0 / 50; });
  CHECK(chi2 < 49 + kMaxZ * std::sqrt(2 * 49.0));
}

TEST_CASE("zipf with one rank always draws rank 0") {
  const ZipfSampler z(1, 1.5);
  RandomStream rng(1, "zipf/one");
  CHECK(z.probability(0) == 1.0);
  for (int i = 0; i < 1000; ++i)
    REQUIRE(z.sku(rng) == 0);
}

TEST_CASE("zipf check catches a wrong exponent (negative control)") {
  // Draws with s = 1.05 judged against the s = 1.0 model must fail the per-rank check: shows
  // the 5-SE tolerance is tight enough to see a 5% error in the exponent.
  const ZipfSampler truth(20, 1.0);
  const ZipfSampler wrong(20, 1.05);
  RandomStream rng(7, "zipf/ranks");
  constexpr int64_t kDraws = 1'000'000;
  const auto counts = rank_counts(wrong, rng, kDraws);
  CHECK(max_rank_z(counts, kDraws, [&](uint32_t k) { return truth.probability(k); }) > kMaxZ);
}

TEST_CASE("zipf shuffle maps ranks to a fixed permutation of SKU ids") {
  RandomStream shuffle_a(5, "catalog/hot");
  RandomStream shuffle_b(5, "catalog/hot");
  RandomStream shuffle_c(6, "catalog/hot");
  const ZipfSampler a(1000, 1.0, shuffle_a);
  const ZipfSampler b(1000, 1.0, shuffle_b);
  const ZipfSampler c(1000, 1.0, shuffle_c);
  std::vector<uint32_t> skus;
  bool differs_from_identity = false;
  bool differs_by_seed = false;
  for (uint32_t r = 0; r < 1000; ++r) {
    skus.push_back(a.sku_of_rank(r));
    CHECK(a.sku_of_rank(r) == b.sku_of_rank(r));
    differs_from_identity |= a.sku_of_rank(r) != r;
    differs_by_seed |= a.sku_of_rank(r) != c.sku_of_rank(r);
  }
  std::sort(skus.begin(), skus.end());
  for (uint32_t i = 0; i < 1000; ++i)
    REQUIRE(skus[i] == i);
  CHECK(differs_from_identity);
  CHECK(differs_by_seed);
  // The shuffle changes which SKU is hot, not the ranks drawn.
  const ZipfSampler plain(1000, 1.0);
  RandomStream r1(9, "zipf/draws");
  RandomStream r2(9, "zipf/draws");
  for (int i = 0; i < 1000; ++i)
    REQUIRE(a.sku(r1) == a.sku_of_rank(plain.rank(r2)));
}

TEST_CASE("zipf draws replay exactly from the same seed") {
  const ZipfSampler z(100'000, 1.3);
  RandomStream r1(42, "zipf/replay");
  RandomStream r2(42, "zipf/replay");
  for (int i = 0; i < 10'000; ++i)
    REQUIRE(z.rank(r1) == z.rank(r2));
}

}  // namespace
}  // namespace syncdrill
