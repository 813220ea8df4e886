// Shards of compare and sweep as a user runs them: N separate processes of syncdrill, each with
// --shard K/N (or --shard auto and the engine's environment), joined by `syncdrill merge` into
// the same bytes as one process writes; an empty shard; the environment's rules.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "app/shard.hpp"
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

// The engines' variables unset, so that a CI job's own (GitLab's CI_NODE_INDEX) cannot leak in.
const char* kCleanEnv =
    "env -u JOB_COMPLETION_INDEX -u SYNCDRILL_SHARDS -u CI_NODE_INDEX -u CI_NODE_TOTAL "
    "-u SLURM_ARRAY_TASK_ID -u SLURM_ARRAY_TASK_MIN -u SLURM_ARRAY_TASK_COUNT";

CliRun run_with_env(const Scratch& s, const std::string& env, const std::string& args) {
  return s.shell(fmt::format("{} {} NO_COLOR=1 '{}' {}", kCleanEnv, env, SYNCDRILL_BINARY, args));
}

const char* const kReports[] = {"compare.json", "compare.md", "compare.html"};

// Runs `args` in one process into `one`, then as `shards` processes into `parts` (one after the
// other, or `at_once`) merged into `one` again: every report and the terminal table must come
// out the same.
void check_merge_equals_one_process(const Scratch& s, const std::string& args, int shards,
                                    bool at_once) {
  const CliRun one = s.run(args + " --out one --jobs 2");
  REQUIRE(one.exit_code == 0);
  std::map<std::string, std::string> expected;
  for (const char* file : kReports) {
    expected[file] = read_file(s / (std::string("one/") + file));
    CHECK(expected[file].size() > 500);
  }
  if (at_once) {
    // All at once, into one folder, as an array's jobs on a shared volume would: each process
    // stages its own temporary file. The shell fails when any of them does.
    std::string script = "set -e";
    for (int k = 1; k <= shards; ++k) {
      script += fmt::format("; '{}' {} --out parts --shard {}/{} --quiet & p{}=$!",
                            SYNCDRILL_BINARY, args, k, shards, k);
    }
    for (int k = 1; k <= shards; ++k)
      script += fmt::format("; wait $p{}", k);
    const CliRun all = s.shell(fmt::format("{{ {}; }}", script));
    REQUIRE_MESSAGE(all.exit_code == 0, all.err);
  }
  for (int k = 1; k <= shards && !at_once; ++k) {
    // --jobs differs between shards: results do not depend on it.
    const CliRun part =
        s.run(fmt::format("{} --out parts --shard {}/{} --jobs {}", args, k, shards, k % 2 + 1));
    REQUIRE(part.exit_code == 0);
    CHECK(part.out.find(fmt::format("shard {} of {}", k, shards)) != std::string::npos);
  }
  for (int k = 1; k <= shards; ++k)
    CHECK(fs::exists(s / fmt::format("parts/shard-{}-of-{}.json", k, shards)));
  // A shard writes no report of its own.
  CHECK_FALSE(fs::exists(s / "parts/compare.json"));
  fs::remove_all(s / "one");
  std::string files;
  for (int k = shards; k >= 1; --k)  // the order given does not matter
    files += fmt::format(" parts/shard-{}-of-{}.json", k, shards);
  const CliRun merged = s.run("merge" + files + " --out one");
  REQUIRE(merged.exit_code == 0);
  CHECK(merged.err.empty());
  CHECK(merged.out == one.out);
  for (const char* file : kReports) {
    CAPTURE(file);
    CHECK(read_file(s / (std::string("one/") + file)) == expected[file]);
  }
  // A folder stands for its shard files.
  const CliRun folder = s.run("merge parts --out again --quiet");
  REQUIRE(folder.exit_code == 0);
  CHECK(folder.out.empty());
  CHECK(read_file(s / "again/compare.json") == expected["compare.json"]);
}

TEST_CASE("a compare in 3 shards, each its own process, merges into the one-process bytes") {
  Scratch s("shard-compare");
  write_shard_policies(s);
  check_merge_equals_one_process(s, shard_compare(3), 3, false);
}

TEST_CASE("a sweep in 3 shards, 3 processes at once, merges into the one-process bytes") {
  Scratch s("shard-sweep");
  check_merge_equals_one_process(
      s,
      fmt::format("sweep '{}' --grid retry.max_attempts=1,3 --grid retry.backoff=none,full_jitter "
                  "--seeds 2",
                  kShardDrill),
      3, true);
}

TEST_CASE("a sweep of a scenario key ranked on an objective, in 3 shards, merges the same") {
  Scratch s("shard-ranked");
  check_merge_equals_one_process(
      s,
      fmt::format("sweep '{}' --grid 'monitors[ingest-backlog].above=20,100,1000' --seeds 2 "
                  "--rank-by mttd_s --require false_positives=0",
                  testing::source_path("tests/scenarios/valid/threshold-drill.yaml")),
      3, false);
  // The ranking options travel in the shard files: the merged files rank on the objective.
  CHECK(read_file(s / "one/compare.json").find("\"rank_by\"") != std::string::npos);
}

TEST_CASE("more shards than runs: the empty shards write files with no runs, and merge") {
  Scratch s("shard-empty");
  write_shard_policies(s);
  const std::string args = shard_compare(2);
  REQUIRE(s.run(args + " --out one --format json --quiet").exit_code == 0);
  for (int k = 1; k <= 6; ++k)
    REQUIRE(s.run(fmt::format("{} --out parts --shard {}/6 --quiet", args, k)).exit_code == 0);
  const CliRun empty = s.run(args + " --out parts --shard 6/6");
  CHECK(empty.out.find("shard 6 of 6: 0 of 4 runs") != std::string::npos);
  CHECK(read_file(s / "parts/shard-6-of-6.json").find("\"runs\":[]") != std::string::npos);
  REQUIRE(s.run("merge parts --out merged --format json").exit_code == 0);
  CHECK(read_file(s / "merged/compare.json") == read_file(s / "one/compare.json"));
  CHECK_FALSE(fs::exists(s / "merged/compare.md"));
}

TEST_CASE("a shard that cannot write its file exits 3 and leaves no part of it") {
  Scratch s("shard-unwritable");
  write_shard_policies(s);
  fs::create_directories(s / "out/shard-1-of-2.json");  // a folder where the file must go
  const CliRun r = s.run(shard_compare(2) + " --out out --shard 1/2");
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("shard-1-of-2.json") != std::string::npos);
  CHECK(r.out.empty());
  size_t entries = 0;
  for (const auto& entry : fs::directory_iterator(s / "out")) {
    CAPTURE(entry.path());
    ++entries;
  }
  CHECK(entries == 1);  // the folder in the way, and no temporary file beside it
}

TEST_CASE("--shard auto takes the shard from the engine's environment, and the flag wins") {
  Scratch s("shard-env");
  write_shard_policies(s);
  const std::string args = shard_compare(2) + " --quiet";
  struct Case {
    const char* env;
    const char* file;  // the shard it must write
  };
  for (const Case& c : {
           Case{"JOB_COMPLETION_INDEX=0 SYNCDRILL_SHARDS=2", "k8s/shard-1-of-2.json"},
           Case{"CI_NODE_INDEX=2 CI_NODE_TOTAL=3", "gitlab/shard-2-of-3.json"},
           Case{"SLURM_ARRAY_TASK_ID=11 SLURM_ARRAY_TASK_MIN=10 SLURM_ARRAY_TASK_COUNT=3",
                "slurm/shard-2-of-3.json"},
           // First match wins: Kubernetes before GitLab before Slurm.
           Case{"JOB_COMPLETION_INDEX=2 SYNCDRILL_SHARDS=4 CI_NODE_INDEX=1 CI_NODE_TOTAL=2 "
                "SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_COUNT=5",
                "first/shard-3-of-4.json"},
       }) {
    CAPTURE(c.env);
    const std::string dir = fs::path(c.file).parent_path().string();
    const CliRun r = run_with_env(s, c.env, fmt::format("{} --out {} --shard auto", args, dir));
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(fs::exists(s / c.file));
  }
  // The flag wins over the environment.
  CHECK(run_with_env(s, "CI_NODE_INDEX=2 CI_NODE_TOTAL=3", args + " --out flag --shard 1/2")
            .exit_code == 0);
  CHECK(fs::exists(s / "flag/shard-1-of-2.json"));
  CHECK_FALSE(fs::exists(s / "flag/shard-2-of-3.json"));
  // Without --shard auto the environment does not split a compare.
  CHECK(run_with_env(s, "CI_NODE_INDEX=2 CI_NODE_TOTAL=3", args + " --out whole").exit_code == 0);
  CHECK(fs::exists(s / "whole/compare.json"));
  CHECK_FALSE(fs::exists(s / "whole/shard-2-of-3.json"));
}

TEST_CASE("a bad --shard, or an environment that does not say the shard, exits 2 before running") {
  Scratch s("shard-bad");
  write_shard_policies(s);
  const std::string args = shard_compare(2) + " --out out";
  struct Case {
    const char* env;
    const char* flag;
    const char* error;  // the start of the message
  };
  for (const Case& c : {
           Case{"", "0/3", "--shard 0/3: the shard must be 1 to 3 (shards count from 1), not 0"},
           Case{"", "4/3", "--shard 4/3: the shard must be 1 to 3"},
           Case{"", "1/0", "--shard 1/0: the number of shards must be 1 to 100000, not 0"},
           Case{"", "x/y", "--shard takes K/N (shard K of N, whole numbers"},
           Case{"", "3", "--shard takes K/N"},
           Case{"", "-1/3", "--shard takes K/N"},
           Case{"", "99999999999999999999/3", "--shard takes K/N"},
           Case{"", "1/100001", "--shard 1/100001: the number of shards must be 1 to 100000"},
           Case{"", "auto", "--shard auto: none of JOB_COMPLETION_INDEX"},
           Case{"JOB_COMPLETION_INDEX=1", "auto",
                "--shard auto: JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but "
                "SYNCDRILL_SHARDS is not"},
           Case{"JOB_COMPLETION_INDEX=3 SYNCDRILL_SHARDS=3", "auto",
                "--shard auto: JOB_COMPLETION_INDEX=3 (shard 4) with SYNCDRILL_SHARDS=3: the "
                "shard must be 1 to 3"},
           Case{"JOB_COMPLETION_INDEX=-1 SYNCDRILL_SHARDS=3", "auto",
                "--shard auto: JOB_COMPLETION_INDEX must be a whole number, not '-1'"},
           Case{"JOB_COMPLETION_INDEX=100000 SYNCDRILL_SHARDS=3", "auto",
                "--shard auto: JOB_COMPLETION_INDEX must be below 100000, not 100000"},
           Case{"JOB_COMPLETION_INDEX=1 SYNCDRILL_SHARDS=0x3", "auto",
                "--shard auto: SYNCDRILL_SHARDS must be a whole number, not '0x3'"},
           Case{"CI_NODE_INDEX=2", "auto", "--shard auto: CI_NODE_INDEX is set but CI_NODE_TOTAL"},
           Case{"CI_NODE_INDEX=2 CI_NODE_TOTAL=two", "auto",
                "--shard auto: CI_NODE_TOTAL must be a whole number, not 'two'"},
           Case{"CI_NODE_INDEX=0 CI_NODE_TOTAL=2", "auto", "--shard auto: CI_NODE_INDEX=0"},
           Case{"SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=1", "auto",
                "--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not"},
           Case{"SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_COUNT=3", "auto",
                "--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_MIN is not"},
           // An array with a step (--array=0-8:4): ids 0, 4, 8 are no shards 1..3.
           Case{"SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_COUNT=3", "auto",
                "--shard auto: SLURM_ARRAY_TASK_ID=4 with SLURM_ARRAY_TASK_MIN=0 and "
                "SLURM_ARRAY_TASK_COUNT=3 (an array needs consecutive ids, no step)"},
       }) {
    CAPTURE(c.env);
    CAPTURE(c.flag);
    const CliRun r = run_with_env(s, c.env, fmt::format("{} --shard='{}'", args, c.flag));
    CHECK(r.exit_code == 2);
    CHECK(r.err.rfind(fmt::format("syncdrill: error: {}", c.error), 0) == 0);
    CHECK_FALSE(fs::exists(s / "out"));
  }
  const CliRun format = s.run(args + " --shard 1/2 --format json");
  CHECK(format.exit_code == 2);
  CHECK(format.err.find("--format is for 'syncdrill merge'") != std::string::npos);
  CHECK_FALSE(fs::exists(s / "out"));
}

TEST_CASE("read_shard: the environment's rules, one engine at a time") {
  auto env_of = [](std::map<std::string, std::string> vars) -> Environment {
    return [vars](const char* name) -> std::optional<std::string> {
      const auto found = vars.find(name);
      if (found == vars.end()) return std::nullopt;
      return found->second;
    };
  };
  const ShardChoice flag = read_shard("2/5", env_of({{"CI_NODE_INDEX", "1"}}));
  REQUIRE(flag.shard);
  CHECK(flag.shard->index == 2);
  CHECK(flag.shard->count == 5);
  CHECK(flag.source == "--shard");
  const ShardChoice k8s = read_shard(
      "auto", env_of({{"JOB_COMPLETION_INDEX", "99999"}, {"SYNCDRILL_SHARDS", "100000"}}));
  REQUIRE(k8s.shard);
  CHECK(k8s.shard->index == 100000);
  CHECK(k8s.source == "JOB_COMPLETION_INDEX");
  const ShardChoice slurm = read_shard("auto", env_of({{"SLURM_ARRAY_TASK_ID", "104"},
                                                       {"SLURM_ARRAY_TASK_MIN", "100"},
                                                       {"SLURM_ARRAY_TASK_COUNT", "5"}}));
  REQUIRE(slurm.shard);
  CHECK(slurm.shard->index == 5);
  CHECK(slurm.shard->count == 5);
  CHECK_FALSE(read_shard("auto", env_of({{"SLURM_ARRAY_TASK_ID", "99"},
                                         {"SLURM_ARRAY_TASK_MIN", "100"},
                                         {"SLURM_ARRAY_TASK_COUNT", "5"}}))
                  .shard);
}

TEST_CASE("shards deal the runs round-robin: every run in exactly one shard, sizes within one") {
  for (uint64_t count : {1, 2, 3, 7, 40}) {
    for (size_t runs : {0, 1, 5, 6, 39, 40, 41}) {
      CAPTURE(count);
      CAPTURE(runs);
      std::vector<int> owners(runs, 0);
      size_t smallest = SIZE_MAX, largest = 0;
      for (uint64_t k = 1; k <= count; ++k) {
        const Shard shard{k, count};
        size_t held = 0;
        for (size_t r = 0; r < runs; ++r) {
          if (shard.holds(r)) {
            ++owners[r];
            ++held;
          }
        }
        CHECK(held == shard.runs_of(runs));
        smallest = std::min(smallest, held);
        largest = std::max(largest, held);
      }
      for (int o : owners)
        CHECK(o == 1);
      CHECK(largest - smallest <= 1);
    }
  }
  CHECK(Shard{2, 3}.file_name() == "shard-2-of-3.json");
  CHECK(shard_of_file_name("shard-2-of-3.json")->index == 2);
  CHECK_FALSE(shard_of_file_name("shard-2-of-3.json.tmp.12"));
  CHECK_FALSE(shard_of_file_name("shard-x-of-3.json"));
}

}  // namespace
}  // namespace syncdrill
