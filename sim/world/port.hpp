// Port: the API of one simulated system or channel as clients meet it: admission (a rate limiter
// answering 429 with Retry-After, a concurrency limit answering "unavailable" or, NetSuite-like,
// "request_limited"), then the
// endpoint's workers and queue.
//
// A port only decides whether a request gets in and when the server is done with it; what the
// request does is the mock's business, applied by the connector's flow when the server finishes
// (so a client that timed out still finds the work done).
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/scenario/scenario.hpp"
#include "mocks/rate_limiter.hpp"
#include "mocks/types.hpp"
#include "sim/faults/fault_gate.hpp"
#include "sim/world/endpoint.hpp"
#include "sim/world/outcome.hpp"

namespace syncdrill {

struct PortStats {
  uint64_t rate_limited = 0;            // answered 429
  uint64_t over_concurrency_limit = 0;  // refused: the concurrency limit was reached
  uint64_t refused_by_outage = 0;       // refused: an outage fault was in force
  uint64_t failed_by_error_burst = 0;   // answered 5xx by an error_burst fault
  uint64_t delayed_by_latency = 0;      // answers held back by a latency fault
  uint64_t rejected_as_malformed = 0;   // answered 4xx by a malformed_payload fault
  uint64_t rate_limited_by_fault = 0;   // answered 429 by a rate_limit fault's bucket
  uint64_t unanswered_by_timeout = 0;   // the client never heard the answer: a timeout fault
};

class Port {
 public:
  // concurrency_limit: requests inside the server at once (queued or in service); none = only
  // the endpoint's own queue bounds them. over_limit: the error a request over it is refused
  // with (unavailable or request_limited).
  // seed: the run's root seed, for the fault gate's stream.
  Port(Engine& engine, const std::string& name, const EndpointSpec& spec, RandomStream rng,
       std::optional<uint32_t> concurrency_limit, uint64_t seed,
       ErrorClass over_limit = ErrorClass::unavailable);

  // A channel's per-operation buckets (ChannelSpec::operation_limits): a call of an operation
  // with one passes the endpoint's bucket and then its own.
  void set_operation_limits(
      const std::array<std::optional<RateLimitSpec>, kChannelOperations>& limits);

  // Admission at `now`. answer ok: the request may be submitted (and then holds one unit of the
  // concurrency limit until release()); `silent` says a timeout fault swallows its answer.
  // Otherwise the error to answer with at once.
  // Whether this API's 429s carry Retry-After at all (false on SP-API, docs/platforms.md): when
  // not, a rate_limit fault's 429s do not either.
  void set_platform_retry_after(bool retry_after) { platform_retry_after_ = retry_after; }
  // `op`: the channel operation the call is, if any (its own bucket applies too).
  GateVerdict admit(SimTime now, std::optional<ChannelOperation> op = {});
  // Gives back the concurrency unit taken by an admitted request once the server is done with it
  // (served or refused by a full queue).
  void release() {
    if (gate_) gate_->release();
  }

  // The faults this port applies at each request (see FaultGate).
  FaultGate& faults() { return faults_; }
  const FaultGate& faults() const { return faults_; }
  // Extra time before the client hears the server's answer, from latency faults in force at
  // `now` (each delays a fraction `intensity` of answers by a sample of its distribution).
  Duration answer_delay(SimTime now) { return faults_.answer_delay(now); }

  Endpoint& endpoint() { return endpoint_; }
  const Endpoint& endpoint() const { return endpoint_; }
  const std::string& name() const { return endpoint_.config().name; }
  PortStats stats() const;

 private:
  Endpoint endpoint_;
  std::optional<RateLimiter> limiter_;
  bool limiter_retry_after_ = true;   // the endpoint bucket's 429s say when to come back
  bool platform_retry_after_ = true;  // any 429 of this API does (a fault's included)
  struct OperationBucket {
    RateLimiter limiter;
    bool retry_after;
  };
  std::array<std::optional<OperationBucket>, kChannelOperations> operation_limiters_;
  std::optional<ConcurrencyGate> gate_;
  ErrorClass over_limit_ = ErrorClass::unavailable;
  uint64_t rate_limited_ = 0;
  uint64_t over_concurrency_limit_ = 0;
  FaultGate faults_;  // its own stream: faults never shift the endpoint's service times
};

}  // namespace syncdrill
