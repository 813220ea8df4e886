#include "sim/world/port.hpp"

#include "sim/faults/fault_window.hpp"

namespace syncdrill {

Port::Port(Engine& engine, const std::string& name, const EndpointSpec& spec, RandomStream rng,
           std::optional<uint32_t> concurrency_limit)
    : endpoint_(engine, EndpointConfig{name, spec.workers, spec.queue_max, spec.service_time}, rng),
      fault_rng_(rng.next_u64(), "faults/" + name) {
  if (spec.rate_limit) limiter_.emplace(*spec.rate_limit);
  if (concurrency_limit) gate_.emplace(ConcurrencyGate{*concurrency_limit, 0});
}

Outcome Port::admit(SimTime now) {
  for (const FaultSpec* f : faults_) {
    if (!fault_active(*f, now)) continue;
    if (f->kind == FaultKind::outage) {
      ++stats_.refused_by_outage;
      return Outcome{ErrorClass::unavailable, Duration{}};
    }
    if (f->kind == FaultKind::error_burst && fault_rng_.uniform01() < f->intensity) {
      ++stats_.failed_by_error_burst;
      return Outcome{ErrorClass::server_error, Duration{}};
    }
  }
  if (limiter_) {
    const Outcome answer = limiter_->admit(now);
    if (!answer.ok()) {
      ++stats_.rate_limited;
      return answer;
    }
  }
  if (gate_ && !gate_->try_acquire()) {
    ++stats_.over_concurrency_limit;
    return Outcome{ErrorClass::unavailable, Duration{}};
  }
  return Outcome{};
}

Duration Port::answer_delay(SimTime now) {
  Duration delay{};
  for (const FaultSpec* f : faults_) {
    if (f->kind != FaultKind::latency || !f->latency || !fault_active(*f, now)) continue;
    if (fault_rng_.uniform01() >= f->intensity) continue;
    delay += f->latency->sample_duration(fault_rng_);
  }
  if (delay > Duration{}) ++stats_.delayed_by_latency;
  return delay;
}

}  // namespace syncdrill
