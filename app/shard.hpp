// Shards of a compare or sweep: `--shard K/N` runs only shard K of N of the (variant, seed) runs,
// so N processes on N machines share one comparison and `syncdrill merge` joins their files
// (app/shard_file.hpp). The index can come from the engine that started the process
// (`--shard auto`): a Kubernetes Indexed Job, a GitLab `parallel:` job, a Slurm job array.
//
// The runs, in the order run_grid enumerates them (k = seed index * variants + variant), are
// dealt round-robin: run k belongs to shard k % N + 1. Deterministic and balanced (shard sizes
// differ by one run at most); a shard may be empty when N exceeds the runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace syncdrill {

// The most shards of one comparison: a sweep has at most 100 x 1,000 runs, and no engine here
// starts more than 100,000 jobs of one array (Kubernetes' Indexed Job limit is the same).
inline constexpr uint64_t kShardsMax = 100000;

struct Shard {
  uint64_t index = 1;  // K, 1-based
  uint64_t count = 1;  // N

  // Whether run k (grid order) belongs to this shard.
  bool holds(size_t run) const { return run % count + 1 == index; }
  // How many of `runs` runs (grid order 0..runs-1) belong to it.
  size_t runs_of(size_t runs) const;
  // "shard-2-of-3.json"
  std::string file_name() const;
};

// Reads an environment variable: its value, or nothing when it is unset or empty.
using Environment = std::function<std::optional<std::string>(const char* name)>;
Environment process_environment();

struct ShardChoice {
  std::optional<Shard> shard;  // set when `error` is empty
  std::string error;           // the message for exit 2, naming the flag or variable and value
  std::string source;          // where K and N came from: "--shard", "JOB_COMPLETION_INDEX", ...
};

// --shard's value: "K/N" (1 <= K <= N <= kShardsMax), or "auto": from the environment, first
// match wins (docs/compare.md, Shards):
//   JOB_COMPLETION_INDEX (0-based) with SYNCDRILL_SHARDS (required: a Pod does not see its Job's
//   completions); CI_NODE_INDEX with CI_NODE_TOTAL; SLURM_ARRAY_TASK_ID with
//   SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT.
ShardChoice read_shard(std::string_view value, const Environment& env);

// "shard-K-of-N.json" read back (K, N as read_shard takes them), or nothing.
std::optional<Shard> shard_of_file_name(std::string_view name);

}  // namespace syncdrill
