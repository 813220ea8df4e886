#include "sim/world/connector.hpp"

#include <algorithm>
#include <limits>

#include "core/engine/check.hpp"

namespace syncdrill {

namespace {

// Tags handed to the endpoint are in-flight slot indices.
constexpr uint64_t kNoTag = ~uint64_t{0};
// submit()'s finish time when the request did not start at once (it queued).
constexpr SimTime kNotStarted{std::numeric_limits<int64_t>::max()};

}  // namespace

Connector::Connector(Engine& engine, const ConnectorSpec& spec, const PolicySpec& policy,
                     RandomStream rng, ConnectorFlow* flow)
    : engine_(engine),
      spec_(spec),
      policy_(policy),
      rng_(rng),
      flow_(flow),
      backoff_(policy.retry),
      ring_(std::min<uint32_t>(spec.queue_max, kRingSlotsMin)),
      workers_(spec.workers),
      dead_letters_(spec.dead_letter_max),
      worker_cap_(spec.workers),
      // Derived from a copy: the connector's own stream (jitter) stays as it was without faults.
      faults_(RandomStream(rng).next_u64(), "faults/connector/" + spec.name) {
  if (spec.round_trip) network_rng_.emplace(RandomStream(rng).next_u64(), "network/" + spec.name);
  SD_CHECK(flow_ != nullptr, "a connector needs a flow");
  SD_CHECK(spec.workers >= 1, "a connector needs a worker");
  if (policy.budget) budget_.emplace(*policy.budget);
  if (policy.breaker) breaker_.emplace(*policy.breaker);
  idle_.reserve(spec.workers);
  for (uint32_t w = spec.workers; w-- > 0;)
    idle_.push_back(w);
  in_flight_.reserve(spec.workers);
  in_flight_free_.reserve(spec.workers);
}

void Connector::set_policy(const PolicySpec& policy) {
  policy_ = policy;
  backoff_ = Backoff(policy.retry);
  budget_.reset();
  breaker_.reset();
  if (policy.budget) budget_.emplace(*policy.budget);
  if (policy.breaker) breaker_.emplace(*policy.breaker);
}

void Connector::set_worker_cap(uint32_t cap) {
  worker_cap_ = cap;
  while (busy_ < worker_cap_ && queue_size_ > 0 && !idle_.empty()) {
    const uint32_t w = idle_.back();
    idle_.pop_back();
    ++busy_;
    workers_[w].job = ring_[queue_head_];
    queue_head_ = (queue_head_ + 1) % static_cast<uint32_t>(ring_.size());
    --queue_size_;
    start_job(w);
  }
}

bool Connector::enqueue(Job job) {
  ++stats_.jobs_offered;
  job.created = engine_.now();
  if (!stats_.first_offered) stats_.first_offered = job.created;
  job.step = 0;
  if (!idle_.empty() && busy_ < worker_cap_) {
    const uint32_t w = idle_.back();
    idle_.pop_back();
    ++busy_;
    workers_[w].job = job;
    start_job(w);
    return true;
  }
  if (queue_size_ == spec_.queue_max) {
    ++stats_.jobs_dropped_queue_full;
    stats_.last_ended = engine_.now();
    flow_->on_finished(job, JobEnd::dropped_queue_full, ErrorClass::queue_full, engine_.now());
    return false;
  }
  if (queue_size_ == ring_.size()) grow_ring();
  ring_[(queue_head_ + queue_size_) % ring_.size()] = job;
  ++queue_size_;
  if (queue_size_ > stats_.queue_depth_max) stats_.queue_depth_max = queue_size_;
  return true;
}

void Connector::grow_ring() {
  // The queue keeps its order: the jobs move to the front of the larger ring, oldest first.
  std::vector<Job> larger(std::min<uint64_t>(uint64_t{ring_.size()} * 2, spec_.queue_max));
  SD_CHECK(larger.size() > queue_size_, "the ring grows only below queue_max");
  for (uint32_t i = 0; i < queue_size_; ++i)
    larger[i] = ring_[(queue_head_ + i) % ring_.size()];
  ring_.swap(larger);
  queue_head_ = 0;
}

void Connector::start_job(uint32_t w) {
  Worker& worker = workers_[w];
  worker.attempt = 0;
  worker.backoff_state.reset();
  if (budget_) budget_->on_first_attempt(engine_.now());
  send_attempt(w, worker.generation);
}

void Connector::send_attempt(uint32_t w, uint32_t generation) {
  Worker& worker = workers_[w];
  if (worker.generation != generation) return;  // a stale backoff timer
  const uint32_t gen = ++worker.generation;
  ++worker.attempt;
  ++stats_.attempts;
  if (worker.attempt > 1) ++stats_.retries;
  const SimTime now = engine_.now();
  worker.sent = now;
  worker.deadline = now + policy_.timeout;
  worker.port = nullptr;
  if (observer_ != nullptr && worker.attempt == 1) worker.request_id = observer_->next_request_id();
  if (forced_open_ || (breaker_ && !breaker_->allow(now))) {
    ++stats_.breaker_rejections;
    observe(w, nullptr, ErrorClass::unavailable);
    retry_or_give_up(w, Outcome{ErrorClass::unavailable, Duration{}});
    return;
  }
  flow_->prepare(worker.job, now);
  Port& port = flow_->target(worker.job);
  worker.port = &port;
  const GateVerdict own = faults_.empty() ? GateVerdict{} : faults_.admit(now);
  if (!own.answer.ok()) {
    complete_attempt(w, own.answer);  // the connector's own call failed (a fault on it)
    return;
  }
  if (!spec_.round_trip) {
    reach_port(w, gen, own, false);
    return;
  }
  // Over the network: the port sees the request half a round trip from now; the client's
  // timeout runs from the send.
  const Duration rtt = spec_.round_trip->sample_duration(*network_rng_);
  const Duration out{rtt.us / 2};
  worker.back_leg = rtt - out;
  worker.state = WorkerState::in_flight;
  worker.timeout = engine_.schedule_at(worker.deadline, [this, w, gen] { on_timeout(w, gen); });
  const bool silent = own.silent;
  const bool processed = own.processed;
  engine_.schedule_after(out, [this, w, gen, silent, processed] {
    const Worker& sender = workers_[w];
    // The client gave up before its request arrived: it closed the connection.
    if (sender.generation != gen || sender.state != WorkerState::in_flight) return;
    GateVerdict verdict;
    verdict.silent = silent;
    verdict.processed = processed;
    reach_port(w, gen, verdict, true);
  });
}

void Connector::reach_port(uint32_t w, uint32_t gen, const GateVerdict& own, bool timeout_set) {
  Worker& worker = workers_[w];
  Port& port = *worker.port;
  const SimTime now = engine_.now();
  const GateVerdict admitted = port.admit(now, flow_->operation(worker.job));
  if (!admitted.answer.ok()) {
    answer_at_once(w, admitted.answer);  // a 429 or a refusal, answered at once
    return;
  }
  const bool silent = own.silent || admitted.silent;
  const bool processed = own.silent ? own.processed : admitted.processed;
  worker.state = WorkerState::in_flight;
  if (!timeout_set) worker.timeout = EventId{};
  const SimTime deadline = worker.deadline;
  auto give_up_at_deadline = [&] {
    if (timeout_set) return;  // scheduled when the attempt was sent
    workers_[w].timeout = engine_.schedule_at(deadline, [this, w, gen] { on_timeout(w, gen); });
  };
  if (silent && !processed) {
    // Lost on the way in: the server never sees it, the client waits out its timeout.
    port.release();
    give_up_at_deadline();
    return;
  }
  const Outcome arrival = flow_->on_arrival(worker.job, now);
  if (!arrival.ok()) {
    port.release();
    if (silent) {
      give_up_at_deadline();  // the refusal is swallowed too
    } else {
      answer_at_once(w, arrival);
    }
    return;
  }
  const uint32_t slot = allocate_in_flight();
  InFlight& record = in_flight_[slot];
  record.job = worker.job;
  record.port = &port;
  record.worker = w;
  record.generation = gen;
  record.deadline = deadline;
  record.silent = silent;
  // A full server queue answers inside submit() through on_rejected. A request that starts
  // service at once has a known finish time: when that is before the deadline, no timeout can
  // fire, and scheduling one (to cancel it again) would cost two heap operations per call. When
  // it finishes at the deadline exactly, the timeout still wins (see on_served).
  SimTime finishes_at = kNotStarted;
  if (!port.endpoint().submit(slot, this, &finishes_at)) {
    if (silent) give_up_at_deadline();  // the refusal is swallowed too
    return;
  }
  if (finishes_at < deadline && !silent) return;
  give_up_at_deadline();
}

void Connector::answer_at_once(uint32_t w, const Outcome& outcome) {
  Worker& worker = workers_[w];
  if (!spec_.round_trip) {
    complete_attempt(w, outcome);
    return;
  }
  const InFlight record{worker.job, worker.port, w, worker.generation, worker.deadline, false};
  hear_later(record, engine_.now() + worker.back_leg, outcome);
}

uint32_t Connector::allocate_in_flight() {
  if (!in_flight_free_.empty()) {
    const uint32_t slot = in_flight_free_.back();
    in_flight_free_.pop_back();
    return slot;
  }
  in_flight_.emplace_back();
  return static_cast<uint32_t>(in_flight_.size() - 1);
}

void Connector::on_served(uint64_t tag, SimTime, SimTime finished) {
  SD_CHECK(tag != kNoTag && tag < in_flight_.size(), "an answer for an unknown request");
  const InFlight record = in_flight_[tag];
  in_flight_free_.push_back(static_cast<uint32_t>(tag));
  record.port->release();
  Worker& worker = workers_[record.worker];
  // An answer at the deadline or later comes after the client gave up: the timeout goes first,
  // as it would have had its event run before this one.
  if (finished >= record.deadline) on_timeout(record.worker, record.generation);
  // The work happened whether or not anyone still waits for it.
  flow_->on_departure(record.job);
  const Outcome outcome = flow_->execute(record.job, finished);
  if (record.silent) return;  // nobody hears it: the client's timeout is scheduled
  if (worker.generation != record.generation || worker.state != WorkerState::in_flight) {
    ++stats_.late_responses;
    return;
  }
  Duration delay = record.port->answer_delay(finished);
  if (!faults_.empty()) delay += faults_.answer_delay(finished);
  if (spec_.round_trip) delay += worker.back_leg;
  if (delay > Duration{}) {
    hear_later(record, finished + delay, outcome);
    return;
  }
  engine_.cancel(worker.timeout);
  complete_attempt(record.worker, outcome);
}

// A latency fault holds the answer back: the client hears it at `heard`, unless its deadline
// comes first.
void Connector::hear_later(const InFlight& record, SimTime heard, const Outcome& outcome) {
  const uint32_t w = record.worker;
  const uint32_t gen = record.generation;
  Worker& worker = workers_[w];
  if (heard >= record.deadline) {
    ++stats_.late_responses;
    // A request expected back in time had no timeout scheduled; now it needs one.
    if (!worker.timeout.valid()) {
      worker.timeout = engine_.schedule_at(record.deadline, [this, w, gen] { on_timeout(w, gen); });
    }
    return;
  }
  engine_.schedule_at(heard, [this, w, gen, outcome] {
    Worker& waiting = workers_[w];
    if (waiting.generation != gen || waiting.state != WorkerState::in_flight) return;
    engine_.cancel(waiting.timeout);
    complete_attempt(w, outcome);
  });
}

void Connector::on_rejected(uint64_t tag, SimTime) {
  const InFlight record = in_flight_[tag];
  in_flight_free_.push_back(static_cast<uint32_t>(tag));
  record.port->release();
  flow_->on_departure(record.job);
  if (record.silent) return;  // swallowed like any answer: the client times out
  // A full server queue refuses at once: the client sees a 503 (after the way back).
  const Outcome refused{ErrorClass::server_error, Duration{}};
  if (spec_.round_trip) {
    hear_later(record, engine_.now() + workers_[record.worker].back_leg, refused);
    return;
  }
  engine_.cancel(workers_[record.worker].timeout);
  complete_attempt(record.worker, refused);
}

void Connector::on_timeout(uint32_t w, uint32_t generation) {
  Worker& worker = workers_[w];
  if (worker.generation != generation || worker.state != WorkerState::in_flight) return;
  complete_attempt(w, Outcome{ErrorClass::timeout, Duration{}});
}

void Connector::observe(uint32_t w, const Port* port, ErrorClass error) {
  if (observer_ == nullptr) return;
  const Worker& worker = workers_[w];
  observer_->on_attempt(*this, worker.job, port, worker.request_id, worker.attempt, worker.sent,
                        engine_.now(), error);
}

void Connector::complete_attempt(uint32_t w, const Outcome& outcome) {
  Worker& worker = workers_[w];
  const SimTime now = engine_.now();
  observe(w, worker.port, outcome.error);
  if (breaker_) breaker_->record(outcome.ok(), now);
  if (!outcome.ok()) {
    ++stats_.errors[static_cast<size_t>(outcome.error)];
    if (budget_) budget_->on_failure(now);
    retry_or_give_up(w, outcome);
    return;
  }
  ++stats_.attempts_ok;
  if (budget_) budget_->on_success(now);
  if (flow_->advance(worker.job, now)) {
    // The next call of a multi-call job starts with a fresh attempt count (and request id).
    worker.attempt = 0;
    worker.backoff_state.reset();
    send_attempt(w, worker.generation);
    return;
  }
  finish_job(w, JobEnd::succeeded, ErrorClass::none);
}

void Connector::retry_or_give_up(uint32_t w, const Outcome& outcome) {
  Worker& worker = workers_[w];
  const SimTime now = engine_.now();
  // A version conflict is worth another attempt too: prepare() builds every attempt afresh, so
  // the retry carries a new read, as the compare-and-set protocol asks.
  // A NetSuite-style 400 over the concurrency limit is retried only when the policy knows it is
  // not final (the trap: a client that takes every 400 as permanent dead-letters the job).
  const bool refused_as_final =
      outcome.error == ErrorClass::request_limited && !policy_.retry_request_limited;
  const bool retry_helps =
      (retryable(outcome.error) && !refused_as_final) || outcome.error == ErrorClass::conflict;
  const bool may_retry = retry_helps && worker.attempt < policy_.retry.max_attempts;
  if (!may_retry) {
    finish_job(w, JobEnd::dead_lettered, outcome.error);
    return;
  }
  if (budget_ && !budget_->try_acquire_retry(now)) {
    ++stats_.retries_denied_by_budget;
    finish_job(w, JobEnd::dead_lettered, outcome.error);
    return;
  }
  const std::optional<Duration> retry_after = outcome.retry_after > Duration{}
                                                  ? std::optional<Duration>(outcome.retry_after)
                                                  : std::nullopt;
  const Duration delay =
      with_retry_after(backoff_.next_delay(worker.attempt, rng_, worker.backoff_state), retry_after,
                       policy_.retry.honour_retry_after);
  worker.state = WorkerState::backoff;
  const uint32_t gen = worker.generation;
  engine_.schedule_after(delay, [this, w, gen] { send_attempt(w, gen); });
}

void Connector::finish_job(uint32_t w, JobEnd end, ErrorClass last_error) {
  Worker& worker = workers_[w];
  const SimTime now = engine_.now();
  ++worker.generation;  // anything still scheduled for the old job is now stale
  worker.state = WorkerState::idle;
  stats_.last_ended = now;
  bool kept = true;  // a dead letter the queue took (or a job that is none)
  if (end == JobEnd::succeeded) {
    ++stats_.jobs_succeeded;
    stats_.job_latency_us.record((now - worker.job.created).us);
    window_latency_us_.record((now - worker.job.created).us);
  } else {
    ++stats_.jobs_dead_lettered;
    kept = dead_letters_.push(worker.job);
    if (!kept) ++stats_.dead_letter_overflow;
  }
  const Job finished = worker.job;
  // Take the next queued job before telling the flow, so a job the flow offers from
  // on_finished queues behind those already waiting. A worker over the cap (a stall) stops.
  if (queue_size_ > 0 && busy_ <= worker_cap_) {
    take_next_job(w);
  } else {
    --busy_;
    idle_.push_back(w);
  }
  flow_->on_finished(finished, end, last_error, now);
  if (!kept) flow_->on_dead_letter_lost(finished);
}

}  // namespace syncdrill

namespace syncdrill {

uint64_t Connector::replay_dead_letters() {
  std::vector<Job> jobs;
  dead_letters_.replay([&](const Job& job) { jobs.push_back(job); });
  for (Job& job : jobs) {
    flow_->on_replay(job);
    enqueue(job);
  }
  return jobs.size();
}

void Connector::force_open(bool open) {
  forced_open_ = open;
  if (!open && policy_.breaker) breaker_.emplace(*policy_.breaker);
}

void Connector::take_next_job(uint32_t w) {
  Worker& worker = workers_[w];
  worker.job = ring_[queue_head_];
  queue_head_ = (queue_head_ + 1) % static_cast<uint32_t>(ring_.size());
  --queue_size_;
  // Through the engine, not a direct call: jobs that fail at once (an open breaker, a 429
  // with no retries left) would otherwise recurse through the whole queue.
  const uint32_t gen = worker.generation;
  worker.state = WorkerState::backoff;
  engine_.schedule_after(Duration{0}, [this, w, gen] {
    if (workers_[w].generation == gen) start_job(w);
  });
}

}  // namespace syncdrill
