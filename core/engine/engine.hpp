// The discrete-event engine: a virtual clock and one event queue.
//
// Events are ordered by (time, sequence): equal times run in the order they were scheduled.
// Time only moves forward, to the next event; scheduling in the past is a bug (SD_CHECK).
// Scheduled events can be cancelled (a timeout that did not fire is the common case).
//
// Hot path: callbacks are stored inline (no allocation per event) and invoked through one
// function pointer. A callback must be trivially copyable and at most kCallbackBytes: capture
// pointers and small values, not strings or vectors. The queue's storage grows to the largest
// number of pending events and is then reused.
//
// Limits: at most Limits::pending_events_max events stored in the queue (cancelled events count
// until their time comes) and Limits::events_max processed per engine. Reaching either stops the
// run with a status saying which, never a hang or an OOM.
//
// Not thread-safe: one engine per thread; runs on different engines are independent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/engine/check.hpp"
#include "core/engine/time.hpp"

namespace syncdrill {

// Names a scheduled event so it can be cancelled. A default EventId names nothing.
struct EventId {
  uint64_t value = 0;  // slot index + 1 in the low 32 bits, slot generation in the high 32.
  constexpr bool valid() const { return value != 0; }
  constexpr bool operator==(const EventId&) const = default;
};

enum class RunStatus {
  drained,        // no events left
  reached_time,   // stopped at the requested end time
  event_limit,    // Limits::events_max processed
  pending_limit,  // an event was refused: Limits::pending_events_max pending
};

const char* to_string(RunStatus status);

class Engine {
 public:
  static constexpr size_t kCallbackBytes = 48;

  struct Limits {
    // Events stored in the queue at once, cancelled ones included until their time is reached.
    // Default 8 M: at most about 0.8 GiB of queue storage.
    size_t pending_events_max = size_t{1} << 23;
    // Events processed over the engine's life. Default 2^40 (the sequence-number space).
    uint64_t events_max = uint64_t{1} << 40;
    // Called after every `progress_every` events with the clock and the events processed so far,
    // for a progress display. It must not touch the run (no scheduling, no state the run reads):
    // a run with a hook is the same run as one without. Null: none.
    void (*progress)(void* context, SimTime now, uint64_t events_processed) = nullptr;
    void* progress_context = nullptr;
    uint64_t progress_every = uint64_t{1} << 16;
  };

  Engine() : Engine(Limits{}) {}
  explicit Engine(Limits limits);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  SimTime now() const { return now_; }

  // Schedules fn() to run at time `at`. REQUIRES: at >= now().
  // Returns an invalid EventId if the pending limit refused the event; the engine then stops
  // at the next step with RunStatus::pending_limit.
  template <typename F>
  EventId schedule_at(SimTime at, F fn) {
    static_assert(std::is_trivially_copyable_v<F> && std::is_trivially_destructible_v<F>,
                  "an event callback must be trivially copyable: capture pointers and values");
    static_assert(sizeof(F) <= kCallbackBytes, "an event callback captures too much");
    static_assert(alignof(F) <= alignof(std::max_align_t));
    SD_CHECK(at >= now_, "an event was scheduled in the past");
    // Built in its slot, not copied there: copying a callback just built on the stack reads
    // it back in wider loads than it was written with, which stalls the store forwarding on
    // every event.
    const uint32_t index = take_slot();
    if (index == kNoSlot) return EventId{};
    Slot& slot = slots_[index];
    ::new (static_cast<void*>(slot.storage)) F(fn);
    slot.invoke = [](void* storage) { (*static_cast<F*>(storage))(); };
    return enqueue(at, index);
  }

  template <typename F>
  EventId schedule_after(Duration delay, F fn) {
    return schedule_at(now_ + delay, fn);
  }

  // Cancels a pending event. Returns false when the event already ran, was already cancelled,
  // or the id names nothing.
  bool cancel(EventId id);

  // Runs events with time <= end, then sets the clock to `end`. Returns reached_time, or the
  // limit that stopped it early.
  RunStatus run_until(SimTime end);
  // Runs until no events are left (or a limit is reached).
  RunStatus run();

  // Events scheduled and not yet run or cancelled.
  size_t pending() const { return pending_; }
  uint64_t events_processed() const { return processed_; }
  const Limits& limits() const { return limits_; }
  // Callback slots ever allocated: the high-water mark of stored events (for tests and benches).
  size_t slots_allocated() const { return slots_.size(); }

 private:
  struct Callback {
    alignas(std::max_align_t) std::byte storage[kCallbackBytes];
    void (*invoke)(void* storage) = nullptr;
  };
  // Exactly one cache line: reading an event's callback costs one miss. (Holding a Callback
  // member would pad it to 64 bytes and the slot to 80, spanning two lines.)
  struct alignas(64) Slot {
    alignas(std::max_align_t) std::byte storage[kCallbackBytes];
    void (*invoke)(void* storage) = nullptr;
  };
  static_assert(sizeof(Slot) == 64);
  // A slot's bookkeeping, kept apart from its callback: 8 bytes, so popping a cancelled event
  // (a timeout whose answer came) reads a dense array that mostly stays cached instead of the
  // callback's cache line, and cancel() does not touch the callback either.
  struct SlotState {
    uint32_t generation = 1;
    uint32_t cancelled = 0;
  };
  // 16 bytes: ordered by time, then by sequence number. The low 24 bits of seq_slot hold the
  // slot index, the high 40 bits the sequence number; since sequence numbers are unique, the
  // packed value orders exactly like the sequence number.
  struct Entry {
    int64_t time_us;
    uint64_t seq_slot;
  };
  static constexpr int kSlotBits = 24;
  static constexpr uint64_t kSlotMask = (uint64_t{1} << kSlotBits) - 1;
  // Event times are below 2^63, so an event's time differs from last_us_ in bit 62 at most:
  // buckets 0..63.
  static constexpr int kBuckets = 64;

  static constexpr uint32_t kNoSlot = UINT32_MAX;
  // A free slot for a new event, or kNoSlot when the pending limit refuses it (the run then
  // stops with RunStatus::pending_limit).
  uint32_t take_slot();
  // Queues the event whose callback is in slot `index`.
  EventId enqueue(SimTime at, uint32_t index);
  RunStatus run_loop(int64_t end_us);
  // At processed_ == check_at_: the event limit, or the progress hook's turn.
  bool limit_or_progress();
  void set_check_at();
  void queue_push(Entry e);
  bool queue_ready(int64_t end_us);
  void free_slot(uint32_t index);

  Limits limits_;
  SimTime now_{};
  uint64_t next_seq_ = 0;
  uint64_t processed_ = 0;
  // The next count of processed events that needs a look (the limit or the progress hook), so
  // the hot loop compares one number per event, as it would for the limit alone.
  uint64_t check_at_ = 0;
  size_t pending_ = 0;
  bool refused_ = false;
  // The queue is a radix heap (Ahuja, Mehlhorn, Orlin, Tarjan 1990), which fits an engine
  // whose clock never goes back: an event at time t waits in bucket bit_width(t ^ last_us_),
  // where last_us_ is the time of the events in bucket 0 (the earliest). When bucket 0 runs
  // out, the lowest non-empty bucket is split by its earliest time into lower buckets; each
  // event moves a few times in all, by appending to a vector, where a heap follows a chain of
  // dependent loads and compares on every push and pop. Every bucket stays in sequence order
  // without sorting: a push appends the largest sequence number yet, and a split copies a
  // bucket in order into lower buckets, which are all empty then (it splits the lowest).
  // So bucket 0, whose events share one time, runs in (time, sequence) order.
  std::vector<Entry> buckets_[kBuckets];
  uint64_t nonempty_ = 0;  // bit b: buckets_[b] holds events (bucket 0: beyond its head)
  size_t bucket0_head_ = 0;
  int64_t last_us_ = 0;
  size_t queued_ = 0;  // entries in all buckets, cancelled ones included
  std::vector<Slot> slots_;
  std::vector<SlotState> slot_states_;
  std::vector<uint32_t> free_slots_;
};

}  // namespace syncdrill
