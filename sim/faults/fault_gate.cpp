#include "sim/faults/fault_gate.hpp"

#include <algorithm>

#include "sim/faults/fault_window.hpp"

namespace syncdrill {

// Admission asks the kinds in request_fault_rank's order; the scenario's order breaks ties.
void FaultGate::add(const FaultSpec* fault, uint64_t* hits) {
  const int rank = request_fault_rank(fault->kind);
  if (rank < 0 || (fault->kind == FaultKind::rate_limit && !fault->rate_limit)) return;
  for (const Entry& e : faults_) {
    if (e.fault == fault) return;  // named twice among the targets: once is enough
  }
  Entry entry{fault, hits, std::nullopt};
  if (fault->kind == FaultKind::rate_limit) entry.limiter.emplace(*fault->rate_limit);
  const auto at = std::upper_bound(faults_.begin(), faults_.end(), rank, [](int r, const Entry& e) {
    return r < request_fault_rank(e.fault->kind);
  });
  faults_.insert(at, std::move(entry));
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
