// SlidingWindow: two event counts over the most recent stretch of simulated time.
//
// The window is cut into kBuckets fixed buckets of width ceil(window / kBuckets), aligned to
// SimTime 0, so the answer depends only on the times passed in (deterministic) and the storage is
// a fixed array (no allocation, ever). At time t the counts cover the bucket holding t plus the
// kBuckets - 1 buckets before it: events between (kBuckets - 1) and kBuckets bucket widths old
// age out together when their bucket does. That one-bucket granularity is the price of O(1) work
// per call and is the usual trade in circuit breakers and retry budgets.
//
// Counter 0 and counter 1 mean whatever the owner says (calls and failures; first attempts and
// retries). Thread safety: none needed, the simulation is single-threaded.
// REQUIRES: the times passed in never decrease.
#pragma once

#include <array>
#include <cstdint>

#include "core/engine/check.hpp"
#include "core/engine/time.hpp"

namespace syncdrill {

class SlidingWindow {
 public:
  static constexpr uint32_t kBuckets = 10;
  static constexpr uint32_t kCounters = 2;

  // REQUIRES: window > 0. Windows shorter than kBuckets microseconds get 1 us buckets.
  explicit SlidingWindow(Duration window) {
    SD_CHECK(window.us > 0, "a sliding window needs a positive length");
    bucket_us_ = (window.us + kBuckets - 1) / kBuckets;
  }

  // Adds n to counter `counter` at time now. REQUIRES: counter < kCounters.
  void add(SimTime now, uint32_t counter, uint64_t n = 1) {
    SD_CHECK(counter < kCounters, "no such counter");
    advance(now);
    buckets_[slot(epoch_)][counter] += n;
    totals_[counter] += n;
  }

  // The sum of counter `counter` over the window ending at now.
  uint64_t total(SimTime now, uint32_t counter) {
    SD_CHECK(counter < kCounters, "no such counter");
    advance(now);
    return totals_[counter];
  }

  // Forgets everything counted so far (a circuit breaker closing starts afresh).
  void clear() {
    buckets_ = {};
    totals_ = {};
  }

  // The span actually covered: kBuckets bucket widths, >= the window asked for.
  Duration span() const { return {bucket_us_ * kBuckets}; }

 private:
  using Counts = std::array<uint64_t, kCounters>;

  static uint32_t slot(int64_t epoch) { return static_cast<uint32_t>(epoch % kBuckets); }

  // Moves the window so its newest bucket holds now, emptying the buckets that fell out.
  void advance(SimTime now) {
    SD_CHECK(now.us >= 0, "simulated time starts at 0");
    const int64_t epoch = now.us / bucket_us_;
    SD_CHECK(epoch >= epoch_, "time ran backwards");
    // At most kBuckets buckets need emptying however long the gap: the loop is bounded.
    const int64_t stale = epoch - epoch_ < kBuckets ? epoch - epoch_ : int64_t{kBuckets};
    for (int64_t e = epoch - stale + 1; e <= epoch; ++e) {
      Counts& bucket = buckets_[slot(e)];
      for (uint32_t c = 0; c < kCounters; ++c)
        totals_[c] -= bucket[c];
      bucket = {};
    }
    epoch_ = epoch;
  }

  int64_t bucket_us_ = 1;
  int64_t epoch_ = 0;  // index of the newest bucket: now.us / bucket_us_
  std::array<Counts, kBuckets> buckets_{};
  Counts totals_{};
};

}  // namespace syncdrill
