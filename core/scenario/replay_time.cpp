#include "core/scenario/replay_time.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "core/scenario/values.hpp"

namespace syncdrill {
namespace {

constexpr int64_t kSecondsMax = 1'000'000'000'000;  // keeps microseconds far inside int64
constexpr uintmax_t kTzifBytesMax = 1 << 20;        // a real TZif file is a few KiB
constexpr std::string_view kZoneDir = "/usr/share/zoneinfo";

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads exactly `n` digits at `pos` (advancing it); false when they are not there.
bool digits(std::string_view s, size_t& pos, size_t n, int64_t& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!is_digit(s[pos + i])) return false;
    out = out * 10 + (s[pos + i] - '0');
  }
  pos += n;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int64_t days_in_month(int64_t y, int64_t m) {
  static constexpr int64_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// "+05:30", "-0500", "+01", "Z", "UTC", "GMT" at `pos` to the end of `s`; nullopt-like false.
bool parse_offset(std::string_view s, int64_t& offset_s) {
  if (s == "Z" || s == "z" || s == "UTC" || s == "GMT") {
    offset_s = 0;
    return true;
  }
  if (s.starts_with("UTC") || s.starts_with("GMT")) s.remove_prefix(3);
  if (s.empty() || (s.front() != '+' && s.front() != '-')) return false;
  const int64_t sign = s.front() == '-' ? -1 : 1;
  size_t pos = 1;
  int64_t hours = 0;
  int64_t minutes = 0;
  if (!digits(s, pos, 2, hours)) return false;
  if (pos < s.size() && s[pos] == ':') ++pos;
  if (pos < s.size() && !digits(s, pos, 2, minutes)) return false;
  if (pos != s.size() || hours > 18 || minutes > 59) return false;
  offset_s = sign * (hours * 3600 + minutes * 60);
  return true;
}

// Fraction digits to microseconds, rounded half up at the seventh digit.
int64_t fraction_us(std::string_view fraction) {
  int64_t micros = 0;
  for (size_t i = 0; i < 6; ++i)
    micros = micros * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  if (fraction.size() > 6 && fraction[6] >= '5') ++micros;
  return micros;
}

std::string parse_seconds(std::string_view field, int64_t& us) {
  if (!field.empty() && field.front() == '-')
    return fmt::format("timestamp '{}' is negative; timestamps are seconds >= 0",
                       shown_field(field));
  const size_t dot = field.find('.');
  const std::string_view whole = field.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : field.substr(dot + 1);
  const bool digits_only = std::all_of(whole.begin(), whole.end(), is_digit) &&
                           std::all_of(fraction.begin(), fraction.end(), is_digit);
  if (!digits_only || whole.size() + fraction.size() == 0) {
    return fmt::format(
        "expected a timestamp: seconds like 12.5 or a date and time like 2017-11-24 00:43:01, "
        "got '{}'",
        shown_field(field));
  }
  int64_t seconds = 0;
  for (const char c : whole) {
    seconds = seconds * 10 + (c - '0');
    if (seconds > kSecondsMax) {
      return fmt::format("timestamp '{}' is too large (at most {} seconds)", shown_field(field),
                         kSecondsMax);
    }
  }
  us = seconds * 1'000'000 + fraction_us(fraction);
  return {};
}

// "HH:MM[:SS[.frac]]" at `pos`; returns false on a malformed time.
bool parse_clock(std::string_view s, size_t& pos, int64_t& second_of_day, int64_t& micros) {
  int64_t h = 0;
  int64_t m = 0;
  int64_t sec = 0;
  if (!digits(s, pos, 2, h) || pos >= s.size() || s[pos++] != ':' || !digits(s, pos, 2, m))
    return false;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!digits(s, pos, 2, sec)) return false;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      const size_t start = ++pos;
      while (pos < s.size() && is_digit(s[pos]))
        ++pos;
      if (pos == start) return false;
      micros = fraction_us(s.substr(start, pos - start));
    }
  }
  if (h > 23 || m > 59 || sec > 59) return false;
  second_of_day = h * 3600 + m * 60 + sec;
  return true;
}

std::string parse_date_time(std::string_view field, const TimeZone& zone, int64_t& us) {
  const auto bad = [&] {
    return fmt::format(
        "expected a date and time like 2017-11-24 00:43:01 or 2017-11-24T00:43:01+01:00, got '{}'",
        shown_field(field));
  };
  size_t pos = 0;
  int64_t y = 0;
  int64_t mo = 0;
  int64_t d = 0;
  if (!digits(field, pos, 4, y) || pos >= field.size() || field[pos++] != '-' ||
      !digits(field, pos, 2, mo) || pos >= field.size() || field[pos++] != '-' ||
      !digits(field, pos, 2, d)) {
    return bad();
  }
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) {
    return fmt::format("'{}' is not a calendar date", shown_field(field));
  }
  if (y < 1970) return fmt::format("timestamp '{}' is before 1970", shown_field(field));
  int64_t second_of_day = 0;
  int64_t micros = 0;
  if (pos < field.size() && (field[pos] == 'T' || field[pos] == 't' || field[pos] == ' ')) {
    ++pos;
    if (!parse_clock(field, pos, second_of_day, micros)) return bad();
  }
  while (pos < field.size() && field[pos] == ' ')
    ++pos;
  const int64_t local_s = days_from_civil(y, mo, d) * 86'400 + second_of_day;
  int64_t utc_s = 0;
  if (pos == field.size()) {
    utc_s = zone.to_utc(local_s);
  } else {
    int64_t offset_s = 0;
    if (!parse_offset(field.substr(pos), offset_s)) return bad();
    utc_s = local_s - offset_s;
  }
  if (utc_s < 0) return fmt::format("timestamp '{}' is before 1970", shown_field(field));
  us = utc_s * 1'000'000 + micros;
  return {};
}

uint32_t be32(std::string_view b, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i)
    v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

int64_t be64(std::string_view b, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i)
    v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return static_cast<int64_t>(v);
}

// A zone name as a relative path under the zone directory: letters, digits, '_', '-', '+', '/',
// no empty, '.' or '..' component.
bool is_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
                    c == '-' || c == '+' || c == '/';
    if (!ok) return false;
  }
  return name.find("//") == std::string_view::npos;
}

}  // namespace

std::string shown_field(std::string_view field) {
  // Cut first (at a character boundary), then made printable: a CSV may hold any bytes.
  if (field.size() <= 40) return scenario::printable(field);
  size_t cut = 37;
  while (cut > 0 && (static_cast<unsigned char>(field[cut]) & 0xC0) == 0x80)
    --cut;
  return scenario::printable(field.substr(0, cut)) + "...";
}

TimeZone TimeZone::fixed(std::string name, int64_t offset_s) {
  TimeZone z;
  z.name_ = std::move(name);
  z.initial_offset_s_ = offset_s;
  return z;
}

int64_t TimeZone::offset_at(int64_t utc_s) const {
  const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), utc_s,
                                      [](int64_t t, const Transition& tr) { return t < tr.utc_s; });
  return after == transitions_.begin() ? initial_offset_s_ : std::prev(after)->offset_s;
}

int64_t TimeZone::to_utc(int64_t local_s) const {
  // The offsets a day either side cover any change near this time (zones change at most twice
  // a year). In an overlap both fit: the earlier instant wins.
  constexpr int64_t kDay = 86'400;
  const int64_t around[] = {offset_at(local_s - kDay), offset_at(local_s),
                            offset_at(local_s + kDay)};
  std::optional<int64_t> best;
  for (const int64_t o : around) {
    const int64_t u = local_s - o;
    if (offset_at(u) == o && (!best || u < *best)) best = u;
  }
  if (best) return *best;
  // In a gap (the clocks went forward over it): the instant of the change, so that local times
  // in order stay in order.
  const int64_t probe = local_s - std::max(around[0], around[2]);
  const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), probe,
                                      [](int64_t t, const Transition& tr) { return t < tr.utc_s; });
  return after == transitions_.end() ? probe : after->utc_s;
}

std::string TimeZone::read_tzif(std::string_view b, TimeZone& out) {
  // RFC 8536: a v1 header and 32-bit block, then (v2+) a second header and 64-bit block.
  const auto counts = [&](size_t at, uint32_t c[6]) {
    for (size_t i = 0; i < 6; ++i)
      c[i] = be32(b, at + 20 + 4 * i);
  };
  if (b.size() < 44 || !b.starts_with("TZif")) return "not a TZif file";
  uint32_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  const uint64_t v1 =
      uint64_t{c[3]} * 5 + uint64_t{c[4]} * 6 + c[5] + uint64_t{c[2]} * 8 + c[1] + c[0];
  if (b[4] < '2') return "not a version 2+ TZif file";
  if (44 + v1 + 44 > b.size()) return "a damaged TZif file";
  const size_t h2 = 44 + static_cast<size_t>(v1);
  if (b.substr(h2, 4) != "TZif") return "a damaged TZif file";
  counts(h2, c);
  const uint64_t times = uint64_t{c[3]} * 8;
  const uint64_t body = times + c[3] + uint64_t{c[4]} * 6 + c[5];
  if (c[4] == 0 || h2 + 44 + body > b.size()) return "a damaged TZif file";
  const size_t t0 = h2 + 44;
  const size_t idx0 = t0 + static_cast<size_t>(times);
  const size_t type0 = idx0 + c[3];
  const auto type_offset = [&](size_t type) {
    return static_cast<int64_t>(static_cast<int32_t>(be32(b, type0 + 6 * type)));
  };
  out.initial_offset_s_ = type_offset(0);
  for (size_t i = 0; i < c[3]; ++i) {
    const auto type = static_cast<unsigned char>(b[idx0 + i]);
    if (type >= c[4]) return "a damaged TZif file";
    const int64_t at = be64(b, t0 + 8 * i);
    if (!out.transitions_.empty() && at <= out.transitions_.back().utc_s)
      return "a damaged TZif file";
    out.transitions_.push_back({at, type_offset(type)});
  }
  return {};
}

std::string TimeZone::parse(std::string_view spec, TimeZone& out) {
  int64_t offset_s = 0;
  if (parse_offset(spec, offset_s)) {
    out = fixed(std::string(spec), offset_s);
    return {};
  }
  const std::string expected =
      "expected UTC, an offset like +05:30 or an IANA time zone name like Europe/Berlin";
  if (!is_zone_name(spec)) return fmt::format("{}, got '{}'", expected, shown_field(spec));
  const std::filesystem::path path = std::filesystem::path(kZoneDir) / std::string(spec);
  std::error_code ec;
  const uintmax_t bytes = std::filesystem::file_size(path, ec);
  if (ec || bytes > kTzifBytesMax) {
    return fmt::format("unknown time zone '{}' (no {}: {}, Debian package tzdata)", spec,
                       path.string(), ec ? "missing" : "too large");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<size_t>(bytes), '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(bytes)))
    return fmt::format("cannot read the time zone file {}", path.string());
  if (const std::string why = from_tzif(text, std::string(spec), out); !why.empty())
    return fmt::format("time zone '{}': {} is {}", spec, path.string(), why);
  return {};
}

std::string TimeZone::from_tzif(std::string_view bytes, std::string name, TimeZone& out) {
  TimeZone zone;
  zone.name_ = std::move(name);
  if (std::string why = read_tzif(bytes, zone); !why.empty()) return why;
  out = std::move(zone);
  return {};
}

std::string parse_replay_timestamp(std::string_view field, const TimeZone& zone, int64_t& us) {
  // A date has its first '-' at the fifth character ("2017-"); seconds never contain one.
  if (field.size() >= 5 && field[4] == '-') return parse_date_time(field, zone, us);
  return parse_seconds(field, us);
}

}  // namespace syncdrill
