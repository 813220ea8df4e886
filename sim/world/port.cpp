#include "sim/world/port.hpp"

namespace syncdrill {

Port::Port(Engine& engine, const std::string& name, const EndpointSpec& spec, RandomStream rng,
           std::optional<uint32_t> concurrency_limit)
    : endpoint_(engine, EndpointConfig{name, spec.workers, spec.queue_max, spec.service_time}, rng),
      limit_(concurrency_limit) {
  if (spec.rate_limit) limiter_.emplace(*spec.rate_limit);
}

Outcome Port::admit(SimTime now) {
  if (limiter_) {
    const Outcome answer = limiter_->admit(now);
    if (!answer.ok()) {
      ++stats_.rate_limited;
      return answer;
    }
  }
  if (limit_) {
    if (in_use_ >= *limit_) {
      ++stats_.over_concurrency_limit;
      return Outcome{ErrorClass::unavailable, Duration{}};
    }
    ++in_use_;
  }
  return Outcome{};
}

}  // namespace syncdrill
