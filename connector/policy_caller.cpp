#include "connector/policy_caller.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "core/engine/check.hpp"

namespace syncdrill {

namespace {

// Retry-After values above this are cut to it: a drill's wait is seconds, and an absurd header
// must not park a worker for days.
constexpr std::chrono::microseconds kRetryAfterMax = std::chrono::hours(1);

}  // namespace

PolicyCaller::PolicyCaller(std::string name, const PolicySpec& policy, double time_scale,
                           uint64_t seed, std::chrono::steady_clock::time_point epoch,
                           StatsRecorder& stats, StopSignal& stop)
    : name_(std::move(name)),
      policy_(policy),
      time_scale_(time_scale),
      epoch_(epoch),
      stats_(stats),
      stop_(stop),
      backoff_(policy.retry),
      rng_(seed, "connector/" + name_) {
  SD_CHECK(time_scale > 0 && std::isfinite(time_scale), "the time scale is positive");
  SD_CHECK(policy.retry.max_attempts >= 1, "a call makes at least one attempt");
  if (policy.budget) budget_.emplace(*policy.budget);
  if (policy.breaker) {
    breaker_.emplace(*policy.breaker);
    breaker_->set_transition_hook([this](const CircuitBreaker::Transition& t) {
      if (t.to == CircuitBreaker::State::open) stats_.add(&ConnectorStats::breaker_opened);
    });
  }
}

SimTime PolicyCaller::now() const {
  const auto wall = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - epoch_);
  return SimTime{static_cast<int64_t>(static_cast<double>(wall.count()) * time_scale_)};
}

std::chrono::microseconds PolicyCaller::to_wall(Duration scenario) const {
  return std::chrono::microseconds(
      static_cast<int64_t>(std::ceil(static_cast<double>(scenario.us) / time_scale_)));
}

CallResult PolicyCaller::call(std::string_view what, const Attempt& attempt) {
  {
    std::lock_guard lock(mutex_);
    if (budget_) budget_->on_first_attempt(now());
  }
  // A policy timeout shorter than a microsecond at this scale still gives the attempt a chance.
  const auto timeout = std::max(to_wall(policy_.timeout), std::chrono::microseconds(1000));
  BackoffState backoff_state;
  CallResult result;
  for (uint32_t n = 1;; ++n) {
    if (allow_attempt()) {
      stats_.add(&ConnectorStats::attempts);
      result.last = attempt(timeout);
      if (is_request_limited(result.last)) stats_.add(&ConnectorStats::request_limited);
      const ReplyClass kind = classify(result.last, policy_.retry_request_limited);
      {
        // Only a retryable failure says the dependency is unwell; a 4xx is an answer from a
        // healthy one (gRPC retry throttling counts the same way).
        std::lock_guard lock(mutex_);
        const SimTime t = now();
        if (breaker_) breaker_->record(kind != ReplyClass::retryable, t);
        if (budget_ && kind == ReplyClass::retryable) budget_->on_failure(t);
        if (budget_ && kind != ReplyClass::retryable) budget_->on_success(t);
      }
      if (kind == ReplyClass::success) {
        result.ok = true;
        return result;
      }
      if (kind == ReplyClass::permanent) {
        result.failure =
            fmt::format("{} {} -> {} (not retryable)", name_, what, describe(result.last));
        return result;
      }
    } else {
      stats_.add(&ConnectorStats::breaker_rejections);
      result.last = HttpReply{};
      result.last.error = "circuit breaker open";
    }
    std::string why;
    const auto wait = retry_wait(n, result.last, backoff_state, why);
    if (!wait) {
      result.failure = fmt::format("{} {} -> {} ({})", name_, what, describe(result.last), why);
      return result;
    }
    if (!stop_.sleep_for(*wait)) {
      result.failure =
          fmt::format("{} {} -> {} (stopped before retrying)", name_, what, describe(result.last));
      return result;
    }
  }
}

bool PolicyCaller::allow_attempt() {
  if (!breaker_) return true;
  std::lock_guard lock(mutex_);
  return breaker_->allow(now());
}

std::optional<std::chrono::microseconds> PolicyCaller::retry_wait(uint32_t attempt,
                                                                  const HttpReply& reply,
                                                                  BackoffState& state,
                                                                  std::string& why) {
  if (attempt >= policy_.retry.max_attempts) {
    why = fmt::format("{} attempts spent", policy_.retry.max_attempts);
    return std::nullopt;
  }
  std::lock_guard lock(mutex_);
  if (budget_ && !budget_->try_acquire_retry(now())) {
    stats_.add(&ConnectorStats::budget_denied);
    why = "retry budget denied";
    return std::nullopt;
  }
  const Duration backoff = backoff_.next_delay(attempt, rng_, state);
  std::optional<Duration> retry_after;
  if (reply.retry_after && reply.retry_after->count() > 0) {
    const auto wall = std::min(*reply.retry_after, kRetryAfterMax);
    // Rounded up: scaled back to the wall by to_wall(), the wait is never below the header.
    retry_after =
        Duration{static_cast<int64_t>(std::ceil(static_cast<double>(wall.count()) * time_scale_))};
  }
  const Duration wait = with_retry_after(backoff, retry_after, policy_.retry.honour_retry_after);
  stats_.add(&ConnectorStats::retries);
  if (wait > backoff) stats_.add(&ConnectorStats::retry_after_waits);
  return to_wall(wait);
}

}  // namespace syncdrill
