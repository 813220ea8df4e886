// A loss system (no waiting room) against Erlang's B formula, which holds for any service-time
// distribution with the given mean (insensitivity): checked with exponential and lognormal.
#include <cmath>

#include <doctest/doctest.h>

#include "sim/world/endpoint.hpp"

namespace syncdrill {
namespace {

double erlang_b(int c, double a) {
  double b = 1.0;  // B(0, a)
  for (int k = 1; k <= c; ++k)
    b = a * b / (k + a * b);
  return b;
}

// Poisson arrivals at `rate_per_s` into `endpoint` until `end`.
struct Arrivals {
  Engine* engine;
  Endpoint* endpoint;
  RandomStream* rng;
  double rate_per_s;
  SimTime end;
  void operator()() const {
    endpoint->submit(0, nullptr);
    const auto gap_us =
        static_cast<int64_t>(std::ceil(-std::log(rng->uniform01_open_below()) / rate_per_s * 1e6));
    if (engine->now().us + gap_us < end.us) engine->schedule_after(Duration{gap_us}, *this);
  }
};

double loss_fraction(const Distribution& service, uint64_t seed) {
  Engine engine;
  Endpoint endpoint(engine, EndpointConfig{"loss", 3, 0, service}, RandomStream(seed, "service"));
  RandomStream rng(seed, "arrivals");
  const SimTime end = SimTime{} + hours(10);
  engine.schedule_at(SimTime{}, Arrivals{&engine, &endpoint, &rng, 2.0, end});
  engine.run();
  const EndpointStats s = endpoint.stats();
  return static_cast<double>(s.rejected_queue_full) / static_cast<double>(s.arrivals);
}

TEST_CASE(
    "a loss system with no waiting room rejects at Erlang's B rate, whatever the service shape") {
  // c = 3 workers, offered load a = lambda x mean service = 2/s x 1 s = 2: B(3, 2) = 4/19.
  // About 72,000 arrivals: if losses were independent the standard error would be 0.0015; they
  // come in busy spells, which inflates it, but 0.01 is 6.5 naive standard errors.
  const double b = erlang_b(3, 2.0);
  CHECK(b == doctest::Approx(4.0 / 19.0));
  CHECK(std::abs(loss_fraction(Distribution::exponential(1e6), 2024) - b) < 0.01);
  // A lognormal with mean 1 s: p50 = exp(mu), mean = exp(mu + sigma^2/2); sigma = 1 gives
  // p50 = exp(-0.5) s and p95 = p50 x exp(1.6449).
  const double p50 = std::exp(-0.5) * 1e6;
  const double p95 = p50 * std::exp(1.6448536269514722);
  CHECK(std::abs(loss_fraction(Distribution::lognormal_p50_p95(p50, p95), 2025) - b) < 0.01);
}

}  // namespace
}  // namespace syncdrill
