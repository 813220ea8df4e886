// DrawAhead tests: a queue hands out exactly its sequence, in order, whether it draws for itself
// or a thread draws for it, across the ring's wrap, a stop part-way and a restart refused; and
// the numbers are those of the stream drawn directly.
#include "core/engine/draw_ahead.hpp"

#include <cstdint>
#include <vector>

#include <doctest/doctest.h>

#include "core/engine/distribution.hpp"
#include "core/engine/random.hpp"

namespace syncdrill {
namespace {

// The sequence 0, 1, 2, ... scrambled, and a count of the items drawn.
struct Counter {
  uint64_t next = 0;
  uint64_t drawn = 0;
  static uint64_t value(uint64_t i) { return i * 0x9e3779b97f4a7c15ULL ^ (i >> 9); }
  static void draw(void* self, uint64_t* out, size_t count) {
    auto& c = *static_cast<Counter*>(self);
    for (size_t i = 0; i < count; ++i)
      out[i] = value(c.next++);
    c.drawn += count;
  }
};

// Reads `count` items of `q`, checking each against the sequence from position `from`.
bool reads_in_order(DrawQueue<uint64_t>& q, uint64_t from, uint64_t count) {
  for (uint64_t i = 0; i < count; ++i) {
    if (q.next() != Counter::value(from + i)) return false;
  }
  return true;
}

TEST_CASE("a queue of its own hands out its sequence in order, a chunk drawn at a time") {
  Counter c;
  DrawQueue<uint64_t> q(&Counter::draw, &c);
  CHECK(c.drawn == 0);  // nothing is drawn before it is asked for
  CHECK(q.next() == Counter::value(0));
  CHECK(c.drawn > 0);
  CHECK(c.drawn <= 4096);  // at most a ring's worth ahead
  // Well past the ring's size, so it wraps many times.
  CHECK(reads_in_order(q, 1, 100'000));
  CHECK(c.drawn - 100'001 < 4096);
}

TEST_CASE("queues filled by a drawing thread hand out the same sequences, interleaved") {
  constexpr int kQueues = 5;
  std::vector<Counter> counters(kQueues);
  std::vector<std::unique_ptr<DrawQueue<uint64_t>>> queues;
  DrawAhead ahead(true);
  REQUIRE(ahead.threaded());
  for (Counter& c : counters) {
    queues.push_back(std::make_unique<DrawQueue<uint64_t>>(&Counter::draw, &c));
    ahead.add(*queues.back());
  }
  // Before start() a queue draws for itself; the thread then continues the same sequence.
  CHECK(queues[0]->next() == Counter::value(0));
  std::vector<uint64_t> read(kQueues, 0);
  read[0] = 1;
  ahead.start();
  CHECK(ahead.running());
  // Uneven rates: queue q is read q + 1 times per round, so the thread serves rings in every
  // state, from full to empty.
  bool in_order = true;
  for (int round = 0; round < 60'000; ++round) {
    for (int q = 0; q < kQueues; ++q) {
      for (int k = 0; k <= q; ++k) {
        in_order = in_order && queues[q]->next() == Counter::value(read[q]++);
      }
    }
  }
  CHECK(in_order);
  ahead.stop();
  CHECK_FALSE(ahead.running());
  // After the stop a queue hands out what the thread drew ahead, then draws for itself: still
  // the same sequence, nothing skipped or repeated.
  for (int q = 0; q < kQueues; ++q) {
    CHECK(reads_in_order(*queues[q], read[q], 20'000));
    read[q] += 20'000;
    // Every item drawn was drawn once: at most a ring's worth beyond what was read.
    CHECK(counters[q].next == counters[q].drawn);
    CHECK(counters[q].drawn >= read[q]);
    CHECK(counters[q].drawn - read[q] <= 4096);
  }
  ahead.start();  // a stopped DrawAhead does not start again
  CHECK_FALSE(ahead.running());
  CHECK(reads_in_order(*queues[2], read[2], 10'000));
}

TEST_CASE("a DrawAhead that is not threaded leaves its queues drawing for themselves") {
  Counter c;
  DrawQueue<uint64_t> q(&Counter::draw, &c);
  DrawAhead ahead(false);
  ahead.add(q);
  ahead.start();
  CHECK_FALSE(ahead.running());
  CHECK(reads_in_order(q, 0, 10'000));
}

// The samples a queue hands out are the stream's own, drawn directly in the same order.
struct Lognormal {
  Distribution d = Distribution::lognormal_p50_p95(60'000, 250'000);
  RandomStream rng{42, "endpoint/oms"};
  static void draw(void* self, Duration* out, size_t count) {
    auto& l = *static_cast<Lognormal*>(self);
    for (size_t i = 0; i < count; ++i)
      out[i] = l.d.sample_duration(l.rng);
  }
};

TEST_CASE("service times drawn ahead on a thread are the stream's own numbers") {
  Lognormal drawn;
  DrawQueue<Duration> q(&Lognormal::draw, &drawn);
  DrawAhead ahead(true);
  ahead.add(q);
  ahead.start();
  Lognormal direct;
  bool same = true;
  for (int i = 0; i < 200'000; ++i)
    same = same && q.next() == direct.d.sample_duration(direct.rng);
  CHECK(same);
}

}  // namespace
}  // namespace syncdrill
