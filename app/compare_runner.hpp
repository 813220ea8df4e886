// Runs every variant of a scenario on every seed, on a pool of threads, for `compare` and
// `sweep`. Each (variant, seed) run writes only its own slot, and a run depends only on its
// scenario and seed, so the results are the same for any number of threads and any scheduling.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "app/shard.hpp"
#include "core/scenario/scenario.hpp"
#include "reports/comparison.hpp"

namespace syncdrill {

struct RunGrid {
  std::vector<Scenario> variants;       // one scenario per variant, its policy already swapped in
  std::vector<std::string> names;       // the variants' names, for messages
  std::vector<std::string> connectors;  // the compared connectors (RunFigures' calls)
  std::vector<uint64_t> seeds;
  // Only this shard's runs (app/shard.hpp: run k = seed index * variants + variant belongs to
  // shard k % N + 1); the others' figures are left empty. The default, 1 of 1, is every run.
  Shard shard;
};

struct GridResult {
  std::vector<std::vector<RunFigures>> figures;  // [variant][seed]
  std::string error;             // the first run that hit a limit (the grid is then not a result)
  std::exception_ptr exception;  // an exception a run threw (rethrown by the caller)
};

// Called after each finished run with (runs done, runs in all, of the grid's shard), from the
// thread that ran it, one call at a time.
using GridProgress = std::function<void(size_t done, size_t total)>;

// Runs the grid on `jobs` >= 1 threads (the calling thread is one of them).
GridResult run_grid(const RunGrid& grid, unsigned jobs, const GridProgress& progress = {});

}  // namespace syncdrill
