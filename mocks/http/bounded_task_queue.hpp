// BoundedTaskQueue: cpp-httplib's task queue with a bound on waiting work.
//
// cpp-httplib hands each accepted connection to its task queue; the stock ThreadPool keeps an
// unbounded list, so a flood of connections grows memory without limit. Here at most
// `queue_max` connections wait; enqueue() then blocks the accept loop (the kernel's listen
// backlog holds further clients) until a worker frees a place or shutdown() begins. Work is never
// dropped: each task owns a socket that only running it closes.
//
// Thread-safe. REQUIRES: threads >= 1, queue_max >= 1.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <httplib.h>

namespace syncdrill {

class BoundedTaskQueue : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(size_t threads, size_t queue_max);
  ~BoundedTaskQueue() override;

  void enqueue(std::function<void()> fn) override;
  // Runs what is queued, then joins the workers. Idempotent.
  void shutdown() override;

  size_t waiting() const;
  // How long the oldest waiting task has waited; zero when none waits.
  std::chrono::steady_clock::duration oldest_wait() const;

 private:
  void work();

  const size_t queue_max_;
  mutable std::mutex mutex_;
  std::condition_variable has_work_;
  std::condition_variable has_room_;
  struct Task {
    std::chrono::steady_clock::time_point queued;
    std::function<void()> fn;
  };
  std::deque<Task> tasks_;
  bool shutting_down_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace syncdrill
