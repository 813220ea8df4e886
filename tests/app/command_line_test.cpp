// The shared command-line reader (app/command_line.hpp), called directly; the commands' own
// messages are checked end to end in cli_test.cpp, compare_test.cpp and serve_test.cpp.
#include "app/command_line.hpp"

#include <iostream>
#include <sstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

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

// Runs `parse` with std::cerr captured: the exit code and the message.
struct Parsed {
  std::optional<int> stop;
  std::string err;
};
Parsed parse_capturing(CommandLine& line, const std::vector<std::string>& args) {
  std::ostringstream err;
  std::streambuf* old = std::cerr.rdbuf(err.rdbuf());
  Parsed p{line.parse(args, ""), ""};
  std::cerr.rdbuf(old);
  p.err = err.str();
  return p;
}

TEST_CASE("CommandLine refuses a word it does not take, naming it, with or without SCENARIO") {
  CommandLine plain("plain", "usage: syncdrill plain\n\noptions");
  const Parsed p = parse_capturing(plain, {"stray"});
  CHECK(p.stop == kExitUsage);
  CHECK(p.err ==
        "syncdrill: error: unexpected argument 'stray': plain takes no arguments (see "
        "'syncdrill plain --help')\n");
  CommandLine one = drill_line();
  const Parsed q = parse_capturing(one, {"x.yaml", "--level", "2", "y.yaml"});
  CHECK(q.stop == kExitUsage);
  CHECK(q.err.find("unexpected argument 'y.yaml': drill takes one scenario") != std::string::npos);
  CommandLine many("many", "usage: syncdrill many SCENARIO...\n\noptions");
  many.take_scenarios(-1);
  REQUIRE_FALSE(many.parse({"a.yaml", "b.yaml"}, "").has_value());
  CHECK(many.get<std::vector<std::string>>("scenario") ==
        std::vector<std::string>{"a.yaml", "b.yaml"});
  CommandLine helped("plain", "usage: syncdrill plain\n\noptions");
  std::ostringstream page;
  std::streambuf* old = std::cout.rdbuf(page.rdbuf());
  const std::optional<int> help = helped.parse({"stray", "--help"}, "");
  std::cout.rdbuf(old);
  CHECK(help == kExitOk);  // --help wins over a stray word
}

TEST_CASE("CommandLine: an unknown flag gets the nearest known one, a far one none") {
  CommandLine line = drill_line();
  const Parsed p = parse_capturing(line, {"x.yaml", "--levle", "3"});
  CHECK(p.stop == kExitUsage);
  CHECK(p.err ==
        "syncdrill: error: unrecognised option '--levle'; did you mean '--level'? (see "
        "'syncdrill drill --help')\n");
  CommandLine far = drill_line();
  const Parsed q = parse_capturing(far, {"x.yaml", "--temperature=3"});
  CHECK(q.stop == kExitUsage);
  CHECK(q.err.find("unrecognised option '--temperature=3'") != std::string::npos);
  CHECK(q.err.find("did you mean") == std::string::npos);
  CommandLine with_value = drill_line();
  CHECK(parse_capturing(with_value, {"x.yaml", "--outt=d"}).err.find("did you mean '--out'?") !=
        std::string::npos);
}

TEST_CASE("closest_name: a typo away, else nothing") {
  const std::vector<std::string> flags{"seed", "seeds", "out", "format", "quiet"};
  CHECK(closest_name("sed", flags) == "seed");
  CHECK(closest_name("seeds", flags) == "seeds");
  CHECK(closest_name("fromat", flags) == "format");  // two letters swapped: one edit
  CHECK(closest_name("qiuet", flags) == "quiet");
  CHECK(closest_name("ot", flags) == "out");
  CHECK(closest_name("x", flags).empty());  // one letter is no typo of anything
  CHECK(closest_name("banana", flags).empty());
  CHECK(closest_name("", flags).empty());
  CHECK(closest_name(std::string(100000, 's'), flags).empty());
  CHECK(closest_name("sed", {}).empty());
}

TEST_CASE("CommandLine::seed takes a whole number from 0 to its maximum, nothing else") {
  const auto seed_of = [](const std::string& text, uint64_t max) {
    CommandLine line("drill", "usage: syncdrill drill\n\noptions");
    line.add_seed("root seed");
    REQUIRE_FALSE(line.parse({"--seed", text}, "").has_value());
    std::optional<uint64_t> seed;
    std::ostringstream err;
    std::streambuf* old = std::cerr.rdbuf(err.rdbuf());
    const std::optional<int> stop = line.seed(seed, max);
    std::cerr.rdbuf(old);
    if (stop) {
      CHECK(*stop == kExitUsage);
      CHECK(err.str() == fmt::format("syncdrill: error: --seed takes a whole number from 0 to {}, "
                                     "not '{}'\n",
                                     max, text));
      CHECK_FALSE(seed.has_value());
    }
    return seed;
  };
  CHECK(seed_of("0", UINT64_MAX) == uint64_t{0});
  CHECK(seed_of("18446744073709551615", UINT64_MAX) == UINT64_MAX);
  CHECK(seed_of("990", 990) == uint64_t{990});
  for (const char* bad : {"-3", "-0", "+3", "3.0", "1e3", "", " 3", "0x1f", "991",
                          "18446744073709551616", "99999999999999999999999999"}) {
    CAPTURE(bad);
    CHECK_FALSE(seed_of(bad, 990).has_value());
  }
  CommandLine without("drill", "usage: syncdrill drill\n\noptions");
  without.add_seed("root seed");
  REQUIRE_FALSE(without.parse({}, "").has_value());
  std::optional<uint64_t> kept = 5;
  CHECK_FALSE(without.seed(kept).has_value());
  CHECK(kept == uint64_t{5});  // left as it was
}

TEST_CASE("CommandLine::progress: --progress forces it, --quiet or no terminal turns it off") {
  CommandLine forced("drill", "usage: syncdrill drill\n\noptions");
  forced.add_quiet("say nothing");
  forced.add_progress("show progress");
  REQUIRE_FALSE(forced.parse({"--progress", "-q"}, "").has_value());
  CHECK(forced.progress());
  CommandLine quiet("drill", "usage: syncdrill drill\n\noptions");
  quiet.add_quiet("say nothing");
  quiet.add_progress("show progress");
  REQUIRE_FALSE(quiet.parse({"-q"}, "").has_value());
  CHECK_FALSE(quiet.progress());
}

}  // namespace
}  // namespace syncdrill
