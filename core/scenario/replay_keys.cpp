#include "core/scenario/replay_keys.hpp"

#include <fmt/format.h>

namespace syncdrill::scenario {
namespace {

// "," ";" "|" or a tab (written "\t" in double quotes, or the word `tab`).
bool read_delimiter(MapReader& rr, ReplaySpec& rp) {
  std::string text;
  if (!rr.text("delimiter", text)) return rr.get("delimiter") == nullptr;
  if (text == "tab") text = "\t";
  if (text != "," && text != ";" && text != "|" && text != "\t") {
    rr.error("delimiter",
             fmt::format("expected one of ',', ';', '|' or tab (\"\\t\"), got '{}'", text));
    return false;
  }
  rp.delimiter = text.front();
  return true;
}

bool read_timezone(MapReader& rr, ReplaySpec& rp, ReplayOptions& options) {
  if (!rr.text("timezone", rp.timezone)) return rr.get("timezone") == nullptr;
  if (const std::string e = TimeZone::parse(rp.timezone, options.zone); !e.empty()) {
    rr.error("timezone", e);
    return false;
  }
  return true;
}

// A timestamp in the CSV's own forms, read in the replay's time zone.
bool read_start_at(MapReader& rr, ReplaySpec& rp, ReplayOptions& options) {
  if (!rr.text("start_at", rp.start_at)) return rr.get("start_at") == nullptr;
  int64_t us = 0;
  if (const std::string e = parse_replay_timestamp(rp.start_at, options.zone, us); !e.empty()) {
    rr.error("start_at", e);
    return false;
  }
  options.start_at_us = us;
  return true;
}

}  // namespace

bool read_replay_format(MapReader& rr, ReplaySpec& rp, ReplayOptions& options) {
  bool ok = true;
  if (rr.text("column", rp.column)) {
    if (rp.column.empty()) {
      rr.error("column", "expected a header name, got an empty one");
      ok = false;
    }
    options.column = rp.column;
  } else if (rr.get("column") != nullptr) {
    ok = false;
  }
  ok = read_delimiter(rr, rp) && ok;
  options.delimiter = rp.delimiter;
  ok = read_timezone(rr, rp, options) && ok;  // before start_at, which is read in the zone
  ok = read_start_at(rr, rp, options) && ok;
  return ok;
}

}  // namespace syncdrill::scenario
