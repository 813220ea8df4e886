// LiveClock: simulated time for a live drill, read off the wall clock and scaled.
//
// A live drill plays a scenario in wall-clock time, sped up by `time_scale` (60 = one simulated
// minute per wall second). now() is the steady-clock time elapsed since construction times the
// scale, in SimTime microseconds, so it never goes backwards (the mocks' rate limiters require
// that). A wall-clock epoch (system_clock at construction) maps SimTime to calendar time for the
// ISO-8601 timestamps of the HTTP API; that mapping follows the scale too.
//
// For tests, LiveClock::manual() makes a clock that only moves when advance() is called.
//
// Thread-safe: now() and advance() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/engine/time.hpp"

namespace syncdrill {

class LiveClock {
 public:
  using WallDuration = std::chrono::nanoseconds;
  using CalendarTime = std::chrono::system_clock::time_point;

  // REQUIRES: time_scale > 0 (and finite).
  explicit LiveClock(double time_scale);

  // A clock that stands still until advance(); its calendar epoch is `epoch`.
  static LiveClock manual(double time_scale, CalendarTime epoch = CalendarTime{});

  LiveClock(const LiveClock& other);
  LiveClock& operator=(const LiveClock&) = delete;

  double time_scale() const { return time_scale_; }
  bool is_manual() const { return manual_; }

  // Simulated time since the drill started: wall time elapsed x time_scale.
  SimTime now() const;

  // Moves a manual clock forward by a WALL duration. REQUIRES: is_manual(), wall >= 0.
  void advance(WallDuration wall);

  // How long a simulated duration takes on the wall clock (rounded up to a nanosecond, so a
  // positive simulated wait never becomes a zero wall wait), and the inverse (rounded down).
  WallDuration to_wall(Duration simulated) const;
  Duration to_simulated(WallDuration wall) const;

  // SimTime <-> calendar time through the epoch. to_iso8601 gives UTC with milliseconds,
  // "2026-11-28T00:50:15.123Z".
  CalendarTime to_calendar(SimTime t) const;
  std::string to_iso8601(SimTime t) const;

  // Parses what a client may send for an instant: an integer (SimTime microseconds) or an
  // ISO-8601 UTC timestamp ("2026-11-28T00:50:15Z", optional fraction, "Z" or "+00:00").
  // Instants before the drill started clamp to SimTime{0}. nullopt if neither form.
  std::optional<SimTime> parse_instant(std::string_view text) const;
  // The ISO-8601 UTC form parse_instant reads, as microseconds since the Unix epoch (no clamp,
  // no scale); nullopt when it is not one.
  static std::optional<int64_t> parse_iso8601_utc_us(std::string_view text);

 private:
  LiveClock(double time_scale, bool manual, CalendarTime epoch);

  double time_scale_;
  bool manual_;
  std::chrono::steady_clock::time_point start_;
  CalendarTime epoch_;
  std::atomic<int64_t> manual_elapsed_ns_{0};
};

}  // namespace syncdrill
