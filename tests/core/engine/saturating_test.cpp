// Saturating money arithmetic: at the int64 bounds the result stays there instead of wrapping.
#include "core/engine/saturating.hpp"

#include <cstdint>
#include <limits>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST_CASE("sums, differences and products of money saturate at the int64 bounds") {
  CHECK(add_saturating(2, 3) == 5);
  CHECK(add_saturating(-2, 3) == 1);
  CHECK(add_saturating(kMax - 1, 1) == kMax);
  CHECK(add_saturating(kMax, 1) == kMax);
  CHECK(add_saturating(kMax, kMax) == kMax);
  CHECK(add_saturating(kMin, -1) == kMin);
  CHECK(add_saturating(kMax, kMin) == -1);

  CHECK(sub_saturating(5, 3) == 2);
  CHECK(sub_saturating(kMax, -1) == kMax);
  CHECK(sub_saturating(kMin, 1) == kMin);
  CHECK(sub_saturating(0, kMin) == kMax);

  CHECK(mul_saturating(100'000'000'000, 1'000) == 100'000'000'000'000);
  CHECK(mul_saturating(100'000'000'000, 100'000'000'000) == kMax);
  CHECK(mul_saturating(-100'000'000'000, 100'000'000'000) == kMin);
  CHECK(mul_saturating(-100'000'000'000, -100'000'000'000) == kMax);
  CHECK(mul_saturating(kMin, -1) == kMax);
}

// The finding: 100,000 lines at the old largest price (999999999999999.99) passed int64 and
// printed a negative damage. A running total now stops at the bound.
TEST_CASE("a running total of the largest line amounts stops at the bound, never negative") {
  int64_t total = 0;
  for (int i = 0; i < 100'000; ++i) {
    total = add_saturating(total, mul_saturating(99'999'999'999'999'999, 1));
    REQUIRE(total > 0);
  }
  CHECK(total == kMax);
}

}  // namespace
}  // namespace syncdrill
