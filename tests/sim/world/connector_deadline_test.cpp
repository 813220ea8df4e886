// The connector's client deadline without a timeout event: a request that starts service at once
// and will finish before its deadline schedules none, and an answer exactly at the deadline is a
// timeout either way (as if the timeout event had run first).
#include <doctest/doctest.h>

#include "sim/world/connector.hpp"

namespace syncdrill {
namespace {

struct RecordingFlow final : ConnectorFlow {
  explicit RecordingFlow(Port* p) : port(p) {}
  Port& target(const Job&) override { return *port; }
  Outcome execute(const Job&, SimTime) override {
    ++executed;
    return Outcome{};
  }
  void on_finished(const Job& job, JobEnd end, ErrorClass error, SimTime now) override {
    ends.push_back({job.subject, end, error, now});
  }
  struct End {
    uint64_t subject;
    JobEnd end;
    ErrorClass error;
    SimTime at;
  };
  Port* port;
  int executed = 0;
  std::vector<End> ends;
};

struct Rig {
  Engine engine;
  Port port;
  RecordingFlow flow{&port};
  Connector connector;
  Rig(Duration service, uint32_t server_workers, Duration timeout, uint32_t connector_workers)
      : port(engine, "server", server(service, server_workers), RandomStream(1, "server"),
             std::nullopt, 1),
        connector(engine, spec(connector_workers), policy(timeout), RandomStream(1, "c"), &flow) {}

  static EndpointSpec server(Duration service, uint32_t workers) {
    EndpointSpec s;
    s.workers = workers;
    s.queue_max = 10;
    s.service_time = Distribution::constant(static_cast<double>(service.us));
    return s;
  }
  static ConnectorSpec spec(uint32_t workers) {
    ConnectorSpec s;
    s.name = "c";
    s.workers = workers;
    return s;
  }
  static PolicySpec policy(Duration timeout) {
    PolicySpec p;
    p.timeout = timeout;
    p.retry.max_attempts = 1;
    return p;
  }
};

Job job(uint64_t subject) {
  Job j;
  j.subject = subject;
  return j;
}

TEST_CASE("a request served before its deadline costs one engine event, not a timeout too") {
  Rig rig(milliseconds(80), 1, seconds(1), 1);
  rig.connector.enqueue(job(1));
  rig.engine.run();
  REQUIRE(rig.flow.ends.size() == 1);
  CHECK(rig.flow.ends[0].end == JobEnd::succeeded);
  CHECK(rig.flow.ends[0].at == SimTime{} + milliseconds(80));
  CHECK(rig.engine.slots_allocated() == 1);  // the completion only
}

TEST_CASE("an answer exactly at the deadline is a timeout when the request started at once") {
  Rig rig(seconds(1), 1, seconds(1), 1);
  rig.connector.enqueue(job(1));
  rig.engine.run();
  CHECK(rig.flow.executed == 1);  // the server did the work anyway
  REQUIRE(rig.flow.ends.size() == 1);
  CHECK(rig.flow.ends[0].end == JobEnd::dead_lettered);
  CHECK(rig.flow.ends[0].error == ErrorClass::timeout);
  CHECK(rig.flow.ends[0].at == SimTime{} + seconds(1));
  CHECK(rig.connector.stats().late_responses == 1);
}

TEST_CASE("an answer exactly at the deadline is a timeout when the request queued first") {
  // One server worker, service 1 s, timeout 2 s: job 1 is served at 1 s; job 2 waits 1 s in the
  // server's queue and is answered at 2 s, its deadline.
  Rig rig(seconds(1), 1, seconds(2), 2);
  rig.connector.enqueue(job(1));
  rig.connector.enqueue(job(2));
  rig.engine.run();
  CHECK(rig.flow.executed == 2);
  REQUIRE(rig.flow.ends.size() == 2);
  CHECK(rig.flow.ends[0].subject == 1);
  CHECK(rig.flow.ends[0].end == JobEnd::succeeded);
  CHECK(rig.flow.ends[1].subject == 2);
  CHECK(rig.flow.ends[1].end == JobEnd::dead_lettered);
  CHECK(rig.flow.ends[1].error == ErrorClass::timeout);
  CHECK(rig.flow.ends[1].at == SimTime{} + seconds(2));
  CHECK(rig.connector.stats().late_responses == 1);
}

TEST_CASE("a request still in service at its deadline times out then, not when answered") {
  Rig rig(seconds(3), 1, seconds(1), 1);
  rig.connector.enqueue(job(1));
  rig.engine.run();
  REQUIRE(rig.flow.ends.size() == 1);
  CHECK(rig.flow.ends[0].error == ErrorClass::timeout);
  CHECK(rig.flow.ends[0].at == SimTime{} + seconds(1));
  CHECK(rig.flow.executed == 1);
  CHECK(rig.connector.stats().late_responses == 1);
}

}  // namespace
}  // namespace syncdrill
