// LatencyHistogram: a log-linear histogram of non-negative 64-bit integers (latencies in
// microseconds), in the manner of HdrHistogram.
//
// Layout. Values 0..63 each have a bucket of their own (exact). Above that, every power-of-two
// range [2^k, 2^(k+1)), 6 <= k <= 62, is split into 32 equal sub-buckets of width 2^(k-5), so a
// bucket is never wider than 1/32 of its lowest value. 1,888 buckets cover every non-negative
// int64_t. The counts live inside the object (about 15 KiB): recording never allocates, never
// saturates and never loses a value off either end of the range.
//
// Exact statistics: count, min, max and the sum (kept in 128 bits, so mean() is exact up to the
// final division).
//
// quantile(p) is the nearest-rank quantile: the r-th smallest recorded value with
// r = max(1, ceil(p * count)). It is reported as the highest value of the bucket holding it,
// clamped to max(); rank 1 reports min() exactly. So for the true r-th smallest value q the
// result R satisfies q <= R <= q + q/32: at most 3.125% high, never low (a latency quantile is
// never understated), exact for values below 64, for p = 0 (min) and for p = 1 (max).
//
// Deterministic: integer arithmetic except mean() and the rank computation (IEEE doubles).
// Not thread-safe: one writer, or external locking.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "core/engine/check.hpp"

namespace syncdrill {

// An exact running sum of non-negative 64-bit integers (or of 64 x 32-bit products) in 128
// bits: it cannot overflow in any run (2^64 additions of values below 2^64 fit).
class ExactSum {
 public:
  void add(uint64_t v) {
    low_ += v;
    if (low_ < v) ++high_;
  }
  // Adds a * b.
  void add_product(uint64_t a, uint32_t b);
  void add(const ExactSum& other);

  // The sum, rounded to the nearest double.
  double to_double() const;
  uint64_t high() const { return high_; }
  uint64_t low() const { return low_; }

  bool operator==(const ExactSum&) const = default;

 private:
  uint64_t high_ = 0;
  uint64_t low_ = 0;
};

class LatencyHistogram {
 public:
  // Values below this have a bucket each.
  static constexpr int64_t kExactBelow = 64;
  // Sub-buckets per power-of-two range: a bucket is at most 1/kSubBuckets of its lowest value.
  static constexpr int kSubBucketBits = 5;
  static constexpr int kSubBuckets = 1 << kSubBucketBits;
  static constexpr size_t kBucketCount = 64 + (62 - 6 + 1) * kSubBuckets;  // 1,888
  // The bound on quantile()'s relative error (one-sided, upwards).
  static constexpr double kRelativeErrorMax = 1.0 / kSubBuckets;

  // Records one value. REQUIRES: value_us >= 0.
  void record(int64_t value_us) {
    const size_t index = bucket_index(value_us);
    ++counts_[index];
    if (count_ == 0 || value_us < min_) min_ = value_us;
    if (count_ == 0 || value_us > max_) max_ = value_us;
    ++count_;
    sum_.add(static_cast<uint64_t>(value_us));
  }

  // Adds every value recorded in `other` to this histogram.
  void merge(const LatencyHistogram& other);
  // Forgets every value.
  void reset() { *this = LatencyHistogram{}; }

  uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // The smallest / largest recorded value; 0 when empty.
  int64_t min() const { return min_; }
  int64_t max() const { return max_; }
  // The exact sum of recorded values.
  const ExactSum& sum() const { return sum_; }
  // The arithmetic mean; 0 when empty.
  double mean() const;

  // The nearest-rank p-quantile as described at the top of this file; 0 when empty.
  // REQUIRES: 0 <= p <= 1.
  int64_t quantile(double p) const;

  // Bucket access, for reports and tests. REQUIRES: index < kBucketCount.
  uint64_t bucket_count_at(size_t index) const { return counts_[index]; }
  // The bucket a value falls in. REQUIRES: value_us >= 0.
  static size_t bucket_index(int64_t value_us) {
    SD_CHECK(value_us >= 0, "a histogram value is negative");
    const auto v = static_cast<uint64_t>(value_us);
    if (v < kExactBelow) return v;
    // v in [2^k, 2^(k+1)), k >= 6: the top kSubBucketBits + 1 bits pick the sub-bucket.
    const int shift = std::bit_width(v) - 1 - kSubBucketBits;
    return static_cast<size_t>(shift) * kSubBuckets + static_cast<size_t>(v >> shift);
  }
  // The lowest and highest value a bucket holds (both inclusive).
  static int64_t bucket_lowest(size_t index);
  static int64_t bucket_highest(size_t index);

 private:
  std::array<uint64_t, kBucketCount> counts_{};
  uint64_t count_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  ExactSum sum_;
};

}  // namespace syncdrill
