#include "sim/faults/fault_gate.hpp"

#include "sim/faults/fault_window.hpp"

namespace syncdrill {

void FaultGate::add(const FaultSpec* fault, uint64_t* hits) {
  switch (fault->kind) {
    case FaultKind::outage:
    case FaultKind::error_burst:
    case FaultKind::malformed_payload:
    case FaultKind::timeout:
    case FaultKind::latency:
      faults_.push_back(Entry{fault, hits, std::nullopt});
      break;
    case FaultKind::rate_limit:
      if (fault->rate_limit) faults_.push_back(Entry{fault, hits, RateLimiter(*fault->rate_limit)});
      break;
    default:
      break;
  }
}

GateVerdict FaultGate::admit(SimTime now) {
  GateVerdict verdict;
  for (Entry& e : faults_) {
    const FaultSpec& f = *e.fault;
    if (f.kind == FaultKind::latency || !fault_active(f, now)) continue;
    switch (f.kind) {
      case FaultKind::outage:
        ++effects_.refused_by_outage;
        ++*e.hits;
        verdict.answer = Outcome{ErrorClass::unavailable, Duration{}};
        return verdict;
      case FaultKind::error_burst:
        if (rng_.uniform01() >= f.intensity) break;
        ++effects_.failed_by_error_burst;
        ++*e.hits;
        verdict.answer = Outcome{ErrorClass::server_error, Duration{}};
        return verdict;
      case FaultKind::malformed_payload:
        if (rng_.uniform01() >= f.intensity) break;
        ++effects_.rejected_as_malformed;
        ++*e.hits;
        verdict.answer = Outcome{ErrorClass::rejected, Duration{}};
        return verdict;
      case FaultKind::rate_limit: {
        const Outcome limited = e.limiter->admit(now);
        if (limited.ok()) break;
        ++effects_.rate_limited_by_fault;
        ++*e.hits;
        verdict.answer = limited;
        return verdict;
      }
      case FaultKind::timeout:
        // Several timeout faults: the first that takes the request decides.
        if (verdict.silent || rng_.uniform01() >= f.intensity) break;
        ++effects_.unanswered_by_timeout;
        ++*e.hits;
        verdict.silent = true;
        verdict.processed = f.processed;
        break;
      default:
        break;
    }
  }
  return verdict;
}

Duration FaultGate::answer_delay(SimTime now) {
  Duration delay{};
  for (Entry& e : faults_) {
    const FaultSpec& f = *e.fault;
    if (f.kind != FaultKind::latency || !f.latency || !fault_active(f, now)) continue;
    if (rng_.uniform01() >= f.intensity) continue;
    ++*e.hits;
    delay += f.latency->sample_duration(rng_);
  }
  if (delay > Duration{}) ++effects_.delayed_by_latency;
  return delay;
}

void FaultGate::active(SimTime now, std::vector<const FaultSpec*>& out) const {
  for (const Entry& e : faults_) {
    if (fault_active(*e.fault, now)) out.push_back(e.fault);
  }
}

}  // namespace syncdrill
