#include "app/compare_runner.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>

#include <fmt/format.h>

#include "app/parallel.hpp"
#include "sim/score/detection.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {

GridResult run_grid(const RunGrid& grid, unsigned jobs, const GridProgress& progress) {
  const size_t seeds = grid.seeds.size();
  const size_t runs = grid.variants.size() * seeds;
  const size_t total = grid.shard.runs_of(runs);  // this shard's runs: k = slot + task * N
  GridResult out;
  out.figures.assign(grid.variants.size(), std::vector<RunFigures>(seeds));
  std::vector<std::string> errors(runs);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex progress_mutex;
  size_t done = 0;

  const bool second_core = second_core_free(jobs, total);
  // Seed-major order: the slow variants of one seed do not all queue up at the end.
  auto worker = [&] {
    for (size_t task = next.fetch_add(1); task < total && !failed.load();
         task = next.fetch_add(1)) {
      const size_t k = (grid.shard.index - 1) + task * grid.shard.count;
      const size_t variant = k % grid.variants.size();
      const size_t seed = k / grid.variants.size();
      const Scenario& scenario = grid.variants[variant];
      try {
        const WorldResult result =
            run_world(scenario, grid.seeds[seed], std::nullopt, nullptr, second_core);
        if (!result.limit_message.empty()) {
          errors[k] =
              fmt::format("{}, seed {}: {}", variant < grid.names.size() ? grid.names[variant] : "",
                          grid.seeds[seed], result.limit_message);
          failed.store(true);
          continue;
        }
        out.figures[variant][seed] =
            measure_run(scenario, result, score_run(scenario, result), grid.connectors);
      } catch (...) {
        // Kept for the calling thread: an exception must not escape a worker (std::terminate).
        const std::lock_guard<std::mutex> lock(progress_mutex);
        if (!out.exception) out.exception = std::current_exception();
        failed.store(true);
        continue;
      }
      if (progress) {
        const std::lock_guard<std::mutex> lock(progress_mutex);
        progress(++done, total);
      }
    }
  };
  run_workers(jobs, total, worker);
  for (const std::string& e : errors) {
    if (!e.empty()) {
      out.error = e;  // the first in grid order, whichever thread met it first
      break;
    }
  }
  return out;
}

}  // namespace syncdrill
