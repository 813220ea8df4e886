// CircuitBreaker tests: scripted calls and outcomes at chosen simulated times, with every
// transition time worked out by hand (window 10 s in 1 s buckets, open_wait 30 s).
#include "sim/world/policy/circuit_breaker.hpp"

#include <cstdint>
#include <vector>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

using State = CircuitBreaker::State;

BreakerSpec spec() {
  BreakerSpec s;
  s.failure_rate = 0.5;
  s.window = seconds(10);
  s.minimum_calls = 4;
  s.open_wait = seconds(30);
  s.half_open_calls = 2;
  return s;
}

SimTime at_s(int64_t s) {
  return SimTime{} + seconds(s);
}

// One call through the breaker: allowed, then its outcome recorded at the same instant.
bool call(CircuitBreaker& breaker, bool success, SimTime now) {
  if (!breaker.allow(now)) return false;
  breaker.record(success, now);
  return true;
}

void open_at(CircuitBreaker& breaker, SimTime now) {
  for (int i = 0; i < 4; ++i)
    REQUIRE(call(breaker, false, now));
  REQUIRE(breaker.state(now) == State::open);
}

TEST_CASE("breaker opens at the minimum-calls boundary, not before") {
  CircuitBreaker breaker(spec());
  for (int i = 0; i < 3; ++i) {
    CHECK(call(breaker, false, at_s(1)));
    CHECK(breaker.state(at_s(1)) == State::closed);  // 100% failures, but only i + 1 calls
  }
  CHECK(call(breaker, false, at_s(1)));
  CHECK(breaker.state(at_s(1)) == State::open);
  CHECK(breaker.times_opened() == 1);
}

TEST_CASE("breaker opens at exactly the failure rate and not just below it") {
  CircuitBreaker below(spec());
  // Failure fractions after the 4th call on: 1/4, 2/5, 2/6, 3/7, 3/8: all below 0.5.
  for (bool ok : {true, true, false, true, false, true, false, true})
    call(below, ok, at_s(2));
  CHECK(below.state(at_s(2)) == State::closed);

  CircuitBreaker at(spec());
  for (bool ok : {true, true, false})
    call(at, ok, at_s(2));
  CHECK(at.state(at_s(2)) == State::closed);  // 3 calls: under the minimum
  call(at, false, at_s(2));                   // 2 of 4 = 0.5
  CHECK(at.state(at_s(2)) == State::open);
}

TEST_CASE("breaker opens on a success that completes the minimum at a high failure rate") {
  CircuitBreaker breaker(spec());
  for (bool ok : {false, false, false})
    call(breaker, ok, at_s(0));
  call(breaker, true, at_s(0));  // 3 of 4 failed
  CHECK(breaker.state(at_s(0)) == State::open);
}

TEST_CASE("breaker forgets failures that slid out of its window") {
  CircuitBreaker breaker(spec());
  for (int i = 0; i < 3; ++i)
    call(breaker, false, at_s(0) + milliseconds(900));
  // At 9.999 s the bucket [0 s, 1 s) is still in the window: a 4th failure would open it.
  // At 10 s it has left, so this is the only call in the window.
  call(breaker, false, at_s(10));
  CHECK(breaker.state(at_s(10)) == State::closed);
  for (int i = 0; i < 2; ++i)
    call(breaker, false, at_s(10));
  CHECK(breaker.state(at_s(10)) == State::closed);
  call(breaker, false, at_s(10));
  CHECK(breaker.state(at_s(10)) == State::open);
}

TEST_CASE("breaker counts failures across buckets within its window") {
  CircuitBreaker breaker(spec());
  call(breaker, false, at_s(0));
  call(breaker, false, at_s(3));
  call(breaker, false, at_s(6));
  call(breaker, false, at_s(9) + milliseconds(999));
  CHECK(breaker.state(at_s(9) + milliseconds(999)) == State::open);
}

TEST_CASE("breaker stays open for exactly open_wait and rejects meanwhile") {
  CircuitBreaker breaker(spec());
  open_at(breaker, at_s(5));
  CHECK_FALSE(breaker.allow(at_s(5)));
  CHECK_FALSE(breaker.allow(at_s(20)));
  const SimTime last_open = at_s(35) - microseconds(1);
  CHECK(breaker.state(last_open) == State::open);
  CHECK_FALSE(breaker.allow(last_open));
  CHECK(breaker.calls_rejected() == 3);
  CHECK(breaker.state(at_s(35)) == State::half_open);
  CHECK(breaker.allow(at_s(35)));
  CHECK(breaker.time_open(at_s(35)) == seconds(30));
}

TEST_CASE("breaker in half-open admits only half_open_calls trials") {
  CircuitBreaker breaker(spec());
  open_at(breaker, at_s(0));
  CHECK(breaker.allow(at_s(40)));
  CHECK(breaker.allow(at_s(40)));
  CHECK_FALSE(breaker.allow(at_s(40)));
  CHECK_FALSE(breaker.allow(at_s(41)));
  CHECK(breaker.calls_rejected() == 2);
  CHECK(breaker.state(at_s(41)) == State::half_open);
}

TEST_CASE("breaker closes with an empty window when every trial succeeds") {
  CircuitBreaker breaker(spec());
  open_at(breaker, at_s(0));
  REQUIRE(breaker.allow(at_s(30)));
  REQUIRE(breaker.allow(at_s(30)));
  breaker.record(true, at_s(31));
  CHECK(breaker.state(at_s(31)) == State::half_open);  // one trial still out
  breaker.record(true, at_s(32));
  CHECK(breaker.state(at_s(32)) == State::closed);
  CHECK(breaker.times_closed() == 1);
  // The 4 failures at 0 s are gone: 3 new ones (all in the same window) do not open it.
  for (int i = 0; i < 3; ++i)
    call(breaker, false, at_s(32));
  CHECK(breaker.state(at_s(32)) == State::closed);
  call(breaker, false, at_s(32));
  CHECK(breaker.state(at_s(32)) == State::open);
}

TEST_CASE("breaker reopens for a fresh open_wait on a failure in half-open") {
  CircuitBreaker breaker(spec());
  open_at(breaker, at_s(0));
  REQUIRE(breaker.allow(at_s(30)));
  REQUIRE(breaker.allow(at_s(30)));
  breaker.record(true, at_s(31));
  breaker.record(false, at_s(33));
  CHECK(breaker.state(at_s(33)) == State::open);
  CHECK(breaker.times_opened() == 2);
  CHECK_FALSE(breaker.allow(at_s(63) - microseconds(1)));
  CHECK(breaker.state(at_s(63)) == State::half_open);
  CHECK(breaker.allow(at_s(63)));
  // Open 0-30 s and 33-63 s; the 3 s of half-open in between do not count.
  CHECK(breaker.time_open(at_s(63)) == seconds(60));
}

TEST_CASE("breaker ignores results while open and beyond the trials in flight") {
  CircuitBreaker breaker(spec());
  open_at(breaker, at_s(0));
  breaker.record(false, at_s(1));  // a call sent before opening
  breaker.record(true, at_s(2));
  CHECK(breaker.results_ignored() == 2);
  CHECK(breaker.state(at_s(2)) == State::open);
  // Half-open (from 30 s) with no trial sent yet: a late result is not a trial's.
  breaker.record(false, at_s(31));
  CHECK(breaker.results_ignored() == 3);
  CHECK(breaker.state(at_s(31)) == State::half_open);
  REQUIRE(breaker.allow(at_s(31)));
  breaker.record(true, at_s(31));
  breaker.record(true, at_s(31));  // only one trial was out
  CHECK(breaker.results_ignored() == 4);
  CHECK(breaker.state(at_s(31)) == State::half_open);
}

TEST_CASE("breaker time_open counts an unvisited open period up to open_wait") {
  CircuitBreaker breaker(spec());
  CHECK(breaker.time_open(at_s(100)) == Duration{});
  open_at(breaker, at_s(10));
  CHECK(breaker.time_open(at_s(25)) == seconds(15));
  CHECK(breaker.time_open(at_s(1000)) == seconds(30));
}

TEST_CASE("breaker reports each transition at its exact time through the hook") {
  CircuitBreaker breaker(spec());
  std::vector<CircuitBreaker::Transition> log;
  breaker.set_transition_hook([&log](const CircuitBreaker::Transition& t) { log.push_back(t); });
  open_at(breaker, at_s(1));
  // No call until 50 s: the half-open transition is still stamped 31 s.
  REQUIRE(breaker.allow(at_s(50)));
  breaker.record(false, at_s(51));
  REQUIRE(breaker.allow(at_s(81)));
  REQUIRE(breaker.allow(at_s(81)));
  breaker.record(true, at_s(82));
  breaker.record(true, at_s(83));
  REQUIRE(log.size() == 5);
  const State from[] = {State::closed, State::open, State::half_open, State::open,
                        State::half_open};
  const State to[] = {State::open, State::half_open, State::open, State::half_open, State::closed};
  const int64_t at[] = {1, 31, 51, 81, 83};
  for (size_t i = 0; i < log.size(); ++i) {
    CAPTURE(i);
    CHECK(log[i].from == from[i]);
    CHECK(log[i].to == to[i]);
    CHECK(log[i].at == at_s(at[i]));
  }
  CHECK(to_string(log[1].to) == "half_open");
}

TEST_CASE("breaker with a window shorter than ten buckets still counts") {
  BreakerSpec s = spec();
  s.window = microseconds(1);  // 1 us buckets: 10 us covered
  CircuitBreaker breaker(s);
  for (int i = 0; i < 4; ++i)
    call(breaker, false, SimTime{i});
  CHECK(breaker.state(SimTime{3}) == State::open);
}

}  // namespace
}  // namespace syncdrill
