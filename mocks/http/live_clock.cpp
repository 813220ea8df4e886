// LiveClock: the wall clock scaled into SimTime, and the calendar mapping of the HTTP API.
#include "mocks/http/live_clock.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/engine/check.hpp"

namespace syncdrill {

namespace {

// Reads exactly `digits` decimal digits at text[pos]; -1 if they are not there.
int read_digits(std::string_view text, size_t pos, size_t digits) {
  if (pos + digits > text.size()) return -1;
  int value = 0;
  for (size_t i = pos; i < pos + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// "YYYY-MM-DDTHH:MM:SS[.fff...](Z|+00:00)" as microseconds since the Unix epoch (UTC only: a
// drill's timestamps are ours, and an offset other than zero would be a client bug to surface).
std::optional<int64_t> parse_iso8601_us(std::string_view s) {
  const int year = read_digits(s, 0, 4), month = read_digits(s, 5, 2), day = read_digits(s, 8, 2);
  const int hour = read_digits(s, 11, 2), minute = read_digits(s, 14, 2);
  const int second = read_digits(s, 17, 2);
  if (year < 0 || month < 1 || day < 1 || hour < 0 || minute < 0 || second < 0) return {};
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' ||
      s[16] != ':' || hour > 23 || minute > 59 || second > 60) {
    return {};
  }
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return {};
  size_t pos = 19;
  int64_t fraction_us = 0;
  if (pos < s.size() && s[pos] == '.') {
    int64_t scale = 100'000;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
      fraction_us += (s[pos] - '0') * scale;
      scale /= 10;
    }
  }
  const std::string_view zone = s.substr(pos);
  if (zone != "Z" && zone != "+00:00") return {};
  const int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  return ((days * 24 + hour) * 60 + minute) * 60'000'000LL + second * 1'000'000LL + fraction_us;
}

}  // namespace

LiveClock::LiveClock(double time_scale)
    : LiveClock(time_scale, false, std::chrono::system_clock::now()) {}

LiveClock::LiveClock(double time_scale, bool manual, CalendarTime epoch)
    : time_scale_(time_scale),
      manual_(manual),
      start_(std::chrono::steady_clock::now()),
      epoch_(epoch) {
  SD_CHECK(std::isfinite(time_scale) && time_scale > 0, "time_scale must be positive");
}

LiveClock::LiveClock(const LiveClock& other)
    : time_scale_(other.time_scale_),
      manual_(other.manual_),
      start_(other.start_),
      epoch_(other.epoch_),
      manual_elapsed_ns_(other.manual_elapsed_ns_.load()) {}

LiveClock LiveClock::manual(double time_scale, CalendarTime epoch) {
  return LiveClock(time_scale, true, epoch);
}

SimTime LiveClock::now() const {
  const int64_t elapsed_ns =
      manual_ ? manual_elapsed_ns_.load(std::memory_order_acquire)
              : std::chrono::duration_cast<WallDuration>(std::chrono::steady_clock::now() - start_)
                    .count();
  return SimTime{static_cast<int64_t>(static_cast<double>(elapsed_ns) * time_scale_ / 1000.0)};
}

void LiveClock::advance(WallDuration wall) {
  SD_CHECK(manual_, "only a manual clock is advanced by hand");
  SD_CHECK(wall.count() >= 0, "a clock does not go backwards");
  manual_elapsed_ns_.fetch_add(wall.count(), std::memory_order_acq_rel);
}

LiveClock::WallDuration LiveClock::to_wall(Duration simulated) const {
  return WallDuration{
      static_cast<int64_t>(std::ceil(static_cast<double>(simulated.us) * 1000.0 / time_scale_))};
}

namespace {

// Simulated microseconds from a product that may be beyond int64: beyond what any drill can
// reach (2^62 us is 146,000 years) is that bound, either way; converting an out-of-range double to
// int64 would be undefined behaviour.
int64_t saturated_us(double us) {
  constexpr double kMax = 4.611686018427388e18;  // 2^62
  if (std::isnan(us)) return 0;
  return static_cast<int64_t>(std::clamp(us, -kMax, kMax));
}

}  // namespace

Duration LiveClock::to_simulated(WallDuration wall) const {
  return Duration{saturated_us(static_cast<double>(wall.count()) * time_scale_ / 1000.0)};
}

LiveClock::CalendarTime LiveClock::to_calendar(SimTime t) const {
  return epoch_ + std::chrono::duration_cast<CalendarTime::duration>(to_wall(t - SimTime{}));
}

std::string LiveClock::to_iso8601(SimTime t) const {
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(to_calendar(t).time_since_epoch())
          .count();
  const auto days = std::chrono::floor<std::chrono::days>(
      std::chrono::sys_time<std::chrono::microseconds>{std::chrono::microseconds{us}});
  const std::chrono::year_month_day ymd{days};
  const int64_t in_day_ms = (us - days.time_since_epoch().count() * 86'400'000'000LL) / 1000;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     in_day_ms / 3'600'000, in_day_ms / 60'000 % 60, in_day_ms / 1000 % 60,
                     in_day_ms % 1000);
}

std::optional<int64_t> LiveClock::parse_iso8601_utc_us(std::string_view text) {
  return parse_iso8601_us(text);
}

std::optional<SimTime> LiveClock::parse_instant(std::string_view text) const {
  int64_t us = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), us);
  if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
    return SimTime{us < 0 ? 0 : us};
  }
  const std::optional<int64_t> unix_us = parse_iso8601_us(text);
  if (!unix_us) return std::nullopt;
  const int64_t epoch_us =
      std::chrono::duration_cast<std::chrono::microseconds>(epoch_.time_since_epoch()).count();
  const int64_t wall_us = *unix_us - epoch_us;
  if (wall_us <= 0) return SimTime{0};
  // In doubles, not through to_simulated: a date centuries ahead overflows int64 nanoseconds
  // (the fuzz regression tests/fuzz/regressions/http_request/updated-since-year-3940.http).
  return SimTime{saturated_us(static_cast<double>(wall_us) * time_scale_)};
}

}  // namespace syncdrill
