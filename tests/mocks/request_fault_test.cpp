// The request-fault decision (mocks/request_fault.hpp) that FaultGate and the live fault
// table share: what each kind does, and how many draws it takes from the stream.
#include "mocks/request_fault.hpp"

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

// How many draws `rng` moved past `before`: 0 or 1 (the decision draws at most once).
int draws_between(RandomStream before, RandomStream& after) {
  for (int n = 0; n <= 2; ++n) {
    RandomStream probe = before;
    RandomStream now = after;
    if (probe.uniform01() == now.uniform01()) return n;
    before.uniform01();
  }
  return -1;
}

TEST_CASE("an outage refuses every request without drawing") {
  RandomStream rng(7, "test");
  for (int i = 0; i < 50; ++i) {
    const RandomStream before = rng;
    const RequestFaultDecision d =
        decide_request_fault({FaultKind::outage, 0.0, nullptr}, SimTime{}, rng);
    CHECK(d.act == RequestFaultAct::refuse);
    CHECK(draws_between(before, rng) == 0);
  }
}

TEST_CASE(
    "intensity picks the requests of error_burst, malformed_payload and timeout, one draw "
    "each") {
  const std::pair<FaultKind, RequestFaultAct> kinds[] = {
      {FaultKind::error_burst, RequestFaultAct::fail},
      {FaultKind::malformed_payload, RequestFaultAct::reject},
      {FaultKind::timeout, RequestFaultAct::silence},
      {FaultKind::rate_limit, RequestFaultAct::limit}};  // no bucket: intensity decides
  for (const auto& [kind, act] : kinds) {
    INFO(to_string(kind));
    RandomStream rng(3, "test");
    int taken = 0;
    for (int i = 0; i < 2000; ++i) {
      const RandomStream before = rng;
      // The decision is the draw: the same stream position gives the same answer.
      RandomStream twin = rng;
      const bool expected = twin.uniform01() < 0.25;
      const RequestFaultDecision d = decide_request_fault({kind, 0.25, nullptr}, SimTime{}, rng);
      CHECK(draws_between(before, rng) == 1);
      CHECK(d.took() == expected);
      if (d.took()) {
        CHECK(d.act == act);
        CHECK(d.retry_after == Duration{});
        ++taken;
      }
    }
    CHECK(taken > 400);
    CHECK(taken < 600);
    RandomStream rng0(3, "test");
    CHECK_FALSE(decide_request_fault({kind, 0.0, nullptr}, SimTime{}, rng0).took());
    CHECK(decide_request_fault({kind, 1.0, nullptr}, SimTime{}, rng0).took());
  }
}

TEST_CASE("a rate_limit bucket decides without drawing and answers with its wait") {
  RateLimiter bucket(RateLimitSpec{RateLimitSpec::Kind::token_bucket, 10, 2});
  RandomStream rng(5, "test");
  const RandomStream start = rng;
  const RequestFault fault{FaultKind::rate_limit, 0.0, &bucket};  // intensity is not asked
  CHECK_FALSE(decide_request_fault(fault, SimTime{}, rng).took());
  CHECK_FALSE(decide_request_fault(fault, SimTime{}, rng).took());
  const RequestFaultDecision limited = decide_request_fault(fault, SimTime{}, rng);
  CHECK(limited.act == RequestFaultAct::limit);
  CHECK(limited.retry_after == milliseconds(100));  // one token at 10/s
  CHECK_FALSE(decide_request_fault(fault, SimTime{} + milliseconds(100), rng).took());
  CHECK(draws_between(start, rng) == 0);
}

}  // namespace
}  // namespace syncdrill
