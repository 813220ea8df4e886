// The command line every command shares, end to end: a typo gets the flag or command meant, a
// seed is a whole number >= 0 everywhere, a word a command does not take is refused by name,
// every --help page names each option's value, and `run NAME` takes the names `list` prints.
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/app/cli_run.hpp"

namespace syncdrill::testing {
namespace {

namespace fs = std::filesystem;

const std::string kSmall = source_path("tests/scenarios/valid/small-drill.yaml");
const std::string kLive = source_path("tests/scenarios/valid/live-drill.yaml");
const char* const kCommands[] = {"run",   "validate", "list",  "compare",
                                 "sweep", "merge",    "serve", "connect"};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

TEST_CASE("an unknown flag is refused with the flag meant") {
  Scratch s("didyoumean");
  const CliRun r = s.run(fmt::format("run '{}' --sed 3 --out out", kSmall));
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "syncdrill: error: unrecognised option '--sed'; did you mean '--seed'? (see 'syncdrill "
        "run --help')\n");
  CHECK_FALSE(fs::exists(s / "out"));
  const CliRun compare = s.run(fmt::format("compare '{}' --polcy a --policy b", kSmall));
  CHECK(compare.exit_code == 2);
  CHECK(compare.err.find("did you mean '--policy'?") != std::string::npos);
  const CliRun connect = s.run("connect --traget http://127.0.0.1:9");
  CHECK(connect.exit_code == 2);
  CHECK(connect.err.find("did you mean '--target'?") != std::string::npos);
  const CliRun far = s.run(fmt::format("validate '{}' --everything", kSmall));
  CHECK(far.exit_code == 2);
  CHECK(far.err.find("did you mean") == std::string::npos);
}

TEST_CASE("a negative or malformed seed is refused by every command that takes --seed") {
  Scratch s("seeds");
  for (const char* bad : {"-3", "-0", "3.5", "1e3", "0x10", "banana", "18446744073709551616"}) {
    CAPTURE(bad);
    for (const std::string& command :
         {fmt::format("run '{}' --out out", kSmall),
          fmt::format("compare '{}' --policy a --policy b --out out", kSmall),
          fmt::format("sweep '{}' --grid retry.base=1s,2s --out out", kSmall),
          fmt::format("serve '{}' --listen 127.0.0.1:0 --out out", kLive)}) {
      CAPTURE(command);
      const CliRun r = s.run(fmt::format("{} --seed {}", command, bad));
      CHECK(r.exit_code == 2);
      CHECK(r.err.rfind("syncdrill: error: --seed takes a whole number from 0 to ", 0) == 0);
      CHECK(r.err.find(fmt::format("not '{}'", bad)) != std::string::npos);
      CHECK_FALSE(fs::exists(s / "out"));
    }
  }
  // --seed=-3 is the same flag written another way.
  const CliRun equals = s.run(fmt::format("run '{}' --seed=-3 --out out", kSmall));
  CHECK(equals.exit_code == 2);
  CHECK(equals.err ==
        "syncdrill: error: --seed takes a whole number from 0 to 18446744073709551615, not "
        "'-3'\n");
}

TEST_CASE("every command refuses a word it does not take, naming it") {
  Scratch s("stray");
  const auto refused = [&](const std::string& args, const std::string& message) {
    CAPTURE(args);
    const CliRun r = s.run(args);
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find(message) != std::string::npos, r.err);
    CHECK(r.out.empty());
  };
  refused("list extra", "unexpected argument 'extra': list takes no arguments");
  refused("list --dir . extra", "unexpected argument 'extra'");
  refused(fmt::format("compare '{}' '{}' --policy a --policy b", kSmall, kSmall),
          "compare takes one scenario");
  refused(fmt::format("sweep '{}' again --grid retry.base=1s,2s", kSmall),
          "unexpected argument 'again': sweep takes one scenario");
  refused(fmt::format("serve '{}' now", kLive), "unexpected argument 'now': serve takes one");
  refused("connect --target http://127.0.0.1:9 please",
          "unexpected argument 'please': connect takes no arguments");
}

TEST_CASE("every --help page gives each option a value name and unit, within 80 columns") {
  Scratch s("help-pages");
  for (const char* command : kCommands) {
    CAPTURE(command);
    const CliRun r = s.run(fmt::format("{} --help", command));
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.rfind(fmt::format("usage: syncdrill {}", command), 0) == 0);
    for (const std::string& line : lines_of(r.out)) {
      CAPTURE(line);
      // boost's placeholder for a value with no name.
      CHECK(line.find(" arg ") == std::string::npos);
      CHECK_FALSE(line.ends_with(" arg"));
      CHECK(line.find(" arg (") == std::string::npos);
      CHECK(line.size() <= 80);
    }
  }
  const CliRun run = s.run("run --help");
  for (const char* flag :
       {"--format LIST", "--quiet", "--progress", "--jobs J", "--seed N", "--events-max N"}) {
    CAPTURE(flag);
    // In the usage lines and in the options.
    const size_t options = run.out.find("\noptions");
    REQUIRE(options != std::string::npos);
    CHECK(run.out.find(fmt::format("[{}", flag)) < options);
    // "-j [ --jobs ] J" when the flag has a short form.
    const std::string f = flag;
    const size_t space = f.find(' ');
    const std::string with_short =
        space == std::string::npos ? f + " ]" : f.substr(0, space) + " ] " + f.substr(space + 1);
    CHECK((run.out.find(flag, options) != std::string::npos ||
           run.out.find(with_short, options) != std::string::npos));
  }
  // An environment variable's name is one word to copy, never split at the line's end.
  const CliRun connect = s.run("connect --help");
  CHECK(connect.out.find("SYNCDRILL_WEBHOOK_SECRET") != std::string::npos);
  const CliRun serve = s.run("serve --help");
  CHECK(serve.out.find("$SYNCDRILL_WEBHOOK_SECRET") != std::string::npos);
  CHECK(serve.out.find("$SYNCDRILL_DRILL_TOKEN") != std::string::npos);
}

TEST_CASE("run, validate and compare take every name list prints, and only those") {
  Scratch s("names");
  const std::string library = source_path("scenarios");
  const CliRun list = s.run(fmt::format("list --dir '{}'", library));
  REQUIRE(list.exit_code == 0);
  std::vector<std::string> names;
  for (const std::string& line : lines_of(list.out))
    names.push_back(line.substr(0, line.find(' ')));
  REQUIRE(names.size() >= 5);
  for (const std::string& name : names) {
    CAPTURE(name);
    const CliRun r = s.shell(fmt::format("SYNCDRILL_SCENARIO_DIR='{}' '{}' validate {}", library,
                                         SYNCDRILL_BINARY, name));
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind(fmt::format("ok: {}/", library), 0) == 0);
    CHECK(r.out.find(fmt::format("(scenario '{}')", name)) != std::string::npos);
  }
  // A name runs the library's drill: the report names its file, relative to its own folder.
  const std::string valid = source_path("tests/scenarios/valid");
  const CliRun run = s.shell(fmt::format(
      "SYNCDRILL_SCENARIO_DIR='{}' NO_COLOR=1 '{}' run small-drill --out out -q --format json",
      valid, SYNCDRILL_BINARY));
  CHECK(run.exit_code == 0);
  CHECK(read_file(s / "out/report.json").find(R"("path": "small-drill.yaml")") !=
        std::string::npos);
  // A name that is no drill: the nearest one, and where to look.
  const CliRun typo = s.shell(
      fmt::format("SYNCDRILL_SCENARIO_DIR='{}' '{}' run small-dril", valid, SYNCDRILL_BINARY));
  CHECK(typo.exit_code == 2);
  CHECK(typo.err == fmt::format("syncdrill: error: no scenario file or library drill named "
                                "'small-dril'; did you mean 'small-drill'? ('syncdrill list' "
                                "shows the drills of {})\n",
                                valid));
  // A file in the working folder wins over a library name; a path stays a path.
  fs::copy_file(kSmall, s / "small-drill");
  const CliRun file =
      s.shell(fmt::format("SYNCDRILL_SCENARIO_DIR=/nonexistent '{}' validate "
                          "small-drill",
                          SYNCDRILL_BINARY));
  CHECK(file.exit_code == 0);
  CHECK(file.out.rfind("ok: small-drill ", 0) == 0);
  const CliRun missing = s.run("validate ./missing.yaml");
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("library drill") == std::string::npos);
}

}  // namespace
}  // namespace syncdrill::testing
