// FaultGate: the faults that act on requests where they are made, for one port (a channel's API
// or a system) or one connector (its own calls, wherever they go).
//
// At admission, in the order of the fault-kind table (core/scenario/fault_kinds.hpp), each
// fault deciding through decide_request_fault (mocks/request_fault.hpp): an outage refuses; an
// error burst answers 5xx; a malformed payload is rejected as a non-retryable 4xx (the data-model
// mismatch goes to the dead-letter queue); a rate-limit fault's tighter bucket answers 429 with
// Retry-After; a timeout fault lets the request in but the client never hears the answer (the
// server may or may not do the work: `processed`). After service, latency faults hold the answer
// back.
//
// Each fault draws from the gate's own stream, and only while it is in force: a run with the
// fault and one without see the same service times and the same customers until the onset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/random.hpp"
#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"
#include "mocks/rate_limiter.hpp"
#include "mocks/types.hpp"

namespace syncdrill {

// What the faults of a gate did, for the report.
struct FaultEffects {
  uint64_t refused_by_outage = 0;      // refused: an outage fault was in force
  uint64_t failed_by_error_burst = 0;  // answered 5xx by an error_burst fault
  uint64_t delayed_by_latency = 0;     // answers held back by a latency fault
  uint64_t rejected_as_malformed = 0;  // answered 4xx by a malformed_payload fault
  uint64_t rate_limited_by_fault = 0;  // answered 429 by a rate_limit fault's bucket
  uint64_t unanswered_by_timeout = 0;  // no answer heard: a timeout fault
};

struct GateVerdict {
  Response answer;        // not ok: the request ends at once with this answer
  bool silent = false;    // ok, but the client never hears the answer (a timeout fault)
  bool processed = true;  // silent: whether the server does the work anyway
};

class FaultGate {
 public:
  // stream_name: the gate's own random stream, e.g. "faults/port/oms".
  FaultGate(uint64_t seed, const std::string& stream_name) : rng_(seed, stream_name) {}

  // A fault this gate applies; `hits` counts the requests it acted on (the world's per-fault
  // counter). Kinds other than those above, and a rate_limit without its bucket, are ignored.
  // REQUIRES: both outlive the gate; hits != nullptr.
  void add(const FaultSpec* fault, uint64_t* hits);
  bool empty() const { return faults_.empty(); }

  GateVerdict admit(SimTime now);
  // Extra time before the client hears an answer the server finished at `now`.
  Duration answer_delay(SimTime now);

  // The faults of this gate in force at `now` (appended to `out`), for telemetry.
  void active(SimTime now, std::vector<const FaultSpec*>& out) const;

  const FaultEffects& effects() const { return effects_; }

 private:
  struct Entry {
    const FaultSpec* fault;
    uint64_t* hits;
    std::optional<RateLimiter> limiter;  // rate_limit faults
  };
  std::vector<Entry> faults_;
  RandomStream rng_;
  FaultEffects effects_;
};

}  // namespace syncdrill
