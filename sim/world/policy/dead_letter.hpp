// DeadLetterQueue: where a connector parks jobs whose last attempt failed, for a later replay.
//
// Bounded: at most `capacity` records (ConnectorSpec::dead_letter_max). A push into a full queue
// keeps the records already there and drops the new one; the drop is never silent: push returns
// false and overflowed() counts it, because a dead letter lost is an order or update lost, and a
// drill report must show it. replay() drains records oldest first into a callback.
//
// Record is a small trivially copyable value; DeadLetter below is the usual one. Storage is a
// ring that grows by doubling up to the capacity and is then reused: no allocation in steady
// state, and a connector that never dead-letters holds only a few records' worth of memory.
// Deterministic; not thread safe (the simulation is single-threaded).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "core/engine/check.hpp"
#include "core/engine/time.hpp"

namespace syncdrill {

struct DeadLetter {
  uint64_t job_id = 0;
  SimTime at{};        // when the job was dead-lettered
  uint8_t reason = 0;  // the caller's error class of the last failure
};

template <typename Record>
class DeadLetterQueue {
  static_assert(std::is_trivially_copyable_v<Record> && std::is_default_constructible_v<Record>,
                "dead-letter records are small plain values");

 public:
  // capacity 0 is allowed: every push then overflows.
  explicit DeadLetterQueue(size_t capacity) : capacity_(capacity) {}

  // Appends record; false when the queue is full (the record is lost, and counted).
  bool push(const Record& record) {
    if (size_ == capacity_) {
      ++overflowed_;
      return false;
    }
    if (size_ == slots_.size()) grow();
    slots_[index(size_)] = record;
    ++size_;
    ++pushed_;
    return true;
  }

  // Removes up to max_records records, oldest first, calling on_record(const Record&) with each
  // after it has left the queue. Records the callback pushes (a replay that fails again at once)
  // go to the back and are not part of this drain. Returns the number replayed.
  template <typename OnRecord>
  size_t replay(OnRecord&& on_record, size_t max_records = std::numeric_limits<size_t>::max()) {
    const size_t n = std::min(size_, max_records);
    for (size_t i = 0; i < n; ++i) {
      const Record record = slots_[head_];
      head_ = head_ + 1 == slots_.size() ? 0 : head_ + 1;
      --size_;
      ++replayed_;
      on_record(record);
    }
    return n;
  }

  // The oldest record. REQUIRES: !empty().
  const Record& front() const {
    SD_CHECK(size_ > 0, "front() of an empty dead-letter queue");
    return slots_[head_];
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return capacity_; }
  uint64_t pushed() const { return pushed_; }          // accepted, all time
  uint64_t overflowed() const { return overflowed_; }  // lost to a full queue, all time
  uint64_t replayed() const { return replayed_; }      // drained by replay(), all time

 private:
  static constexpr size_t kInitialSlots = 16;

  size_t index(size_t offset) const {
    const size_t i = head_ + offset;
    return i >= slots_.size() ? i - slots_.size() : i;
  }

  // Doubles the ring (up to capacity_), laying the records out oldest first from slot 0.
  void grow() {
    const size_t grown = std::min(capacity_, std::max(kInitialSlots, slots_.size() * 2));
    std::vector<Record> next(grown);
    for (size_t i = 0; i < size_; ++i)
      next[i] = slots_[index(i)];
    slots_.swap(next);
    head_ = 0;
  }

  size_t capacity_;
  std::vector<Record> slots_;
  size_t head_ = 0;  // the oldest record's slot
  size_t size_ = 0;
  uint64_t pushed_ = 0;
  uint64_t overflowed_ = 0;
  uint64_t replayed_ = 0;
};

}  // namespace syncdrill
