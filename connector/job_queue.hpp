// JobQueue: accepted order events waiting for a worker, with the webhook dedupe in front.
//
// Admission is one step under one lock: "seen before?", "room left?" and "remember the id and
// queue the job" happen together. So an event refused for a full queue is NOT remembered (its
// redelivery is processed, not taken for a duplicate), and two concurrent deliveries of one id
// cannot both pass.
//
// Bounded: at most queue_max jobs wait; ids are remembered by WebhookDedupe within its capacity.
// Workers pop(), process, then done(); wait_idle_until() lets stop() wait for both the queue and
// the jobs in progress. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include "connector/order_event.hpp"
#include "sim/world/policy/dedupe.hpp"

namespace syncdrill {

class JobQueue {
 public:
  enum class Admit : uint8_t { accepted, duplicate, full, closed };

  // dedupe_capacity: ids remembered; nullopt = no dedupe. REQUIRES: queue_max >= 1, a capacity
  // >= 1.
  JobQueue(size_t queue_max, std::optional<size_t> dedupe_capacity);

  // dedupe_key: the event id's hash (ignored without dedupe).
  Admit admit(uint64_t dedupe_key, OrderJob job);
  // Whether admit() would call this key a duplicate now (false without dedupe).
  bool seen(uint64_t dedupe_key);
  // Without the dedupe (an order the backup poll found: no event id to remember).
  Admit push(OrderJob job);

  // The next job (the caller then owes a done()); blocks while the queue is open and empty.
  // nullopt once closed and empty, or after abandon().
  std::optional<OrderJob> pop();
  void done();

  // No more admissions; pop() drains what is queued, then answers nullopt.
  void close();
  // Drops the queued jobs (returned as a count) and wakes every pop() with nullopt.
  size_t abandon();
  // Waits until nothing is queued or in progress; false if the deadline came first.
  bool wait_idle_until(std::chrono::steady_clock::time_point deadline);

 private:
  const size_t queue_max_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<OrderJob> jobs_;
  std::optional<WebhookDedupe> dedupe_;
  size_t in_progress_ = 0;
  bool closed_ = false;
  bool abandoned_ = false;
};

}  // namespace syncdrill
