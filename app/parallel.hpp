// The thread pool of compare, sweep and run with several drills: `worker` takes tasks from a
// shared counter until none are left, on as many threads as there are jobs and tasks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace syncdrill {

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
