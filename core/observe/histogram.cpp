#include "core/observe/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace syncdrill {

void ExactSum::add_product(uint64_t a, uint32_t b) {
  // a * b = (a_hi * 2^32 + a_lo) * b; both partial products fit in 64 bits.
  const uint64_t lo_part = (a & 0xffffffffULL) * b;
  const uint64_t hi_part = (a >> 32) * b;
  add(lo_part);
  high_ += hi_part >> 32;
  add(hi_part << 32);
}

void ExactSum::add(const ExactSum& other) {
  high_ += other.high_;
  add(other.low_);
}

double ExactSum::to_double() const {
  return std::ldexp(static_cast<double>(high_), 64) + static_cast<double>(low_);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < kBucketCount; ++i)
    counts_[i] += other.counts_[i];
  if (count_ == 0 || other.min_ < min_) min_ = other.min_;
  if (count_ == 0 || other.max_ > max_) max_ = other.max_;
  count_ += other.count_;
  sum_.add(other.sum_);
}

double LatencyHistogram::mean() const {
  if (count_ == 0) return 0;
  return sum_.to_double() / static_cast<double>(count_);
}

int64_t LatencyHistogram::quantile(double p) const {
  SD_CHECK(p >= 0 && p <= 1, "a quantile needs 0 <= p <= 1");
  if (count_ == 0) return 0;
  const double rank_real = std::ceil(p * static_cast<double>(count_));
  // Clamped into [1, count]: p * count may round up past count for huge counts.
  const uint64_t rank = rank_real < 1 ? 1 : std::min(count_, static_cast<uint64_t>(rank_real));
  if (rank == 1) return min_;
  uint64_t seen = 0;
  for (size_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(bucket_highest(i), max_);
  }
  SD_CHECK(false, "histogram bucket counts do not add up to count");
}

int64_t LatencyHistogram::bucket_lowest(size_t index) {
  SD_CHECK(index < kBucketCount, "histogram bucket index out of range");
  if (index < static_cast<size_t>(kExactBelow)) return static_cast<int64_t>(index);
  // Inverse of bucket_index: index = shift * kSubBuckets + (v >> shift), with
  // v >> shift in [kSubBuckets, 2 * kSubBuckets).
  const size_t shift = index / kSubBuckets - 1;
  const uint64_t top = index - shift * kSubBuckets;
  return static_cast<int64_t>(top << shift);
}

int64_t LatencyHistogram::bucket_highest(size_t index) {
  const int64_t lowest = bucket_lowest(index);
  if (index < static_cast<size_t>(kExactBelow)) return lowest;
  const size_t shift = index / kSubBuckets - 1;
  // Written as lowest + (width - 1) so the last bucket ends at 2^63 - 1 without overflow.
  return lowest + static_cast<int64_t>((uint64_t{1} << shift) - 1);
}

}  // namespace syncdrill
