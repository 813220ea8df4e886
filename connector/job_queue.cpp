#include "connector/job_queue.hpp"

#include <utility>

#include "core/engine/check.hpp"

namespace syncdrill {

JobQueue::JobQueue(size_t queue_max, std::optional<size_t> dedupe_capacity)
    : queue_max_(queue_max) {
  SD_CHECK(queue_max >= 1, "the job queue holds at least one job");
  if (dedupe_capacity) dedupe_.emplace(*dedupe_capacity);
}

JobQueue::Admit JobQueue::admit(uint64_t dedupe_key, OrderJob job) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return Admit::closed;
    if (dedupe_ && dedupe_->contains(dedupe_key)) return Admit::duplicate;
    if (jobs_.size() >= queue_max_) return Admit::full;
    if (dedupe_) dedupe_->seen_before(dedupe_key);
    jobs_.push_back(std::move(job));
  }
  changed_.notify_all();
  return Admit::accepted;
}

bool JobQueue::seen(uint64_t dedupe_key) {
  std::lock_guard lock(mutex_);
  return dedupe_ && dedupe_->contains(dedupe_key);
}

JobQueue::Admit JobQueue::push(OrderJob job) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return Admit::closed;
    if (jobs_.size() >= queue_max_) return Admit::full;
    jobs_.push_back(std::move(job));
  }
  changed_.notify_all();
  return Admit::accepted;
}

std::optional<OrderJob> JobQueue::pop() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return abandoned_ || closed_ || !jobs_.empty(); });
  if (abandoned_ || jobs_.empty()) return std::nullopt;
  OrderJob job = std::move(jobs_.front());
  jobs_.pop_front();
  ++in_progress_;
  return job;
}

void JobQueue::done() {
  {
    std::lock_guard lock(mutex_);
    SD_CHECK(in_progress_ > 0, "done() follows a pop() that returned a job");
    --in_progress_;
  }
  changed_.notify_all();
}

void JobQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

size_t JobQueue::abandon() {
  size_t dropped = 0;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    abandoned_ = true;
    dropped = jobs_.size();
    jobs_.clear();
  }
  changed_.notify_all();
  return dropped;
}

bool JobQueue::wait_idle_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return changed_.wait_until(lock, deadline, [this] { return jobs_.empty() && in_progress_ == 0; });
}

}  // namespace syncdrill
