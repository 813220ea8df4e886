// DeadLetterQueue tests: FIFO replay, counted overflow, partial replays and pushes during a
// replay, and random pushes and drains checked against std::deque across the ring's growth.
#include "sim/world/policy/dead_letter.hpp"

#include <cstdint>
#include <deque>
#include <vector>

#include <doctest/doctest.h>

#include "core/engine/random.hpp"

namespace syncdrill {
namespace {

DeadLetter letter(uint64_t job_id) {
  return DeadLetter{job_id, SimTime{static_cast<int64_t>(job_id) * 1000}, 3};
}

std::vector<uint64_t> drain_ids(DeadLetterQueue<DeadLetter>& queue, size_t max_records) {
  std::vector<uint64_t> ids;
  queue.replay([&ids](const DeadLetter& d) { ids.push_back(d.job_id); }, max_records);
  return ids;
}

TEST_CASE("dead-letter queue replays in FIFO order and empties") {
  DeadLetterQueue<DeadLetter> queue(100);
  for (uint64_t id = 1; id <= 5; ++id)
    CHECK(queue.push(letter(id)));
  CHECK(queue.front().job_id == 1);
  std::vector<DeadLetter> out;
  CHECK(queue.replay([&out](const DeadLetter& d) { out.push_back(d); }) == 5);
  REQUIRE(out.size() == 5);
  for (uint64_t i = 0; i < 5; ++i) {
    CHECK(out[i].job_id == i + 1);
    CHECK(out[i].at == SimTime{static_cast<int64_t>(i + 1) * 1000});
    CHECK(out[i].reason == 3);
  }
  CHECK(queue.empty());
  CHECK(queue.pushed() == 5);
  CHECK(queue.replayed() == 5);
  CHECK(queue.overflowed() == 0);
}

TEST_CASE("dead-letter queue counts pushes beyond capacity as overflow and keeps the oldest") {
  DeadLetterQueue<DeadLetter> queue(3);
  for (uint64_t id = 1; id <= 3; ++id)
    CHECK(queue.push(letter(id)));
  CHECK_FALSE(queue.push(letter(4)));
  CHECK_FALSE(queue.push(letter(5)));
  CHECK(queue.overflowed() == 2);
  CHECK(queue.size() == 3);
  CHECK(drain_ids(queue, 100) == std::vector<uint64_t>{1, 2, 3});
  CHECK(queue.push(letter(6)));  // room again after the replay
}

TEST_CASE("dead-letter queue with capacity 0 overflows every push") {
  DeadLetterQueue<DeadLetter> queue(0);
  CHECK_FALSE(queue.push(letter(1)));
  CHECK(queue.overflowed() == 1);
  CHECK(drain_ids(queue, 10).empty());
}

TEST_CASE("dead-letter queue replays at most max_records at a time") {
  DeadLetterQueue<DeadLetter> queue(10);
  for (uint64_t id = 1; id <= 7; ++id)
    queue.push(letter(id));
  CHECK(drain_ids(queue, 3) == std::vector<uint64_t>{1, 2, 3});
  CHECK(drain_ids(queue, 0).empty());
  CHECK(drain_ids(queue, 3) == std::vector<uint64_t>{4, 5, 6});
  CHECK(drain_ids(queue, 3) == std::vector<uint64_t>{7});
  CHECK(queue.replayed() == 7);
}

TEST_CASE("dead-letter records pushed during a replay wait for the next one") {
  DeadLetterQueue<DeadLetter> queue(10);
  for (uint64_t id = 1; id <= 3; ++id)
    queue.push(letter(id));
  std::vector<uint64_t> seen;
  // Every replayed job fails again at once and goes back: each is seen once per replay.
  queue.replay([&](const DeadLetter& d) {
    seen.push_back(d.job_id);
    queue.push(letter(d.job_id + 10));
  });
  CHECK(seen == std::vector<uint64_t>{1, 2, 3});
  CHECK(drain_ids(queue, 100) == std::vector<uint64_t>{11, 12, 13});
}

TEST_CASE("dead-letter queue of plain job ids agrees with a deque under random use") {
  constexpr size_t kCapacity = 100;
  DeadLetterQueue<uint64_t> queue(kCapacity);
  std::deque<uint64_t> model;
  RandomStream rng(8, "dead-letter");
  uint64_t next_id = 0;
  uint64_t model_overflowed = 0;
  for (int step = 0; step < 20'000; ++step) {
    // 7 pushes to 1 drain of 0-9 records: the queue fills, overflows, drains, and wraps around.
    if (rng.below(8) != 0) {
      const bool fits = model.size() < kCapacity;
      if (fits)
        model.push_back(next_id);
      else
        ++model_overflowed;
      REQUIRE(queue.push(next_id) == fits);
      ++next_id;
    } else {
      const size_t n = rng.below(10);
      std::vector<uint64_t> got;
      queue.replay([&got](uint64_t id) { got.push_back(id); }, n);
      for (uint64_t id : got) {
        REQUIRE(id == model.front());
        model.pop_front();
      }
      REQUIRE(got.size() == std::min(n, got.size() + model.size()));
    }
    REQUIRE(queue.size() == model.size());
  }
  CHECK(queue.overflowed() == model_overflowed);
  CHECK(queue.overflowed() > 0);
}

}  // namespace
}  // namespace syncdrill
