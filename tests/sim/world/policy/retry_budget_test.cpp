// RetryBudget tests: the token bucket follows a scripted sequence of outcomes whose token counts
// are worked out by hand; the ratio budget is driven by a synthetic failure storm in simulated
// time and checked against the invariant it promises for every window.
#include "sim/world/policy/retry_budget.hpp"

#include <cstdint>
#include <deque>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

BudgetSpec token_bucket(double max_tokens, double token_ratio) {
  BudgetSpec spec;
  spec.kind = BudgetSpec::Kind::token_bucket;
  spec.max_tokens = max_tokens;
  spec.token_ratio = token_ratio;
  return spec;
}

BudgetSpec ratio_budget(double ratio) {
  BudgetSpec spec;
  spec.kind = BudgetSpec::Kind::ratio;
  spec.ratio = ratio;
  return spec;
}

TEST_CASE("token bucket budget follows gRPC retry throttling arithmetic") {
  RetryBudget budget(token_bucket(10, 0.5));
  const SimTime t{};
  CHECK(budget.tokens() == 10.0);
  CHECK(budget.try_acquire_retry(t));
  for (int i = 0; i < 4; ++i)
    budget.on_failure(t);
  CHECK(budget.tokens() == 6.0);
  CHECK(budget.try_acquire_retry(t));  // 6 > 5
  budget.on_failure(t);
  CHECK(budget.tokens() == 5.0);
  CHECK_FALSE(budget.try_acquire_retry(t));  // exactly max / 2: throttled
  budget.on_success(t);
  CHECK(budget.tokens() == 5.5);
  CHECK(budget.try_acquire_retry(t));
  budget.on_failure(t);
  CHECK(budget.tokens() == 4.5);
  CHECK_FALSE(budget.try_acquire_retry(t));
  CHECK(budget.retries_allowed() == 3);
  CHECK(budget.retries_denied() == 2);
}

TEST_CASE("token bucket budget compares with max / 2 exactly after fractional refunds") {
  // 3 tokens, half is 1.5. In doubles 1 + 0.1 * 5 need not be 1.5; in millionths it is.
  RetryBudget budget(token_bucket(3, 0.1));
  const SimTime t{};
  budget.on_failure(t);
  CHECK(budget.try_acquire_retry(t));  // 2 > 1.5
  budget.on_failure(t);
  CHECK_FALSE(budget.try_acquire_retry(t));  // 1
  for (int i = 0; i < 5; ++i)
    budget.on_success(t);
  CHECK(budget.tokens() == 1.5);
  CHECK_FALSE(budget.try_acquire_retry(t));  // 1.5 is not above 1.5
  budget.on_success(t);
  CHECK(budget.try_acquire_retry(t));  // 1.6
}

TEST_CASE("token bucket budget floors at zero and caps at max_tokens") {
  RetryBudget budget(token_bucket(4, 1));
  const SimTime t{};
  for (int i = 0; i < 100; ++i)
    budget.on_failure(t);
  CHECK(budget.tokens() == 0.0);
  // From 0, three successes bring 3 tokens (> 2): a floor below 0 would need more.
  for (int i = 0; i < 2; ++i)
    budget.on_success(t);
  CHECK_FALSE(budget.try_acquire_retry(t));
  budget.on_success(t);
  CHECK(budget.try_acquire_retry(t));
  for (int i = 0; i < 100; ++i)
    budget.on_success(t);
  CHECK(budget.tokens() == 4.0);
  // Capped: two failures from 4 reach 2, the threshold, with no hidden surplus above max.
  budget.on_failure(t);
  budget.on_failure(t);
  CHECK_FALSE(budget.try_acquire_retry(t));
}

TEST_CASE("token bucket budget ignores first attempts and time") {
  RetryBudget budget(token_bucket(2, 0.5));
  for (int i = 0; i < 1000; ++i)
    budget.on_first_attempt(SimTime{i * 1'000'000LL});
  CHECK(budget.tokens() == 2.0);
  budget.on_failure(SimTime{});
  CHECK_FALSE(budget.try_acquire_retry(SimTime{} + hours(100)));  // 1, not above 1
}

TEST_CASE("ratio budget admits the minimum with no first attempts, then denies") {
  RetryBudget budget(ratio_budget(0.1));
  const SimTime t{};
  for (uint64_t i = 0; i < RetryBudget::kRatioMinRetries; ++i)
    CHECK(budget.try_acquire_retry(t));
  CHECK_FALSE(budget.try_acquire_retry(t));
  CHECK(budget.retries_allowed() == RetryBudget::kRatioMinRetries);
  CHECK(budget.retries_denied() == 1);
}

TEST_CASE("ratio budget earns one retry per 1 / ratio first attempts") {
  RetryBudget budget(ratio_budget(0.25));
  const SimTime t{};
  for (uint64_t i = 0; i < RetryBudget::kRatioMinRetries; ++i)
    REQUIRE(budget.try_acquire_retry(t));
  // 10 retries, 1 first attempt: 10 < 0.25 + 10.
  budget.on_first_attempt(t);
  CHECK(budget.try_acquire_retry(t));
  for (uint64_t earned = 1; earned <= 5; ++earned) {
    for (int i = 0; i < 3; ++i)
      budget.on_first_attempt(t);
    // 10 + earned retries against 4 * earned first attempts: equal to the limit, not below.
    CHECK_FALSE(budget.try_acquire_retry(t));
    budget.on_first_attempt(t);
    CHECK(budget.try_acquire_retry(t));
  }
  CHECK(budget.retries_allowed() == RetryBudget::kRatioMinRetries + 6);
  CHECK(budget.retries_denied() == 5);
}

TEST_CASE("ratio budget forgets retries once they leave the 10 s window") {
  RetryBudget budget(ratio_budget(0.0));
  for (uint64_t i = 0; i < RetryBudget::kRatioMinRetries; ++i)
    REQUIRE(budget.try_acquire_retry(SimTime{} + milliseconds(500)));
  CHECK_FALSE(budget.try_acquire_retry(SimTime{} + seconds(9) + milliseconds(999)));
  // The bucket [0 s, 1 s) leaves the window when the bucket [10 s, 11 s) begins.
  CHECK(budget.try_acquire_retry(SimTime{} + seconds(10)));
}

TEST_CASE("ratio budget ignores outcomes") {
  RetryBudget budget(ratio_budget(0.5));
  const SimTime t{};
  for (int i = 0; i < 100; ++i) {
    budget.on_failure(t);
    budget.on_success(t);
  }
  for (uint64_t i = 0; i < RetryBudget::kRatioMinRetries; ++i)
    CHECK(budget.try_acquire_retry(t));
  CHECK_FALSE(budget.try_acquire_retry(t));
}

TEST_CASE("ratio budget admits about ratio of first attempts under a total failure storm") {
  // 100 new requests a second for 10 minutes; every attempt fails and each request tries up to
  // 2 retries, one per 10 ms after its previous attempt. The budget should hold retries near
  // 0.1 * first attempts plus its floor of 10 per 10 s window.
  RetryBudget budget(ratio_budget(0.1));
  struct Pending {
    SimTime at;
    int retries_left;
  };
  std::deque<Pending> pending;  // ordered by time: every retry is 10 ms after an earlier event
  uint64_t firsts = 0;
  uint64_t retries = 0;
  const int64_t end_us = seconds(600).us;
  for (int64_t t_us = 0; t_us < end_us; t_us += 10'000) {
    const SimTime now{t_us};
    while (!pending.empty() && pending.front().at <= now) {
      Pending p = pending.front();
      pending.pop_front();
      if (budget.try_acquire_retry(now)) {
        ++retries;
        budget.on_failure(now);
        if (p.retries_left > 1) pending.push_back({now + milliseconds(10), p.retries_left - 1});
      }
    }
    budget.on_first_attempt(now);
    ++firsts;
    budget.on_failure(now);
    pending.push_back({now + milliseconds(10), 2});
  }
  REQUIRE(firsts == 60'000);
  // Steady state: 1000 first attempts per 10 s window earn 100 + 10 retries, 11 a second.
  const double expected = 0.1 * static_cast<double>(firsts) + 10.0 * 60;
  CHECK(static_cast<double>(retries) == doctest::Approx(expected).epsilon(0.02));
  CHECK(budget.retries_allowed() == retries);
  // A denied retry ends its request, so nearly every request is denied exactly once.
  CHECK(budget.retries_denied() > 50'000);
}

}  // namespace
}  // namespace syncdrill
