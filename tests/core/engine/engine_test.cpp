// Engine tests: ordering by (time, sequence), cancellation, run bounds and limits, checked by
// recording what callbacks ran and when.
#include "core/engine/engine.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <vector>

#include <doctest/doctest.h>

#include "core/engine/random.hpp"

namespace syncdrill {
namespace {

struct Log {
  std::vector<int> ids;
  std::vector<int64_t> times_us;
};

struct Record {
  Log* log;
  Engine* engine;
  int id;
  void operator()() const {
    log->ids.push_back(id);
    log->times_us.push_back(engine->now().us);
  }
};

TEST_CASE("events run in time order and the clock jumps to each event") {
  Engine engine;
  Log log;
  engine.schedule_at(SimTime{300}, Record{&log, &engine, 3});
  engine.schedule_at(SimTime{100}, Record{&log, &engine, 1});
  engine.schedule_at(SimTime{200}, Record{&log, &engine, 2});
  CHECK(engine.run() == RunStatus::drained);
  CHECK(log.ids == std::vector<int>{1, 2, 3});
  CHECK(log.times_us == std::vector<int64_t>{100, 200, 300});
  CHECK(engine.events_processed() == 3);
  CHECK(engine.pending() == 0);
}

TEST_CASE("events at the same time run in the order they were scheduled") {
  Engine engine;
  Log log;
  for (int i = 0; i < 50; ++i)
    engine.schedule_at(SimTime{7}, Record{&log, &engine, i});
  engine.run();
  REQUIRE(log.ids.size() == 50);
  for (int i = 0; i < 50; ++i)
    CHECK(log.ids[i] == i);
}

TEST_CASE("an event scheduled from a callback for the current time runs after those already due") {
  Engine engine;
  Log log;
  engine.schedule_at(SimTime{10}, [&log, &engine] {
    log.ids.push_back(1);
    engine.schedule_after(Duration{0}, Record{&log, &engine, 3});
  });
  engine.schedule_at(SimTime{10}, Record{&log, &engine, 2});
  engine.run();
  CHECK(log.ids == std::vector<int>{1, 2, 3});
}

TEST_CASE("a cancelled event does not run and cannot be cancelled twice") {
  Engine engine;
  Log log;
  const EventId a = engine.schedule_at(SimTime{10}, Record{&log, &engine, 1});
  const EventId b = engine.schedule_at(SimTime{20}, Record{&log, &engine, 2});
  CHECK(engine.pending() == 2);
  CHECK(engine.cancel(a));
  CHECK_FALSE(engine.cancel(a));
  CHECK(engine.pending() == 1);
  engine.run();
  CHECK(log.ids == std::vector<int>{2});
  CHECK_FALSE(engine.cancel(b));  // already ran
  CHECK_FALSE(engine.cancel(EventId{}));
}

TEST_CASE("a stale event id does not cancel the event that reused its slot") {
  Engine engine;
  Log log;
  const EventId old_id = engine.schedule_at(SimTime{1}, Record{&log, &engine, 1});
  engine.run();
  const EventId new_id = engine.schedule_at(SimTime{5}, Record{&log, &engine, 2});
  CHECK_FALSE(engine.cancel(old_id));
  engine.run();
  CHECK(log.ids == std::vector<int>{1, 2});
  CHECK_FALSE(new_id == old_id);
}

TEST_CASE("run_until stops before later events and moves the clock to the end time") {
  Engine engine;
  Log log;
  engine.schedule_at(SimTime{100}, Record{&log, &engine, 1});
  engine.schedule_at(SimTime{200}, Record{&log, &engine, 2});
  engine.schedule_at(SimTime{201}, Record{&log, &engine, 3});
  CHECK(engine.run_until(SimTime{200}) == RunStatus::reached_time);
  CHECK(log.ids == std::vector<int>{1, 2});
  CHECK(engine.now() == SimTime{200});
  CHECK(engine.pending() == 1);
  CHECK(engine.run_until(SimTime{1000}) == RunStatus::reached_time);
  CHECK(engine.now() == SimTime{1000});
  CHECK(log.ids == std::vector<int>{1, 2, 3});
}

TEST_CASE("an event scheduled between run_until's end and a later pending event runs first") {
  // The queue must not have moved on to the later event's time when run_until stopped short
  // of it: the clock is at the end time, and events may still be scheduled from there.
  Engine engine;
  Log log;
  engine.schedule_at(SimTime{1'000'000}, Record{&log, &engine, 2});
  CHECK(engine.run_until(SimTime{10}) == RunStatus::reached_time);
  engine.schedule_at(SimTime{11}, Record{&log, &engine, 1});
  engine.schedule_at(SimTime{1'000'000}, Record{&log, &engine, 3});
  CHECK(engine.run() == RunStatus::drained);
  CHECK(log.ids == std::vector<int>{1, 2, 3});
  CHECK(log.times_us == std::vector<int64_t>{11, 1'000'000, 1'000'000});
}

// A random mix of delays (zero, short, hours, ties), cancellations and run_until steps: every
// event that is not cancelled runs exactly once, at its time, in (time, scheduling order).
struct Churn {
  explicit Churn(Engine* e) : engine(e) {}
  Engine* engine;
  RandomStream rng{12345, "engine_test.churn"};
  std::vector<EventId> ids;
  std::vector<int64_t> due_us;
  std::vector<int> runs;
  std::vector<bool> cancelled;
  int64_t last_time_us = -1;
  int last_number = -1;
  bool out_of_order = false;
  int budget = 60000;

  uint64_t next() { return rng.next_u64(); }
  void schedule();
  void ran(int number) {
    const int64_t now_us = engine->now().us;
    if (now_us != due_us[number]) out_of_order = true;
    if (now_us < last_time_us || (now_us == last_time_us && number < last_number)) {
      out_of_order = true;
    }
    last_time_us = now_us;
    last_number = number;
    ++runs[number];
    const uint64_t r = next();
    const int children = static_cast<int>(r % 3);  // 0, 1 or 2: the queue grows and shrinks
    for (int i = 0; i < children && budget > 0; ++i)
      schedule();
    if (r % 5 == 0 && !ids.empty()) {
      const size_t victim = next() % ids.size();
      if (engine->cancel(ids[victim])) cancelled[victim] = true;
    }
  }
};

struct ChurnEvent {
  Churn* churn;
  int number;
  void operator()() const { churn->ran(number); }
};

void Churn::schedule() {
  --budget;
  const uint64_t r = next();
  int64_t delay_us = 0;
  switch (r % 4) {
    case 0:
      delay_us = 0;
      break;
    case 1:
      delay_us = static_cast<int64_t>(next() % 8);
      break;  // many ties
    case 2:
      delay_us = static_cast<int64_t>(next() % 5'000'000);
      break;  // seconds
    default:
      delay_us = static_cast<int64_t>(next() % 7'200'000'000);
      break;  // hours
  }
  const int number = static_cast<int>(ids.size());
  due_us.push_back(engine->now().us + delay_us);
  runs.push_back(0);
  cancelled.push_back(false);
  ids.push_back(engine->schedule_after(Duration{delay_us}, ChurnEvent{this, number}));
}

TEST_CASE("random churn runs every live event once, in (time, sequence) order") {
  Engine engine;
  Churn churn(&engine);
  for (int i = 0; i < 2000; ++i)
    churn.schedule();
  int64_t end_us = 0;
  RunStatus status = RunStatus::reached_time;
  while (engine.pending() > 0) {
    end_us += static_cast<int64_t>(churn.next() % 3'600'000'000);
    status = engine.run_until(SimTime{end_us});
    REQUIRE(status == RunStatus::reached_time);
    if (churn.budget > 0) churn.schedule();  // from the end time, before later pending events
  }
  CHECK_FALSE(churn.out_of_order);
  size_t ran = 0;
  for (size_t i = 0; i < churn.ids.size(); ++i) {
    CHECK(churn.runs[i] == (churn.cancelled[i] ? 0 : 1));
    ran += static_cast<size_t>(churn.runs[i]);
  }
  CHECK(ran == engine.events_processed());
  CHECK(churn.ids.size() > 50000);
}

TEST_CASE("a self-rescheduling loop stops at the event limit instead of hanging") {
  Engine::Limits limits;
  limits.events_max = 1000;
  Engine engine(limits);
  struct Tick {
    Engine* engine;
    void operator()() const { engine->schedule_after(Duration{0}, *this); }
  };
  engine.schedule_at(SimTime{0}, Tick{&engine});
  CHECK(engine.run() == RunStatus::event_limit);
  CHECK(engine.events_processed() == 1000);
}

TEST_CASE("the progress hook sees every Nth event and changes nothing, limit included") {
  struct Tick {
    Engine* engine;
    void operator()() const { engine->schedule_after(Duration{3}, *this); }
  };
  struct Seen {
    std::vector<uint64_t> events;
    std::vector<int64_t> times_us;
  };
  Engine::Limits limits;
  limits.events_max = 1000;
  limits.progress_every = 300;
  Seen seen;
  limits.progress_context = &seen;
  limits.progress = [](void* context, SimTime now, uint64_t events) {
    static_cast<Seen*>(context)->events.push_back(events);
    static_cast<Seen*>(context)->times_us.push_back(now.us);
  };
  Engine watched(limits);
  watched.schedule_at(SimTime{0}, Tick{&watched});
  CHECK(watched.run() == RunStatus::event_limit);
  CHECK(watched.events_processed() == 1000);
  // At 300, 600 and 900; the limit at 1000 stops the run, with no call for it.
  CHECK(seen.events == std::vector<uint64_t>{300, 600, 900});
  CHECK(seen.times_us == std::vector<int64_t>{897, 1797, 2697});

  Engine::Limits plain_limits;
  plain_limits.events_max = 1000;
  Engine plain(plain_limits);
  plain.schedule_at(SimTime{0}, Tick{&plain});
  CHECK(plain.run() == RunStatus::event_limit);
  CHECK(plain.now() == watched.now());

  // Across run_until calls the count goes on where it stopped.
  limits.events_max = uint64_t{1} << 40;
  seen = {};
  Engine split(limits);
  split.schedule_at(SimTime{0}, Tick{&split});
  CHECK(split.run_until(SimTime{3 * 250}) == RunStatus::reached_time);
  CHECK(split.run_until(SimTime{3 * 700}) == RunStatus::reached_time);
  CHECK(seen.events == std::vector<uint64_t>{300, 600});
}

TEST_CASE("scheduling beyond the pending limit is refused and stops the run") {
  Engine::Limits limits;
  limits.pending_events_max = 10;
  Engine engine(limits);
  int ran = 0;
  for (int i = 0; i < 10; ++i)
    CHECK(engine.schedule_at(SimTime{i}, [&ran] { ++ran; }).valid());
  CHECK_FALSE(engine.schedule_at(SimTime{50}, [&ran] { ++ran; }).valid());
  CHECK(engine.run() == RunStatus::pending_limit);
  CHECK(ran == 0);
}

TEST_CASE("a steady hold loop stops growing its storage") {
  // Each processed event schedules one more, so 64 are pending at any time: freed slots must be
  // reused, and storage must not grow with the number of events processed.
  Engine engine;
  struct Hold {
    Engine* engine;
    int64_t* remaining;
    void operator()() const {
      if (--*remaining > 0) engine->schedule_after(Duration{(*remaining % 97) + 1}, *this);
    }
  };
  int64_t remaining = 100000;
  for (int i = 0; i < 64; ++i)
    engine.schedule_at(SimTime{i}, Hold{&engine, &remaining});
  engine.run();
  CHECK(remaining <= 0);
  CHECK(engine.pending() == 0);
  CHECK(engine.events_processed() >= 100000);
  CHECK(engine.slots_allocated() <= 65);
}

TEST_CASE("scheduling an event in the past aborts: it is a bug, not an input error") {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Child: doctest's own SIGABRT handler would print a second test summary; restore the
    // default action, quiet stderr, then break the rule.
    std::signal(SIGABRT, SIG_DFL);
    if (std::freopen("/dev/null", "w", stderr) == nullptr) _exit(1);
    Engine engine;
    engine.run_until(SimTime{100});
    engine.schedule_at(SimTime{50}, [] {});
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFSIGNALED(status));
  if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == SIGABRT);
}

}  // namespace
}  // namespace syncdrill
