// CircuitBreaker: stops a connector calling a dependency that keeps failing, then probes it.
//
//   closed     every call is allowed; outcomes are counted over a sliding window (BreakerSpec
//              window, in SlidingWindow's 10 fixed buckets). When, after a result, the window
//              holds >= minimum_calls calls and failures / calls >= failure_rate, it opens.
//   open       every call is rejected at once (a fast failure: no request is sent) until
//              open_wait has passed since opening; from that instant it is half-open.
//   half_open  up to half_open_calls trial calls are allowed, the rest rejected. When all of them
//              succeed it closes with an empty window; the first trial failure opens it again for
//              a fresh open_wait, counted from that failure.
//
// The breaker never schedules anything: the caller passes the current simulated time, and the
// open -> half-open change happens lazily at the first call at or after opened + open_wait
// (reported, in the transition hook and in time_open(), at that exact instant, not at the call).
//
// It cannot tell which call a result belongs to. So results that arrive while open (calls sent
// before it opened), and results in half-open beyond the trials still in flight, are ignored and
// counted in results_ignored(). A result from before the opening that lands while trials are in
// flight is taken as a trial's: the same blind spot real breakers have.
//
// Deterministic, O(1) per call, no allocation after construction (the hook, if set, is called
// once per transition). REQUIRES: the times passed in never decrease.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"
#include "sim/world/policy/sliding_window.hpp"

namespace syncdrill {

class CircuitBreaker {
 public:
  enum class State : uint8_t { closed, open, half_open };
  struct Transition {
    State from;
    State to;
    SimTime at;
  };
  using TransitionHook = std::function<void(const Transition&)>;

  // REQUIRES: the spec's ranges as the loader enforces them (failure_rate in (0, 1], window and
  // open_wait > 0, minimum_calls and half_open_calls >= 1).
  explicit CircuitBreaker(const BreakerSpec& spec);

  // May a call be sent now? In half-open a true answer uses up one trial. A false answer is a
  // rejection (counted); the caller fails the call without sending it.
  bool allow(SimTime now);
  // The outcome of an allowed call, at the time it is known.
  void record(bool success, SimTime now);
  // The state at now (open turns half-open once open_wait has passed, even with no calls).
  State state(SimTime now) const;

  // Called at each transition, e.g. to log it for a report. Empty = none.
  void set_transition_hook(TransitionHook hook) { hook_ = std::move(hook); }

  uint64_t times_opened() const { return times_opened_; }  // closed or half-open -> open
  uint64_t times_closed() const { return times_closed_; }  // half-open -> closed: recoveries
  uint64_t calls_rejected() const { return calls_rejected_; }
  uint64_t results_ignored() const { return results_ignored_; }
  // Total time spent open (not half-open) up to now.
  Duration time_open(SimTime now) const;

 private:
  static constexpr uint32_t kCalls = 0;  // SlidingWindow counters
  static constexpr uint32_t kFailures = 1;

  void enter(State to, SimTime at);
  void end_wait_if_due(SimTime now);
  void record_closed(bool success, SimTime now);
  void record_trial(bool success, SimTime now);

  BreakerSpec spec_;
  uint64_t failure_rate_micro_;  // failure_rate in millionths: the trip test is exact integers
  SlidingWindow window_;
  State state_ = State::closed;
  SimTime opened_at_{};
  uint32_t trials_allowed_ = 0;    // this half-open period
  uint32_t trials_succeeded_ = 0;  // this half-open period

  TransitionHook hook_;
  uint64_t times_opened_ = 0;
  uint64_t times_closed_ = 0;
  uint64_t calls_rejected_ = 0;
  uint64_t results_ignored_ = 0;
  Duration open_total_{};  // completed open periods
};

// "closed", "open", "half_open": for logs and reports.
std::string_view to_string(CircuitBreaker::State state);

}  // namespace syncdrill
