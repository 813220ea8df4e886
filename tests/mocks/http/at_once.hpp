// Test helper: `n` calls started together from `n` threads (each waits until all are ready),
// for requests that must overlap in time. Returns each call's result in order.
#pragma once

#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace syncdrill::testing {

template <class Result, class Call>
std::vector<Result> at_once(size_t n, Call call) {
  std::vector<Result> out(n);
  std::vector<std::thread> threads;
  std::atomic<size_t> ready{0};
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < n)
        std::this_thread::yield();
      out[i] = call();
    });
  }
  for (std::thread& t : threads)
    t.join();
  return out;
}

}  // namespace syncdrill::testing
