#include "sim/world/policy/dedupe.hpp"

#include <algorithm>

#include "core/engine/check.hpp"
#include "core/engine/random.hpp"

namespace syncdrill {

namespace {
constexpr size_t kInitialTableSlots = 64;
constexpr size_t kInitialRingIds = 32;
constexpr uint64_t kDenseIdsPerCapacity = 64;  // the bitmap costs at most 8 bytes per id held
constexpr uint64_t kDenseLimitMin = uint64_t{1} << 16;
constexpr uint64_t kInitialBitWords = 64;

uint64_t dense_limit_for(size_t capacity) {
  const uint64_t cap = capacity;
  // Saturates instead of overflowing for absurd capacities.
  if (cap > (uint64_t{1} << 40)) return uint64_t{1} << 46;
  return std::max(kDenseLimitMin, cap * kDenseIdsPerCapacity);
}
}  // namespace

WebhookDedupe::WebhookDedupe(size_t capacity)
    : capacity_(capacity),
      dense_limit_(dense_limit_for(capacity)),
      table_(kInitialTableSlots, kEmpty) {
  SD_CHECK(capacity >= 1, "a dedupe window must hold at least one id");
  ring_.reserve(std::min(capacity_, kInitialRingIds));
}

size_t WebhookDedupe::home(uint64_t id) const {
  // Event ids are often sequential; mixing spreads them so probe runs stay short.
  uint64_t state = id;
  return static_cast<size_t>(splitmix64(state)) & (table_.size() - 1);
}

size_t WebhookDedupe::find_slot(uint64_t id) const {
  const size_t mask = table_.size() - 1;
  // Load <= 1/2 guarantees an empty slot, so the probe ends.
  for (size_t i = home(id);; i = (i + 1) & mask) {
    if (table_[i] == id) return i;
    if (table_[i] == kEmpty) return table_.size();
  }
}

bool WebhookDedupe::contains(uint64_t event_id) const {
  if (event_id < dense_limit_) return dense_contains(event_id);
  if (event_id == kEmpty) return has_empty_id_;
  return find_slot(event_id) != table_.size();
}

void WebhookDedupe::grow_table() {
  std::vector<uint64_t> old(table_.size() * 2, kEmpty);
  old.swap(table_);
  table_count_ = 0;
  for (uint64_t id : old) {
    if (id != kEmpty) insert(id);
  }
}

void WebhookDedupe::insert(uint64_t id) {
  if (id < dense_limit_) {
    const uint64_t word = id >> 6;
    if (word >= bits_.size()) {
      // Doubling, so ids counting up cost amortized O(1); never past the dense limit.
      uint64_t words = std::max<uint64_t>(kInitialBitWords, bits_.size());
      while (words <= word)
        words *= 2;
      bits_.resize(std::min(words, (dense_limit_ + 63) / 64), 0);
    }
    bits_[word] |= uint64_t{1} << (id & 63);
    return;
  }
  if (id == kEmpty) {
    has_empty_id_ = true;
    return;
  }
  // Keep load <= 1/2. table_count_ never exceeds capacity_, so growth stops by itself at the
  // first power of two >= 2 * capacity_.
  if ((table_count_ + 1) * 2 > table_.size()) grow_table();
  const size_t mask = table_.size() - 1;
  size_t i = home(id);
  while (table_[i] != kEmpty)
    i = (i + 1) & mask;
  table_[i] = id;
  ++table_count_;
}

void WebhookDedupe::erase(uint64_t id) {
  if (id < dense_limit_) {
    SD_CHECK(dense_contains(id), "an id in the ring is missing from the bitmap");
    bits_[id >> 6] &= ~(uint64_t{1} << (id & 63));
    return;
  }
  if (id == kEmpty) {
    has_empty_id_ = false;
    return;
  }
  size_t hole = find_slot(id);
  SD_CHECK(hole != table_.size(), "an id in the ring is missing from the table");
  // Backward-shift deletion: pull later members of the probe run into the hole when their home
  // slot does not lie cyclically in (hole, j], so every remaining id stays reachable.
  const size_t mask = table_.size() - 1;
  for (size_t j = (hole + 1) & mask; table_[j] != kEmpty; j = (j + 1) & mask) {
    const size_t h = home(table_[j]);
    const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
    if (stays) continue;
    table_[hole] = table_[j];
    hole = j;
  }
  table_[hole] = kEmpty;
  --table_count_;
}

bool WebhookDedupe::seen_before(uint64_t event_id) {
  // A full window will evict its oldest id: start fetching that id's table slot now, so the two
  // cache misses of a large table (the lookup and the eviction) overlap instead of queueing.
  if (ring_.size() == capacity_ && ring_[oldest_] >= dense_limit_) {
    __builtin_prefetch(&table_[home(ring_[oldest_])]);
  }
  if (contains(event_id)) {
    ++duplicates_;
    return true;
  }
  if (ring_.size() < capacity_) {
    // Grow by doubling, but never past capacity_ (push_back's own growth might overshoot).
    if (ring_.size() == ring_.capacity()) ring_.reserve(std::min(capacity_, ring_.capacity() * 2));
    ring_.push_back(event_id);
  } else {
    erase(ring_[oldest_]);
    ++evictions_;
    ring_[oldest_] = event_id;
    oldest_ = oldest_ + 1 == capacity_ ? 0 : oldest_ + 1;
  }
  insert(event_id);
  return false;
}

}  // namespace syncdrill
