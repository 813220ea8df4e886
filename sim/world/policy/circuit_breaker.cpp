#include "sim/world/policy/circuit_breaker.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/engine/check.hpp"

namespace syncdrill {

CircuitBreaker::CircuitBreaker(const BreakerSpec& spec)
    : spec_(spec),
      // A positive rate below one in a million counts as one in a million, not as 0.
      failure_rate_micro_(
          std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(spec.failure_rate * 1e6)))),
      window_(spec.window) {
  SD_CHECK(failure_rate_micro_ > 0 && failure_rate_micro_ <= 1'000'000,
           "failure_rate must be in (0, 1]");
  SD_CHECK(spec.open_wait.us > 0, "open_wait must be positive");
  SD_CHECK(spec.minimum_calls >= 1 && spec.half_open_calls >= 1,
           "minimum_calls and half_open_calls must be at least 1");
}

void CircuitBreaker::enter(State to, SimTime at) {
  const State from = state_;
  if (from == State::open) open_total_ += at - opened_at_;
  state_ = to;
  if (to == State::open) {
    opened_at_ = at;
    ++times_opened_;
  } else if (to == State::half_open) {
    trials_allowed_ = 0;
    trials_succeeded_ = 0;
  } else {
    window_.clear();  // old failures must not trip the fresh closed period
    ++times_closed_;
  }
  if (hook_) hook_(Transition{from, to, at});
}

void CircuitBreaker::end_wait_if_due(SimTime now) {
  if (state_ == State::open && now >= opened_at_ + spec_.open_wait)
    enter(State::half_open, opened_at_ + spec_.open_wait);
}

bool CircuitBreaker::allow(SimTime now) {
  end_wait_if_due(now);
  if (state_ == State::closed) return true;
  if (state_ == State::half_open && trials_allowed_ < spec_.half_open_calls) {
    ++trials_allowed_;
    return true;
  }
  ++calls_rejected_;
  return false;
}

void CircuitBreaker::record(bool success, SimTime now) {
  end_wait_if_due(now);
  switch (state_) {
    case State::closed:
      record_closed(success, now);
      return;
    case State::half_open:
      record_trial(success, now);
      return;
    case State::open:
      ++results_ignored_;
      return;
  }
}

void CircuitBreaker::record_closed(bool success, SimTime now) {
  window_.add(now, kCalls);
  if (!success) window_.add(now, kFailures);
  const uint64_t calls = window_.total(now, kCalls);
  if (calls < spec_.minimum_calls) return;
  // failures / calls >= failure_rate, scaled by a million and cross-multiplied: no rounding.
  if (window_.total(now, kFailures) * 1'000'000 >= failure_rate_micro_ * calls)
    enter(State::open, now);
}

void CircuitBreaker::record_trial(bool success, SimTime now) {
  if (trials_succeeded_ >= trials_allowed_) {
    ++results_ignored_;  // no trial in flight: a late result of a call sent before opening
    return;
  }
  if (!success) {
    enter(State::open, now);
    return;
  }
  if (++trials_succeeded_ == spec_.half_open_calls) enter(State::closed, now);
}

CircuitBreaker::State CircuitBreaker::state(SimTime now) const {
  if (state_ == State::open && now >= opened_at_ + spec_.open_wait) return State::half_open;
  return state_;
}

Duration CircuitBreaker::time_open(SimTime now) const {
  if (state_ != State::open) return open_total_;
  return open_total_ + std::min(now - opened_at_, spec_.open_wait);
}

std::string_view to_string(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::closed:
      return "closed";
    case CircuitBreaker::State::open:
      return "open";
    case CircuitBreaker::State::half_open:
      return "half_open";
  }
  return "unknown";
}

}  // namespace syncdrill
