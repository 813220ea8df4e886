#include "sim/world/port.hpp"

namespace syncdrill {

Port::Port(Engine& engine, const std::string& name, const EndpointSpec& spec, RandomStream rng,
           std::optional<uint32_t> concurrency_limit, uint64_t seed, ErrorClass over_limit)
    : endpoint_(engine, EndpointConfig{name, spec.workers, spec.queue_max, spec.service_time}, rng),
      over_limit_(over_limit),
      faults_(seed, "faults/port/" + name) {
  if (spec.rate_limit) limiter_.emplace(*spec.rate_limit);
  if (concurrency_limit) gate_.emplace(ConcurrencyGate{*concurrency_limit, 0});
}

GateVerdict Port::admit(SimTime now) {
  GateVerdict verdict = faults_.empty() ? GateVerdict{} : faults_.admit(now);
  if (!verdict.answer.ok()) return verdict;
  if (limiter_) {
    const Outcome answer = limiter_->admit(now);
    if (!answer.ok()) {
      ++rate_limited_;
      return GateVerdict{answer};
    }
  }
  if (gate_ && !gate_->try_acquire()) {
    ++over_concurrency_limit_;
    return GateVerdict{Outcome{over_limit_, Duration{}}};
  }
  return verdict;
}

PortStats Port::stats() const {
  const FaultEffects& f = faults_.effects();
  PortStats s;
  s.rate_limited = rate_limited_;
  s.over_concurrency_limit = over_concurrency_limit_;
  s.refused_by_outage = f.refused_by_outage;
  s.failed_by_error_burst = f.failed_by_error_burst;
  s.delayed_by_latency = f.delayed_by_latency;
  s.rejected_as_malformed = f.rejected_as_malformed;
  s.rate_limited_by_fault = f.rate_limited_by_fault;
  s.unanswered_by_timeout = f.unanswered_by_timeout;
  return s;
}

}  // namespace syncdrill
