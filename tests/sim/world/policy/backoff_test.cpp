// Backoff tests: the kinds without jitter are checked value by value; the jittered ones by their
// bounds on every draw and by their means over many draws of fixed-seed streams.
#include "sim/world/policy/backoff.hpp"

#include <cstdint>
#include <limits>
#include <vector>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

constexpr int64_t kMaxUs = std::numeric_limits<int64_t>::max();

RetrySpec retry(BackoffKind kind, Duration base, Duration cap) {
  RetrySpec spec;
  spec.backoff = kind;
  spec.base = base;
  spec.cap = cap;
  return spec;
}

// Mean of `draws` delays for one retry number, checking every draw lies in [lo, hi].
double mean_delay_us(const Backoff& backoff, uint32_t retry_number, int draws, Duration lo,
                     Duration hi) {
  RandomStream rng(42, "backoff-test");
  BackoffState state;
  double sum = 0;
  for (int i = 0; i < draws; ++i) {
    const Duration d = backoff.next_delay(retry_number, rng, state);
    REQUIRE(d >= lo);
    REQUIRE(d <= hi);
    sum += static_cast<double>(d.us);
  }
  return sum / draws;
}

TEST_CASE("no backoff waits zero on every retry") {
  Backoff backoff(retry(BackoffKind::none, milliseconds(100), seconds(10)));
  RandomStream rng(1, "b");
  for (uint32_t n : {1u, 2u, 10u, 100u})
    CHECK(backoff.next_delay(n, rng) == Duration{});
}

TEST_CASE("constant backoff waits base on every retry") {
  Backoff backoff(retry(BackoffKind::constant, milliseconds(250), seconds(10)));
  RandomStream rng(1, "b");
  for (uint32_t n : {1u, 2u, 10u, 100u, std::numeric_limits<uint32_t>::max()})
    CHECK(backoff.next_delay(n, rng) == milliseconds(250));
}

TEST_CASE("exponential backoff doubles from base and stops at cap") {
  Backoff backoff(retry(BackoffKind::exponential, milliseconds(100), seconds(10)));
  RandomStream rng(1, "b");
  const std::vector<int64_t> expected_ms = {100, 200, 400, 800, 1600, 3200, 6400, 10000, 10000};
  for (uint32_t n = 1; n <= expected_ms.size(); ++n)
    CHECK(backoff.next_delay(n, rng) == milliseconds(expected_ms[n - 1]));
}

TEST_CASE("exponential backoff reaches cap exactly when base * 2^(n-1) equals it") {
  Backoff backoff(retry(BackoffKind::exponential, seconds(1), seconds(8)));
  CHECK(backoff.capped_exponential(4) == seconds(8));
  CHECK(backoff.capped_exponential(3) == seconds(4));
  CHECK(backoff.capped_exponential(5) == seconds(8));
}

TEST_CASE("exponential backoff saturates at cap without overflow for huge retry numbers") {
  Backoff backoff(retry(BackoffKind::exponential, milliseconds(100), seconds(10)));
  for (uint32_t n : {30u, 63u, 64u, 65u, 100u, std::numeric_limits<uint32_t>::max()})
    CHECK(backoff.capped_exponential(n) == seconds(10));

  // With the largest cap the doubling itself is the limit: 1 us * 2^62 fits, 2^63 does not.
  Backoff widest(BackoffKind::exponential, microseconds(1), Duration{kMaxUs});
  CHECK(widest.capped_exponential(63).us == int64_t{1} << 62);
  CHECK(widest.capped_exponential(64).us == kMaxUs);
  CHECK(widest.capped_exponential(100).us == kMaxUs);
  Backoff odd(BackoffKind::exponential, microseconds(3), Duration{kMaxUs});
  CHECK(odd.capped_exponential(62).us == int64_t{3} << 61);
  CHECK(odd.capped_exponential(63).us == kMaxUs);  // 3 * 2^62 > 2^63 - 1
}

TEST_CASE("exponential backoff with a zero base is always zero") {
  Backoff backoff(BackoffKind::exponential, Duration{}, seconds(10));
  CHECK(backoff.capped_exponential(1) == Duration{});
  CHECK(backoff.capped_exponential(100) == Duration{});
}

TEST_CASE("full jitter backoff lies in [0, v] with mean v/2") {
  Backoff backoff(retry(BackoffKind::full_jitter, milliseconds(100), seconds(10)));
  // v(3) = 400 ms. Over 100,000 draws the standard error of the mean is
  // 400 ms / sqrt(12 * 100,000) ~= 0.37 ms; the tolerance of 2 ms is over 5 of those.
  const double mean_us = mean_delay_us(backoff, 3, 100'000, Duration{}, milliseconds(400));
  CHECK(mean_us == doctest::Approx(200'000.0).epsilon(0.01));
}

TEST_CASE("full jitter backoff at retry 100 is capped and has mean cap/2") {
  Backoff backoff(retry(BackoffKind::full_jitter, milliseconds(100), seconds(10)));
  const double mean_us = mean_delay_us(backoff, 100, 100'000, Duration{}, seconds(10));
  CHECK(mean_us == doctest::Approx(5'000'000.0).epsilon(0.01));
}

TEST_CASE("full jitter backoff reaches both ends of a small range") {
  // v(1) = 3 us: four possible values 0..3, each about a quarter of the draws.
  Backoff backoff(BackoffKind::full_jitter, microseconds(3), seconds(1));
  RandomStream rng(7, "ends");
  std::vector<int> counts(4, 0);
  for (int i = 0; i < 40'000; ++i)
    ++counts.at(static_cast<size_t>(backoff.next_delay(1, rng).us));
  for (int c : counts)
    CHECK(c == doctest::Approx(10'000).epsilon(0.05));
}

TEST_CASE("equal jitter backoff lies in [v/2, v] with mean 3v/4") {
  Backoff backoff(retry(BackoffKind::equal_jitter, milliseconds(100), seconds(10)));
  const double mean_us = mean_delay_us(backoff, 4, 100'000, milliseconds(400), milliseconds(800));
  CHECK(mean_us == doctest::Approx(600'000.0).epsilon(0.01));
  const double capped_us = mean_delay_us(backoff, 100, 100'000, seconds(5), seconds(10));
  CHECK(capped_us == doctest::Approx(7'500'000.0).epsilon(0.01));
}

TEST_CASE("equal jitter backoff never exceeds v when v is odd") {
  Backoff backoff(BackoffKind::equal_jitter, microseconds(5), seconds(1));
  // v(1) = 5 us: halves of 2 us, so delays are 2..4 us.
  mean_delay_us(backoff, 1, 10'000, microseconds(2), microseconds(4));
}

TEST_CASE("decorrelated jitter backoff stays within [base, cap] and within 3x the last sleep") {
  Backoff backoff(retry(BackoffKind::decorrelated_jitter, milliseconds(100), seconds(10)));
  RandomStream rng(3, "decorrelated");
  int at_cap = 0;
  for (int request = 0; request < 1'000; ++request) {
    BackoffState state;
    Duration prev = milliseconds(100);
    for (uint32_t n = 1; n <= 100; ++n) {
      const Duration d = backoff.next_delay(n, rng, state);
      REQUIRE(d >= milliseconds(100));
      REQUIRE(d <= seconds(10));
      REQUIRE(d <= prev * 3);
      CHECK(state.decorrelated_prev == d);
      at_cap += d == seconds(10) ? 1 : 0;
      prev = d;
    }
  }
  // The sequence climbs: long retry chains spend much of their time at the cap.
  CHECK(at_cap > 10'000);
}

TEST_CASE("decorrelated jitter backoff's first retry is uniform in [base, 3 * base]") {
  Backoff backoff(retry(BackoffKind::decorrelated_jitter, milliseconds(100), seconds(10)));
  // Mean 200 ms; standard error 200 ms / sqrt(12 * 100,000) ~= 0.18 ms, tolerance 2 ms.
  const double mean_us = mean_delay_us(backoff, 1, 100'000, milliseconds(100), milliseconds(300));
  CHECK(mean_us == doctest::Approx(200'000.0).epsilon(0.01));
}

TEST_CASE("decorrelated jitter backoff keeps one state per request") {
  Backoff backoff(retry(BackoffKind::decorrelated_jitter, milliseconds(100), seconds(10)));
  // Two requests interleaved on one stream, then the same draws replayed as one request each:
  // what a request sleeps depends only on its own history and the numbers drawn for it.
  RandomStream rng(9, "interleaved");
  BackoffState a;
  BackoffState b;
  std::vector<Duration> a_sleeps;
  std::vector<Duration> b_sleeps;
  for (uint32_t n = 1; n <= 6; ++n) {
    a_sleeps.push_back(backoff.next_delay(n, rng, a));
    b_sleeps.push_back(backoff.next_delay(n, rng, b));
  }
  CHECK(a.decorrelated_prev == a_sleeps.back());
  CHECK(b.decorrelated_prev == b_sleeps.back());
  CHECK(a_sleeps != b_sleeps);

  // Retry 1 restarts from base even on a used state: same draw, same answer as a fresh state.
  RandomStream r1(5, "restart");
  RandomStream r2(5, "restart");
  BackoffState used{seconds(9)};
  BackoffState fresh;
  CHECK(backoff.next_delay(1, r1, used) == backoff.next_delay(1, r2, fresh));
}

TEST_CASE("decorrelated jitter backoff's own state restarts on reset") {
  Backoff backoff(retry(BackoffKind::decorrelated_jitter, milliseconds(100), seconds(10)));
  RandomStream r1(11, "own");
  RandomStream r2(11, "own");
  std::vector<Duration> first;
  for (uint32_t n = 1; n <= 5; ++n)
    first.push_back(backoff.next_delay(n, r1));
  backoff.reset();
  BackoffState external;
  for (uint32_t n = 1; n <= 5; ++n)
    CHECK(backoff.next_delay(n, r2, external) == first[n - 1]);
  // After reset the own state starts from base again even without a retry number of 1.
  backoff.reset();
  RandomStream r3(12, "own");
  CHECK(backoff.next_delay(2, r3) <= milliseconds(300));
}

TEST_CASE("backoff with cap below base answers cap for every capped kind") {
  // The loader rejects cap < base only when cap is written; a long base alone gets here.
  RandomStream rng(2, "inverted");
  Backoff exponential(BackoffKind::exponential, seconds(20), seconds(10));
  Backoff full(BackoffKind::full_jitter, seconds(20), seconds(10));
  Backoff decorrelated(BackoffKind::decorrelated_jitter, seconds(20), seconds(10));
  Backoff constant(BackoffKind::constant, seconds(20), seconds(10));
  for (uint32_t n = 1; n <= 5; ++n) {
    CHECK(exponential.next_delay(n, rng) == seconds(10));
    CHECK(full.next_delay(n, rng) <= seconds(10));
    CHECK(decorrelated.next_delay(n, rng) == seconds(10));
    CHECK(constant.next_delay(n, rng) == seconds(20));
  }
}

TEST_CASE("backoff draws nothing from the stream for kinds without jitter") {
  RandomStream used(4, "s");
  RandomStream untouched(4, "s");
  for (BackoffKind kind : {BackoffKind::none, BackoffKind::constant, BackoffKind::exponential}) {
    Backoff backoff(kind, milliseconds(100), seconds(10));
    for (uint32_t n = 1; n <= 10; ++n)
      backoff.next_delay(n, used);
  }
  CHECK(used.next_u64() == untouched.next_u64());
}

TEST_CASE("backoff delays replay exactly from the same seed") {
  for (BackoffKind kind :
       {BackoffKind::full_jitter, BackoffKind::equal_jitter, BackoffKind::decorrelated_jitter}) {
    Backoff b1(kind, milliseconds(100), seconds(10));
    Backoff b2(kind, milliseconds(100), seconds(10));
    RandomStream r1(77, "replay");
    RandomStream r2(77, "replay");
    for (uint32_t n = 1; n <= 50; ++n)
      CHECK(b1.next_delay(n, r1) == b2.next_delay(n, r2));
  }
}

TEST_CASE("backoff takes its schedule from a webhook spec's fields") {
  WebhookSpec webhooks;  // exponential, 10 s base, 1 h cap
  Backoff backoff(webhooks.backoff, webhooks.base, webhooks.cap);
  CHECK(backoff.capped_exponential(1) == seconds(10));
  CHECK(backoff.capped_exponential(9) == seconds(2560));
  CHECK(backoff.capped_exponential(10) == hours(1));
}

TEST_CASE("backoff with retry-after waits the longer of the two when honoured") {
  CHECK(with_retry_after(seconds(1), seconds(5), true) == seconds(5));
  CHECK(with_retry_after(seconds(7), seconds(5), true) == seconds(7));
  CHECK(with_retry_after(seconds(1), seconds(5), false) == seconds(1));
  CHECK(with_retry_after(seconds(1), std::nullopt, true) == seconds(1));
  CHECK(with_retry_after(Duration{}, Duration{}, true) == Duration{});
}

}  // namespace
}  // namespace syncdrill
