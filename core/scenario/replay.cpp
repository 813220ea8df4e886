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

constexpr double kReplayUsMax = 0x1.0p62;  // after compression

struct Field {
  std::string text;    // unquoted, trimmed
  int64_t column = 1;  // 1-based byte column of its first character in its line
};

struct Record {
  int64_t line = 0;  // where it starts
  std::vector<Field> fields;
  bool blank() const { return fields.size() == 1 && fields[0].text.empty(); }
};

// Splits CSV text into records (RFC 4180 quoting; line breaks inside quotes belong to the field).
class RecordReader {
 public:
  RecordReader(std::string_view text, const ReplayOptions& options)
      : text_(text), options_(options) {}

  bool done() const { return pos_ >= text_.size(); }

  // The next record; an error message (located by the caller at error_line/error_column) or empty.
  std::string next(Record& out) {
    out.line = line_;
    out.fields.clear();
    error_column = 0;
    const size_t start = pos_;
    while (true) {
      if (out.fields.size() == options_.fields_max)
        return fmt::format("more than {} fields, the replay limit", options_.fields_max);
      Field& f = out.fields.emplace_back();
      if (const std::string e = read_field(f); !e.empty()) return e;
      if (pos_ - start > options_.record_bytes_max) {
        return fmt::format("the row is longer than the replay limit of {} bytes",
                           options_.record_bytes_max);
      }
      if (pos_ >= text_.size()) return {};
      if (text_[pos_] == options_.delimiter) {
        ++pos_;
        continue;
      }
      ++pos_;  // '\n'
      ++line_;
      line_start_ = pos_;
      return {};
    }
  }

  int64_t error_line = 0;
  int64_t error_column = 0;

 private:
  bool is_space(char c) const { return (c == ' ' || c == '\t') && c != options_.delimiter; }
  bool at_end_of_field() const {
    return pos_ >= text_.size() || text_[pos_] == options_.delimiter || text_[pos_] == '\n';
  }
  void skip_spaces() {
    while (pos_ < text_.size() && (is_space(text_[pos_]) || text_[pos_] == '\r'))
      ++pos_;
  }
  int64_t column() const { return static_cast<int64_t>(pos_ - line_start_) + 1; }

  std::string read_field(Field& f) {
    skip_spaces();
    f.column = column();
    if (pos_ < text_.size() && text_[pos_] == '"') return read_quoted(f);
    const size_t begin = pos_;
    while (!at_end_of_field())
      ++pos_;
    std::string_view raw = text_.substr(begin, pos_ - begin);
    while (!raw.empty() && (is_space(raw.back()) || raw.back() == '\r'))
      raw.remove_suffix(1);
    f.text = raw;
    return {};
  }

  std::string read_quoted(Field& f) {
    const int64_t open_line = line_;
    const int64_t open_column = column();
    const auto at_quote = [&](std::string message) {
      error_line = open_line;
      error_column = open_column;
      return message;
    };
    ++pos_;
    while (true) {
      if (pos_ >= text_.size()) return at_quote("a quoted field is not closed");
      if (f.text.size() > options_.record_bytes_max) {
        return at_quote(fmt::format("a quoted field is longer than the replay limit of {} bytes",
                                    options_.record_bytes_max));
      }
      const char c = text_[pos_++];
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          f.text += '"';
          ++pos_;
          continue;
        }
        break;
      }
      if (c == '\n') {
        ++line_;
        line_start_ = pos_;
      }
      f.text += c;
    }
    skip_spaces();
    if (!at_end_of_field()) {
      error_line = line_;
      error_column = column();
      return "unexpected text after a quoted field (a quote inside a quoted field is written \"\")";
    }
    // Spaces inside the quotes are not part of a timestamp either.
    const size_t first = f.text.find_first_not_of(" \t");
    f.text = first == std::string::npos
                 ? std::string()
                 : f.text.substr(first, f.text.find_last_not_of(" \t") - first + 1);
    return {};
  }

  std::string_view text_;
  const ReplayOptions& options_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  int64_t line_ = 1;
};

bool looks_like_header(const Record& r) {
  const std::string& first = r.fields[0].text;
  return !first.empty() && !(first.front() >= '0' && first.front() <= '9') &&
         first.front() != '.' && first.front() != '+' && first.front() != '-';
}

// The header names, for a message: "'Name', 'Created at', ..." (at most 12).
std::string header_names(const Record& header) {
  std::string out;
  for (size_t i = 0; i < header.fields.size() && i < 12; ++i)
    out += fmt::format("{}'{}'", i == 0 ? "" : ", ", shown_field(header.fields[i].text));
  if (header.fields.size() > 12) out += fmt::format(", ... ({} columns)", header.fields.size());
  return out;
}

// The state of one parse: where the rows' times go and what the previous row held.
struct Replayer {
  const ReplayOptions& options;
  std::vector<SimTime> times;
  uint64_t skipped = 0;
  int64_t origin_us = 0;
  int64_t previous_us = -1;
  std::string previous_field;
  int64_t previous_line = 0;

  // One data row's timestamp; an error message or empty.
  std::string add(const std::string& field, int64_t line) {
    int64_t us = 0;
    if (std::string message = parse_replay_timestamp(field, options.zone, us); !message.empty())
      return message;
    if (us < previous_us) {
      return fmt::format("timestamp {} is earlier than {} on line {}; rows must be in time order",
                         shown_field(field), shown_field(previous_field), previous_line);
    }
    previous_us = us;
    previous_field = field;
    previous_line = line;
    if (options.start_at_us && us < *options.start_at_us) {
      ++skipped;
      return {};
    }
    if (times.size() == options.rows_max)
      return fmt::format("more than {} rows, the replay row limit", options.rows_max);
    if (times.empty()) {
      origin_us = options.start_at_us             ? *options.start_at_us
                  : options.relative_to_first_row ? us
                                                  : 0;
    }
    const double replay_us = static_cast<double>(us - origin_us) / options.compression;
    if (replay_us >= kReplayUsMax) {
      return fmt::format(
          "timestamp {} divided by compression {} is beyond the simulator's time range",
          shown_field(field), options.compression);
    }
    times.push_back(SimTime{std::llround(replay_us)});
    return {};
  }
};

}  // namespace

ReplayLoad parse_replay_csv(std::string_view text, std::string_view display_path,
                            const ReplayOptions& options) {
  SD_CHECK(options.compression > 0 && std::isfinite(options.compression),
           "replay compression must be > 0");
  ReplayLoad load;
  const auto fail = [&](int64_t line, int64_t column, const std::string& message) {
    load.error = line <= 0     ? fmt::format("{}: {}", display_path, message)
                 : column <= 0 ? fmt::format("{}:{}: {}", display_path, line, message)
                               : fmt::format("{}:{}:{}: {}", display_path, line, column, message);
    return load;
  };
  if (text.size() > options.bytes_max) {
    return fail(0, 0,
                fmt::format("the file is {} bytes, more than the replay limit of {} bytes",
                            text.size(), options.bytes_max));
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);

  Replayer replayer{options, {}, 0, 0, -1, {}, 0};
  replayer.times.reserve(
      std::min<uint64_t>(std::count(text.begin(), text.end(), '\n') + 1, options.rows_max));
  RecordReader reader(text, options);
  Record record;
  bool first = true;
  size_t column = 0;  // the timestamp's field
  while (!reader.done()) {
    if (const std::string e = reader.next(record); !e.empty()) {
      return reader.error_column > 0 ? fail(reader.error_line, reader.error_column, e)
                                     : fail(record.line, 0, e);
    }
    if (record.blank()) continue;
    if (first) {
      first = false;
      if (!options.column.empty()) {
        const auto named = std::find_if(record.fields.begin(), record.fields.end(),
                                        [&](const Field& f) { return f.text == options.column; });
        if (named == record.fields.end()) {
          return fail(record.line, 0,
                      fmt::format("no column '{}' in the header (it has {})",
                                  shown_field(options.column), header_names(record)));
        }
        column = static_cast<size_t>(named - record.fields.begin());
        continue;
      }
      if (looks_like_header(record)) continue;
    }
    if (column >= record.fields.size()) {
      return fail(record.line, 0,
                  fmt::format("the row has {} fields; the timestamp is field {} ('{}')",
                              record.fields.size(), column + 1, shown_field(options.column)));
    }
    const Field& field = record.fields[column];
    if (const std::string e = replayer.add(field.text, record.line); !e.empty())
      return fail(record.line, field.column, e);
  }
  if (replayer.times.empty()) {
    return fail(0, 0,
                replayer.skipped > 0
                    ? fmt::format("no timestamps at or after start_at ({} rows before it)",
                                  replayer.skipped)
                    : std::string("no timestamps: the file has no data rows"));
  }
  load.times = std::move(replayer.times);
  load.rows_skipped = replayer.skipped;
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
