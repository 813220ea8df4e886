// syncdrill merge refuses shards that are not all of one run, and files that are no shard files
// (hostile input included): exit 2, the file and the reason, and nothing written.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "app/shard_file.hpp"
#include "tests/app/shard_fixture.hpp"

namespace syncdrill {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::kShardDrill;
using testing::read_file;
using testing::Scratch;
using testing::shard_compare;
using testing::write_shard_policies;

const std::string kCompare = shard_compare(2) + " --quiet";

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

// `text` with its first `from` replaced by `to` (which must be there).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// Merges `files` and expects a refusal whose message contains `reason`, with nothing written.
void check_refused(const Scratch& s, const std::string& files, const std::string& reason) {
  CAPTURE(files);
  const CliRun r = s.run(fmt::format("merge {} --out merged", files));
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("syncdrill: error: ", 0) == 0);
  CHECK_MESSAGE(r.err.find(reason) != std::string::npos, r.err);
  CHECK_FALSE(fs::exists(s / "merged"));
}

TEST_CASE("merge refuses shards of different runs: missing, repeated, another N, grid, scenario") {
  Scratch s("merge-refusals");
  write_shard_policies(s);
  for (int k = 1; k <= 3; ++k)
    REQUIRE(s.run(fmt::format("{} --out p --shard {}/3", kCompare, k)).exit_code == 0);
  REQUIRE(s.run(kCompare + " --out two --shard 1/2").exit_code == 0);
  // Another grid: the same scenario on other seeds, another policy, or swept.
  REQUIRE(s.run(kCompare + " --seed 40 --out seeds --shard 2/3").exit_code == 0);
  REQUIRE(s.run(fmt::format("compare '{}' --policy once --policy eager --policies policies.yaml "
                            "--seeds 2 --out policy --shard 2/3 --quiet",
                            kShardDrill))
              .exit_code == 0);
  // Another scenario: the same drill with one key changed.
  REQUIRE(s.run(kCompare + " --set seed=9 --seed 3 --out scenario --shard 2/3").exit_code == 0);
  REQUIRE(s.run("merge p --out fine --quiet").exit_code == 0);  // the set itself merges

  check_refused(s, "p/shard-1-of-3.json p/shard-3-of-3.json", "missing shard 2 of 3 (given: ");
  check_refused(s, "p/shard-1-of-3.json", "missing shards 2 and 3 of 3");
  check_refused(s,
                "p/shard-1-of-3.json p/shard-2-of-3.json p/shard-2-of-3.json p/shard-3-of-3.json",
                "p/shard-2-of-3.json: shard 2 of 3 is given twice (also p/shard-2-of-3.json)");
  check_refused(s, "p p/shard-3-of-3.json", "shard 3 of 3 is given twice");
  check_refused(s, "p/shard-1-of-3.json two/shard-1-of-2.json",
                "two/shard-1-of-2.json: shard 1 of 2, but p/shard-1-of-3.json is a shard of 3");
  check_refused(s, "p/shard-1-of-3.json seeds/shard-2-of-3.json p/shard-3-of-3.json",
                "seeds/shard-2-of-3.json: its seeds differs from p/shard-1-of-3.json's: the "
                "shards ran different grids");
  check_refused(s, "p/shard-1-of-3.json policy/shard-2-of-3.json p/shard-3-of-3.json",
                "policy/shard-2-of-3.json: its variants differs");
  check_refused(s, "p/shard-1-of-3.json scenario/shard-2-of-3.json p/shard-3-of-3.json",
                "differs from p/shard-1-of-3.json's sha256:");

  // Another version of syncdrill, or of the format: refused before the rest is read.
  const std::string shard2 = read_file(s / "p/shard-2-of-3.json");
  fs::create_directories(s / "edited");
  write(s / "edited/version.json",
        replaced(shard2, "\"syncdrill_version\":\"" SYNCDRILL_VERSION "\"",
                 "\"syncdrill_version\":\"0.0.1-other\""));
  check_refused(s, "p/shard-1-of-3.json edited/version.json p/shard-3-of-3.json",
                "edited/version.json: written by syncdrill 0.0.1-other, this is "
                "syncdrill " SYNCDRILL_VERSION);
  write(s / "edited/format.json", replaced(shard2, "\"format_version\":1", "\"format_version\":2"));
  check_refused(s, "edited/format.json", "shard format version 2; this syncdrill reads version 1");
  // A hash edited by hand (the header otherwise equal) is still another scenario.
  const std::string hash = "\"scenario_hash\":\"sha256:";
  write(s / "edited/hash.json", replaced(shard2, hash, hash + "00"));
  check_refused(s, "p/shard-1-of-3.json edited/hash.json p/shard-3-of-3.json",
                "edited/hash.json: scenario hash sha256:00");
}

TEST_CASE("merge refuses what is no shard file: malformed, truncated, huge, deep, mistyped") {
  Scratch s("merge-hostile");
  write_shard_policies(s);
  for (int k = 1; k <= 2; ++k)
    REQUIRE(s.run(fmt::format("{} --out p --shard {}/2", kCompare, k)).exit_code == 0);
  REQUIRE(s.run(kCompare + " --out whole").exit_code == 0);
  const std::string shard1 = read_file(s / "p/shard-1-of-2.json");
  fs::create_directories(s / "bad");
  auto refused = [&](const std::string& name, const std::string& text, const std::string& reason) {
    write(s / ("bad/" + name), text);
    check_refused(s, fmt::format("bad/{} p/shard-2-of-2.json", name),
                  fmt::format("bad/{}: {}", name, reason));
  };
  check_refused(s, "whole/compare.json p/shard-2-of-2.json",
                "whole/compare.json: not a shard file (it has no \"format\": \"syncdrill-shard\")");
  check_refused(s, "nothing.json p/shard-2-of-2.json", "nothing.json: no such file");
  check_refused(s, "whole", "whole: no shard-K-of-N.json file in this folder");
  refused("malformed.json", "{\n  \"format\": \"syncdrill-shard\",\n  oops\n}\n",
          "3:3: malformed JSON: syntax error while parsing object key");
  refused("truncated.json", shard1.substr(0, shard1.size() / 2),
          fmt::format("1:{}: malformed JSON: syntax error", shard1.size() / 2 + 1));
  refused("overflow.json", "{\"format\": \"syncdrill-shard\",\n \"x\": [1, 2e999]}",
          "2:11: malformed JSON: a number beyond a double (2e999)");
  refused("empty.json", "", "1:1: malformed JSON: syntax error while parsing value");
  refused("array.json", "[]", "not a shard file");
  refused("deep.json", std::string(100000, '[') + std::string(100000, ']'),
          "1:17: nested deeper than 16 levels");
  // Brackets inside strings do not count: this file reads, and differs from shard 2 in its notes.
  write(s / "bad/strings.json",
        replaced(shard1, "\"notes\":[]", "\"notes\":[\"" + std::string(100, '[') + "\\\"\"]"));
  check_refused(s, "bad/strings.json p/shard-2-of-2.json",
                "p/shard-2-of-2.json: its notes differs from bad/strings.json's");
  const fs::path huge = s / "bad/huge.json";
  write(huge, "{}");
  fs::resize_file(huge, kShardFileBytesMax + 1);  // sparse: no disk used
  check_refused(s, "bad/huge.json p/shard-2-of-2.json",
                fmt::format("bad/huge.json: {} bytes, larger than a shard file may be (256 MiB)",
                            kShardFileBytesMax + 1));
  check_refused(s, "/dev/zero p/shard-2-of-2.json", "/dev/zero: not a regular file");

  // The default folder is named after the scenario: a name from a file may not lead elsewhere.
  REQUIRE(s.run(kCompare + " --out whole1 --shard 1/1").exit_code == 0);
  write(s / "bad/escape.json",
        replaced(read_file(s / "whole1/shard-1-of-1.json"), "\"scenario_name\":\"breached-drill\"",
                 "\"scenario_name\":\"../../escape\""));
  const CliRun escape = s.run("merge bad/escape.json");
  CHECK(escape.exit_code == 2);
  CHECK(escape.err.find("the shards' scenario name '../../escape' makes no folder name; give "
                        "--out") != std::string::npos);
  CHECK_FALSE(fs::exists(s / "out"));
  CHECK(s.run("merge bad/escape.json --out named --format md --quiet").exit_code == 0);
  CHECK(fs::exists(s / "named/compare.md"));

  // Well-formed JSON that lies: every field is checked, and the runs against the header.
  refused("type.json", replaced(shard1, "\"calls\":", "\"calls\":\"lots\",\"x\":"),
          "malformed shard file: runs[0].figures.values.calls: expected a number");
  refused("missing-metric.json", replaced(shard1, "\"lost\":", "\"lots\":"),
          "malformed shard file: runs[0].figures.values.lost: missing");
  refused(
      "other-seed.json", replaced(shard1, "\"figures\":{\"seed\":3", "\"figures\":{\"seed\":4"),
      "malformed shard file: runs[0].figures.seed: 4 is not the header's seed 3 (seed index 0)");
  refused("other-shard.json", replaced(shard1, "\"variant\":0,", "\"variant\":1,"),
          "malformed shard file: runs[0]: run 1 (variant 1, seed index 0) is shard 2's, not shard "
          "1's");
  refused("out-of-grid.json", replaced(shard1, "\"variant\":0,", "\"variant\":7,"),
          "malformed shard file: runs[0].variant: expected a whole number from 0 to 1");
  refused("tiers.json", replaced(shard1, "\"tier_held\":[", "\"tier_held\":[true,"),
          "malformed shard file: runs[0].figures.tier_held: expected 2 entries, one per tier");
  refused("flow.json", replaced(shard1, "\"flow\":\"order_ingest\"", "\"flow\":\"teleport\""),
          "malformed shard file: runs[0].figures.breaches[0].check.flow: no flow 'teleport'");
  refused("no-runs.json", replaced(shard1, "\"runs\":[", "\"runs\":[],\"was\":["),
          "malformed shard file: runs: 0 runs, but shard 1 of 2 of a 4-run grid has 2");
  refused("shard.json", replaced(shard1, "\"index\":1,\"count\":2", "\"index\":0,\"count\":2"),
          "malformed shard file: shard: expected 1 <= index <= count <= 100000");
  refused("huge-count.json", replaced(shard1, "\"count\":2", "\"count\":18446744073709551615"),
          "malformed shard file: shard.count: expected a whole number from 0 to 100000");
}

}  // namespace
}  // namespace syncdrill
