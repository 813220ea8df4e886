// The shared command-line reader (app/command_line.hpp), called directly; the commands' own
// messages are checked end to end in cli_test.cpp, compare_test.cpp and serve_test.cpp.
#include "app/command_line.hpp"

#include <doctest/doctest.h>

#include "app/exit_codes.hpp"

namespace syncdrill {
namespace {

namespace po = boost::program_options;

TEST_CASE("whole_number takes digits only") {
  CHECK(whole_number("0") == uint64_t{0});
  CHECK(whole_number("18446744073709551615") == UINT64_MAX);
  for (const char* bad : {"", "-1", "+5", " 5", "5 ", "1e3", "0x10", "18446744073709551616"}) {
    CAPTURE(bad);
    CHECK_FALSE(whole_number(bad).has_value());
  }
}

TEST_CASE("positive_number takes a finite number above zero, written in full") {
  CHECK(positive_number("0.5") == 0.5);
  CHECK(positive_number("1e-3") == 1e-3);
  for (const char* bad : {"", "0", "-0", "-1", "inf", "nan", "1e999", "0.5x", " 1"}) {
    CAPTURE(bad);
    CHECK_FALSE(positive_number(bad).has_value());
  }
}

TEST_CASE("read_wall_duration and read_time_scale refuse what the live commands cannot use") {
  Duration d;
  CHECK_FALSE(read_wall_duration("--duration", "250ms", d).has_value());
  CHECK(d.us == 250'000);
  CHECK(read_wall_duration("--duration", "0s", d) == kExitUsage);
  CHECK(read_wall_duration("--duration", "soon", d) == kExitUsage);
  double scale = 0;
  CHECK_FALSE(read_time_scale("60", scale).has_value());
  CHECK(scale == 60);
  CHECK(read_time_scale("1000001", scale) == kExitUsage);
  CHECK(read_time_scale("0", scale) == kExitUsage);
  CHECK(scale == 60);  // left as it was
}

CommandLine drill_line() {
  CommandLine line("drill", "usage: syncdrill drill SCENARIO\n\noptions");
  line.add()("level", po::value<std::string>(), "a level");
  line.add_out("report folder");
  line.add_quiet("say nothing");
  line.add_formats("files to write");
  line.take_scenarios(1);
  return line;
}

TEST_CASE("CommandLine reads its options and the one SCENARIO") {
  CommandLine line = drill_line();
  REQUIRE_FALSE(line.parse({"x.yaml", "--level", "3", "-q", "--out", "d"}, "").has_value());
  std::string path;
  CHECK_FALSE(line.scenario(path).has_value());
  CHECK(path == "x.yaml");
  CHECK(line.text("level") == "3");
  CHECK(line.quiet());
  CHECK(line.out_dir("fallback") == "d");
}

TEST_CASE("CommandLine: a malformed line or a missing SCENARIO is exit code 2") {
  std::string path;
  CHECK(drill_line().parse({"x.yaml", "--nope"}, "") == kExitUsage);
  CHECK(drill_line().parse({"x.yaml", "y.yaml"}, "") == kExitUsage);
  CHECK(drill_line().parse({"x.yaml", "--level"}, "") == kExitUsage);
  CommandLine none = drill_line();
  REQUIRE_FALSE(none.parse({}, "").has_value());
  CHECK(none.scenario(path) == kExitUsage);
  CHECK(none.out_dir("fallback") == "fallback");
  CHECK_FALSE(none.quiet());
}

TEST_CASE("CommandLine: --help stops with exit code 0") {
  CHECK(drill_line().parse({"--help"}, "about\n") == kExitOk);
  CHECK(drill_line().parse({"x.yaml", "-h"}, "about\n") == kExitOk);
}

TEST_CASE("CommandLine: --format keeps known names once, in the order given") {
  std::vector<std::string> formats{"json", "md"};
  CommandLine without = drill_line();
  REQUIRE_FALSE(without.parse({"x.yaml"}, "").has_value());
  CHECK_FALSE(without.formats(formats, {"json", "md", "html"}, false).has_value());
  CHECK(formats == std::vector<std::string>{"json", "md"});  // untouched without --format

  CommandLine line = drill_line();
  REQUIRE_FALSE(line.parse({"x.yaml", "--format", "html,json,html,"}, "").has_value());
  CHECK_FALSE(line.formats(formats, {"json", "md", "html"}, false).has_value());
  CHECK(formats == std::vector<std::string>{"html", "json"});

  for (const char* bad : {"pdf", "json,,md", ",json", "", ",", "JSON"}) {
    CAPTURE(bad);
    CommandLine l = drill_line();
    REQUIRE_FALSE(l.parse({"x.yaml", "--format", bad}, "").has_value());
    CHECK(l.formats(formats, {"json", "md", "html"}, false) == kExitUsage);
  }
  // With skip_empty, empty names between commas are passed over; none at all is still refused.
  CommandLine skipping = drill_line();
  REQUIRE_FALSE(skipping.parse({"x.yaml", "--format", ",md,,json"}, "").has_value());
  CHECK_FALSE(skipping.formats(formats, {"json", "md", "html"}, true).has_value());
  CHECK(formats == std::vector<std::string>{"md", "json"});
  CommandLine empty = drill_line();
  REQUIRE_FALSE(empty.parse({"x.yaml", "--format", ",,"}, "").has_value());
  CHECK(empty.formats(formats, {"json", "md", "html"}, true) == kExitUsage);
}

TEST_CASE(
    "CommandLine without SCENARIO arguments passes stray words over, as list and connect do") {
  CommandLine line("plain", "usage: syncdrill plain\n\noptions");
  CHECK_FALSE(line.parse({"stray"}, "").has_value());
  CommandLine many("many", "usage: syncdrill many SCENARIO...\n\noptions");
  many.take_scenarios(-1);
  REQUIRE_FALSE(many.parse({"a.yaml", "b.yaml"}, "").has_value());
  CHECK(many.get<std::vector<std::string>>("scenario") ==
        std::vector<std::string>{"a.yaml", "b.yaml"});
}

}  // namespace
}  // namespace syncdrill
