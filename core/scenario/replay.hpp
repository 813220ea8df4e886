// Replay CSV: order arrival times to replay instead of drawing them from a model.
//
// The scenario loader parses a traffic entry's `replay.csv` while it validates (so a bad row is
// a scenario error naming the CSV's line) and keeps the times in ReplaySpec::times; the world
// replays them through ReplaySchedule (sim/world/traffic/replay.hpp).
//
// File format (chosen to take real exports as they are: a Shopify orders export, an Amazon order
// report's tab-separated flat file):
// - CSV: fields separated by `delimiter` (',' default; '\t', ';', '|'), records by "\n" or "\r\n";
//   a field may be double-quoted, with "" for a quote and delimiters or line breaks inside; a
//   UTF-8 byte-order mark is skipped; spaces (and tabs, unless they delimit) around a field are
//   ignored; blank lines are skipped.
// - The timestamp is the field under the header `column` when one is named (the first record is
//   then the header and must name it), else the first field; a first record whose first field
//   starts with anything but a digit, '.', '+' or '-' is then a header and skipped.
// - Timestamps: decimal seconds or dates and times (core/scenario/replay_time.hpp), a time with
//   no zone read in `zone`. Digits past the sixth decimal are rounded half up to a microsecond.
// - Rows must be in time order; equal timestamps are allowed and replay at the same instant.
//   A decreasing row is an error naming its line (rows are never silently sorted: out-of-order
//   exports usually mean a broken export).
//
// Time mapping: replay time = (csv time - origin) / compression, rounded to the nearest
// microsecond, where origin is `start_at` when set (rows before it are skipped and counted), else
// the first row's time (default, so Unix-epoch exports work) or 0.
//
// Errors are values: "FILE:LINE:COLUMN: MESSAGE" for a field, "FILE:LINE: MESSAGE" for a record,
// "FILE: MESSAGE" for the file as a whole, with FILE as the caller spelled it. Limits (bytes,
// rows, record length, fields per record) are checked and reported when hit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/time.hpp"
#include "core/scenario/replay_time.hpp"

namespace syncdrill {

struct ReplayOptions {
  double compression = 1;               // replay time = csv time / compression; > 0
  bool relative_to_first_row = true;    // false: csv seconds count from the run start
  uint64_t bytes_max = 256ull << 20;    // file size limit, checked before reading (256 MiB)
  uint64_t rows_max = 10'000'000;       // data rows (header and blank lines not counted)
  uint64_t record_bytes_max = 1 << 20;  // one record, quoted line breaks included (1 MiB)
  uint32_t fields_max = 10'000;         // fields in one record
  std::string column;                   // the timestamp's header; empty: the first field
  char delimiter = ',';
  TimeZone zone;                       // for timestamps without a zone
  std::optional<int64_t> start_at_us;  // since the epoch: the origin; earlier rows skipped
};

struct ReplayLoad {
  // Replay times, non-decreasing, compression applied; empty when error is set (a file with no
  // data rows is an error).
  std::vector<SimTime> times;
  uint64_t rows_skipped = 0;  // rows before start_at
  std::string error;
  bool ok() const { return error.empty(); }
};

// Parses CSV text; `display_path` names it in errors.
ReplayLoad parse_replay_csv(std::string_view text, std::string_view display_path,
                            const ReplayOptions& options = {});

// Reads and parses the file at `path` (the size limit is checked before reading).
ReplayLoad load_replay_csv(const std::string& path, const ReplayOptions& options = {});

}  // namespace syncdrill
