#include "sim/faults/fault_gate.hpp"

#include <algorithm>

#include "core/engine/check.hpp"
#include "core/scenario/fault_kinds.hpp"
#include "mocks/fault_window.hpp"
#include "mocks/request_fault.hpp"

namespace syncdrill {

// Admission asks the kinds in request_fault_rank's order; the scenario's order breaks ties.
void FaultGate::add(const FaultSpec* fault, uint64_t* hits) {
  SD_CHECK(fault != nullptr && hits != nullptr, "a gate fault needs its spec and its counter");
  const int rank = scenario::request_fault_rank(fault->kind);
  const auto* bucket = fault->settings_if<RateLimitSettings>();
  if (rank < 0 || (fault->kind == FaultKind::rate_limit && bucket == nullptr)) return;
  for (const Entry& e : faults_) {
    if (e.fault == fault) return;  // named twice among the targets: once is enough
  }
  Entry entry{fault, hits, std::nullopt};
  if (bucket != nullptr) entry.limiter.emplace(bucket->bucket);
  const auto at = std::upper_bound(faults_.begin(), faults_.end(), rank, [](int r, const Entry& e) {
    return r < scenario::request_fault_rank(e.fault->kind);
  });
  faults_.insert(at, std::move(entry));
}

GateVerdict FaultGate::admit(SimTime now) {
  GateVerdict verdict;
  for (Entry& e : faults_) {
    const FaultSpec& f = *e.fault;
    if (f.kind == FaultKind::latency || !fault_active(f, now)) continue;
    // Several timeout faults: the first that takes the request decides; later ones do not draw.
    if (verdict.silent && f.kind == FaultKind::timeout) continue;
    RateLimiter* limiter = e.limiter ? &*e.limiter : nullptr;
    const RequestFaultDecision d = decide_request_fault({f.kind, f.intensity, limiter}, now, rng_);
    if (!d.took()) continue;
    ++*e.hits;
    switch (d.act) {
      case RequestFaultAct::refuse:
        ++effects_.refused_by_outage;
        verdict.answer = Response{ErrorClass::unavailable, Duration{}};
        return verdict;
      case RequestFaultAct::fail:
        ++effects_.failed_by_error_burst;
        verdict.answer = Response{ErrorClass::server_error, Duration{}};
        return verdict;
      case RequestFaultAct::reject:
        ++effects_.rejected_as_malformed;
        verdict.answer = Response{ErrorClass::rejected, Duration{}};
        return verdict;
      case RequestFaultAct::limit:
        ++effects_.rate_limited_by_fault;
        verdict.answer = Response{ErrorClass::rate_limited, d.retry_after};
        return verdict;
      case RequestFaultAct::silence:
        ++effects_.unanswered_by_timeout;
        verdict.silent = true;
        verdict.processed = f.settings_as<TimeoutSettings>().processed;
        break;
      case RequestFaultAct::pass:
        SD_CHECK(false, "a decision that took the request passed it");
    }
  }
  return verdict;
}

Duration FaultGate::answer_delay(SimTime now) {
  Duration delay{};
  for (Entry& e : faults_) {
    const FaultSpec& f = *e.fault;
    const auto* latency = f.settings_if<LatencySettings>();
    if (f.kind != FaultKind::latency || latency == nullptr || !fault_active(f, now)) continue;
    if (!fault_takes(f.intensity, rng_)) continue;
    ++*e.hits;
    const Duration added = latency->latency.sample_duration(rng_);
    SD_CHECK(added >= Duration{}, "a latency fault never shortens an answer");
    delay += added;
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
