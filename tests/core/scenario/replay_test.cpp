// Replay CSV tests: CSV text in, replay times or the exact error message out; files are written
// to a temporary directory for the load_replay_csv cases and for the loader, which parses a
// traffic entry's CSV while it validates and reports a bad row as a scenario error.
#include "core/scenario/replay.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/scenario/loader.hpp"

namespace syncdrill {
namespace {

std::vector<int64_t> micros(const ReplayLoad& load) {
  std::vector<int64_t> out;
  for (const SimTime t : load.times)
    out.push_back(t.us);
  return out;
}

std::string error_of(std::string_view text, const ReplayOptions& options = {}) {
  const ReplayLoad load = parse_replay_csv(text, "orders.csv", options);
  CHECK(!load.ok());
  return load.error;
}

TEST_CASE("replay parses decimal seconds relative to the first row") {
  const ReplayLoad load = parse_replay_csv("100\n100.5\n101.25\n160\n", "orders.csv");
  REQUIRE(load.ok());
  CHECK(micros(load) == std::vector<int64_t>{0, 500'000, 1'250'000, 60'000'000});
}

TEST_CASE("replay skips a header, blank lines, extra columns, quotes, CRLF and a BOM") {
  const std::string text =
      "\xEF\xBB\xBFtimestamp,order_id\r\n"
      "\"1700000000.000001\",A-1\r\n"
      "\r\n"
      "  1700000000.5 ,A-2,extra\r\n"
      ".\t\n"
      "1700000001";
  // ".\t" is not blank: it is a row, and an invalid one, so use a text without it first.
  const std::string good = text.substr(0, text.find(".\t")) + "1700000001";
  const ReplayLoad load = parse_replay_csv(good, "orders.csv");
  REQUIRE(load.ok());
  CHECK(micros(load) == std::vector<int64_t>{0, 499'999, 999'999});
  CHECK(error_of(text) ==
        "orders.csv:5:1: expected a timestamp: seconds like 12.5 or a date and time like "
        "2017-11-24 00:43:01, got '.'");
}

TEST_CASE("replay keeps equal timestamps and rounds past microseconds half up") {
  const ReplayLoad load =
      parse_replay_csv("0\n0.0000004\n0.0000005\n2\n2\n2.0000019999\n", "orders.csv");
  REQUIRE(load.ok());
  CHECK(micros(load) == std::vector<int64_t>{0, 0, 1, 2'000'000, 2'000'000, 2'000'002});
}

TEST_CASE("replay can count csv seconds from the run start instead of the first row") {
  ReplayOptions options;
  options.relative_to_first_row = false;
  const ReplayLoad load = parse_replay_csv("5\n7.5\n", "orders.csv", options);
  REQUIRE(load.ok());
  CHECK(micros(load) == std::vector<int64_t>{5'000'000, 7'500'000});
}

TEST_CASE("replay compression divides csv time") {
  ReplayOptions fast;
  fast.compression = 4;
  CHECK(micros(parse_replay_csv("10\n11\n30\n", "orders.csv", fast)) ==
        std::vector<int64_t>{0, 250'000, 5'000'000});
  ReplayOptions slow;
  slow.compression = 0.5;
  CHECK(micros(parse_replay_csv("10\n11\n30\n", "orders.csv", slow)) ==
        std::vector<int64_t>{0, 2'000'000, 40'000'000});
  ReplayOptions thirds;
  thirds.compression = 3;  // 1 s / 3 = 333333.33 us, rounded to the nearest
  CHECK(micros(parse_replay_csv("0\n1\n2\n", "orders.csv", thirds)) ==
        std::vector<int64_t>{0, 333'333, 666'667});
}

TEST_CASE("replay rejects rows out of time order, naming both lines") {
  CHECK(error_of("time\n1\n3\n2.5\n") ==
        "orders.csv:4:1: timestamp 2.5 is earlier than 3 on line 3; rows must be in time order");
}

TEST_CASE("replay rejects malformed timestamps with their line") {
  CHECK(error_of("1\n2\nabc\n") ==
        "orders.csv:3:1: expected a timestamp: seconds like 12.5 or a date and time like "
        "2017-11-24 00:43:01, got 'abc'");
  CHECK(error_of("1\n-2\n") ==
        "orders.csv:2:1: timestamp '-2' is negative; timestamps are seconds >= 0");
  CHECK(error_of("-2\n") ==
        "orders.csv:1:1: timestamp '-2' is negative; timestamps are seconds >= 0");
  CHECK(error_of("1e3\n") ==
        "orders.csv:1:1: expected a timestamp: seconds like 12.5 or a date and time like "
        "2017-11-24 00:43:01, got '1e3'");
  CHECK(error_of("1\n+2\n") ==
        "orders.csv:2:1: expected a timestamp: seconds like 12.5 or a date and time like "
        "2017-11-24 00:43:01, got '+2'");
  CHECK(error_of("1\n2.5.1\n") ==
        "orders.csv:2:1: expected a timestamp: seconds like 12.5 or a date and time like "
        "2017-11-24 00:43:01, got '2.5.1'");
  CHECK(error_of("1\n,A-7\n") ==
        "orders.csv:2:1: expected a timestamp: seconds like 12.5 or a date and time like "
        "2017-11-24 00:43:01, got ''");
  CHECK(error_of("1\n10000000000000\n") ==
        "orders.csv:2:1: timestamp '10000000000000' is too large (at most 1000000000000 seconds)");
  CHECK(error_of("1\n2\ntimestamp\n") ==  // a header is only allowed on line 1
        "orders.csv:3:1: expected a timestamp: seconds like 12.5 or a date and time like "
        "2017-11-24 00:43:01, got 'timestamp'");
}

TEST_CASE("replay reports an empty file") {
  CHECK(error_of("") == "orders.csv: no timestamps: the file has no data rows");
  CHECK(error_of("timestamp\n\n") == "orders.csv: no timestamps: the file has no data rows");
}

TEST_CASE("replay reports its size limits when hit") {
  ReplayOptions options;
  options.rows_max = 3;
  CHECK(parse_replay_csv("t\n1\n2\n3\n", "orders.csv", options).ok());
  CHECK(error_of("t\n1\n2\n3\n4\n", options) ==
        "orders.csv:5:1: more than 3 rows, the replay row limit");
  options.bytes_max = 8;
  CHECK(error_of("1\n2\n3\n4.25\n", options) ==
        "orders.csv: the file is 11 bytes, more than the replay limit of 8 bytes");
  ReplayOptions squeeze;
  squeeze.compression = 1e-6;
  CHECK(error_of("0\n999999999999\n", squeeze) ==
        "orders.csv:2:1: timestamp 999999999999 divided by compression 1e-06 is beyond the "
        "simulator's time range");
}

TEST_CASE("replay loads a file and names it in errors") {
  const auto dir = std::filesystem::temp_directory_path() / "syncdrill_replay_load_test";
  std::filesystem::create_directories(dir);
  const std::string good = (dir / "good.csv").string();
  const std::string bad = (dir / "bad.csv").string();
  std::ofstream(good) << "created_at\n3.5\n4\n";
  std::ofstream(bad) << "3.5\n4\n3\n";
  const ReplayLoad load = load_replay_csv(good);
  REQUIRE(load.ok());
  CHECK(micros(load) == std::vector<int64_t>{0, 500'000});
  CHECK(load_replay_csv(bad).error ==
        bad + ":3:1: timestamp 3 is earlier than 4 on line 2; rows must be in time order");
  ReplayOptions tiny;
  tiny.bytes_max = 4;
  CHECK(load_replay_csv(good, tiny).error ==
        good + ": the file is 17 bytes, more than the replay limit of 4 bytes");
  const std::string missing = (dir / "missing.csv").string();
  CHECK(load_replay_csv(missing).error ==
        missing + ": cannot read the replay file (No such file or directory)");
  std::filesystem::remove_all(dir);
}

// A scenario replaying `csv_text` from a file next to it, with the given compression.
struct ReplayScenario {
  std::filesystem::path dir;
  std::string yaml_path;
  std::string csv_path;
  ReplayScenario(const std::string& name, const std::string& csv_text, const std::string& extra)
      : dir(std::filesystem::temp_directory_path() / name) {
    std::filesystem::create_directories(dir);
    yaml_path = (dir / "replay.yaml").string();
    csv_path = (dir / "orders.csv").string();
    std::ofstream(csv_path) << csv_text;
    std::ofstream(yaml_path) << "name: replayed\n"
                                "duration: 1h\n"
                                "channels:\n"
                                "  - {name: shop, kind: shopify_like}\n"
                                "traffic:\n"
                                "  - channel: shop\n"
                                "    replay: {csv: orders.csv"
                             << extra << "}\n";
  }
  ~ReplayScenario() { std::filesystem::remove_all(dir); }
};

TEST_CASE("the loader keeps a replay CSV's times, compressed, in the scenario") {
  const ReplayScenario f("syncdrill_replay_loader_ok", "created_at\n100\n110\n110\n400\n",
                         ", compression: 2");
  const LoadResult r = load_scenario_file(f.yaml_path);
  REQUIRE(r.ok());
  REQUIRE(r.scenario->traffic.size() == 1);
  REQUIRE(r.scenario->traffic[0].replay.has_value());
  const ReplaySpec& replay = *r.scenario->traffic[0].replay;
  CHECK(replay.csv == f.csv_path);
  CHECK(replay.compression == 2);
  std::vector<int64_t> us;
  for (const SimTime t : replay.times)
    us.push_back(t.us);
  CHECK(us == std::vector<int64_t>{0, 5'000'000, 5'000'000, 150'000'000});
  // The CSV is part of what runs, so it is among the sources the report's hash covers.
  REQUIRE(r.scenario->sources.size() == 2);
  CHECK(r.scenario->sources[1].path == f.csv_path);
  CHECK(r.scenario->sources[1].content == "created_at\n100\n110\n110\n400\n");
}

TEST_CASE("a malformed replay CSV is a scenario error naming the scenario key and the CSV line") {
  const ReplayScenario f("syncdrill_replay_loader_bad", "timestamp\n1\n2\nabc\n", "");
  const LoadResult r = load_scenario_file(f.yaml_path);
  CHECK(!r.ok());
  REQUIRE(r.errors.size() == 1);
  CHECK(format_diagnostic(r.errors[0]) == f.yaml_path +
                                              ":7:19: traffic[0].replay.csv: " + f.csv_path +
                                              ":4:1: expected a timestamp: seconds like 12.5 or a "
                                              "date and time like 2017-11-24 00:43:01, got 'abc'");
}

TEST_CASE("replay rows count toward the scenario's order limit") {
  const ReplayScenario f("syncdrill_replay_loader_limit", "1\n2\n3\n4\n", "");
  LoadLimits limits;
  limits.expected_orders_max = 3;
  const LoadResult r = load_scenario_file(f.yaml_path, limits);
  REQUIRE(r.errors.size() == 1);
  CHECK(format_diagnostic(r.errors[0]) == f.yaml_path +
                                              ":7:19: traffic[0].replay.csv: " + f.csv_path +
                                              ":4:1: more than 3 rows, the replay row limit");
}

}  // namespace
}  // namespace syncdrill
