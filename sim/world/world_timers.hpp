// FarTimers: events due minutes or hours from now, kept out of the engine's queue until the
// minute they fall in begins.
//
// A Black-Friday day holds hundreds of thousands of such events at once (a shipment's ship
// time, a customer's return), and every event stored in the engine makes each of its heap
// operations deeper and less cache-friendly. Here they wait in per-minute buckets (a plain
// vector append, 48 bytes each, against 80 in the engine); one engine event per non-empty bucket
// moves the bucket's events into the engine at the bucket's start, each at its exact time, and
// frees the bucket. Memory follows the events pending, never the events of the whole run.
//
// Behaviour: every event runs at exactly the time it was given. Among events at the SAME
// microsecond, a deferred one runs after those scheduled in the engine before its bucket opened
// (its sequence number is taken when the bucket opens); deferred events with equal times keep
// the order they were deferred in. Deterministic: the same calls give the same engine history.
//
// Not thread-safe; lives on its engine's thread. Not copyable or movable: engine events point
// at it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <vector>

#include "core/engine/check.hpp"
#include "core/engine/engine.hpp"
#include "core/engine/growing_array.hpp"
#include "core/engine/time.hpp"

namespace syncdrill::world {

class FarTimers {
 public:
  static constexpr int64_t kBucketUs = 60'000'000;  // one minute
  static constexpr int64_t kBuckets = 4096;         // ~68 hours ahead; later events go direct
  static constexpr size_t kCallbackBytes = 32;

  explicit FarTimers(Engine& engine) : engine_(engine), buckets_(kBuckets) {}
  FarTimers(const FarTimers&) = delete;
  FarTimers& operator=(const FarTimers&) = delete;

  // Runs fn() at `at`, like Engine::schedule_at. REQUIRES: at >= engine.now(); fn trivially
  // copyable, at most kCallbackBytes.
  template <typename F>
  void schedule_at(SimTime at, F fn) {
    static_assert(std::is_trivially_copyable_v<F> && std::is_trivially_destructible_v<F>,
                  "a timer callback must be trivially copyable: capture pointers and values");
    static_assert(sizeof(F) <= kCallbackBytes, "a timer callback captures too much");
    static_assert(alignof(F) <= alignof(int64_t));
    SD_CHECK(at >= engine_.now(), "a timer was scheduled in the past");
    const int64_t bucket = at.us / kBucketUs;
    const int64_t now_bucket = engine_.now().us / kBucketUs;
    if (bucket <= now_bucket || bucket - now_bucket >= kBuckets) {
      engine_.schedule_at(at, fn);  // due this minute, or beyond the ring
      return;
    }
    Bucket& b = buckets_[static_cast<size_t>(bucket % kBuckets)];
    if (b.timers.empty()) engine_.schedule_at(SimTime{bucket * kBucketUs}, Open{this, bucket});
    // Built in place (see GrowingArray::push_back_unset).
    Timer& t = b.timers.push_back_unset();
    t.at_us = at.us;
    t.invoke = [](const std::byte* storage) {
      (*std::launder(reinterpret_cast<const F*>(storage)))();
    };
    ::new (static_cast<void*>(t.storage)) F(fn);
  }

  template <typename F>
  void schedule_after(Duration delay, F fn) {
    schedule_at(engine_.now() + delay, fn);
  }

 private:
  struct Timer {
    int64_t at_us;
    void (*invoke)(const std::byte* storage);
    alignas(int64_t) std::byte storage[kCallbackBytes];
  };
  struct Fire {
    Timer timer;
    void operator()() const { timer.invoke(timer.storage); }
  };
  struct Open {
    FarTimers* timers;
    int64_t bucket;
    void operator()() const { timers->open(bucket); }
  };
  struct Bucket {
    GrowingArray<Timer> timers;
  };

  // The bucket's minute has begun: its timers move into the engine, in the order deferred.
  void open(int64_t bucket) {
    GrowingArray<Timer>& timers = buckets_[static_cast<size_t>(bucket % kBuckets)].timers;
    for (const Timer& t : timers)
      engine_.schedule_at(SimTime{t.at_us}, Fire{t});
    // Frees the storage: a bucket is reused only kBuckets minutes later, and keeping every
    // bucket's peak capacity would make memory grow with the events of the whole run.
    timers = GrowingArray<Timer>();
  }

  Engine& engine_;
  std::vector<Bucket> buckets_;
};

}  // namespace syncdrill::world
