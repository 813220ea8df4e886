// Endpoint: the server model every simulated system (marketplace channel, ERP, OMS, WMS) sits
// behind. A multi-server FIFO queue: `workers` identical workers, one bounded first-in first-out
// waiting line of at most `queue_max` requests, and a service time drawn from the endpoint's own
// random stream for each request when a worker takes it.
//
// A request offered by submit() starts at once on an idle worker, or waits in the queue, or - all
// workers busy and the queue full - is rejected on the spot. An accepted request is always
// served to completion and reported to its client: the server neither knows nor cares whether
// the client still waits. A client-side timeout is the client's business (it ignores the late
// on_served); the work, and its side effects, still happen. That is what makes retries without
// idempotency create duplicates.
//
// Determinism: given the same engine history and the same stream, an endpoint makes the same
// decisions and draws the same service times. The most recently freed idle worker is taken first
// (initially the lowest index); queued requests start in arrival order; completions at equal times
// run in the engine's (time, sequence) order.
//
// Hot path: the queue is a ring buffer and the worker table a fixed array, both allocated in the
// constructor; a request costs no allocation and one engine event (its completion), and a
// completion costs one virtual call to the client.
//
// Statistics cover an observation window that opens at construction (or at reset_stats()) and
// ends at engine.now() when stats() is read. Time-weighted integrals (queue length, busy
// workers) are advanced at each state change, in exact integer arithmetic.
//
// Not thread-safe; lives on its engine's thread. Not copyable or movable: pending engine events
// point at it. REQUIRES: the endpoint outlives every event it scheduled (destroy it after the
// engine stops running, or never run the engine again), and each client outlives its requests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/engine/distribution.hpp"
#include "core/engine/draw_ahead.hpp"
#include "core/engine/engine.hpp"
#include "core/engine/random.hpp"
#include "core/engine/time.hpp"
#include "core/observe/histogram.hpp"

namespace syncdrill {

struct EndpointConfig {
  // Names the endpoint in reports and telemetry. Default: empty.
  std::string name;
  // Requests served at once. Default 1. REQUIRES: 1 <= workers <= kWorkersLimit.
  uint32_t workers = 1;
  // Requests that may wait while every worker is busy; 0 makes a loss system (no waiting).
  // Default 1000. REQUIRES: queue_max <= kQueueMaxLimit (the ring is allocated up front).
  uint32_t queue_max = 1000;
  // Time a worker spends on one request, in microseconds. Default: constant 0.
  Distribution service_time = Distribution::constant(0);

  static constexpr uint32_t kWorkersLimit = uint32_t{1} << 20;
  static constexpr uint32_t kQueueMaxLimit = uint32_t{1} << 24;
};

// Receives the outcome of submitted requests. One virtual dispatch per outcome.
class EndpointClient {
 public:
  // The request `tag`, submitted at `arrived`, finished service at `finished` (= now).
  // Called after the freed worker has taken the next queued request, so a request submitted
  // from here queues behind those already waiting.
  virtual void on_served(uint64_t tag, SimTime arrived, SimTime finished) = 0;
  // The request `tag` was refused at `at` (= now) because every worker was busy and the queue
  // full. Called from inside submit(), after the endpoint has counted the rejection.
  virtual void on_rejected(uint64_t /*tag*/, SimTime /*at*/) {}

 protected:
  ~EndpointClient() = default;
};

// What an endpoint did during its observation window. Means over requests are over the
// requests that completed in the window (a request that arrived before the window opened counts
// in full); they are 0 when none completed. Time averages are 0 for an empty window.
struct EndpointStats {
  // Length of the observation window.
  Duration observed;

  uint64_t arrivals = 0;             // submit() calls
  uint64_t accepted = 0;             // started at once or queued
  uint64_t rejected_queue_full = 0;  // refused: all workers busy and the queue full
  uint64_t completed = 0;            // finished service
  uint32_t queue_depth_max = 0;      // longest queue seen (including at window open)

  double mean_wait_us = 0;     // time in the queue, arrival to service start
  double mean_service_us = 0;  // service start to finish
  double mean_sojourn_us = 0;  // arrival to finish: wait + service

  double time_avg_queue_length = 0;  // requests waiting (Lq)
  double time_avg_in_service = 0;    // busy workers
  double time_avg_in_system = 0;     // waiting + in service (L)
  double utilization = 0;            // busy worker-time / (workers * observed)

  // Distributions of the per-request times whose means are above.
  LatencyHistogram wait_us;
  LatencyHistogram sojourn_us;
};

class Endpoint {
 public:
  // The stream draws the service times; give each endpoint its own, derived from its name.
  Endpoint(Engine& engine, EndpointConfig config, RandomStream rng);
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // Offers request `tag` now. Returns true when it started or queued; its client hears of it
  // through on_served once served. Returns false, after counting a rejection and calling
  // client->on_rejected, when every worker is busy and the queue is full.
  // `client` may be null (background load nobody waits for). Tags are the client's own: the
  // endpoint only hands them back.
  bool submit(uint64_t tag, EndpointClient* client);
  // The same, and when the request starts service at once, sets *finishes_at to the time it
  // will finish (a service time is fixed when a worker takes the request). Left untouched when
  // the request queues or is refused. Lets a client with a deadline skip scheduling a timeout
  // it already knows will not fire. REQUIRES: finishes_at != nullptr.
  bool submit(uint64_t tag, EndpointClient* client, SimTime* finishes_at);

  // Statistics for the window from its opening to engine.now(), integrals closed at now.
  EndpointStats stats() const;
  // Opens a new observation window at engine.now(), e.g. after a warm-up period. Requests in
  // the queue and in service stay where they are; their completions count in the new window.
  void reset_stats();

  // Current state.
  uint32_t queue_length() const { return queue_size_; }
  uint32_t busy_workers() const { return busy_; }
  uint32_t in_system() const { return queue_size_ + busy_; }

  const EndpointConfig& config() const { return config_; }
  // The service times, drawn in order from the endpoint's stream; hand them to a DrawAhead to
  // have them drawn on another core.
  DrawSource& service_draws() { return service_draws_; }

 private:
  struct Request {
    uint64_t tag = 0;
    EndpointClient* client = nullptr;
    SimTime arrived;
  };
  struct Worker {
    Request request;
    SimTime started;
  };

  // Starts the request on the worker; returns when it will finish.
  SimTime start(uint32_t worker, const Request& request, SimTime now);
  void finish(uint32_t worker);
  // Accumulates the time integrals up to `now` with the current state.
  void advance(SimTime now);

  Engine& engine_;
  EndpointConfig config_;
  RandomStream rng_;  // read only through service_draws_
  static void draw_service(void* self, Duration* out, size_t count);
  DrawQueue<Duration> service_draws_{&draw_service, this};

  // The queue: a ring of config_.queue_max slots.
  std::vector<Request> ring_;
  uint32_t queue_head_ = 0;
  uint32_t queue_size_ = 0;

  std::vector<Worker> workers_;
  // Idle worker indices, a stack: the most recently freed on top, initially the lowest index.
  std::vector<uint32_t> idle_;
  uint32_t busy_ = 0;

  // The observation window.
  SimTime window_start_;
  SimTime last_change_;
  ExactSum queue_area_;  // integral of queue length dt, request-microseconds
  ExactSum busy_area_;   // integral of busy workers dt, worker-microseconds
  ExactSum service_sum_us_;
  uint64_t arrivals_ = 0;
  uint64_t accepted_ = 0;
  uint64_t rejected_queue_full_ = 0;
  uint32_t queue_depth_max_ = 0;
  LatencyHistogram wait_us_;
  LatencyHistogram sojourn_us_;
};

}  // namespace syncdrill
