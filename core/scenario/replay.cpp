#include "core/scenario/replay.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "core/engine/check.hpp"

namespace syncdrill {
namespace {

constexpr int64_t kSecondsMax = 1'000'000'000'000;  // keeps microseconds far inside int64
constexpr double kReplayUsMax = 0x1.0p62;           // after compression

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && space(s.back()))
    s.remove_suffix(1);
  return s;
}

// The first field of a row, trimmed and unquoted.
std::string_view first_field(std::string_view line) {
  std::string_view field = trim(line.substr(0, line.find(',')));
  if (field.size() >= 2 && field.front() == '"' && field.back() == '"')
    field = trim(field.substr(1, field.size() - 2));
  return field;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// For messages: the field, shortened if someone put a paragraph in it.
std::string shown(std::string_view field) {
  return field.size() <= 40 ? std::string(field) : std::string(field.substr(0, 37)) + "...";
}

// Decimal seconds -> microseconds, rounded half up; an error message or empty.
std::string parse_seconds(std::string_view field, int64_t& us) {
  if (!field.empty() && field.front() == '-')
    return fmt::format("timestamp '{}' is negative; timestamps are seconds >= 0", shown(field));
  const size_t dot = field.find('.');
  const std::string_view whole = field.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : field.substr(dot + 1);
  const bool digits_only = std::all_of(whole.begin(), whole.end(), is_digit) &&
                           std::all_of(fraction.begin(), fraction.end(), is_digit);
  if (!digits_only || whole.size() + fraction.size() == 0) {
    return fmt::format("expected seconds as a decimal number like 12.5, got '{}'", shown(field));
  }
  int64_t seconds = 0;
  for (const char c : whole) {
    seconds = seconds * 10 + (c - '0');
    if (seconds > kSecondsMax) {
      return fmt::format("timestamp '{}' is too large (at most {} seconds)", shown(field),
                         kSecondsMax);
    }
  }
  int64_t micros = 0;
  for (size_t i = 0; i < 6; ++i)
    micros = micros * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  if (fraction.size() > 6 && fraction[6] >= '5') ++micros;
  us = seconds * 1'000'000 + micros;
  return {};
}

}  // namespace

ReplayLoad parse_replay_csv(std::string_view text, std::string_view display_path,
                            const ReplayOptions& options) {
  SD_CHECK(options.compression > 0 && std::isfinite(options.compression),
           "replay compression must be > 0");
  ReplayLoad load;
  const auto fail = [&](int64_t line, const std::string& message) {
    load.error = line > 0 ? fmt::format("{}:{}: {}", display_path, line, message)
                          : fmt::format("{}: {}", display_path, message);
    return load;
  };
  if (text.size() > options.bytes_max) {
    return fail(0, fmt::format("the file is {} bytes, more than the replay limit of {} bytes",
                               text.size(), options.bytes_max));
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);

  std::vector<SimTime> times;
  times.reserve(
      std::min<uint64_t>(std::count(text.begin(), text.end(), '\n') + 1, options.rows_max));
  int64_t origin_us = 0;
  int64_t previous_us = 0;
  std::string_view previous_field;
  int64_t previous_line = 0;
  int64_t line_number = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line_number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (trim(line).empty()) continue;
    const std::string_view field = first_field(line);
    if (line_number == 1 && !field.empty() && !is_digit(field.front()) && field.front() != '.' &&
        field.front() != '+' && field.front() != '-') {
      continue;  // a header
    }
    if (times.size() == options.rows_max) {
      return fail(line_number,
                  fmt::format("more than {} rows, the replay row limit", options.rows_max));
    }
    int64_t us = 0;
    if (const std::string message = parse_seconds(field, us); !message.empty())
      return fail(line_number, message);
    if (times.empty()) {
      origin_us = options.relative_to_first_row ? us : 0;
    } else if (us < previous_us) {
      return fail(line_number, fmt::format("timestamp {} is earlier than {} on line {}; rows "
                                           "must be in time order",
                                           shown(field), shown(previous_field), previous_line));
    }
    const double replay_us = static_cast<double>(us - origin_us) / options.compression;
    if (replay_us >= kReplayUsMax) {
      return fail(line_number, fmt::format("timestamp {} divided by compression {} is beyond "
                                           "the simulator's time range",
                                           shown(field), options.compression));
    }
    times.push_back(SimTime{std::llround(replay_us)});
    previous_us = us;
    previous_field = field;
    previous_line = line_number;
  }
  if (times.empty()) return fail(0, "no timestamps: the file has no data rows");
  load.times = std::move(times);
  return load;
}

ReplayLoad load_replay_csv(const std::string& path, const ReplayOptions& options) {
  ReplayLoad load;
  std::error_code ec;
  const uintmax_t bytes = std::filesystem::file_size(path, ec);
  if (ec) {
    load.error = fmt::format("{}: cannot read the replay file ({})", path, ec.message());
    return load;
  }
  if (bytes > options.bytes_max) {
    load.error = fmt::format("{}: the file is {} bytes, more than the replay limit of {} bytes",
                             path, bytes, options.bytes_max);
    return load;
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<size_t>(bytes), '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(bytes))) {
    load.error = fmt::format("{}: cannot read the replay file", path);
    return load;
  }
  return parse_replay_csv(text, path, options);
}

}  // namespace syncdrill
