// BoundedTaskQueue: a fixed pool of workers over a bounded queue.
#include "mocks/http/bounded_task_queue.hpp"

#include "core/engine/check.hpp"

namespace syncdrill {

BoundedTaskQueue::BoundedTaskQueue(size_t threads, size_t queue_max) : queue_max_(queue_max) {
  SD_CHECK(threads >= 1 && queue_max >= 1, "a task queue needs a worker and a place");
  workers_.reserve(threads);
  for (size_t i = 0; i < threads; ++i)
    workers_.emplace_back([this] { work(); });
}

BoundedTaskQueue::~BoundedTaskQueue() {
  shutdown();
}

void BoundedTaskQueue::enqueue(std::function<void()> fn) {
  std::unique_lock lock(mutex_);
  // While shutting down the queue takes anything (the workers drain it before they exit), so the
  // accept loop is never left blocked.
  has_room_.wait(lock, [&] { return tasks_.size() < queue_max_ || shutting_down_; });
  tasks_.push_back(Task{std::chrono::steady_clock::now(), std::move(fn)});
  lock.unlock();
  has_work_.notify_one();
}

void BoundedTaskQueue::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (shutting_down_ && workers_.empty()) return;
    shutting_down_ = true;
  }
  has_work_.notify_all();
  has_room_.notify_all();
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
  std::lock_guard lock(mutex_);
  workers_.clear();
}

size_t BoundedTaskQueue::waiting() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

std::chrono::steady_clock::duration BoundedTaskQueue::oldest_wait() const {
  std::lock_guard lock(mutex_);
  if (tasks_.empty()) return {};
  return std::chrono::steady_clock::now() - tasks_.front().queued;
}

void BoundedTaskQueue::work() {
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock lock(mutex_);
      has_work_.wait(lock, [&] { return !tasks_.empty() || shutting_down_; });
      if (tasks_.empty()) return;  // shutting down and drained
      fn = std::move(tasks_.front().fn);
      tasks_.pop_front();
    }
    has_room_.notify_one();
    fn();
  }
}

}  // namespace syncdrill
