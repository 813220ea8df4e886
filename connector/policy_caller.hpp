// PolicyCaller: one dependency's retry policy, applied to live HTTP calls with the same policy
// objects the simulated connector uses (sim/world/connector.cpp).
//
// A call runs up to retry.max_attempts attempts (the first included):
//   - before each attempt the CircuitBreaker (if any) is asked; an open breaker fails the attempt
//     without sending it (counted in breaker_rejections, not in attempts), and the call keeps
//     waiting and retrying per the policy, as the simulated twin does;
//   - an attempt has policy.timeout; a 2xx answer ends the call well, a permanent 4xx ends it as
//     a dead letter at once, anything retryable (no answer, 408, 429, 5xx, and NetSuite's 400
//     SSS_REQUEST_LIMIT_EXCEEDED unless policy.retry_request_limited is false) asks the RetryBudget
//     (if any) for a retry, then waits Backoff::next_delay raised to Retry-After when honoured.
//   - retries spent or the budget saying no: a dead letter, with the last answer as its reason.
//
// Time: the policy objects take SimTime. The caller feeds them a monotonic scenario clock,
// steady_clock since `epoch` times time_scale, so every scenario duration in the policy (timeout,
// backoff, budget window, breaker window and open_wait) lasts duration / time_scale on the wall,
// exactly as in a drill played at that scale. Retry-After is in wall seconds and is scaled up to
// scenario time before it meets the backoff.
//
// Thread-safe: the breaker, budget and jitter stream are shared by every worker calling this
// dependency, behind one mutex that is never held while a request is in flight or sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "connector/connector_stats.hpp"
#include "connector/http_call.hpp"
#include "connector/stop_signal.hpp"
#include "core/engine/random.hpp"
#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"
#include "sim/world/policy/backoff.hpp"
#include "sim/world/policy/circuit_breaker.hpp"
#include "sim/world/policy/retry_budget.hpp"

namespace syncdrill {

struct CallResult {
  bool ok = false;
  HttpReply last;       // the last answer (status 0 if none came, or the breaker refused)
  std::string failure;  // !ok: why it was given up, for the dead-letter list
};

class PolicyCaller {
 public:
  // Sends one attempt with the given wall timeout.
  using Attempt = std::function<HttpReply(std::chrono::microseconds timeout)>;

  // `name` names the jitter stream ("connector/<name>") and the dead-letter reasons.
  // REQUIRES: time_scale > 0; the policy's ranges as the scenario loader enforces them.
  PolicyCaller(std::string name, const PolicySpec& policy, double time_scale, uint64_t seed,
               std::chrono::steady_clock::time_point epoch, StatsRecorder& stats, StopSignal& stop);

  // Runs `attempt` under the policy; `what` describes the call ("POST /oms/orders").
  CallResult call(std::string_view what, const Attempt& attempt);

  // Scenario time since the epoch (wall time x time_scale).
  SimTime now() const;
  // A scenario duration on the wall, rounded up to a microsecond (a positive wait stays
  // positive).
  std::chrono::microseconds to_wall(Duration scenario) const;

 private:
  bool allow_attempt();
  // After a failed or refused attempt number `attempt`: the wall wait before the next one, or
  // nullopt when the call must be given up (retries spent, budget denied).
  std::optional<std::chrono::microseconds> retry_wait(uint32_t attempt, const HttpReply& reply,
                                                      BackoffState& state, std::string& why);

  const std::string name_;
  const PolicySpec policy_;
  const double time_scale_;
  const std::chrono::steady_clock::time_point epoch_;
  StatsRecorder& stats_;
  StopSignal& stop_;

  std::mutex mutex_;  // guards the policy state below
  Backoff backoff_;
  RandomStream rng_;
  std::optional<RetryBudget> budget_;
  std::optional<CircuitBreaker> breaker_;
};

}  // namespace syncdrill
