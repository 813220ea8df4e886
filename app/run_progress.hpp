// Progress of a run on stderr, for a person waiting: the simulated time reached, events per
// second and the wall time left. On a terminal one line is redrawn in place and erased at the
// end; elsewhere (--progress into a pipe or a CI log) a line a few seconds apart and one at the
// end. The engine calls the hook every Engine::Limits::progress_every events with its clock; only
// this side reads the wall clock, and it touches nothing of the run, so reports stay the same.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/engine/engine.hpp"
#include "core/engine/time.hpp"

namespace syncdrill {

class RunProgress {
 public:
  // `name`: the drill's name; `length`: the simulated time the run goes to; `terminal`: redraw
  // one line (stderr is a terminal) rather than print lines.
  RunProgress(std::string name, Duration length, bool terminal);
  RunProgress(const RunProgress&) = delete;
  RunProgress& operator=(const RunProgress&) = delete;

  // `limits` with this display as its progress hook.
  Engine::Limits watch(Engine::Limits limits);
  // The closing line (a pipe) or the line erased (a terminal).
  void finish(Duration reached, uint64_t events_processed);

 private:
  using Clock = std::chrono::steady_clock;
  static void on_events(void* self, SimTime now, uint64_t events_processed);
  void show(Duration reached, uint64_t events_processed, bool done);

  std::string name_;
  Duration length_;
  bool terminal_;
  Clock::time_point start_;
  Clock::time_point shown_;
  bool drawn_ = false;  // a terminal line is on screen
};

// "1.2M", "350k", "800": events per second in a few characters.
std::string short_rate(double per_second);

// The wall time left for a run `fraction` (0..1] done after `elapsed_s` seconds: "~12s", "~3m",
// or "?" before 1% (too early to tell).
std::string time_left(double fraction, double elapsed_s);

}  // namespace syncdrill
