#include "core/engine/engine.hpp"

#include <cstring>
#include <limits>

namespace syncdrill {

const char* to_string(RunStatus status) {
  switch (status) {
    case RunStatus::drained:
      return "drained";
    case RunStatus::reached_time:
      return "reached_time";
    case RunStatus::event_limit:
      return "event_limit";
    case RunStatus::pending_limit:
      return "pending_limit";
  }
  return "unknown";
}

Engine::Engine(Limits limits) : limits_(limits) {
  SD_CHECK(limits_.pending_events_max <= kSlotMask, "pending limit exceeds the slot index space");
  SD_CHECK(limits_.events_max <= (uint64_t{1} << (64 - kSlotBits)),
           "event limit exceeds the sequence number space");
  set_check_at();
}

void Engine::set_check_at() {
  check_at_ = limits_.events_max;
  if (limits_.progress != nullptr && limits_.progress_every > 0 &&
      limits_.events_max - processed_ > limits_.progress_every) {
    check_at_ = processed_ + limits_.progress_every;
  }
}

bool Engine::limit_or_progress() {
  if (processed_ >= limits_.events_max) return true;
  limits_.progress(limits_.progress_context, now_, processed_);
  set_check_at();
  return false;
}

EventId Engine::push(SimTime at, const Callback& cb) {
  // A run needs ~40 h of schedule/cancel churn to exhaust 2^40 sequence numbers; events_max
  // stops any real run long before.
  SD_CHECK(next_seq_ < (uint64_t{1} << (64 - kSlotBits)), "sequence numbers exhausted");
  if (heap_.size() >= limits_.pending_events_max) {
    refused_ = true;
    return EventId{};
  }
  uint32_t index;
  if (!free_slots_.empty()) {
    index = free_slots_.back();
    free_slots_.pop_back();
  } else {
    index = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[index];
  std::memcpy(slot.storage, cb.storage, kCallbackBytes);
  slot.invoke = cb.invoke;
  slot.cancelled = false;
  heap_push(Entry{at.us, (next_seq_++ << kSlotBits) | index});
  ++pending_;
  return EventId{(uint64_t{slot.generation} << 32) | (uint64_t{index} + 1)};
}

bool Engine::cancel(EventId id) {
  if (!id.valid()) return false;
  const uint64_t index = (id.value & 0xffffffffULL) - 1;
  const auto generation = static_cast<uint32_t>(id.value >> 32);
  if (index >= slots_.size()) return false;
  Slot& slot = slots_[index];
  if (slot.generation != generation || slot.cancelled) return false;
  // The heap entry stays until its time comes (lazy deletion); the slot is freed then.
  slot.cancelled = true;
  --pending_;
  return true;
}

void Engine::free_slot(uint32_t index) {
  Slot& slot = slots_[index];
  ++slot.generation;  // stale EventIds for this slot stop matching
  free_slots_.push_back(index);
}

RunStatus Engine::run_until(SimTime end) {
  SD_CHECK(end >= now_, "run_until was asked to go back in time");
  const RunStatus status = run_loop(end.us);
  if (status == RunStatus::drained || status == RunStatus::reached_time) {
    now_ = end;
    return RunStatus::reached_time;
  }
  return status;
}

RunStatus Engine::run() {
  return run_loop(std::numeric_limits<int64_t>::max());
}

RunStatus Engine::run_loop(int64_t end_us) {
  while (!heap_.empty()) {
    if (refused_) return RunStatus::pending_limit;
    if (heap_.front().time_us > end_us) return RunStatus::reached_time;
    const Entry e = heap_pop();
    const auto index = static_cast<uint32_t>(e.seq_slot & kSlotMask);
    Slot& slot = slots_[index];
    if (slot.cancelled) {
      free_slot(index);
      continue;
    }
    // Copy the callback out first: it may schedule events that reuse this slot or grow slots_.
    Callback cb;
    std::memcpy(cb.storage, slot.storage, kCallbackBytes);
    cb.invoke = slot.invoke;
    free_slot(index);
    // Fetch the next event's slot while this callback runs: with many pending events it is
    // usually a cache miss, and the callback (which rarely schedules a new earliest event) gives
    // the load time to complete.
    if (!heap_.empty()) __builtin_prefetch(&slots_[heap_.front().seq_slot & kSlotMask]);
    --pending_;
    now_ = SimTime{e.time_us};
    ++processed_;
    cb.invoke(cb.storage);
    if (processed_ >= check_at_ && limit_or_progress()) return RunStatus::event_limit;
  }
  if (refused_) return RunStatus::pending_limit;
  return RunStatus::drained;
}

// A 4-ary min-heap: shallower than a binary heap and its children share a cache line.
void Engine::heap_push(Entry e) {
  size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {
    const size_t parent = (i - 1) / kArity;
    if (!(e < heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

// Pops the root with Floyd's method: the hole left at the root walks down along the smallest
// children to a leaf, then the last entry sifts up from there. The last entry came from the
// bottom level and usually belongs near it, so this saves comparing it on every level on the
// way down (the usual top-down sift needs kArity comparisons per level instead of kArity - 1).
Engine::Entry Engine::heap_pop() {
  const Entry top = heap_.front();
  const Entry last = heap_.back();
  heap_.pop_back();
  const size_t n = heap_.size();
  if (n == 0) return top;
  Entry* const h = heap_.data();
  size_t i = 0;
  for (;;) {
    const size_t first = i * kArity + 1;
    size_t best;
    if (first + kArity <= n) {
      // All four children exist: a two-round tournament.
      static_assert(kArity == 4);
      // Which child wins is a coin flip, so a branch would mispredict half the time; adding
      // the comparison results keeps the compiler from emitting one.
      const size_t a = first + static_cast<size_t>(h[first + 1] < h[first]);
      const size_t b = first + 2 + static_cast<size_t>(h[first + 3] < h[first + 2]);
      const size_t b_wins = static_cast<size_t>(h[b] < h[a]);
      best = a + (b - a) * b_wins;
    } else if (first < n) {
      best = first;
      for (size_t c = first + 1; c < n; ++c) {
        if (h[c] < h[best]) best = c;
      }
    } else {
      break;
    }
    h[i] = h[best];
    i = best;
  }
  while (i > 0) {
    const size_t parent = (i - 1) / kArity;
    if (!(last < h[parent])) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = last;
  return top;
}

}  // namespace syncdrill
