#include "sim/world/port.hpp"

namespace syncdrill {

Port::Port(Engine& engine, const std::string& name, const EndpointSpec& spec, RandomStream rng,
           std::optional<uint32_t> concurrency_limit, uint64_t seed, ErrorClass over_limit)
    : endpoint_(engine, EndpointConfig{name, spec.workers, spec.queue_max, spec.service_time}, rng),
      over_limit_(over_limit),
      faults_(seed, "faults/port/" + name) {
  if (spec.rate_limit) {
    limiter_.emplace(*spec.rate_limit);
    limiter_retry_after_ = spec.rate_limit->retry_after;
  }
  if (concurrency_limit) gate_.emplace(ConcurrencyGate{*concurrency_limit, 0});
}

void Port::set_operation_limits(
    const std::array<std::optional<RateLimitSpec>, kChannelOperations>& limits) {
  for (size_t i = 0; i < kChannelOperations; ++i) {
    operation_limiters_[i].reset();
    if (limits[i])
      operation_limiters_[i].emplace(
          OperationBucket{RateLimiter(*limits[i]), limits[i]->retry_after});
  }
}

namespace {

// A refusal without Retry-After (SP-API's 429s): the client hears only "too many requests".
Outcome refusal(Outcome answer, bool retry_after) {
  if (!retry_after) answer.retry_after = Duration{};
  return answer;
}

}  // namespace

GateVerdict Port::admit(SimTime now, std::optional<ChannelOperation> op) {
  GateVerdict verdict = faults_.empty() ? GateVerdict{} : faults_.admit(now);
  if (!verdict.answer.ok()) {
    if (verdict.answer.error == ErrorClass::rate_limited) {
      verdict.answer = refusal(verdict.answer, platform_retry_after_);
    }
    return verdict;
  }
  if (limiter_) {
    const Outcome answer = limiter_->admit(now);
    if (!answer.ok()) {
      ++rate_limited_;
      return GateVerdict{refusal(answer, limiter_retry_after_)};
    }
  }
  if (op) {
    if (std::optional<OperationBucket>& b = operation_limiters_[static_cast<size_t>(*op)]) {
      const Outcome answer = b->limiter.admit(now);
      if (!answer.ok()) {
        ++rate_limited_;
        return GateVerdict{refusal(answer, b->retry_after)};
      }
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
