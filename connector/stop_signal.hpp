// StopSignal: lets stop() cut the connector's waits short.
//
// Workers sleep between retries; when stop() runs out of its deadline it aborts, and every sleep
// (present or future) returns at once so the threads can be joined. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace syncdrill {

class StopSignal {
 public:
  // Sleeps for `wall`; false when aborted (before or during the sleep).
  bool sleep_for(std::chrono::microseconds wall) {
    std::unique_lock lock(mutex_);
    return !cv_.wait_for(lock, wall, [this] { return aborted_; });
  }
  void abort() {
    {
      std::lock_guard lock(mutex_);
      aborted_ = true;
    }
    cv_.notify_all();
  }
  bool aborted() const {
    std::lock_guard lock(mutex_);
    return aborted_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool aborted_ = false;
};

}  // namespace syncdrill
