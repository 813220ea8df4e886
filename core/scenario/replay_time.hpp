// Replay timestamps and time zones: what a replay CSV's timestamp field may hold, turned into
// microseconds since the Unix epoch (1970-01-01T00:00:00Z).
//
// Accepted forms (docs/scenario-format.md, traffic[].replay):
// - decimal seconds: "12", "12.5", ".25", "1700000000.123456" (seconds since the epoch, or since
//   any origin: a replay only uses differences);
// - a date and time: "2017-11-24T00:43:01Z", "2017-11-24 00:43:01",
// "2017-11-24T00:43:01.250+01:00",
//   "2017-11-24 00:43:01 -0500", "2017-11-24 00:43" and "2017-11-24" (midnight). The separator is
//   'T' or one space; the fraction takes '.' or ','; the zone is Z, UTC, GMT, +HH, +HHMM or
//   +HH:MM (and '-'), after an optional space. A time with no zone is read in the replay's
//   `timezone`.
// Digits past the sixth decimal are rounded half up to a whole microsecond (integer arithmetic).
//
// A TimeZone is UTC, a fixed offset ("+05:30", "UTC-3") or an IANA name ("Europe/Berlin") read
// from the system's time zone database (/usr/share/zoneinfo, Debian package tzdata: TZif files;
// GCC 12's libstdc++ has no <chrono> tzdb). Past the file's last transition (2037 in Debian's
// files) its last offset holds. A local time in a daylight-saving overlap is the earlier of its
// two instants; one in a gap (a time the clocks skipped) is the instant of the change, so local
// times in order stay in order.
//
// Errors are values (a message without location; the caller adds it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace syncdrill {

class TimeZone {
 public:
  // UTC.
  TimeZone() = default;

  // Reads a zone spelling (see above) into `out`; an error message, or empty.
  static std::string parse(std::string_view spec, TimeZone& out);

  const std::string& name() const { return name_; }
  // Seconds east of UTC in force at `utc_s` (seconds since the epoch).
  int64_t offset_at(int64_t utc_s) const;
  // The instant a local wall-clock time (seconds since the epoch as if local were UTC) denotes.
  int64_t to_utc(int64_t local_s) const;

  // A zone of fixed offset.
  static TimeZone fixed(std::string name, int64_t offset_s);
  // A zone from the bytes of a TZif file (RFC 8536, version 2 or later); an error or empty.
  static std::string from_tzif(std::string_view bytes, std::string name, TimeZone& out);

 private:
  struct Transition {
    int64_t utc_s;
    int64_t offset_s;  // in force from utc_s on
  };
  std::string name_ = "UTC";
  int64_t initial_offset_s_ = 0;  // before the first transition (or always, for a fixed offset)
  std::vector<Transition> transitions_;  // increasing utc_s

  static std::string read_tzif(std::string_view bytes, TimeZone& out);
};

// Parses one timestamp field (trimmed) to microseconds since the epoch; an error message or empty.
// Decimal seconds are taken as they are (no zone applies).
std::string parse_replay_timestamp(std::string_view field, const TimeZone& zone, int64_t& us);

// For messages: the field, shortened if someone put a paragraph in it.
std::string shown_field(std::string_view field);

}  // namespace syncdrill
