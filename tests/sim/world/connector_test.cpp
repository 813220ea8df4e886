// The connector's machinery, driven through a scripted flow against real ports and endpoints:
// what each attempt cost, what the server did, and how each job ended.
#include "sim/world/connector.hpp"

#include <deque>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

// A flow whose server answers come from a script (default: success), and which records every
// execution and ending.
struct ScriptedFlow final : ConnectorFlow {
  explicit ScriptedFlow(Port* p) : port(p) {}
  Port& target(const Job&) override { return *port; }
  Outcome execute(const Job& job, SimTime now) override {
    executed.push_back({job.subject, now});
    if (script.empty()) return Outcome{};
    const Outcome o = script.front();
    script.pop_front();
    return o;
  }
  void on_finished(const Job& job, JobEnd end, ErrorClass error, SimTime now) override {
    ends.push_back({job.subject, end, error, now});
  }
  // A replay may rewrite the job: here it moves the subject by replay_shift.
  void on_replay(Job& job) override {
    replays.push_back(job.subject);
    job.subject += replay_shift;
  }
  void on_dead_letter_lost(const Job& job) override {
    // Told after the job's ending.
    CHECK((!ends.empty() && ends.back().subject == job.subject));
    lost.push_back(job.subject);
  }
  struct Exec {
    uint64_t subject;
    SimTime at;
  };
  struct End {
    uint64_t subject;
    JobEnd end;
    ErrorClass error;
    SimTime at;
  };
  Port* port;
  uint64_t replay_shift = 0;
  std::vector<uint64_t> replays;
  std::vector<uint64_t> lost;
  std::deque<Outcome> script;
  std::vector<Exec> executed;
  std::vector<End> ends;
};

Job job(uint64_t subject) {
  Job j;
  j.subject = subject;
  return j;
}

EndpointSpec constant_server(Duration service, uint32_t workers = 4, uint32_t queue_max = 100) {
  EndpointSpec spec;
  spec.workers = workers;
  spec.queue_max = queue_max;
  spec.service_time = Distribution::constant(static_cast<double>(service.us));
  return spec;
}

ConnectorSpec connector_spec(uint32_t workers = 1, uint32_t queue_max = 100) {
  ConnectorSpec spec;
  spec.name = "c";
  spec.workers = workers;
  spec.queue_max = queue_max;
  return spec;
}

PolicySpec policy(Duration timeout, uint32_t max_attempts, BackoffKind backoff, Duration base) {
  PolicySpec p;
  p.name = "p";
  p.timeout = timeout;
  p.retry.max_attempts = max_attempts;
  p.retry.backoff = backoff;
  p.retry.base = base;
  p.retry.cap = seconds(60);
  return p;
}

struct Rig {
  Engine engine;
  Port port;
  ScriptedFlow flow{&port};
  Connector connector;
  Rig(const EndpointSpec& server, const ConnectorSpec& spec, const PolicySpec& p)
      : port(engine, "server", server, RandomStream(1, "server"), std::nullopt, 1),
        connector(engine, spec, p, RandomStream(1, "connector"), &flow) {}
};

TEST_CASE("a job that succeeds takes one attempt and finishes after the service time") {
  Rig rig(constant_server(milliseconds(80)), connector_spec(),
          policy(seconds(1), 3, BackoffKind::none, Duration{}));
  rig.connector.enqueue(job(7));
  rig.engine.run();
  REQUIRE(rig.flow.ends.size() == 1);
  CHECK(rig.flow.ends[0].end == JobEnd::succeeded);
  CHECK(rig.flow.ends[0].at == SimTime{} + milliseconds(80));
  CHECK(rig.connector.stats().attempts == 1);
  CHECK(rig.connector.stats().retries == 0);
}

TEST_CASE("a timed-out request is still processed by the server, once per attempt") {
  // Service 2 s, timeout 1 s, 3 attempts without backoff: the client gives up three times, and
  // the server does the work three times anyway - the root of duplicate orders.
  Rig rig(constant_server(seconds(2)), connector_spec(),
          policy(seconds(1), 3, BackoffKind::none, Duration{}));
  rig.connector.enqueue(job(1));
  rig.engine.run();
  CHECK(rig.flow.executed.size() == 3);
  REQUIRE(rig.flow.ends.size() == 1);
  CHECK(rig.flow.ends[0].end == JobEnd::dead_lettered);
  CHECK(rig.flow.ends[0].error == ErrorClass::timeout);
  CHECK(rig.flow.ends[0].at == SimTime{} + seconds(3));
  CHECK(rig.connector.stats().late_responses == 3);
  CHECK(rig.connector.dead_letter_size() == 1);
  CHECK(rig.connector.stats().errors[static_cast<size_t>(ErrorClass::timeout)] == 3);
}

TEST_CASE("a failed attempt is retried after its constant backoff until it succeeds") {
  Rig rig(constant_server(milliseconds(10)), connector_spec(),
          policy(seconds(1), 5, BackoffKind::constant, milliseconds(500)));
  rig.flow.script = {Outcome{ErrorClass::server_error, {}}, Outcome{ErrorClass::server_error, {}}};
  rig.connector.enqueue(job(2));
  rig.engine.run();
  REQUIRE(rig.flow.ends.size() == 1);
  CHECK(rig.flow.ends[0].end == JobEnd::succeeded);
  // Three services of 10 ms and two sleeps of 500 ms.
  CHECK(rig.flow.ends[0].at == SimTime{} + milliseconds(1030));
  CHECK(rig.connector.stats().retries == 2);
}

TEST_CASE("a non-retryable rejection goes to the dead-letter queue after one attempt") {
  Rig rig(constant_server(milliseconds(10)), connector_spec(),
          policy(seconds(1), 5, BackoffKind::none, Duration{}));
  rig.flow.script = {Outcome{ErrorClass::rejected, {}}};
  rig.connector.enqueue(job(3));
  rig.engine.run();
  REQUIRE(rig.flow.ends.size() == 1);
  CHECK(rig.flow.ends[0].end == JobEnd::dead_lettered);
  CHECK(rig.flow.ends[0].error == ErrorClass::rejected);
  CHECK(rig.connector.stats().attempts == 1);
}

TEST_CASE("jobs beyond the connector's queue are dropped, counted and reported") {
  Rig rig(constant_server(milliseconds(100)), connector_spec(1, 2),
          policy(seconds(1), 1, BackoffKind::none, Duration{}));
  for (uint64_t i = 0; i < 5; ++i)
    rig.connector.enqueue(job(i));
  rig.engine.run();
  CHECK(rig.connector.stats().jobs_dropped_queue_full == 2);
  CHECK(rig.connector.stats().jobs_succeeded == 3);
  size_t dropped = 0;
  for (const auto& e : rig.flow.ends)
    dropped += e.end == JobEnd::dropped_queue_full;
  CHECK(dropped == 2);
  CHECK(rig.connector.stats().queue_depth_max == 2);
}

TEST_CASE("a 429 is retried no sooner than its Retry-After when the policy honours it") {
  EndpointSpec server = constant_server(milliseconds(1));
  server.rate_limit = RateLimitSpec{RateLimitSpec::Kind::token_bucket, 1.0, 1.0};
  Rig rig(server, connector_spec(), policy(seconds(5), 3, BackoffKind::none, Duration{}));
  rig.connector.enqueue(job(1));
  rig.connector.enqueue(job(2));
  rig.engine.run();
  REQUIRE(rig.flow.ends.size() == 2);
  CHECK(rig.flow.ends[1].end == JobEnd::succeeded);
  // Job 1 takes the only token at 1 ms; job 2 is refused then and may return one second
  // after the token was spent.
  CHECK(rig.flow.ends[1].at >= SimTime{} + milliseconds(1001));
  CHECK(rig.port.stats().rate_limited == 1);
  CHECK(rig.connector.stats().errors[static_cast<size_t>(ErrorClass::rate_limited)] == 1);
}

TEST_CASE("a retry budget stops a storm of retries that the policy alone would make") {
  // Every answer is an error; 100 jobs with 10 attempts each would make 900 retries.
  // gRPC-style throttling with 10 tokens allows retries only while tokens > 5.
  PolicySpec p = policy(seconds(1), 10, BackoffKind::none, Duration{});
  p.budget = BudgetSpec{BudgetSpec::Kind::token_bucket, 10, 0.1, 0.1};
  Rig rig(constant_server(milliseconds(5)), connector_spec(4, 200), p);
  for (int i = 0; i < 300; ++i)
    rig.flow.script.push_back(Outcome{ErrorClass::server_error, {}});
  for (uint64_t i = 0; i < 100; ++i)
    rig.connector.enqueue(job(i));
  rig.engine.run();
  CHECK(rig.connector.stats().retries < 10);
  CHECK(rig.connector.stats().retries_denied_by_budget > 0);
  CHECK(rig.connector.stats().jobs_dead_lettered == 100);
}

// A dead-letter queue of 2: the third dead letter is lost and the flow is told (after the
// ending), once; a replay offers the two kept, as the flow rewrote them.
TEST_CASE("a lost dead letter is reported to the flow, and a replay offers the rewritten job") {
  ConnectorSpec spec = connector_spec();
  spec.dead_letter_max = 2;
  Rig rig(constant_server(milliseconds(10)), spec,
          policy(seconds(1), 1, BackoffKind::none, Duration{}));
  rig.flow.script = {Outcome{ErrorClass::rejected, {}}, Outcome{ErrorClass::rejected, {}},
                     Outcome{ErrorClass::rejected, {}}};
  for (uint64_t s : {1, 2, 3})
    rig.connector.enqueue(job(s));
  rig.engine.run();
  REQUIRE(rig.flow.ends.size() == 3);
  CHECK(rig.connector.stats().dead_letter_overflow == 1);
  CHECK(rig.flow.lost == std::vector<uint64_t>{3});
  CHECK(rig.connector.dead_letter_size() == 2);

  rig.flow.replay_shift = 100;
  CHECK(rig.connector.replay_dead_letters() == 2);
  rig.engine.run();
  CHECK(rig.flow.replays == std::vector<uint64_t>{1, 2});
  REQUIRE(rig.flow.ends.size() == 5);
  CHECK(rig.flow.ends[3].subject == 101);
  CHECK(rig.flow.ends[3].end == JobEnd::succeeded);
  CHECK(rig.flow.ends[4].subject == 102);
  CHECK(rig.flow.lost.size() == 1);  // a success loses nothing
  CHECK(rig.connector.dead_letter_size() == 0);
}

}  // namespace
}  // namespace syncdrill
