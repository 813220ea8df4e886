// Replay CSV: order arrival times to replay instead of drawing them from a model.
//
// The scenario loader parses a traffic entry's `replay.csv` while it validates (so a bad row is
// a scenario error naming the CSV's line) and keeps the times in ReplaySpec::times; the world
// replays them through ReplaySchedule (sim/world/traffic/replay.hpp).
//
// File format (chosen to take exports with little editing):
// - One row per order, rows separated by "\n" or "\r\n"; a UTF-8 byte-order mark is skipped.
// - The timestamp is the first comma-separated field; further fields are ignored. Spaces, tabs
//   and one pair of surrounding double quotes around it are ignored too.
// - A timestamp is non-negative seconds written as a decimal: "12", "12.5", ".25",
//   "1700000000.123456". No sign, exponent or ISO date. Digits past the sixth decimal are rounded
//   half up to a whole microsecond (exactly: parsing is integer arithmetic, not strtod).
// - The first line is a header, and skipped, when its first field starts with anything other
//   than a digit, '.', '+' or '-' (e.g. "timestamp" or "created_at,order_id"). Blank lines are
//   skipped anywhere.
// - Rows must be in time order; equal timestamps are allowed and replay at the same instant.
//   A decreasing row is an error naming its line (rows are never silently sorted: out-of-order
//   exports usually mean a broken export).
//
// Time mapping: replay time = (csv time - origin) / compression, rounded to the nearest
// microsecond, where origin is the first row's time (default, so Unix-epoch exports work) or 0.
//
// Errors are values: "FILE:LINE: MESSAGE" for a row, "FILE: MESSAGE" for the file as a whole,
// with FILE as the caller spelled it. Limits (bytes, rows) are checked and reported when hit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/time.hpp"

namespace syncdrill {

struct ReplayOptions {
  double compression = 1;             // replay time = csv time / compression; > 0
  bool relative_to_first_row = true;  // false: csv seconds count from the run start
  uint64_t bytes_max = 256ull << 20;  // file size limit, checked before reading (256 MiB)
  uint64_t rows_max = 10'000'000;     // data rows (header and blank lines not counted)
};

struct ReplayLoad {
  // Replay times, non-decreasing, compression applied; empty when error is set (a file with no
  // data rows is an error).
  std::vector<SimTime> times;
  std::string error;
  bool ok() const { return error.empty(); }
};

// Parses CSV text; `display_path` names it in errors.
ReplayLoad parse_replay_csv(std::string_view text, std::string_view display_path,
                            const ReplayOptions& options = {});

// Reads and parses the file at `path` (the size limit is checked before reading).
ReplayLoad load_replay_csv(const std::string& path, const ReplayOptions& options = {});

}  // namespace syncdrill
