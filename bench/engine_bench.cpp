// Engine throughput on the classic hold model: N events stay pending, and every processed event
// schedules exactly one more at an exponential delay. Prints one `bench NAME key=value ...` line
// per case, plus a bare std::priority_queue loop doing the same queue work without callbacks, so
// the engine's own overhead is visible next to it.
//
// Wall-clock time is read here, in bench/, and never in sim/.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <queue>
#include <vector>

#include "core/engine/distribution.hpp"
#include "core/engine/engine.hpp"
#include "core/engine/random.hpp"

namespace syncdrill {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kSeed = 42;
// Mean delay of 1 ms in simulated microseconds: rounding to whole microseconds leaves some ties,
// which exercises the (time, sequence) order as a real run would.
constexpr double kDelayMeanUs = 1000.0;

struct Case {
  size_t pending;
  int64_t events;  // timed events; chosen so each case takes roughly 0.5-1 s
};

// The state one hold loop shares; the callback carries only a pointer to it.
struct HoldState {
  Engine* engine;
  RandomStream rng;
  Distribution delay;
  int64_t remaining;  // timed events still to process
  Clock::time_point finished;
};

struct HoldEvent {
  HoldState* state;
  void operator()() const {
    HoldState& s = *state;
    if (--s.remaining == 0) s.finished = Clock::now();
    // Once the budget is spent, stop rescheduling: the remaining events drain untimed.
    if (s.remaining > 0) s.engine->schedule_after(s.delay.sample_duration(s.rng), *this);
  }
};

void print_line(const char* name, const Case& c, double seconds) {
  std::printf("bench %s pending=%zu events=%lld seconds=%.3f events_per_s=%.0f\n", name, c.pending,
              static_cast<long long>(c.events), seconds, static_cast<double>(c.events) / seconds);
  std::fflush(stdout);
}

void bench_engine_hold(const Case& c) {
  Engine engine;
  HoldState state{&engine,
                  RandomStream(kSeed, "bench.hold"),
                  Distribution::exponential(kDelayMeanUs),
                  c.events,
                  {}};
  for (size_t i = 0; i < c.pending; ++i) {
    engine.schedule_at(SimTime{0} + state.delay.sample_duration(state.rng), HoldEvent{&state});
  }
  const Clock::time_point start = Clock::now();
  const RunStatus status = engine.run();
  if (status != RunStatus::drained || state.remaining > 0) {
    std::fprintf(stderr, "syncdrill_bench_engine: error: hold run ended with %s\n",
                 to_string(status));
    return;
  }
  print_line("engine_hold", c, std::chrono::duration<double>(state.finished - start).count());
}

// The same hold loop on a bare std::priority_queue of (time, sequence) pairs: no slots, no
// callbacks, no cancellation. The delay is sampled the same way so only the engine differs.
struct PqEntry {
  int64_t time_us;
  uint64_t seq;
  bool operator>(const PqEntry& o) const {
    return time_us > o.time_us || (time_us == o.time_us && seq > o.seq);
  }
};

volatile int64_t g_sink;  // keeps the baseline's result observable

void bench_priority_queue_hold(const Case& c) {
  RandomStream rng(kSeed, "bench.hold");
  const Distribution delay = Distribution::exponential(kDelayMeanUs);
  std::vector<PqEntry> storage;
  storage.reserve(c.pending + 1);
  std::priority_queue<PqEntry, std::vector<PqEntry>, std::greater<>> queue(std::greater<>{},
                                                                           std::move(storage));
  uint64_t seq = 0;
  for (size_t i = 0; i < c.pending; ++i)
    queue.push({delay.sample_duration(rng).us, seq++});
  const Clock::time_point start = Clock::now();
  for (int64_t i = 0; i < c.events; ++i) {
    const PqEntry top = queue.top();
    queue.pop();
    queue.push({top.time_us + delay.sample_duration(rng).us, seq++});
  }
  const Clock::time_point end = Clock::now();
  g_sink = queue.top().time_us;
  print_line("priority_queue_hold", c, std::chrono::duration<double>(end - start).count());
}

}  // namespace
}  // namespace syncdrill

int main(int argc, char** argv) {
  using namespace syncdrill;
  // --quick runs a tenth of the events: for runs under valgrind, not for reported figures.
  const bool quick = argc == 2 && std::strcmp(argv[1], "--quick") == 0;
  if (argc > 1 && !quick) {
    std::fprintf(stderr, "usage: syncdrill_bench_engine [--quick]\n");
    return 2;
  }
  const int64_t divisor = quick ? 10 : 1;
  const Case cases[] = {{1000, 10'000'000 / divisor}, {100'000, 4'000'000 / divisor}};
  for (const Case& c : cases) {
    bench_engine_hold(c);
    bench_priority_queue_hold(c);
  }
  return 0;
}
