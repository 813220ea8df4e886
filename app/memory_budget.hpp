// How many runs fit in memory at once: `run`, `compare` and `sweep` bound --jobs by the memory
// the machine (or its container) has free, divided by a run's estimated peak
// (estimated_run_bytes, core/scenario/estimate.hpp), and say so when that lowers --jobs. The
// results never depend on it: only how many runs share the machine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace syncdrill {

// "512MiB", "2GiB", "300M", "1.5G", "1000000" (bytes): binary units (K/KiB = 1024 ...); at
// least 1 MiB, at most 2^50 bytes; nothing when malformed.
std::optional<uint64_t> parse_memory_size(std::string_view text);
// 1536 MiB -> "1.5 GiB", 300 MiB -> "300 MiB".
std::string memory_size_text(double bytes);

// The memory free for runs and where the figure came from.
struct MemoryBudget {
  uint64_t bytes = 0;
  std::string source;  // "MemAvailable", "the cgroup's memory.max", "--max-memory"
};
// The smaller of /proc/meminfo's MemAvailable and the cgroup's limit less its usage (cgroup v2
// memory.max/memory.current, else v1 memory.limit_in_bytes/usage_in_bytes), less 10% headroom;
// nothing when neither can be read (the jobs are then not bounded).
std::optional<MemoryBudget> machine_memory_budget();

// The jobs to run: `requested`, lowered so that jobs x run_bytes fits `budget` (at least 1).
// `note` says why when it was lowered (empty otherwise), for stderr.
struct JobsFit {
  unsigned jobs = 1;
  std::string note;
};
JobsFit jobs_within_memory(unsigned requested, double run_bytes, std::string_view what,
                           const std::optional<MemoryBudget>& budget);

}  // namespace syncdrill
