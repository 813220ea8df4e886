// FarTimers: far-off events wait in per-minute buckets and run at exactly their times, in the
// engine's order; checked against the times and order the engine alone would give.
#include "sim/world/world_timers.hpp"

#include <vector>

#include <doctest/doctest.h>

namespace syncdrill::world {
namespace {

struct Log {
  Engine* engine;
  std::vector<std::pair<int, int64_t>> runs;  // (id, time)
};

struct Mark {
  Log* log;
  int id;
  void operator()() const { log->runs.emplace_back(id, log->engine->now().us); }
};

TEST_CASE("far timers run at their exact times, equal times in the order deferred") {
  Engine engine;
  FarTimers timers(engine);
  Log log{&engine, {}};
  timers.schedule_at(SimTime{} + hours(2), Mark{&log, 1});
  timers.schedule_at(SimTime{} + minutes(3) + microseconds(7), Mark{&log, 2});
  timers.schedule_at(SimTime{} + hours(2), Mark{&log, 3});
  timers.schedule_at(SimTime{} + seconds(20), Mark{&log, 4});  // this minute: direct
  engine.schedule_at(SimTime{} + minutes(3), Mark{&log, 5});   // the engine's own
  timers.schedule_at(SimTime{} + days(4), Mark{&log, 6});      // beyond the ring: direct
  engine.run();
  const std::vector<std::pair<int, int64_t>> expected{
      {4, seconds(20).us}, {5, minutes(3).us}, {2, (minutes(3) + microseconds(7)).us},
      {1, hours(2).us},    {3, hours(2).us},   {6, days(4).us}};
  CHECK(log.runs == expected);
}

TEST_CASE("a far timer deferred from inside an opening bucket's minute runs on time") {
  Engine engine;
  FarTimers timers(engine);
  Log log{&engine, {}};
  struct Later {
    FarTimers* timers;
    Log* log;
    void operator()() const {
      // At 10m30s: one due in this minute (direct) and one 5 minutes on (a bucket).
      timers->schedule_after(seconds(10), Mark{log, 1});
      timers->schedule_after(minutes(5), Mark{log, 2});
    }
  };
  timers.schedule_at(SimTime{} + minutes(10) + seconds(30), Later{&timers, &log});
  engine.run();
  const std::vector<std::pair<int, int64_t>> expected{{1, (minutes(10) + seconds(40)).us},
                                                      {2, (minutes(15) + seconds(30)).us}};
  CHECK(log.runs == expected);
}

}  // namespace
}  // namespace syncdrill::world
