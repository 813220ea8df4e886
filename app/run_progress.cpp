#include "app/run_progress.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "core/scenario/values.hpp"

namespace syncdrill {

namespace {

// A terminal is redrawn often enough to look alive; a log gets a line now and then.
constexpr double kTerminalEvery_s = 0.2;
constexpr double kLogEvery_s = 5.0;

double seconds_between(std::chrono::steady_clock::time_point from,
                       std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

std::string short_rate(double per_second) {
  if (!std::isfinite(per_second) || per_second < 0) return "?";
  if (per_second >= 1e6) return fmt::format("{:.1f}M", per_second / 1e6);
  if (per_second >= 1e4) return fmt::format("{:.0f}k", per_second / 1e3);
  return fmt::format("{:.0f}", per_second);
}

std::string time_left(double fraction, double elapsed_s) {
  if (!(fraction >= 0.01) || !std::isfinite(elapsed_s) || elapsed_s < 0) return "?";
  const double left_s = elapsed_s * (1 - std::min(fraction, 1.0)) / fraction;
  if (left_s < 90) return fmt::format("~{:.0f}s", left_s);
  if (left_s < 90 * 60) return fmt::format("~{:.0f}m", left_s / 60);
  return fmt::format("~{:.1f}h", left_s / 3600);
}

RunProgress::RunProgress(std::string name, Duration length, bool terminal)
    : name_(std::move(name)),
      length_(length),
      terminal_(terminal),
      start_(Clock::now()),
      shown_(start_) {}

Engine::Limits RunProgress::watch(Engine::Limits limits) {
  limits.progress = &RunProgress::on_events;
  limits.progress_context = this;
  return limits;
}

void RunProgress::on_events(void* self, SimTime now, uint64_t events_processed) {
  auto& p = *static_cast<RunProgress*>(self);
  const double since_s = seconds_between(p.shown_, Clock::now());
  if (since_s < (p.terminal_ ? kTerminalEvery_s : kLogEvery_s)) return;
  p.show(now - SimTime{}, events_processed, false);
}

void RunProgress::show(Duration reached, uint64_t events_processed, bool done) {
  const Clock::time_point now = Clock::now();
  shown_ = now;
  const double elapsed_s = seconds_between(start_, now);
  const double fraction =
      length_.us <= 0 ? 1.0 : std::clamp(static_cast<double>(reached.us) / length_.us, 0.0, 1.0);
  const std::string rate =
      elapsed_s > 0 ? short_rate(static_cast<double>(events_processed) / elapsed_s) : "?";
  // Whole minutes of a long run, whole seconds of a short one: not "3h54m24s623ms29us".
  const int64_t unit_us = length_.us >= 2 * 3600 * int64_t{1'000'000} ? 60'000'000 : 1'000'000;
  const Duration shown_reached{reached.us - reached.us % unit_us};
  std::string line = fmt::format("syncdrill: {}: simulated {} of {} ({:.0f}%), {} events/s", name_,
                                 scenario::format_duration(shown_reached),
                                 scenario::format_duration(length_), fraction * 100, rate);
  line += done ? fmt::format(", done in {:.1f}s", elapsed_s)
               : fmt::format(", {} left", time_left(fraction, elapsed_s));
  if (terminal_) {
    // Redrawn in place: carriage return, the line, then erase what a longer one left.
    std::cerr << "\r" << line << "\x1b[K" << std::flush;
    drawn_ = true;
  } else {
    std::cerr << line << "\n" << std::flush;
  }
}

void RunProgress::finish(Duration reached, uint64_t events_processed) {
  if (terminal_) {
    // The scorecard that follows says how the run went: the line goes.
    if (drawn_) std::cerr << "\r\x1b[K" << std::flush;
    drawn_ = false;
    return;
  }
  show(reached, events_processed, true);
}

}  // namespace syncdrill
