// Replay from real exports: dates and times with zones, a column chosen by header name, quoted
// fields, a tab delimiter, start_at, located errors and the limits. The export fixtures
// (tests/scenarios/replay/) are invented rows under the headers of a Shopify orders export and
// an Amazon order report flat file.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/scenario/loader.hpp"
#include "core/scenario/replay.hpp"

namespace syncdrill {
namespace {

const std::string kDir = std::string(SYNCDRILL_TEST_DATA_DIR) + "/scenarios/replay/";

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<int64_t> micros_of(const ReplayLoad& load) {
  std::vector<int64_t> out;
  for (const SimTime t : load.times)
    out.push_back(t.us);
  return out;
}

int64_t epoch_us(std::string_view text, const TimeZone& zone = {}) {
  int64_t us = -1;
  const std::string e = parse_replay_timestamp(text, zone, us);
  INFO(e);
  CHECK(e.empty());
  return us;
}

std::string timestamp_error(std::string_view text) {
  int64_t us = 0;
  return parse_replay_timestamp(text, TimeZone{}, us);
}

TimeZone zone(std::string_view spec) {
  TimeZone z;
  const std::string e = TimeZone::parse(spec, z);
  INFO(e);
  REQUIRE(e.empty());
  return z;
}

TEST_CASE("replay timestamps: ISO 8601 and 'YYYY-MM-DD HH:MM:SS', with offsets and fractions") {
  const int64_t base = 1'511'484'181'000'000;  // 2017-11-24T00:43:01Z, by `date -d ... +%s`
  CHECK(epoch_us("2017-11-24T00:43:01Z") == base);
  CHECK(epoch_us("2017-11-24 00:43:01") == base);
  CHECK(epoch_us("2017-11-24t00:43:01z") == base);
  CHECK(epoch_us("2017-11-24T01:43:01+01:00") == base);
  CHECK(epoch_us("2017-11-23 19:43:01 -0500") == base);
  CHECK(epoch_us("2017-11-24T06:13:01+0530") == base);
  CHECK(epoch_us("2017-11-24 02:43:01 +02") == base);
  CHECK(epoch_us("2017-11-24 00:43:01 UTC") == base);
  CHECK(epoch_us("2017-11-24T00:43:01.25Z") == base + 250'000);
  CHECK(epoch_us("2017-11-24T00:43:01,0000005Z") == base + 1);  // rounded half up
  CHECK(epoch_us("2017-11-24 00:43") == base - 1'000'000);
  CHECK(epoch_us("2017-11-24") == base - (43 * 60 + 1) * int64_t{1'000'000});
  CHECK(epoch_us("2016-02-29 00:00:00") == 1'456'704'000'000'000);
  CHECK(epoch_us("1970-01-01T00:00:00Z") == 0);
  CHECK(epoch_us("12.5") == 12'500'000);  // decimal seconds, as before
}

TEST_CASE("replay timestamps: malformed dates and times are refused with what was expected") {
  const std::string shape =
      "expected a date and time like 2017-11-24 00:43:01 or 2017-11-24T00:43:01+01:00, got ";
  CHECK(timestamp_error("2017-11-24 24:00:00") == shape + "'2017-11-24 24:00:00'");
  CHECK(timestamp_error("2017-11-24 00:60:00") == shape + "'2017-11-24 00:60:00'");
  CHECK(timestamp_error("2017-11-24 00:43:01 +25:00") == shape + "'2017-11-24 00:43:01 +25:00'");
  CHECK(timestamp_error("2017-11-24 00:43:01 CET") == shape + "'2017-11-24 00:43:01 CET'");
  CHECK(timestamp_error("2017-11-24T") == shape + "'2017-11-24T'");
  CHECK(timestamp_error("2017-11-24 00:43:01.") == shape + "'2017-11-24 00:43:01.'");
  CHECK(timestamp_error("2017-1-24") == shape + "'2017-1-24'");
  CHECK(timestamp_error("2017-") == shape + "'2017-'");
  CHECK(timestamp_error("2017-02-29") == "'2017-02-29' is not a calendar date");
  CHECK(timestamp_error("2017-13-01") == "'2017-13-01' is not a calendar date");
  CHECK(timestamp_error("1969-12-31 23:59:59") == "timestamp '1969-12-31 23:59:59' is before 1970");
  CHECK(timestamp_error("1970-01-01 00:00:00 +01:00") ==
        "timestamp '1970-01-01 00:00:00 +01:00' is before 1970");
  CHECK(timestamp_error("24/11/2017") ==
        "expected a timestamp: seconds like 12.5 or a date and time like 2017-11-24 00:43:01, "
        "got '24/11/2017'");
}

TEST_CASE("time zones: fixed offsets and IANA names from the system's database, DST included") {
  CHECK(epoch_us("2017-11-24 06:13:01", zone("+05:30")) == epoch_us("2017-11-24T00:43:01Z"));
  CHECK(epoch_us("2017-11-24 00:43:01", zone("UTC")) == epoch_us("2017-11-24T00:43:01Z"));
  const TimeZone berlin = zone("Europe/Berlin");
  CHECK(berlin.name() == "Europe/Berlin");
  // Winter +01:00, summer +02:00; the zone in the text wins over the replay's zone.
  CHECK(epoch_us("2017-11-24 01:43:01", berlin) == epoch_us("2017-11-24T00:43:01Z"));
  CHECK(epoch_us("2017-07-01 02:00:00", berlin) == epoch_us("2017-07-01T00:00:00Z"));
  CHECK(epoch_us("2017-07-01 02:00:00Z", berlin) == epoch_us("2017-07-01T02:00:00Z"));
  // The spring change (2017-03-26 02:00 -> 03:00 local): one second apart across it.
  CHECK(epoch_us("2017-03-26 03:00:00", berlin) - epoch_us("2017-03-26 01:59:59", berlin) ==
        1'000'000);
  // A time in the gap (02:30 never happened) is the instant of the change, keeping order.
  CHECK(epoch_us("2017-03-26 02:30:00", berlin) == epoch_us("2017-03-26T01:00:00Z"));
  // In the autumn overlap 02:30 happened twice: the earlier (summer time) instant.
  CHECK(epoch_us("2017-10-29 02:30:00", berlin) == epoch_us("2017-10-29T00:30:00Z"));
  CHECK(epoch_us("2017-10-29 03:30:00", berlin) == epoch_us("2017-10-29T02:30:00Z"));
  const TimeZone new_york = zone("America/New_York");
  CHECK(epoch_us("2017-11-24 00:00:00", new_york) == epoch_us("2017-11-24T05:00:00Z"));
  CHECK(epoch_us("2017-06-24 00:00:00", new_york) == epoch_us("2017-06-24T04:00:00Z"));
}

TEST_CASE("time zones: unknown names and hostile spellings are refused, naming the database") {
  TimeZone z;
  CHECK(TimeZone::parse("Europe/Berln", z) ==
        "unknown time zone 'Europe/Berln' (no /usr/share/zoneinfo/Europe/Berln: missing, Debian "
        "package tzdata)");
  const std::string expected =
      "expected UTC, an offset like +05:30 or an IANA time zone name like Europe/Berlin, got ";
  CHECK(TimeZone::parse("../../etc/passwd", z) == expected + "'../../etc/passwd'");
  CHECK(TimeZone::parse("/etc/passwd", z) == expected + "'/etc/passwd'");
  CHECK(TimeZone::parse("", z) == expected + "''");
  CHECK(TimeZone::parse("+25:00", z) == expected + "'+25:00'");
  CHECK(TimeZone::parse(std::string(200, 'A'), z) ==
        expected + "'" + std::string(37, 'A') + "...'");
  // A file that is not TZif (a directory of the database is not a zone either).
  CHECK(TimeZone::parse("Europe", z).starts_with("unknown time zone 'Europe'"));
  CHECK(TimeZone::parse("zone.tab", z) == expected + "'zone.tab'");
  CHECK(TimeZone::parse("leapseconds", z).find("is not a TZif file") != std::string::npos);
}

// An export's options: its timestamp column, read in New York and aligned to its midnight.
ReplayOptions new_york_export(std::string column, char delimiter) {
  ReplayOptions options;
  options.column = std::move(column);
  options.delimiter = delimiter;
  options.zone = zone("America/New_York");
  options.start_at_us = epoch_us("2017-11-24 00:00:00", options.zone);
  return options;
}

ReplayLoad load_fixture(const std::string& file, const ReplayOptions& options) {
  ReplayLoad load = parse_replay_csv(read_text(kDir + file), file, options);
  INFO(load.error);
  CHECK(load.ok());
  return load;
}

TEST_CASE("time zones: a truncated or damaged TZif file is refused, never read past its end") {
  const std::string berlin = read_text("/usr/share/zoneinfo/Europe/Berlin");
  REQUIRE(berlin.size() > 100);
  TimeZone z;
  CHECK(TimeZone::from_tzif(berlin, "Europe/Berlin", z).empty());
  size_t refused = 0;
  for (size_t n = 0; n < berlin.size(); n += 7) {
    TimeZone cut;
    const std::string e = TimeZone::from_tzif(std::string_view(berlin).substr(0, n), "x", cut);
    if (e.empty()) continue;
    ++refused;
    CHECK(cut.name() == "UTC");  // untouched on failure
  }
  // Cut anywhere before its last arrays it is refused (the leap-second and indicator arrays
  // and the footer's TZ string are not read).
  CHECK(refused >= (berlin.size() - 40) / 7);
  // Counts that promise more than the file holds.
  std::string inflated = berlin;
  inflated[32] = '\x7f';  // the v1 header's timecnt, high byte
  CHECK(TimeZone::from_tzif(inflated, "x", z) == "a damaged TZif file");
  CHECK(TimeZone::from_tzif("TZif1" + std::string(60, '\0'), "x", z) ==
        "not a version 2+ TZif file");
  CHECK(TimeZone::from_tzif("not a zone", "x", z) == "not a TZif file");
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int round = 0; round < 500; ++round) {
    std::string bytes = berlin;
    for (int k = 0; k < 4; ++k) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      bytes[x % bytes.size()] = static_cast<char>(x >> 56);
    }
    TimeZone damaged;
    if (TimeZone::from_tzif(bytes, "x", damaged).empty()) {
      // Whatever it read, converting stays a pure function.
      CHECK(damaged.to_utc(1'500'000'000) == damaged.to_utc(1'500'000'000));
    }
  }
}

TEST_CASE("a Shopify orders export replays by its 'Created at' column, quotes and all") {
  const ReplayLoad load = load_fixture("shopify-orders.csv", new_york_export("Created at", ','));
  // The row at 23:59:58 the evening before is skipped; 00:43:01 replays at 43m01s.
  CHECK(load.rows_skipped == 1);
  CHECK(micros_of(load) == std::vector<int64_t>{2'581'000'000, 2'581'000'000, 3'600'500'000});
}

TEST_CASE("an Amazon order report flat file replays by 'purchase-date', tab-separated") {
  ReplayOptions options = new_york_export("purchase-date", '\t');
  const ReplayLoad load = load_fixture("amazon-orders.txt", options);
  CHECK(load.rows_skipped == 0);
  CHECK(micros_of(load) == std::vector<int64_t>{0, 2'581'000'000, 4'530'250'000});
  // Read with commas it has one column, and says which it has.
  options.delimiter = ',';
  CHECK(parse_replay_csv(read_text(kDir + "amazon-orders.txt"), "a.txt", options).error ==
        "a.txt:1: no column 'purchase-date' in the header (it has "
        "'amazon-order-id\\x09merchant-order-id\\x09pur...')");
}

TEST_CASE("replay CSV: quoting, delimiters and located errors") {
  ReplayOptions named;
  named.column = "at";
  const auto error = [](std::string_view text, const ReplayOptions& o) {
    return parse_replay_csv(text, "o.csv", o).error;
  };
  CHECK(micros_of(parse_replay_csv("id,at\n\"a,1\",5\n\"b\"\"2\" , \" 7 \"\r\n", "o.csv", named)) ==
        std::vector<int64_t>{0, 2'000'000});
  CHECK(error("id,at\n\"a,1\",5\n\"b,2\n", named) == "o.csv:3:1: a quoted field is not closed");
  CHECK(error("id,at\nx,5\n\"b\"x,7\n", named) ==
        "o.csv:3:4: unexpected text after a quoted field (a quote inside a quoted field is "
        "written \"\")");
  CHECK(error("id,at\nx,5\ny\n", named) ==
        "o.csv:3: the row has 1 fields; the timestamp is field 2 ('at')");
  CHECK(error("id,at\nx,5\ny,  2017-11-24 99:00\n", named) ==
        "o.csv:3:5: expected a date and time like 2017-11-24 00:43:01 or "
        "2017-11-24T00:43:01+01:00, got '2017-11-24 99:00'");
  CHECK(error("\n\nid,when\n", named) ==  // the header is the first record, blank lines aside
        "o.csv:3: no column 'at' in the header (it has 'id', 'when')");
  CHECK(error("id;at\nx;2017-11-24 00:00:01\nx;2017-11-24 00:00:00\n",
              [] {
                ReplayOptions o;
                o.column = "at";
                o.delimiter = ';';
                return o;
              }()) ==
        "o.csv:3:3: timestamp 2017-11-24 00:00:00 is earlier than 2017-11-24 00:00:01 on "
        "line 2; rows must be in time order");
  CHECK(error("id,when\n1,2\n", named) ==
        "o.csv:1: no column 'at' in the header (it has 'id', 'when')");
  CHECK(error("id,at\n", named) == "o.csv: no timestamps: the file has no data rows");
}

TEST_CASE("replay start_at: rows before it are skipped, and a file with none after says so") {
  ReplayOptions options;
  options.start_at_us = 10'000'000;
  const ReplayLoad load = parse_replay_csv("5\n9.5\n10\n12\n", "o.csv", options);
  REQUIRE(load.ok());
  CHECK(load.rows_skipped == 2);
  CHECK(micros_of(load) == std::vector<int64_t>{0, 2'000'000});
  CHECK(parse_replay_csv("5\n9\n", "o.csv", options).error ==
        "o.csv: no timestamps at or after start_at (2 rows before it)");
  // Skipped rows must be in order too: a broken export is broken before start_at as well.
  CHECK(parse_replay_csv("5\n4\n12\n", "o.csv", options).error ==
        "o.csv:2:1: timestamp 4 is earlier than 5 on line 1; rows must be in time order");
}

TEST_CASE("replay CSV limits: record length and fields per record are reported when hit") {
  ReplayOptions options;
  options.record_bytes_max = 64;
  const std::string long_row = "1," + std::string(100, 'x') + "\n";
  CHECK(parse_replay_csv("1\n" + long_row, "o.csv", options).error ==
        "o.csv:2: the row is longer than the replay limit of 64 bytes");
  const std::string long_quote = "1,\"" + std::string(100, '\n') + "\"\n";
  CHECK(parse_replay_csv("1\n" + long_quote, "o.csv", options).error ==
        "o.csv:2:3: a quoted field is longer than the replay limit of 64 bytes");
  ReplayOptions few;
  few.fields_max = 3;
  CHECK(parse_replay_csv("1,a,b\n2,a,b,c\n", "o.csv", few).error ==
        "o.csv:2: more than 3 fields, the replay limit");
}

TEST_CASE("replay CSV: hostile bytes give a result or an error, never a crash") {
  uint64_t x = 88172645463325252ull;
  const std::string alphabet = "0123456789-:T Z+.,\"\t\r\n;ab";
  ReplayOptions options;
  options.column = "a";
  for (int round = 0; round < 2000; ++round) {
    std::string text = "a,b\n";
    for (int i = 0; i < 60; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      text += alphabet[x % alphabet.size()];
    }
    const ReplayLoad load = parse_replay_csv(text, "o.csv", options);
    CHECK((load.ok() != !load.error.empty()));
    for (size_t i = 1; i < load.times.size(); ++i)
      CHECK(load.times[i - 1] <= load.times[i]);
  }
}

TEST_CASE("the loader reads column, delimiter, timezone and start_at of a replay") {
  const LoadResult r = load_scenario_file(kDir + "exports.yaml");
  for (const Diagnostic& d : r.errors)
    INFO(format_diagnostic(d));
  REQUIRE(r.ok());
  const ReplaySpec& shop = *r.scenario->traffic[0].replay;
  CHECK(shop.column == "Created at");
  CHECK(shop.timezone == "America/New_York");
  CHECK(shop.rows_skipped == 1);
  CHECK(shop.times.size() == 3);
  CHECK(shop.times[0].us == 2'581'000'000);
  const ReplaySpec& amazon = *r.scenario->traffic[1].replay;
  CHECK(amazon.delimiter == '\t');
  CHECK(amazon.times.size() == 3);
  CHECK(amazon.times[1].us == 2'581'000'000);
}

// The exports scenario with one replay key replaced, loaded from a temporary copy.
std::string load_error_with(const std::string& from, const std::string& to) {
  std::string text = read_text(kDir + "exports.yaml");
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  const std::string path = kDir + "exports-edited.yaml";
  std::ofstream(path) << text;
  const LoadResult r = load_scenario_file(path);
  std::filesystem::remove(path);
  REQUIRE(r.errors.size() == 1);
  return format_diagnostic(r.errors[0]);
}

TEST_CASE("bad replay keys are located at the key, naming what is accepted") {
  const std::string at = kDir + "exports-edited.yaml";
  CHECK(load_error_with("timezone: America/New_York, start", "timezone: Europe/Nowhere, start") ==
        at + ":15:24: traffic[1].replay.timezone: unknown time zone 'Europe/Nowhere' (no "
             "/usr/share/zoneinfo/Europe/Nowhere: missing, Debian package tzdata)");
  CHECK(load_error_with("delimiter: tab", "delimiter: ':'") ==
        at + ":14:72: traffic[1].replay.delimiter: expected one of ',', ';', '|' or tab "
             "(\"\\t\"), got ':'");
  CHECK(load_error_with("column: purchase-date", "column: purchase date") ==
        at + ":14:19: traffic[1].replay.csv: " + kDir +
            "amazon-orders.txt:1: no column 'purchase date' in the header (it has "
            "'amazon-order-id', 'merchant-order-id', 'purchase-date', 'last-updated-date', "
            "'order-status', 'fulfillment-channel', 'sales-channel', 'ship-service-level', "
            "'product-name', 'sku', 'asin', 'item-status', ... (15 columns))");
  CHECK(load_error_with("start_at: \"2017-11-24 00:00:00\"}\n  - channel: amazon",
                        "start_at: \"2017-11-31\"}\n  - channel: amazon") ==
        at + ":12:24: traffic[0].replay.start_at: '2017-11-31' is not a calendar date");
}

}  // namespace
}  // namespace syncdrill
