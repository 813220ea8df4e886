// The shipped sharded compares of docs/scale-out.md (deploy/kubernetes/, examples/scale-out/):
// each engine's files have what the split and the merge need there, the four engines run one
// compare split the same way, a file broken on purpose is caught, and the doc shows the files
// as they are.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/deploy/scale_out.hpp"

namespace syncdrill::testing::deploy {
namespace {

namespace fs = std::filesystem;

TEST_CASE("the shipped sharded compares have what their engines need") {
  for (const auto& [name, reader] : readers()) {
    Problems p;
    const ShardedCompare c = read(reader, SYNCDRILL_SOURCE_DIR, p);
    CHECK_MESSAGE(p.list.empty(), name, ":", p.text());
    CHECK(c.shards == 3);
    CHECK(c.shard_command.size() == static_cast<size_t>(c.shards));
  }
}

TEST_CASE("the four engines run one compare and merge what their shards write") {
  std::vector<ShardedCompare> all;
  for (const auto& [name, reader] : readers()) {
    Problems p;
    all.push_back(read(reader, SYNCDRILL_SOURCE_DIR, p));
    REQUIRE_MESSAGE(p.list.empty(), name, ":", p.text());
  }
  const std::string one = contract(all.front().shard_command.front());
  CHECK(one.starts_with("syncdrill compare "));
  for (const ShardedCompare& c : all) {
    CAPTURE(c.engine);
    CHECK(c.shards == all.front().shards);
    for (const std::string& command : c.shard_command)
      CHECK(contract(command) == one);
    CHECK(contract(c.merge_command).starts_with("syncdrill merge "));
  }
}

// A scratch copy of the shipped files with `from` replaced by `to` in `file`.
void break_copy(const Scratch& s, const std::string& file, const std::string& from,
                const std::string& to) {
  for (const std::string& rel : shipped_files()) {
    fs::create_directories((s / rel).parent_path());
    fs::copy_file(source_path(rel), s / rel, fs::copy_options::overwrite_existing);
  }
  std::string text = read_file(s / file);
  const size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, file, " has no '", from, "'");
  text.replace(at, from.size(), to);
  std::ofstream(s / file, std::ios::trunc) << text;
}

TEST_CASE("a sharded compare's files broken on purpose are caught, naming what is wrong") {
  struct Breakage {
    Reader reader;
    std::string file;
    std::string from;
    std::string to;
    std::string caught;  // part of the problem's message
  };
  const std::string k8s = "deploy/kubernetes/";
  const std::string ex = "examples/scale-out/";
  const std::vector<Breakage> cases{
      {read_kubernetes, k8s + "shards-job.yaml", "completions: 3", "completions: 4",
       "SYNCDRILL_SHARDS ('3') equals completions (4)"},
      {read_kubernetes, k8s + "shards-job.yaml", "completionMode: Indexed",
       "completionMode: NonIndexed", "completionMode Indexed"},
      {read_kubernetes, k8s + "shards-job.yaml", "            - auto", "            - 1/3",
       "--shard auto"},
      {read_kubernetes, k8s + "shards-job.yaml", "memory: 256Mi", "memory: 64Mi",
       "limit is at least the request"},
      {read_kubernetes, k8s + "shards-job.yaml", "memory: 256Mi", "memory: lots", "not a quantity"},
      {read_kubernetes, k8s + "merge-job.yaml", "mountPath: /shards", "mountPath: /data",
       "at the shards' path"},
      {read_kubernetes, k8s + "shards-pvc.yaml", "- ReadWriteMany", "- ReadWriteOnce",
       "ReadWriteMany"},
      {read_kubernetes, k8s + "shards-pvc.yaml", "  accessModes:\n", "  accessModes: [\n", "YAML"},
      {read_kubernetes, "deploy/README.md", "kubectl wait --for=condition=complete --timeout=1h",
       "sleep 60 #", "kubectl wait"},
      {read_github, ex + "github-actions.yml", "merge-multiple: true", "merge-multiple: false",
       "merge-multiple"},
      {read_github, ex + "github-actions.yml", "pattern: shard-*", "pattern: shards-*",
       "pattern 'shards-*'"},
      {read_github, ex + "github-actions.yml", "shard: [1, 2, 3]", "shard: [0, 1, 2]",
       "1..N in order"},
      {read_github, ex + "github-actions.yml", "path: shards/shard-", "path: out/shard-",
       "path keeps shards/shard-1-of-3.json"},
      {read_github, ex + "github-actions.yml", "needs: shard", "needs: build", "needs: shard"},
      {read_gitlab, ex + "gitlab-ci.yml", "--seeds 10 --shard auto", "--seeds 10", "--shard auto"},
      {read_gitlab, ex + "gitlab-ci.yml", "      - shards/\n", "      - merged/\n",
       "artifacts:paths keep shards/shard-2-of-3.json"},
      {read_gitlab, ex + "gitlab-ci.yml", "    - job: shard\n", "    - job: lint\n",
       "merges the shards"},
      {read_gitlab, ex + "gitlab-ci.yml", "      artifacts: true", "      artifacts: false",
       "the shards' artifacts"},
      {read_gitlab, ex + "gitlab-ci.yml", "  parallel: 3\n", "  parallel: 300\n", "2 to 200"},
      {read_slurm, ex + "slurm-submit.sh", "--dependency=afterok", "--dependency=afterany",
       "afterok"},
      {read_slurm, ex + "slurm-shards.sbatch", "#SBATCH --array=1-3", "#SBATCH --array=1-5:2",
       "stepped"},
      {read_slurm, ex + "slurm-shards.sbatch", "#SBATCH --array=1-3", "#SBATCH --array=1,3,4",
       "consecutive"},
      {read_slurm, ex + "slurm-shards.sbatch", "#SBATCH --array=1-3", "#SBATCH --array=3-1",
       "--array=3-1"},
      {read_slurm, ex + "slurm-merge.sbatch", "syncdrill merge shards", "syncdrill merge out",
       "merges out"},
  };
  for (const Breakage& b : cases) {
    CAPTURE(b.file);
    CAPTURE(b.to);
    Scratch s("deploy-broken");
    break_copy(s, b.file, b.from, b.to);
    Problems p;
    read(b.reader, s.dir(), p);
    CHECK_MESSAGE(p.mention(b.caught), "expected a problem with '", b.caught, "', got:", p.text());
  }
}

TEST_CASE("a sharded compare's changed seeds in one engine break the one contract") {
  Scratch s("deploy-seeds");
  break_copy(s, "examples/scale-out/gitlab-ci.yml", "--seeds 10", "--seeds 9");
  Problems p;
  const ShardedCompare gitlab = read(read_gitlab, s.dir(), p);
  const ShardedCompare slurm = read(read_slurm, s.dir(), p);
  REQUIRE(p.list.empty());
  CHECK(contract(gitlab.shard_command[0]) != contract(slurm.shard_command[0]));
}

// The fenced blocks of a Markdown file in the given languages: (first line number, lines).
std::vector<std::pair<int, std::vector<std::string>>> blocks(
    const std::string& text, const std::vector<std::string>& langs) {
  std::vector<std::pair<int, std::vector<std::string>>> out;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  bool inside = false;
  bool wanted = false;
  while (std::getline(lines, line)) {
    ++number;
    if (line.starts_with("```")) {
      if (!inside) {
        wanted = contains(langs, line.substr(3));
        if (wanted) out.push_back({number + 1, {}});
      }
      inside = !inside;
      continue;
    }
    if (inside && wanted) out.back().second.push_back(line);
  }
  return out;
}

// The lines that say something: neither blank nor a comment (an #SBATCH directive and a #!
// line do say something). The doc may leave the files' comments out.
std::vector<std::string> meaningful(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const std::string& l : lines) {
    const std::string t = trimmed(l);
    if (t.empty() || (t.starts_with("#") && !t.starts_with("#SBATCH") && !t.starts_with("#!")))
      continue;
    out.push_back(l);
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    out.push_back(l);
  return out;
}

bool runs_within(const std::vector<std::string>& part, const std::vector<std::string>& whole) {
  if (part.empty() || part.size() > whole.size()) return false;
  for (size_t at = 0; at + part.size() <= whole.size(); ++at) {
    if (std::equal(part.begin(), part.end(), whole.begin() + static_cast<std::ptrdiff_t>(at)))
      return true;
  }
  return false;
}

TEST_CASE("docs/scale-out.md shows the shipped files as they are") {
  const std::string doc = read_file(source_path("docs/scale-out.md"));
  std::vector<std::vector<std::string>> files;
  for (const std::string& rel : shipped_files()) {
    const bool named = doc.find(rel) != std::string::npos;
    CHECK_MESSAGE(named, "docs/scale-out.md names ", rel);
    files.push_back(meaningful(lines_of(read_file(source_path(rel)))));
  }
  // yaml and bash blocks are excerpts of the files (comments may be left out); sh blocks are
  // commands to type.
  const auto shown = blocks(doc, {"yaml", "bash"});
  CHECK(shown.size() >= 5);
  for (const auto& [line, block] : shown) {
    CAPTURE(line);
    const std::vector<std::string> said = meaningful(block);
    bool found = false;
    for (const std::vector<std::string>& file : files)
      found = found || runs_within(said, file);
    CHECK_MESSAGE(found, "docs/scale-out.md:", line, ": the block is in none of the shipped files");
  }
}

}  // namespace
}  // namespace syncdrill::testing::deploy
