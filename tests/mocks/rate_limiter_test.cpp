// Rate limiter tests: requests at chosen instants against small rates, so every admission and
// every Retry-After can be worked out by hand.
#include "mocks/rate_limiter.hpp"

#include <cstdint>

#include <doctest/doctest.h>

#include "core/engine/random.hpp"

namespace syncdrill {
namespace {

RateLimitSpec spec(RateLimitSpec::Kind kind, double rate_per_s, double burst) {
  RateLimitSpec s;
  s.kind = kind;
  s.rate_per_s = rate_per_s;
  s.burst = burst;
  return s;
}

SimTime at_ms(int64_t ms) {
  return SimTime{} + milliseconds(ms);
}

TEST_CASE(
    "mocks/rate_limiter: a full bucket admits its burst at once, then one request per refill "
    "interval") {
  for (const auto kind : {RateLimitSpec::Kind::token_bucket, RateLimitSpec::Kind::leaky_bucket}) {
    RateLimiter limiter(spec(kind, 2, 5));
    for (int i = 0; i < 5; ++i) {
      CHECK(limiter.admit(at_ms(0)).ok());
    }
    const Response refused = limiter.admit(at_ms(0));
    CHECK(refused.error == ErrorClass::rate_limited);
    CHECK(refused.retry_after == milliseconds(500));
    // Steady state: one request every 500ms fits, a second one in the same instant does not.
    for (int64_t k = 1; k <= 10; ++k) {
      CHECK(limiter.admit(at_ms(500 * k)).ok());
      CHECK(limiter.admit(at_ms(500 * k)).error == ErrorClass::rate_limited);
    }
  }
}

TEST_CASE(
    "mocks/rate_limiter: a request at exactly now plus retry_after is admitted and one millisecond "
    "earlier is not") {
  // 3 requests/s: one every 333,333.3 microseconds, so the wait rounds up to 334ms.
  for (const int64_t start_ms : {0, 7, 1234}) {
    RateLimiter limiter(spec(RateLimitSpec::Kind::token_bucket, 3, 1));
    REQUIRE(limiter.admit(at_ms(start_ms)).ok());
    const Response refused = limiter.admit(at_ms(start_ms));
    REQUIRE(refused.error == ErrorClass::rate_limited);
    CHECK(refused.retry_after == milliseconds(334));
    const SimTime retry_at = at_ms(start_ms) + refused.retry_after;
    CHECK(limiter.admit(retry_at - milliseconds(1)).error == ErrorClass::rate_limited);
    CHECK(limiter.admit(retry_at).ok());
  }
}

TEST_CASE(
    "mocks/rate_limiter: retry_after is at least one millisecond even when the wait is shorter") {
  RateLimiter limiter(spec(RateLimitSpec::Kind::leaky_bucket, 1e6, 1));  // 1 request per us
  REQUIRE(limiter.admit(at_ms(0)).ok());
  const Response refused = limiter.admit(at_ms(0));
  CHECK(refused.error == ErrorClass::rate_limited);
  CHECK(refused.retry_after == milliseconds(1));
}

TEST_CASE("mocks/rate_limiter: a long idle period refills only up to the burst capacity") {
  RateLimiter limiter(spec(RateLimitSpec::Kind::token_bucket, 1, 3));
  for (int i = 0; i < 3; ++i) {
    REQUIRE(limiter.admit(at_ms(0)).ok());
  }
  const SimTime later = SimTime{} + hours(24);
  CHECK(limiter.headroom(later) == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(limiter.admit(later).ok());
  }
  CHECK(limiter.admit(later).retry_after == milliseconds(1000));
}

TEST_CASE("mocks/rate_limiter: a fractional burst keeps its fraction") {
  // Capacity 2.5 at 1/s: two at once, the third once 0.5 requests have drained.
  RateLimiter limiter(spec(RateLimitSpec::Kind::leaky_bucket, 1, 2.5));
  CHECK(limiter.admit(at_ms(0)).ok());
  CHECK(limiter.admit(at_ms(0)).ok());
  CHECK(limiter.admit(at_ms(0)).retry_after == milliseconds(500));
  CHECK(limiter.admit(at_ms(500)).ok());
}

TEST_CASE("mocks/rate_limiter: token and leaky buckets of the same size admit the same requests") {
  RateLimiter token(spec(RateLimitSpec::Kind::token_bucket, 7.5, 4));
  RateLimiter leaky(spec(RateLimitSpec::Kind::leaky_bucket, 7.5, 4));
  RandomStream random(42, "rate-limiter-test");
  SimTime now{};
  uint64_t admitted = 0;
  for (int i = 0; i < 10'000; ++i) {
    now += microseconds(static_cast<int64_t>(random.below(300'000)));
    const Response a = token.admit(now);
    const Response b = leaky.admit(now);
    REQUIRE(a.error == b.error);
    REQUIRE(a.retry_after == b.retry_after);
    admitted += a.ok() ? 1 : 0;
  }
  // Mean gap 150ms against 7.5/s: most pass, not all.
  CHECK(admitted > 5'000);
  CHECK(admitted < 10'000);
}

TEST_CASE(
    "mocks/rate_limiter: tightening the rate keeps the fill and applies the new rate from then "
    "on") {
  RateLimiter limiter(spec(RateLimitSpec::Kind::token_bucket, 10, 10));
  REQUIRE(limiter.admit(at_ms(0)).ok());
  limiter.reconfigure(spec(RateLimitSpec::Kind::token_bucket, 1, 2), at_ms(0));
  CHECK(limiter.headroom(at_ms(0)) == 1);
  CHECK(limiter.admit(at_ms(0)).ok());
  CHECK(limiter.admit(at_ms(0)).retry_after == milliseconds(1000));
}

}  // namespace
}  // namespace syncdrill
