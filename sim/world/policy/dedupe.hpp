// WebhookDedupe: catches redelivered webhooks by remembering recently seen event ids.
//
// Channels deliver webhooks at least once: a delivery whose acknowledgement timed out is sent
// again with the same event id. A connector keeps one WebhookDedupe per channel and asks
// seen_before(id) for each delivery; true means "a duplicate, drop it".
//
// Memory is bounded: it remembers the last `capacity` distinct ids in first-seen order (FIFO, not
// LRU: a duplicate does not renew its id). When full, recording a new id forgets the oldest one
// (counted in evictions()). Consequence: a redelivery that arrives after `capacity` newer
// distinct ids is NOT caught and is processed twice; size the window for the channel's
// redelivery horizon (Shopify-like senders retry for hours), and watch evictions() against the
// duplicates a scenario injects. Within the window there are no false positives and no misses:
// ids are compared exactly, never by hash alone.
//
// Storage: a ring of ids (first-seen order) and a membership set in two parts. Ids below
// dense_limit() (64 per id of capacity: channels number their events 0, 1, 2, ...) are bits of a
// bitmap, which grows by doubling to the highest such id seen: a test is one bit in a few hundred
// KB, not a probe of a table of megabytes. Other ids (hashed keys) go to an open-addressing hash
// table (linear probing, load <= 1/2, backward-shift deletion, so no tombstones pile up). Ring and
// table grow by doubling up to the capacity and then never allocate again. At the default
// 1,000,000 ids of a simulated channel that is about 8.4 MB (8 bytes per id in the ring, the
// bitmap at one bit per id up to the highest); the table stays at 64 slots. With hashed ids the
// table takes 2^21 slots of 8 bytes more (about 25 MB in all). Deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/engine/growing_array.hpp"

namespace syncdrill {

class WebhookDedupe {
 public:
  static constexpr size_t kDefaultCapacity = 1'000'000;  // ids remembered

  // REQUIRES: capacity >= 1.
  explicit WebhookDedupe(size_t capacity = kDefaultCapacity);

  // True when event_id is in the window (a duplicate: counted, the window is unchanged);
  // otherwise records it, forgetting the oldest id if the window is full, and returns false.
  bool seen_before(uint64_t event_id);
  // Whether event_id is in the window, recording nothing.
  bool contains(uint64_t event_id) const;

  size_t size() const { return ring_.size(); }
  // Ids below this are kept in the bitmap.
  uint64_t dense_limit() const { return dense_limit_; }
  size_t capacity() const { return capacity_; }
  uint64_t duplicates() const { return duplicates_; }
  uint64_t evictions() const { return evictions_; }

 private:
  // Marks a free table slot. The id with this value is real too, so it is tracked by a flag.
  static constexpr uint64_t kEmpty = ~uint64_t{0};

  bool dense_contains(uint64_t id) const {
    const uint64_t word = id >> 6;
    return word < bits_.size() && ((bits_[word] >> (id & 63)) & 1) != 0;
  }
  size_t home(uint64_t id) const;
  size_t find_slot(uint64_t id) const;  // its slot, or table_.size() when absent
  void insert(uint64_t id);
  void erase(uint64_t id);
  void grow_table();

  size_t capacity_;
  uint64_t dense_limit_;         // ids below it live in bits_
  GrowingArray<uint64_t> bits_;  // bit i of word w: id 64w + i is in the window
  GrowingArray<uint64_t> ring_;  // ids in first-seen order once full: oldest at oldest_
  size_t oldest_ = 0;            // meaningful once ring_.size() == capacity_
  std::vector<uint64_t> table_;  // size a power of two
  size_t table_count_ = 0;       // ids in table_ (kEmpty is not stored there)
  bool has_empty_id_ = false;    // kEmpty itself is in the window
  uint64_t duplicates_ = 0;
  uint64_t evictions_ = 0;
};

}  // namespace syncdrill
