// Saturating int64 arithmetic for sums of money: amounts are bounded when a scenario loads
// (kMoneyMaxMinor), but a run adds up millions of them, and a sum past the int64 range must stay
// at the bound rather than wrap (which is undefined behaviour, and once printed a negative damage).
#pragma once

#include <cstdint>
#include <limits>

namespace syncdrill {

inline int64_t add_saturating(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return sum;
}

inline int64_t sub_saturating(int64_t a, int64_t b) {
  int64_t difference = 0;
  if (__builtin_sub_overflow(a, b, &difference)) {
    return b < 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return difference;
}

inline int64_t mul_saturating(int64_t a, int64_t b) {
  int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) {
    return (a < 0) == (b < 0) ? std::numeric_limits<int64_t>::max()
                              : std::numeric_limits<int64_t>::min();
  }
  return product;
}

}  // namespace syncdrill
