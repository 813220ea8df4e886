#include "sim/world/endpoint.hpp"

#include <algorithm>
#include <utility>

#include "core/engine/check.hpp"

namespace syncdrill {

Endpoint::Endpoint(Engine& engine, EndpointConfig config, RandomStream rng)
    : engine_(engine), config_(std::move(config)), rng_(rng) {
  SD_CHECK(config_.workers >= 1 && config_.workers <= EndpointConfig::kWorkersLimit,
           "an endpoint needs between 1 and kWorkersLimit workers");
  SD_CHECK(config_.queue_max <= EndpointConfig::kQueueMaxLimit,
           "an endpoint queue_max exceeds kQueueMaxLimit");
  ring_.resize(config_.queue_max);
  workers_.resize(config_.workers);
  idle_.reserve(config_.workers);
  for (uint32_t w = config_.workers; w > 0; --w)
    idle_.push_back(w - 1);
  window_start_ = engine_.now();
  last_change_ = engine_.now();
}

void Endpoint::draw_service(void* self, Duration* out, size_t count) {
  auto& e = *static_cast<Endpoint*>(self);
  for (size_t i = 0; i < count; ++i)
    out[i] = e.config_.service_time.sample_duration(e.rng_);
}

bool Endpoint::submit(uint64_t tag, EndpointClient* client) {
  SimTime unused;
  return submit(tag, client, &unused);
}

bool Endpoint::submit(uint64_t tag, EndpointClient* client, SimTime* finishes_at) {
  const SimTime now = engine_.now();
  advance(now);
  ++arrivals_;
  const Request request{tag, client, now};
  if (!idle_.empty()) {
    const uint32_t worker = idle_.back();
    idle_.pop_back();
    ++busy_;
    ++accepted_;
    *finishes_at = start(worker, request, now);
    return true;
  }
  if (queue_size_ < config_.queue_max) {
    uint32_t slot = queue_head_ + queue_size_;
    if (slot >= config_.queue_max) slot -= config_.queue_max;
    ring_[slot] = request;
    ++queue_size_;
    queue_depth_max_ = std::max(queue_depth_max_, queue_size_);
    ++accepted_;
    return true;
  }
  ++rejected_queue_full_;
  // Last: the client may submit again from here, and the endpoint must be consistent by then.
  if (client != nullptr) client->on_rejected(tag, now);
  return false;
}

SimTime Endpoint::start(uint32_t worker, const Request& request, SimTime now) {
  workers_[worker] = Worker{request, now};
  const Duration service = service_draws_.next();
  // If the engine refuses the event (its pending limit), it stops the run with
  // RunStatus::pending_limit; this request then never completes, which no one will observe.
  engine_.schedule_after(service, [this, worker] { finish(worker); });
  return now + service;
}

void Endpoint::finish(uint32_t worker) {
  const SimTime now = engine_.now();
  advance(now);
  const Worker done = workers_[worker];
  wait_us_.record((done.started - done.request.arrived).us);
  sojourn_us_.record((now - done.request.arrived).us);
  service_sum_us_.add(static_cast<uint64_t>((now - done.started).us));

  // The freed worker takes the head of the queue before the client hears anything, so a
  // request the client submits from on_served cannot overtake requests already waiting.
  if (queue_size_ > 0) {
    const Request next = ring_[queue_head_];
    ++queue_head_;
    if (queue_head_ == config_.queue_max) queue_head_ = 0;
    --queue_size_;
    start(worker, next, now);
  } else {
    --busy_;
    idle_.push_back(worker);
  }
  if (done.request.client != nullptr) {
    done.request.client->on_served(done.request.tag, done.request.arrived, now);
  }
}

void Endpoint::advance(SimTime now) {
  const Duration dt = now - last_change_;
  SD_CHECK(dt.us >= 0, "endpoint time went backwards");
  if (dt.us == 0) return;
  queue_area_.add_product(static_cast<uint64_t>(dt.us), queue_size_);
  busy_area_.add_product(static_cast<uint64_t>(dt.us), busy_);
  last_change_ = now;
}

EndpointStats Endpoint::stats() const {
  const SimTime now = engine_.now();
  EndpointStats s;
  s.observed = now - window_start_;
  s.arrivals = arrivals_;
  s.accepted = accepted_;
  s.rejected_queue_full = rejected_queue_full_;
  s.completed = sojourn_us_.count();
  s.queue_depth_max = queue_depth_max_;
  s.wait_us = wait_us_;
  s.sojourn_us = sojourn_us_;
  if (s.completed > 0) {
    const auto n = static_cast<double>(s.completed);
    s.mean_wait_us = wait_us_.mean();
    s.mean_service_us = service_sum_us_.to_double() / n;
    s.mean_sojourn_us = sojourn_us_.mean();
  }
  if (s.observed.us > 0) {
    // Close the integrals at now without touching the endpoint (stats() is const).
    const auto open = static_cast<uint64_t>((now - last_change_).us);
    ExactSum queue_area = queue_area_;
    ExactSum busy_area = busy_area_;
    queue_area.add_product(open, queue_size_);
    busy_area.add_product(open, busy_);
    const auto t = static_cast<double>(s.observed.us);
    s.time_avg_queue_length = queue_area.to_double() / t;
    s.time_avg_in_service = busy_area.to_double() / t;
    ExactSum system_area = queue_area;
    system_area.add(busy_area);
    s.time_avg_in_system = system_area.to_double() / t;
    s.utilization = s.time_avg_in_service / config_.workers;
  }
  return s;
}

void Endpoint::reset_stats() {
  const SimTime now = engine_.now();
  window_start_ = now;
  last_change_ = now;
  queue_area_ = ExactSum{};
  busy_area_ = ExactSum{};
  service_sum_us_ = ExactSum{};
  arrivals_ = 0;
  accepted_ = 0;
  rejected_queue_full_ = 0;
  queue_depth_max_ = queue_size_;
  wait_us_.reset();
  sojourn_us_.reset();
}

}  // namespace syncdrill
