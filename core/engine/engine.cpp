#include "core/engine/engine.hpp"

#include <algorithm>
#include <bit>
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

uint32_t Engine::take_slot() {
  // A run needs ~40 h of schedule/cancel churn to exhaust 2^40 sequence numbers; events_max
  // stops any real run long before.
  SD_CHECK(next_seq_ < (uint64_t{1} << (64 - kSlotBits)), "sequence numbers exhausted");
  if (queued_ >= limits_.pending_events_max) {
    refused_ = true;
    return kNoSlot;
  }
  if (!free_slots_.empty()) {
    const uint32_t index = free_slots_.back();
    free_slots_.pop_back();
    return index;
  }
  const auto index = static_cast<uint32_t>(slots_.size());
  slots_.emplace_back();
  slot_states_.emplace_back();
  return index;
}

EventId Engine::enqueue(SimTime at, uint32_t index) {
  SlotState& state = slot_states_[index];
  state.cancelled = 0;
  queue_push(Entry{at.us, (next_seq_++ << kSlotBits) | index});
  ++pending_;
  return EventId{(uint64_t{state.generation} << 32) | (uint64_t{index} + 1)};
}

bool Engine::cancel(EventId id) {
  if (!id.valid()) return false;
  const uint64_t index = (id.value & 0xffffffffULL) - 1;
  const auto generation = static_cast<uint32_t>(id.value >> 32);
  if (index >= slot_states_.size()) return false;
  SlotState& state = slot_states_[index];
  if (state.generation != generation || state.cancelled != 0) return false;
  // The queue entry stays until its time comes (lazy deletion); the slot is freed then.
  state.cancelled = 1;
  --pending_;
  return true;
}

void Engine::free_slot(uint32_t index) {
  ++slot_states_[index].generation;  // stale EventIds for this slot stop matching
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
  for (;;) {
    if (refused_) return RunStatus::pending_limit;
    if (!queue_ready(end_us)) break;
    const Entry e = buckets_[0][bucket0_head_++];
    --queued_;
    const auto index = static_cast<uint32_t>(e.seq_slot & kSlotMask);
    if (slot_states_[index].cancelled != 0) {
      free_slot(index);
      continue;
    }
    const Slot& slot = slots_[index];
    // Copy the callback out first: it may schedule events that reuse this slot or grow slots_.
    Callback cb;
    std::memcpy(cb.storage, slot.storage, kCallbackBytes);
    cb.invoke = slot.invoke;
    free_slot(index);
    // Fetch the next event's slot while this callback runs: with many pending events it is
    // usually a cache miss, and the callback (which rarely schedules a new earliest event) gives
    // the load time to complete.
    if (bucket0_head_ < buckets_[0].size()) {
      __builtin_prefetch(&slots_[buckets_[0][bucket0_head_].seq_slot & kSlotMask]);
    }
    --pending_;
    now_ = SimTime{e.time_us};
    ++processed_;
    cb.invoke(cb.storage);
    if (processed_ >= check_at_ && limit_or_progress()) return RunStatus::event_limit;
  }
  if (refused_) return RunStatus::pending_limit;
  return queued_ == 0 ? RunStatus::drained : RunStatus::reached_time;
}

// REQUIRES: e.time_us >= last_us_ (events are never scheduled before now_, and last_us_ is
// never past now_ when anything is scheduled: see queue_ready).
void Engine::queue_push(Entry e) {
  const auto bucket = static_cast<int>(
      std::bit_width(static_cast<uint64_t>(e.time_us) ^ static_cast<uint64_t>(last_us_)));
  buckets_[bucket].push_back(e);
  nonempty_ |= uint64_t{1} << bucket;
  ++queued_;
}

// Makes buckets_[0][bucket0_head_] the earliest event and returns true, unless the queue is
// empty or its earliest event is later than end_us. A split happens only when its earliest
// event is due, and that event runs next, so the clock reaches last_us_ before anything else
// is scheduled.
bool Engine::queue_ready(int64_t end_us) {
  std::vector<Entry>& first = buckets_[0];
  if (bucket0_head_ < first.size()) return last_us_ <= end_us;
  first.clear();
  bucket0_head_ = 0;
  nonempty_ &= ~uint64_t{1};
  if (nonempty_ == 0) return false;
  const int split = std::countr_zero(nonempty_);
  std::vector<Entry>& source = buckets_[split];
  int64_t earliest_us = std::numeric_limits<int64_t>::max();
  for (const Entry& e : source)
    earliest_us = std::min(earliest_us, e.time_us);
  if (earliest_us > end_us) return false;
  last_us_ = earliest_us;
  nonempty_ &= ~(uint64_t{1} << split);
  for (const Entry& e : source) {
    // Every event here agrees with last_us_ above bit split - 1, so it lands lower.
    const auto bucket = static_cast<int>(
        std::bit_width(static_cast<uint64_t>(e.time_us) ^ static_cast<uint64_t>(last_us_)));
    buckets_[bucket].push_back(e);
    nonempty_ |= uint64_t{1} << bucket;
  }
  source.clear();
  return true;
}

}  // namespace syncdrill
