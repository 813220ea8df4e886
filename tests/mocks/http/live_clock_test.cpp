// LiveClock tests: a manual clock moved by hand, so every scaled instant is known exactly.
#include "mocks/http/live_clock.hpp"

#include <chrono>
#include <thread>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

TEST_CASE("live: a manual clock scales wall time into simulated time") {
  LiveClock clock = LiveClock::manual(60);
  CHECK(clock.now() == SimTime{0});
  clock.advance(std::chrono::milliseconds(1500));
  CHECK(clock.now() == SimTime{0} + seconds(90));
  CHECK(clock.to_wall(minutes(1)) == std::chrono::seconds(1));
  CHECK(clock.to_simulated(std::chrono::seconds(2)) == minutes(2));
  // A positive simulated wait never rounds to a zero wall wait.
  CHECK(LiveClock::manual(1e9).to_wall(microseconds(1)).count() == 1);
}

TEST_CASE("live: the wall clock moves forward at the time scale") {
  const LiveClock clock(1000);
  const SimTime a = clock.now();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const SimTime b = clock.now();
  CHECK(b - a >= seconds(5));
  CHECK(b - a < seconds(600));  // generous: a loaded machine may pause this thread
}

TEST_CASE("live: instants parse as simulated microseconds or ISO-8601 UTC times") {
  const auto epoch =
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 28} + std::chrono::hours(1);
  const LiveClock clock = LiveClock::manual(2, epoch);
  CHECK(clock.parse_instant("1500000") == SimTime{1'500'000});
  CHECK(clock.parse_instant("-5") == SimTime{0});
  // One wall second after the epoch is two simulated seconds at scale 2.
  CHECK(clock.parse_instant("2026-11-28T01:00:01Z") == SimTime{0} + seconds(2));
  CHECK(clock.parse_instant("2026-11-28T01:00:01.250+00:00") == SimTime{0} + milliseconds(2500));
  CHECK(clock.parse_instant("2026-11-28T00:00:00Z") == SimTime{0});  // before the drill: clamped
  CHECK(clock.to_iso8601(SimTime{0} + seconds(3)) == "2026-11-28T01:00:01.500Z");
  CHECK_FALSE(clock.parse_instant("yesterday").has_value());
  CHECK_FALSE(clock.parse_instant("2026-11-28T01:00:01+02:00").has_value());
  CHECK_FALSE(clock.parse_instant("2026-02-30T01:00:01Z").has_value());
  CHECK_FALSE(clock.parse_instant("").has_value());
  // Centuries ahead is later than anything, not an int64 overflow (a fuzz finding: UBSan).
  const SimTime far = clock.parse_instant("3940-01-01T00:00:00Z").value();
  CHECK(far > clock.parse_instant("2300-01-01T00:00:00Z").value());
  CHECK(clock.parse_instant("9999-12-31T23:59:59Z").value() >= far);
  CHECK(far.us > 0);
}

}  // namespace
}  // namespace syncdrill
