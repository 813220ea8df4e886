// The shipped ways of running a sharded compare on real engines (docs/scale-out.md): the
// Kubernetes manifests of deploy/kubernetes/ and the GitHub Actions, GitLab CI and Slurm examples
// of examples/scale-out/. Each reader parses its files under a source tree (the repository, or a
// scratch copy a test has broken on purpose), lists what its engine would lack for the split and
// the merge, and returns the commands as a test runs them.
#pragma once

#include <fnmatch.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "tests/app/cli_run.hpp"
#include "tests/app/pipeline_text.hpp"

namespace syncdrill::testing::deploy {

// What a reader found wrong, one message each. A file that cannot be read on (malformed YAML, a
// missing job) stops the reader with Problems::Fatal, caught by read().
struct Problems {
  struct Fatal {
    std::string message;
  };
  std::vector<std::string> list;
  void expect(bool ok, const std::string& message) {
    if (!ok) list.push_back(message);
  }
  void require(bool ok, const std::string& message) {
    if (!ok) throw Fatal{message};
  }
  bool mention(const std::string& part) const {
    for (const std::string& m : list) {
      if (m.find(part) != std::string::npos) return true;
    }
    return false;
  }
  std::string text() const {
    std::string out;
    for (const std::string& m : list)
      out += "\n  " + m;
    return out;
  }
};

// One engine's sharded compare: how shard K of N is started and how the merge is.
struct ShardedCompare {
  std::string engine;
  int shards = 0;  // N
  // The `syncdrill compare|sweep ...` line of shard K, as the engine runs it (GitHub's
  // expressions substituted), and the environment the engine gives that shard.
  std::vector<std::string> shard_command;  // one per K, index K-1
  std::vector<std::map<std::string, std::string>> shard_env;
  std::string merge_command;
  // Where a shard writes its file and where the merge reads it, as written in the files (the
  // same folder, or a volume mounted at the same path; the test checks the files are carried).
  std::string shard_out;
  std::string merge_in;
  // Kubernetes: the path the shared volume is mounted at in every Pod ("" elsewhere: each job
  // has its own folder, and the engine carries the files).
  std::string volume;
};

inline std::vector<std::string> words(const std::string& command) {
  std::istringstream in(command);
  std::vector<std::string> out;
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

inline std::string joined(const std::vector<std::string>& w) {
  std::string out;
  for (const std::string& s : w)
    out += (out.empty() ? "" : " ") + s;
  return out;
}

// The value of `--flag V` or `--flag=V`; nullopt when absent.
inline std::optional<std::string> flag(const std::string& command, const std::string& name) {
  const std::vector<std::string> w = words(command);
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i] == name && i + 1 < w.size()) return w[i + 1];
    if (w[i].starts_with(name + "=")) return w[i].substr(name.size() + 1);
  }
  return std::nullopt;
}

// What must be the same in every shard and every engine: the command without the shard
// selection, the output folder, the parallelism (results do not depend on it) and --quiet.
inline std::string contract(const std::string& command) {
  const std::vector<std::string> w = words(command);
  std::vector<std::string> kept;
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i] == "--shard" || w[i] == "--out" || w[i] == "--jobs" || w[i] == "-j") {
      ++i;
      continue;
    }
    if (w[i].starts_with("--shard=") || w[i].starts_with("--out=") || w[i].starts_with("--jobs=") ||
        w[i] == "--quiet" || w[i] == "-q")
      continue;
    kept.push_back(w[i]);
  }
  return joined(kept);
}

inline std::string without_slash(std::string dir) {
  while (dir.size() > 1 && dir.ends_with("/"))
    dir.pop_back();
  return dir;
}

// The file shard K of N writes into DIR (docs/scale-out.md, The shard rule).
inline std::string shard_file(const std::string& dir, int k, int n) {
  return without_slash(dir) + "/shard-" + std::to_string(k) + "-of-" + std::to_string(n) + ".json";
}

// The merge's folder argument: `syncdrill merge DIR ...`.
inline std::string merge_input(const std::string& command) {
  const std::vector<std::string> w = words(command);
  return w.size() > 2 && w[1] == "merge" && !w[2].starts_with("-") ? without_slash(w[2]) : "";
}

// An artifacts path (a file, a folder or a glob) that takes `file` along.
inline bool path_covers(const std::string& path, const std::string& file) {
  const std::string dir = without_slash(path);
  return path == file || file.starts_with(dir + "/") ||
         ::fnmatch(path.c_str(), file.c_str(), FNM_PATHNAME) == 0;
}

// Kubernetes quantities as the manifests write them: 256Mi, 1Gi, 500M, 1024.
inline uint64_t quantity_bytes(const std::string& q, Problems& p) {
  size_t used = 0;
  p.require(!q.empty() && q[0] >= '0' && q[0] <= '9', "not a quantity: '" + q + "'");
  const uint64_t n = std::stoull(q, &used);
  const std::string unit = q.substr(used);
  const std::map<std::string, uint64_t> units{
      {"", 1},     {"Ki", 1ULL << 10}, {"Mi", 1ULL << 20}, {"Gi", 1ULL << 30},
      {"k", 1000}, {"M", 1000000},     {"G", 1000000000}};
  p.require(units.count(unit) == 1, "unknown quantity unit in " + q);
  return n * units.at(unit);
}

// n[k1][k2]...: an undefined node (false) when a key on the way is missing (yaml-cpp throws on a
// lookup in a missing node).
inline YAML::Node dig(const YAML::Node& n, std::initializer_list<const char*> keys) {
  YAML::Node at;
  at.reset(n);
  for (const char* key : keys) {
    if (!at || !at.IsMap() || !at[key]) return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node next = at[key];
    at.reset(next);
  }
  return at;
}

// The words of a container's command and args.
inline std::string container_command(const YAML::Node& container) {
  std::vector<std::string> w;
  for (const char* key : {"command", "args"}) {
    if (container[key]) {
      for (const YAML::Node& item : container[key])
        w.push_back(item.as<std::string>());
    }
  }
  return joined(w);
}

using Reader = ShardedCompare (*)(const std::filesystem::path& root, Problems& p);
ShardedCompare read_kubernetes(const std::filesystem::path& root, Problems& p);
ShardedCompare read_github(const std::filesystem::path& root, Problems& p);
ShardedCompare read_gitlab(const std::filesystem::path& root, Problems& p);
ShardedCompare read_slurm(const std::filesystem::path& root, Problems& p);

// A reader run to its end or to its first fatal problem (YAML errors included).
inline ShardedCompare read(Reader reader, const std::filesystem::path& root, Problems& p) {
  try {
    return reader(root, p);
  } catch (const Problems::Fatal& f) {
    p.list.push_back(f.message);
  } catch (const YAML::Exception& e) {
    p.list.push_back(std::string("YAML: ") + e.what());
  } catch (const std::exception& e) {
    p.list.push_back(std::string("error: ") + e.what());
  }
  return {};
}

inline const std::vector<std::pair<std::string, Reader>>& readers() {
  static const std::vector<std::pair<std::string, Reader>> all{{"Kubernetes", read_kubernetes},
                                                               {"GitHub Actions", read_github},
                                                               {"GitLab CI", read_gitlab},
                                                               {"Slurm", read_slurm}};
  return all;
}

// The files the readers read, relative to the source tree.
inline const std::vector<std::string>& shipped_files() {
  static const std::vector<std::string> all{"deploy/README.md",
                                            "deploy/kubernetes/shards-pvc.yaml",
                                            "deploy/kubernetes/shards-job.yaml",
                                            "deploy/kubernetes/merge-job.yaml",
                                            "examples/scale-out/github-actions.yml",
                                            "examples/scale-out/gitlab-ci.yml",
                                            "examples/scale-out/slurm-shards.sbatch",
                                            "examples/scale-out/slurm-merge.sbatch",
                                            "examples/scale-out/slurm-submit.sh"};
  return all;
}

}  // namespace syncdrill::testing::deploy
