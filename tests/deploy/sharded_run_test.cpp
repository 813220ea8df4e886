// The shipped sharded compares run here as their engines would run them: each shard a separate
// process in a folder of its own (its own machine), with the environment its engine gives it
// (JOB_COMPLETION_INDEX and SYNCDRILL_SHARDS, CI_NODE_INDEX and CI_NODE_TOTAL, SLURM_ARRAY_*,
// or GitHub's expressions substituted), its shard file carried to the merge as the engine
// carries it (a shared volume, artifacts, a shared folder), then the merge as written. The
// merged compare.json, compare.md and compare.html must equal one `syncdrill compare` of the
// same runs, byte for byte. The Slurm example also runs on a real one-node cluster:
// scripts/slurm-drill (`ctest -L slurm`).
#include <cctype>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "tests/deploy/scale_out.hpp"

namespace syncdrill::testing::deploy {
namespace {

namespace fs = std::filesystem;

// Every variable `--shard auto` reads: the test's own environment (a CI job of GitLab's
// `parallel:`, a Slurm allocation) must not reach a shard it runs.
const char* const kEngineVariables[] = {"JOB_COMPLETION_INDEX", "SYNCDRILL_SHARDS",
                                        "CI_NODE_INDEX",        "CI_NODE_TOTAL",
                                        "SLURM_ARRAY_TASK_ID",  "SLURM_ARRAY_TASK_MIN",
                                        "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_COUNT"};

std::string slug(const std::string& engine) {
  std::string out;
  for (const char c : engine)
    out += (c == ' ') ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// `command` run in `dir` with only `env` of the engines' variables, syncdrill on PATH.
CliRun run_as_engine(const Scratch& s, const fs::path& dir, const std::string& command,
                     const std::map<std::string, std::string>& env) {
  std::string prefix = fmt::format("cd '{}' && env", dir.string());
  for (const char* name : kEngineVariables)
    prefix += fmt::format(" -u {}", name);
  for (const auto& [name, value] : env)
    prefix += fmt::format(" {}='{}'", name, value);
  return s.shell(
      fmt::format("{} PATH='{}':\"$PATH\" NO_COLOR=1 {}", prefix, (s / "bin").string(), command));
}

// Kubernetes: the volume's mount path in the command becomes the scratch folder standing for
// the volume.
std::string on_volume(const std::string& command, const ShardedCompare& c, const fs::path& vol) {
  if (c.volume.empty()) return command;
  std::vector<std::string> w = words(command);
  for (std::string& word : w) {
    if (word == c.volume || word.starts_with(c.volume + "/"))
      word = vol.string() + word.substr(c.volume.size());
  }
  return joined(w);
}

// Runs one engine's shards and merge; returns the folder the merged reports are in.
fs::path run_engine(const Scratch& s, const ShardedCompare& c) {
  const fs::path home = s / slug(c.engine);
  const fs::path volume = home / "volume";
  const fs::path merger = home / "merge";
  fs::create_directories(volume);
  fs::create_directories(merger);
  for (int k = 1; k <= c.shards; ++k) {
    CAPTURE(k);
    const fs::path machine = home / fmt::format("shard-{}", k);
    fs::create_directories(machine);
    const std::string command = on_volume(c.shard_command[k - 1], c, volume);
    const CliRun r = run_as_engine(s, machine, command, c.shard_env[k - 1]);
    INFO(command, "\n", r.out, r.err);
    REQUIRE(r.exit_code == 0);
    const std::string file = shard_file(c.shard_out, k, c.shards);
    const fs::path written =
        c.volume.empty() ? machine / file : volume / fs::path(file).lexically_relative(c.volume);
    REQUIRE_MESSAGE(fs::exists(written), written.string());
    // The engine carries the file to the merge: the same path in the merge job's folder.
    if (c.volume.empty()) {
      const fs::path arrived = merger / c.merge_in / fs::path(file).filename();
      fs::create_directories(arrived.parent_path());
      fs::copy_file(written, arrived);
    }
  }
  const std::string merge = on_volume(c.merge_command, c, volume);
  const CliRun r = run_as_engine(s, merger, merge, {});
  INFO(merge, "\n", r.out, r.err);
  REQUIRE(r.exit_code == 0);
  const fs::path out(flag(merge, "--out").value_or("out"));
  return out.is_absolute() ? out : merger / out;
}

TEST_CASE("each engine's shards, run as separate processes and merged, equal one compare") {
  Scratch s("deploy-run");
  fs::create_directories(s / "bin");
  fs::create_symlink(SYNCDRILL_BINARY, s / "bin/syncdrill");
  std::vector<ShardedCompare> engines;
  for (const auto& [name, reader] : readers()) {
    Problems p;
    engines.push_back(read(reader, SYNCDRILL_SOURCE_DIR, p));
    REQUIRE_MESSAGE(p.list.empty(), name, ":", p.text());
  }
  // One process: the compare every engine runs (tests/deploy/scale_out_test.cpp checks they
  // agree), unsplit.
  const std::string one = contract(engines.front().shard_command.front()) + " --out reference";
  const CliRun reference = run_as_engine(s, s.dir(), one + " --quiet", {});
  INFO(one, "\n", reference.err);
  REQUIRE(reference.exit_code == 0);

  for (const ShardedCompare& c : engines) {
    CAPTURE(c.engine);
    const fs::path merged = run_engine(s, c);
    for (const char* file : {"compare.json", "compare.md", "compare.html"}) {
      CAPTURE(file);
      REQUIRE(fs::exists(merged / file));
      CHECK_MESSAGE(read_file(merged / file) == read_file(s / "reference" / file),
                    "the merge differs from one process");
    }
  }

  // A shard the engine lost (a GitLab job whose artifacts expired) is refused, naming it.
  const ShardedCompare& gitlab = engines[2];
  REQUIRE(gitlab.engine == "GitLab CI");
  const fs::path merger = s / slug(gitlab.engine) / "merge";
  fs::remove(merger / gitlab.merge_in / fs::path(shard_file(".", 2, gitlab.shards)).filename());
  const CliRun lost = run_as_engine(s, merger, gitlab.merge_command, {});
  INFO(lost.err);
  CHECK(lost.exit_code == 2);
  CHECK(lost.err.find("missing shard 2 of 3") != std::string::npos);
}

}  // namespace
}  // namespace syncdrill::testing::deploy
