// Connector: the integration code between two systems, as a team would deploy it.
//
// A connector takes jobs (create this order in the OMS, push this SKU's quantity to a channel,
// ...) into a bounded queue and runs them on `workers` concurrent workers under its policy:
// a client timeout per attempt, retries with backoff (honouring Retry-After), an optional retry
// budget and circuit breaker, and a dead-letter queue after the last attempt. A worker stays
// with its job through the backoff sleeps, as a synchronous connector's thread does, so slow
// retries build a backlog.
//
// What a job does is its flow's business (ConnectorFlow): which port each step calls and what
// the call changes in the mocks. The flow's execute() runs when the server finishes the work,
// even when the connector timed out long before: a timeout does not undo the work, which is how
// retries without idempotency keys create duplicates.
//
// Nothing is lost silently: a job refused by a full queue is counted and reported to the flow,
// and so is every job that ends in the dead-letter queue (or overflows it).
//
// A connector with a round trip (ConnectorSpec::round_trip) sends each attempt over a network:
// the request reaches the port half a round trip after it was sent (the port admits it then),
// and any answer, a refusal at admission included, reaches the client the other half later. The
// client's timeout counts from the send. A request whose client gave up before it even reached
// the port is not served (the client closed the connection). Without one, the port sees a request
// as it is sent and the client hears the answer as it is given: no extra event at all.
//
// Deterministic: all randomness (jitter) comes from the connector's own stream, the round trips
// from a stream of their own (so adding a network does not move the jitter). Not copyable or
// movable: engine events point at it.
#pragma once

#include <cstdint>
#include <optional>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/engine/check.hpp"
#include "core/engine/engine.hpp"
#include "core/engine/random.hpp"
#include "core/observe/histogram.hpp"
#include "core/scenario/scenario.hpp"
#include "sim/world/outcome.hpp"
#include "sim/world/policy/backoff.hpp"
#include "sim/world/policy/circuit_breaker.hpp"
#include "sim/world/policy/dead_letter.hpp"
#include "sim/world/policy/retry_budget.hpp"
#include "sim/world/port.hpp"

namespace syncdrill {

// What a job carries beyond its subject, one type per flow operation that needs more. Most
// jobs need nothing (std::monostate). The connector only copies it.
//
// Fulfillment's channel status update of a shipment: when the parcel left the warehouse, where
// the status sync delay starts.
struct ShippedPayload {
  SimTime left;
};
// Reconciliation's repair of a duplicate: the extra OMS order to cancel (the job's subject is
// the channel order it duplicates).
struct DuplicatePayload {
  uint64_t oms_order = 0;
};
using JobPayload = std::variant<std::monostate, ShippedPayload, DuplicatePayload>;

// One unit of work. The meaning of the fields is the flow's; the connector only copies it.
struct Job {
  uint64_t subject = 0;  // what the job is about: an order, a SKU, an event
  JobPayload payload;    // the operation's own data, typed
  uint16_t channel = 0;  // the channel the job concerns
  uint8_t op = 0;        // the flow's operation code
  uint8_t step = 0;      // for jobs of several calls: the call in progress
  SimTime created;       // when the job was offered to the connector
};
static_assert(std::is_trivially_copyable_v<Job>, "jobs are copied through queues and rings");

// The job's payload of type P. REQUIRES: the job was made with one (its flow's op says so).
template <typename P>
const P& payload_of(const Job& job) {
  const P* p = std::get_if<P>(&job.payload);
  SD_CHECK(p != nullptr, "a job lacks the payload its operation needs");
  return *p;
}

enum class JobEnd : uint8_t { succeeded, dead_lettered, dropped_queue_full };

class Connector;

// Told of every attempt a connector makes, as it ends: the telemetry's source. Optional.
class AttemptObserver {
 public:
  // A fresh id for the call a worker starts (its retries share it).
  virtual uint64_t next_request_id() = 0;
  // port: the port called; null when the connector's breaker failed the attempt before sending.
  virtual void on_attempt(const Connector& connector, const Job& job, const Port* port,
                          uint64_t request_id, uint32_t attempt, SimTime sent, SimTime now,
                          ErrorClass error) = 0;

 protected:
  ~AttemptObserver() = default;
};

class ConnectorFlow {
 public:
  // The port the job's current step calls.
  virtual Port& target(const Job& job) = 0;
  // The channel operation the job's current step is, for a port with per-operation buckets
  // (ChannelSpec::operation_limits); none for a call to a system or an operation without one.
  virtual std::optional<ChannelOperation> operation(const Job& /*job*/) const { return {}; }
  // Called as each attempt is sent; the flow may read current state into the job (e.g. the
  // quantity to push), as real connectors build the request when they send it.
  virtual void prepare(Job& /*job*/, SimTime /*now*/) {}
  // The port admitted the attempt and the server takes it now (it was not lost on the way in).
  // A flow may refuse it at once: Stripe's 409 (conflict) while a request with the same
  // Idempotency-Key is still in flight. Default: let it in.
  virtual Outcome on_arrival(const Job& /*job*/, SimTime /*now*/) { return Outcome{}; }
  // The server is done with an attempt on_arrival let in: served (just before execute) or
  // refused by its full queue.
  virtual void on_departure(const Job& /*job*/) {}
  // The server finished the attempt at `now`: apply its effects to the mocks and answer.
  virtual Outcome execute(const Job& job, SimTime now) = 0;
  // The step succeeded. Return true after moving job.step on to make another call (with a fresh
  // attempt count), false when the job is complete.
  virtual bool advance(Job& /*job*/, SimTime /*now*/) { return false; }
  // The job ended.
  virtual void on_finished(const Job& job, JobEnd end, ErrorClass last_error, SimTime now) = 0;
  // A dead-lettered job is about to be offered again (a runbook's replay). The flow may rewrite
  // the job (its own fields) first: the replay is a new job carrying the dead letter's work.
  virtual void on_replay(Job& /*job*/) {}
  // The job just ended dead-lettered (on_finished came first) but the dead-letter queue was full:
  // it is lost, and will never be replayed; the flow lets go of what it kept for a replay.
  virtual void on_dead_letter_lost(const Job& /*job*/) {}

 protected:
  ~ConnectorFlow() = default;
};

struct ConnectorStats {
  uint64_t jobs_offered = 0;
  uint64_t jobs_dropped_queue_full = 0;
  uint64_t jobs_succeeded = 0;
  uint64_t jobs_dead_lettered = 0;
  uint64_t dead_letter_overflow = 0;  // dead-lettered jobs the full dead-letter queue lost
  uint64_t attempts = 0;              // calls made or refused at admission
  uint64_t retries = 0;               // attempts after the first
  uint64_t retries_denied_by_budget = 0;
  uint64_t breaker_rejections = 0;  // attempts failed fast by an open breaker
  uint64_t late_responses = 0;      // server answers that came after the client gave up
  uint64_t attempts_ok = 0;         // attempts answered with success
  uint64_t errors[kErrorClassCount] = {};
  uint32_t queue_depth_max = 0;
  LatencyHistogram job_latency_us;  // offered -> finished, succeeded jobs
  // The span of the connector's work: when its first job was offered, and when the last job to
  // end (succeeded, dead-lettered or dropped on a full queue) ended. None before any.
  std::optional<SimTime> first_offered;
  std::optional<SimTime> last_ended;

  // Attempts that failed: any error class, and those an open breaker failed fast.
  uint64_t attempts_failed() const {
    uint64_t n = breaker_rejections;
    for (uint64_t e : errors)
      n += e;
    return n;
  }
};

class Connector final : public EndpointClient {
 public:
  Connector(Engine& engine, const ConnectorSpec& spec, const PolicySpec& policy, RandomStream rng,
            ConnectorFlow* flow);
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  // Offers a job now; false (counted, and the flow told) when the queue is full.
  bool enqueue(Job job);

  // Replaces the policy from now on (a runbook's switch, a release fault); attempts in flight
  // finish under the old timeout.
  void set_policy(const PolicySpec& policy);
  const PolicySpec& policy() const { return policy_; }

  // Workers that may take jobs (a consumer_stall fault lowers it): the others finish the job
  // they hold and then stop, and queued jobs wait. Raising it puts idle workers back to work.
  void set_worker_cap(uint32_t cap);
  uint32_t worker_cap() const { return worker_cap_; }

  // Faults on this connector's own calls (see FaultGate), checked before the port's.
  FaultGate& faults() { return faults_; }
  const FaultGate& faults() const { return faults_; }

  void set_observer(AttemptObserver* observer) { observer_ = observer; }

  // A runbook's replay: every dead-lettered job is offered again (the flow told first through
  // ConnectorFlow::on_replay, which may rewrite it). Returns how many were offered.
  uint64_t replay_dead_letters();
  // A runbook's manual breaker: while forced open every attempt fails fast as an open breaker's
  // would; closing it also resets the policy's breaker to closed.
  void force_open(bool open);

  // Latency of the jobs that succeeded since the caller last reset it (monitoring windows).
  LatencyHistogram& window_latency() { return window_latency_us_; }
  bool breaker_open(SimTime now) const {
    return breaker_ && breaker_->state(now) == CircuitBreaker::State::open;
  }

  uint32_t queue_length() const { return queue_size_; }
  uint32_t busy_workers() const { return busy_; }
  uint32_t dead_letter_size() const { return static_cast<uint32_t>(dead_letters_.size()); }
  const ConnectorStats& stats() const { return stats_; }
  const ConnectorSpec& spec() const { return spec_; }

  // EndpointClient: the server's answer to an attempt.
  void on_served(uint64_t tag, SimTime arrived, SimTime finished) override;
  void on_rejected(uint64_t tag, SimTime at) override;

 private:
  enum class WorkerState : uint8_t { idle, in_flight, backoff };
  struct Worker {
    Job job;
    uint32_t generation = 0;  // bumps at each attempt, so stale timers and answers are ignored
    uint32_t attempt = 0;     // 1 = the first attempt of the current step
    WorkerState state = WorkerState::idle;
    EventId timeout;
    BackoffState backoff_state;  // decorrelated jitter's memory
    Port* port = nullptr;        // the port of the attempt in flight
    SimTime sent;                // when the attempt in flight was sent
    SimTime deadline;            // when the client gives up on it (sent + the timeout then)
    uint64_t request_id = 0;     // telemetry: the call's id (set only with an observer)
    Duration back_leg;           // with a round trip: the answer's way back, this attempt
  };
  // A request the server holds: it outlives the attempt when the client times out.
  struct InFlight {
    Job job;
    Port* port = nullptr;
    uint32_t worker = 0;
    uint32_t generation = 0;
    SimTime deadline;     // the client gives up at this time (sent + timeout)
    bool silent = false;  // a timeout fault swallows the answer: the client never hears it
  };

  void start_job(uint32_t worker);
  void send_attempt(uint32_t worker, uint32_t generation);
  // The attempt reaches the port: admission, then the server. `timeout_set`: the client's
  // timeout is already scheduled (an attempt that crossed a network).
  void reach_port(uint32_t worker, uint32_t generation, const GateVerdict& own, bool timeout_set);
  // An answer the port gave at once (a refusal) reaches the client after the way back.
  void answer_at_once(uint32_t worker, const Outcome& outcome);
  void on_timeout(uint32_t worker, uint32_t generation);
  void hear_later(const InFlight& record, SimTime heard, const Outcome& outcome);
  void complete_attempt(uint32_t worker, const Outcome& outcome);
  void retry_or_give_up(uint32_t worker, const Outcome& outcome);
  void finish_job(uint32_t worker, JobEnd end, ErrorClass last_error);
  void take_next_job(uint32_t worker);
  void observe(uint32_t worker, const Port* port, ErrorClass error);
  // A free in-flight slot, its record for the caller to fill (in place: see
  // GrowingArray::push_back_unset for why not a copy of a record built on the stack).
  uint32_t allocate_in_flight();
  void grow_ring();

  Engine& engine_;
  ConnectorSpec spec_;
  PolicySpec policy_;
  RandomStream rng_;
  ConnectorFlow* flow_;
  Backoff backoff_;
  std::optional<RetryBudget> budget_;
  std::optional<CircuitBreaker> breaker_;

  // The job queue: a ring that doubles as the queue deepens, up to spec_.queue_max slots (most
  // queues never come near their bound, and a full-size ring would cost 40 bytes a slot).
  static constexpr uint32_t kRingSlotsMin = 64;
  std::vector<Job> ring_;
  uint32_t queue_head_ = 0;
  uint32_t queue_size_ = 0;
  std::vector<Worker> workers_;
  std::vector<uint32_t> idle_;
  uint32_t busy_ = 0;
  std::vector<InFlight> in_flight_;
  std::vector<uint32_t> in_flight_free_;
  DeadLetterQueue<Job> dead_letters_;  // bounded by spec_.dead_letter_max
  ConnectorStats stats_;
  uint32_t worker_cap_;
  FaultGate faults_;
  std::optional<RandomStream> network_rng_;  // the round trips' draws, with a round trip only
  AttemptObserver* observer_ = nullptr;
  LatencyHistogram window_latency_us_;
  bool forced_open_ = false;
};

}  // namespace syncdrill
