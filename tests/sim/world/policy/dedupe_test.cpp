// WebhookDedupe tests: hand-made id sequences for duplicates and eviction order, a million
// distinct ids for false positives, and a long random churn checked against a plain
// deque + set model, which exercises the hash table's deletions.
#include "sim/world/policy/dedupe.hpp"

#include <cstdint>
#include <deque>
#include <limits>
#include <unordered_set>

#include <doctest/doctest.h>

#include "core/engine/random.hpp"

namespace syncdrill {
namespace {

TEST_CASE("dedupe catches a redelivered webhook") {
  WebhookDedupe dedupe(10);
  CHECK_FALSE(dedupe.seen_before(42));
  CHECK(dedupe.seen_before(42));
  CHECK(dedupe.seen_before(42));
  CHECK_FALSE(dedupe.seen_before(43));
  CHECK(dedupe.duplicates() == 2);
  CHECK(dedupe.size() == 2);
  CHECK(dedupe.evictions() == 0);
}

TEST_CASE("dedupe forgets the oldest id first when full") {
  WebhookDedupe dedupe(3);
  for (uint64_t id : {1, 2, 3})
    CHECK_FALSE(dedupe.seen_before(id));
  CHECK_FALSE(dedupe.seen_before(4));  // evicts 1
  CHECK(dedupe.evictions() == 1);
  CHECK_FALSE(dedupe.contains(1));
  CHECK(dedupe.contains(2));
  CHECK(dedupe.contains(3));
  CHECK(dedupe.contains(4));
  // A redelivery older than the window is not caught: 1 looks new, and evicts 2.
  CHECK_FALSE(dedupe.seen_before(1));
  CHECK_FALSE(dedupe.contains(2));
  CHECK(dedupe.evictions() == 2);
  CHECK(dedupe.size() == 3);
}

TEST_CASE("dedupe does not renew an id on a duplicate (first-seen order)") {
  WebhookDedupe dedupe(2);
  dedupe.seen_before(1);
  dedupe.seen_before(2);
  CHECK(dedupe.seen_before(1));
  dedupe.seen_before(3);  // evicts 1, the first seen, although it was seen last
  CHECK_FALSE(dedupe.contains(1));
  CHECK(dedupe.contains(2));
}

TEST_CASE("dedupe handles ids 0 and 2^64 - 1 like any other") {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  WebhookDedupe dedupe(2);
  CHECK_FALSE(dedupe.seen_before(kMax));
  CHECK(dedupe.seen_before(kMax));
  CHECK_FALSE(dedupe.seen_before(0));
  CHECK(dedupe.seen_before(0));
  dedupe.seen_before(5);  // evicts kMax
  CHECK_FALSE(dedupe.contains(kMax));
  CHECK(dedupe.contains(0));
  CHECK_FALSE(dedupe.seen_before(kMax));  // evicts 0
  CHECK_FALSE(dedupe.contains(0));
  CHECK(dedupe.contains(kMax));
}

TEST_CASE("dedupe with capacity 1 remembers only the last id") {
  WebhookDedupe dedupe(1);
  CHECK_FALSE(dedupe.seen_before(7));
  CHECK(dedupe.seen_before(7));
  CHECK_FALSE(dedupe.seen_before(8));
  CHECK_FALSE(dedupe.seen_before(7));
  CHECK(dedupe.evictions() == 2);
}

TEST_CASE("dedupe gives no false positives over a million distinct ids") {
  WebhookDedupe dedupe;  // default capacity: 1,000,000
  REQUIRE(dedupe.capacity() == 1'000'000);
  // Sequential ids (the common shape) and scattered ones (the hash's worst friend is neither).
  uint64_t false_positives = 0;
  for (uint64_t i = 0; i < 500'000; ++i)
    false_positives += dedupe.seen_before(i) ? 1 : 0;
  uint64_t state = 12345;
  for (uint64_t i = 0; i < 500'000; ++i)
    false_positives += dedupe.seen_before(splitmix64(state) | (uint64_t{1} << 63)) ? 1 : 0;
  CHECK(false_positives == 0);
  CHECK(dedupe.size() == 1'000'000);
  CHECK(dedupe.evictions() == 0);

  // Every one of them is now caught.
  uint64_t caught = 0;
  for (uint64_t i = 0; i < 500'000; ++i)
    caught += dedupe.seen_before(i) ? 1 : 0;
  state = 12345;
  for (uint64_t i = 0; i < 500'000; ++i)
    caught += dedupe.seen_before(splitmix64(state) | (uint64_t{1} << 63)) ? 1 : 0;
  CHECK(caught == 1'000'000);

  // A second million evicts the first, oldest first.
  uint64_t second_false_positives = 0;
  for (uint64_t i = 0; i < 1'000'000; ++i)
    second_false_positives += dedupe.seen_before((uint64_t{1} << 40) + i) ? 1 : 0;
  CHECK(second_false_positives == 0);
  CHECK(dedupe.evictions() == 1'000'000);
  CHECK_FALSE(dedupe.contains(0));
  CHECK_FALSE(dedupe.contains(499'999));
  CHECK(dedupe.contains(uint64_t{1} << 40));
}

// Runs 200,000 random ids against a deque + set model. `far` is added to every odd id, so with
// far > 0 half the ids lie beyond the bitmap (in the hash table) and half in it.
void check_against_model(uint64_t far) {
  constexpr size_t kCapacity = 1'000;
  WebhookDedupe dedupe(kCapacity);
  std::deque<uint64_t> order;
  std::unordered_set<uint64_t> members;
  RandomStream rng(2024, "dedupe-churn");
  uint64_t model_duplicates = 0;
  uint64_t model_evictions = 0;
  for (int i = 0; i < 200'000; ++i) {
    // Ids from a range 3x the capacity: plenty of duplicates and of evictions.
    const uint64_t drawn = rng.below(3 * kCapacity);
    const uint64_t id = drawn % 2 == 1 ? drawn + far : drawn;
    const bool expected = members.count(id) != 0;
    if (expected) {
      ++model_duplicates;
    } else {
      if (order.size() == kCapacity) {
        members.erase(order.front());
        order.pop_front();
        ++model_evictions;
      }
      order.push_back(id);
      members.insert(id);
    }
    REQUIRE(dedupe.seen_before(id) == expected);
  }
  CHECK(dedupe.duplicates() == model_duplicates);
  CHECK(dedupe.evictions() == model_evictions);
  for (uint64_t drawn = 0; drawn < 3 * kCapacity; ++drawn) {
    const uint64_t id = drawn % 2 == 1 ? drawn + far : drawn;
    CHECK(dedupe.contains(id) == (members.count(id) != 0));
  }
}

TEST_CASE("dedupe agrees with a simple model under random churn") {
  SUBCASE("dense ids (the bitmap)") {
    check_against_model(0);
  }
  SUBCASE("dense and hashed ids (the bitmap and the table)") {
    check_against_model(uint64_t{1} << 50);
  }
}

TEST_CASE("dedupe keeps ids either side of the dense limit apart") {
  WebhookDedupe dedupe(4);
  const uint64_t limit = dedupe.dense_limit();
  REQUIRE(limit > 1);
  CHECK_FALSE(dedupe.seen_before(limit - 1));  // the bitmap's last id
  CHECK_FALSE(dedupe.seen_before(limit));      // the table's first
  CHECK(dedupe.contains(limit - 1));
  CHECK(dedupe.contains(limit));
  CHECK_FALSE(dedupe.contains(limit + 1));
  CHECK_FALSE(dedupe.contains(limit - 2));
  for (uint64_t id : {uint64_t{1}, uint64_t{2}, uint64_t{3}})
    dedupe.seen_before(id);  // the third evicts limit - 1
  CHECK_FALSE(dedupe.contains(limit - 1));
  CHECK(dedupe.contains(limit));
  CHECK(dedupe.evictions() == 1);
  dedupe.seen_before(4);  // evicts limit
  CHECK(dedupe.evictions() == 2);
  CHECK_FALSE(dedupe.contains(limit));
}

}  // namespace
}  // namespace syncdrill
