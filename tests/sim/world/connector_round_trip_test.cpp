// A connector's network round trip (ConnectorSpec::round_trip): half on the way to the port,
// half on the way back, drawn per attempt from the connector's own stream.
#include <doctest/doctest.h>

#include <cmath>

#include "sim/world/connector.hpp"

namespace syncdrill {
namespace {

// Answers every attempt with the scripted outcomes, then success; records when the server did
// the work and when each job ended.
struct Flow final : ConnectorFlow {
  explicit Flow(Port* p) : port(p) {}
  Port& target(const Job&) override { return *port; }
  Outcome execute(const Job&, SimTime now) override {
    executed.push_back(now);
    if (failures_left == 0) return Outcome{};
    --failures_left;
    return Outcome{ErrorClass::conflict, Duration{}};
  }
  void on_finished(const Job& job, JobEnd end, ErrorClass, SimTime now) override {
    ends.push_back({job.created, end, now});
  }
  struct End {
    SimTime created;
    JobEnd end;
    SimTime at;
  };
  Port* port;
  uint32_t failures_left = 0;
  std::vector<SimTime> executed;
  std::vector<End> ends;
};

EndpointSpec server(Duration service, std::optional<RateLimitSpec> limit = std::nullopt,
                    uint32_t workers = 1000) {
  EndpointSpec spec;
  spec.workers = workers;
  spec.queue_max = 1000;
  spec.service_time = Distribution::constant(static_cast<double>(service.us));
  spec.rate_limit = limit;
  return spec;
}

ConnectorSpec with_round_trip(std::optional<Distribution> rtt, uint32_t workers = 1) {
  ConnectorSpec spec;
  spec.name = "c";
  spec.workers = workers;
  spec.queue_max = 100'000;
  spec.round_trip = std::move(rtt);
  return spec;
}

PolicySpec patient(uint32_t max_attempts = 3, Duration timeout = seconds(10)) {
  PolicySpec p;
  p.name = "p";
  p.timeout = timeout;
  p.retry.max_attempts = max_attempts;
  p.retry.backoff = BackoffKind::none;
  return p;
}

struct Rig {
  Engine engine;
  Port port;
  Flow flow{&port};
  Connector connector;
  Rig(const EndpointSpec& s, const ConnectorSpec& c, const PolicySpec& p)
      : port(engine, "server", s, RandomStream(1, "server"), std::nullopt, 1),
        connector(engine, c, p, RandomStream(1, "connector"), &flow) {}
};

Job job() {
  return Job{};
}

TEST_CASE(
    "a constant round trip: the server works half of it after the send, the client hears "
    "the answer the other half later") {
  Rig rig(server(milliseconds(30)), with_round_trip(Distribution::constant(40'001)), patient());
  rig.connector.enqueue(job());
  rig.engine.run();
  REQUIRE(rig.flow.executed.size() == 1);
  CHECK(rig.flow.executed[0] == SimTime{} + microseconds(20'000) + milliseconds(30));
  REQUIRE(rig.flow.ends.size() == 1);
  CHECK(rig.flow.ends[0].end == JobEnd::succeeded);
  // 20,000 us out, 30 ms of service, 20,001 us back: an odd round trip keeps every microsecond.
  CHECK(rig.flow.ends[0].at == SimTime{} + microseconds(70'001));
}

TEST_CASE("without a round trip the answer comes as the server gives it") {
  Rig rig(server(milliseconds(30)), with_round_trip(std::nullopt), patient());
  rig.connector.enqueue(job());
  rig.engine.run();
  REQUIRE(rig.flow.ends.size() == 1);
  CHECK(rig.flow.ends[0].at == SimTime{} + milliseconds(30));
}

TEST_CASE("each retry crosses the network again") {
  Rig rig(server(Duration{}), with_round_trip(Distribution::constant(40'000)), patient(5));
  rig.flow.failures_left = 2;
  rig.connector.enqueue(job());
  rig.engine.run();
  REQUIRE(rig.flow.executed.size() == 3);
  CHECK(rig.flow.executed[1] == SimTime{} + milliseconds(60));
  REQUIRE(rig.flow.ends.size() == 1);
  CHECK(rig.flow.ends[0].at == SimTime{} + milliseconds(120));
  CHECK(rig.connector.stats().attempts == 3);
}

TEST_CASE("a refusal at admission comes back over the network too") {
  RateLimitSpec limit;
  limit.rate_per_s = 1e-3;  // one token, then refusals for a very long time
  limit.burst = 1;
  Rig rig(server(Duration{}, limit), with_round_trip(Distribution::constant(40'000)), patient(1));
  rig.connector.enqueue(job());
  rig.connector.enqueue(job());
  rig.engine.run();
  REQUIRE(rig.flow.ends.size() == 2);
  CHECK(rig.flow.ends[0].end == JobEnd::succeeded);
  CHECK(rig.flow.ends[1].end == JobEnd::dead_lettered);
  // Sent at 40 ms (after the first), refused at the port at 60 ms, heard at 80 ms.
  CHECK(rig.flow.ends[1].at == SimTime{} + milliseconds(80));
}

TEST_CASE("the timeout counts from the send: a round trip longer than it times the attempt out") {
  Rig rig(server(Duration{}), with_round_trip(Distribution::constant(3'000'000)),
          patient(2, seconds(1)));
  rig.connector.enqueue(job());
  rig.engine.run();
  // Half the round trip (1.5 s) is past the 1 s timeout: the server never sees either attempt.
  CHECK(rig.flow.executed.empty());
  REQUIRE(rig.flow.ends.size() == 1);
  CHECK(rig.flow.ends[0].end == JobEnd::dead_lettered);
  CHECK(rig.flow.ends[0].at == SimTime{} + seconds(2));
}

// The mean time a job takes is the service time plus the distribution's mean round trip: the
// delay added is the distribution's, not an approximation of it.
TEST_CASE("the mean added delay matches the distribution's mean") {
  for (const Distribution& rtt :
       {Distribution::lognormal_p50_p95(40'000, 200'000), Distribution::exponential(25'000),
        Distribution::uniform(10'000, 90'000)}) {
    CAPTURE(rtt.describe());
    // A worker for every job on both sides: nothing waits in a queue, so a job's time is its
    // one attempt's round trip and service.
    constexpr int kJobs = 20'000;
    Rig rig(server(milliseconds(5), std::nullopt, kJobs), with_round_trip(rtt, kJobs), patient());
    for (int i = 0; i < kJobs; ++i)
      rig.connector.enqueue(job());
    rig.engine.run();
    REQUIRE(rig.flow.ends.size() == kJobs);
    double sum_us = 0, sum_sq = 0;
    for (const Flow::End& e : rig.flow.ends) {
      const double added = static_cast<double>((e.at - e.created).us) - 5'000;
      sum_us += added;
      sum_sq += added * added;
    }
    const double mean = sum_us / kJobs;
    const double sd = std::sqrt(sum_sq / kJobs - mean * mean);
    // Four standard errors: a wrong split or a lost half fails by far more.
    CHECK(std::fabs(mean - rtt.mean()) < 4 * sd / std::sqrt(double{kJobs}) + 1);
  }
}

TEST_CASE("the round trips are drawn the same on a rerun and leave the jitter's stream alone") {
  auto run = [](std::optional<Distribution> rtt) {
    Engine engine;
    Port port(engine, "server", server(Duration{}), RandomStream(1, "server"), std::nullopt, 1);
    Flow flow(&port);
    flow.failures_left = 50;
    PolicySpec p = patient(100);
    p.retry.backoff = BackoffKind::full_jitter;
    p.retry.base = milliseconds(10);
    p.retry.cap = seconds(1);
    Connector c(engine, with_round_trip(rtt), p, RandomStream(1, "connector"), &flow);
    c.enqueue(job());
    engine.run();
    return flow.executed;
  };
  const Distribution rtt = Distribution::normal(40'000, 4'000);
  const std::vector<SimTime> a = run(rtt);
  CHECK(a == run(rtt));
  // The gaps between the server's executions are the round trip plus the same jitter draws.
  const std::vector<SimTime> none = run(std::nullopt);
  REQUIRE(a.size() == none.size());
  for (size_t i = 1; i < a.size(); ++i) {
    const Duration with_network = a[i] - a[i - 1];
    const Duration without = none[i] - none[i - 1];
    CHECK(with_network > without);
    CHECK(with_network - without < milliseconds(80));
  }
}

}  // namespace
}  // namespace syncdrill
