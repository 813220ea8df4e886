// GrowingArray tests: contents survive every kind of growth (small realloc, the switch to a
// mapping of its own at 1 MiB, remapping past it), and copies and moves are independent.
#include "core/engine/growing_array.hpp"

#include <cstdint>
#include <vector>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

struct Record {
  uint32_t a;
  uint16_t b;
  uint8_t c;
};

uint64_t value_of(uint64_t i) {
  return i * 0x9e3779b97f4a7c15ULL ^ (i >> 7);
}

TEST_CASE("a growing array keeps its contents across small and mapped growth") {
  GrowingArray<uint64_t> a;
  CHECK(a.empty());
  CHECK(a.data() == nullptr);
  // 3 M entries: 24 MB, well past the 1 MiB switch to a mapping, and several remaps after it.
  constexpr uint64_t kCount = 3'000'000;
  for (uint64_t i = 0; i < kCount; ++i) {
    a.push_back(value_of(i));
    // Spot checks while growing, so a copy that lost the tail shows where it happened.
    if ((i & (i + 1)) == 0) REQUIRE(a[i / 2] == value_of(i / 2));
  }
  REQUIRE(a.size() == kCount);
  CHECK(a.capacity() >= kCount);
  uint64_t wrong = 0;
  for (uint64_t i = 0; i < kCount; ++i)
    wrong += a[i] == value_of(i) ? 0 : 1;
  CHECK(wrong == 0);
  CHECK(a.back() == value_of(kCount - 1));
}

TEST_CASE("a growing array resizes, appends and reserves like a vector") {
  GrowingArray<Record> a;
  a.resize(5, Record{7, 8, 9});
  REQUIRE(a.size() == 5);
  CHECK(a[4].a == 7);
  const std::vector<Record> more{{1, 2, 3}, {4, 5, 6}};
  a.append(more);
  REQUIRE(a.size() == 7);
  CHECK(a[5].a == 1);
  CHECK(a[6].c == 6);
  a.resize(3, Record{0, 0, 0});
  CHECK(a.size() == 3);
  a.resize(200'000, Record{1, 1, 1});  // ~1.6 MB: crosses into a mapping with a fill
  CHECK(a[2].a == 7);
  CHECK(a[3].a == 1);
  CHECK(a[199'999].b == 1);
  const Record* before = a.data();
  a.reserve(a.size());  // no growth: nothing moves
  CHECK(a.data() == before);
  a.reserve(1'000'000);
  CHECK(a.capacity() == 1'000'000);
  CHECK(a[2].a == 7);
  uint64_t n = 0;
  for (const Record& r : a)
    n += r.a;
  CHECK(n == 3 * 7 + (200'000 - 3));
}

TEST_CASE("growing array copies and moves are independent") {
  GrowingArray<uint32_t> a;
  for (uint32_t i = 0; i < 400'000; ++i)  // 1.6 MB: mapped
    a.push_back(i);
  GrowingArray<uint32_t> b = a;
  b[0] = 99;
  CHECK(a[0] == 0);
  CHECK(b.size() == a.size());
  CHECK(b[399'999] == 399'999);
  GrowingArray<uint32_t> c = std::move(a);
  CHECK(c.size() == 400'000);
  CHECK(a.empty());  // NOLINT(bugprone-use-after-move): a moved-from array is empty
  a = c;
  CHECK(a.size() == 400'000);
  c = std::move(b);
  CHECK(c[0] == 99);
  a.push_back(5);
  CHECK(a.back() == 5);
}

}  // namespace
}  // namespace syncdrill
