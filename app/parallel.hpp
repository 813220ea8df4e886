// The thread pool of compare, sweep and run with several drills: `worker` takes tasks from a
// shared counter until none are left, on as many threads as there are jobs and tasks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace syncdrill {

// The machine's cores (std::thread::hardware_concurrency, 1 when it cannot tell).
inline unsigned machine_cores() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

// Whether runs on run_workers(jobs, tasks)'s threads leave each one a core for its draw-ahead
// thread (run_world's second_core): only then does that thread shorten a run instead of
// competing with another run for a core.
inline bool second_core_free(unsigned jobs, size_t tasks) {
  return std::max<size_t>(1, std::min<size_t>(jobs, tasks)) * 2 <= machine_cores();
}

// Runs `worker` on min(jobs, tasks) threads (at least 1; the calling thread is one of them) and
// returns when every one has returned. `worker` must not throw.
template <class Worker>
void run_workers(unsigned jobs, size_t tasks, const Worker& worker) {
  const auto threads = static_cast<unsigned>(std::max<size_t>(1, std::min<size_t>(jobs, tasks)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool)
    t.join();
}

}  // namespace syncdrill
