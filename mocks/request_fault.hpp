// The request-fault decision: what one request-family fault in force does to one request, a
// function of the fault, the time and a random stream alone. The simulation's FaultGate
// (sim/faults/fault_gate.cpp) and the live server's fault table (mocks/http/live_faults.cpp) both
// decide through it, each then answering in its own terms (an Outcome; an HTTP status).
//
// Draws: each decision draws at most once from `rng`, and only for the kinds whose intensity
// picks the requests (error_burst, malformed_payload, timeout, a rate_limit without a bucket):
// an outage takes every request, a bucket decides without randomness. Callers ask the faults in
// their admission order (core/scenario/fault_kinds.hpp) and only while a fault is in force, so a
// run's stream moves only under faults.
//
// Header-only: the live server's library sits beside the simulation's, not above it.
#pragma once

#include <cstdint>

#include "core/engine/check.hpp"
#include "core/engine/random.hpp"
#include "core/engine/time.hpp"
#include "core/scenario/fault_kinds.hpp"
#include "core/scenario/scenario.hpp"
#include "mocks/rate_limiter.hpp"
#include "mocks/types.hpp"

namespace syncdrill {

enum class RequestFaultAct : uint8_t {
  pass,     // the fault lets the request through
  refuse,   // outage: refused, unavailable
  fail,     // error_burst: answered 5xx
  reject,   // malformed_payload: rejected as a non-retryable 4xx
  limit,    // rate_limit: answered 429
  silence,  // timeout: let in, but the client never hears the answer
};

struct RequestFaultDecision {
  RequestFaultAct act = RequestFaultAct::pass;
  Duration retry_after{};  // limit by a bucket: the bucket's wait (0 without a bucket)
  bool took() const { return act != RequestFaultAct::pass; }
};

// The fault as the decision sees it.
struct RequestFault {
  FaultKind kind;
  double intensity;      // the probability that the fault takes a request
  RateLimiter* limiter;  // rate_limit: the tighter bucket, or nullptr (intensity decides)
};

// Whether a fault of `intensity` takes this request: one draw.
// REQUIRES: 0 <= intensity <= 1.
inline bool fault_takes(double intensity, RandomStream& rng) {
  SD_CHECK(intensity >= 0 && intensity <= 1, "a fault's intensity is a probability");
  return rng.uniform01() < intensity;
}

// What `fault`, in force at `now`, does to a request. `now` is the bucket's time (a rate_limit's
// limiter). REQUIRES: fault.kind is of the request family and is not latency (which only delays
// an answer: fault_takes, then its delay); `now` not before the limiter's previous call.
inline RequestFaultDecision decide_request_fault(const RequestFault& fault, SimTime now,
                                                 RandomStream& rng) {
  SD_CHECK(scenario::family_of(fault.kind) == scenario::FaultFamily::request,
           "only a request fault decides a request");
  SD_CHECK(fault.kind != FaultKind::latency, "latency delays an answer; it does not decide one");
  SD_CHECK(fault.limiter == nullptr || fault.kind == FaultKind::rate_limit,
           "only a rate_limit fault has a bucket");
  using Act = RequestFaultAct;
  const auto by_intensity = [&](Act act) {
    return fault_takes(fault.intensity, rng) ? RequestFaultDecision{act, {}}
                                             : RequestFaultDecision{};
  };
  switch (fault.kind) {
    case FaultKind::outage:  // refuses everything while in force
      return {Act::refuse, {}};
    case FaultKind::error_burst:
      return by_intensity(Act::fail);
    case FaultKind::malformed_payload:
      return by_intensity(Act::reject);
    case FaultKind::rate_limit: {
      if (fault.limiter == nullptr) return by_intensity(Act::limit);
      const Response limited = fault.limiter->admit(now);
      if (limited.ok()) return {};
      SD_CHECK(limited.error == ErrorClass::rate_limited, "a bucket refuses as rate_limited");
      return {Act::limit, limited.retry_after};
    }
    case FaultKind::timeout:
      return by_intensity(Act::silence);
    default:
      break;
  }
  SD_CHECK(false, "a request fault kind without a decision");
}

}  // namespace syncdrill
