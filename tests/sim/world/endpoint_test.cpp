// Endpoint tests: requests are submitted at chosen simulated times with constant service times,
// so every completion time and every statistic can be worked out by hand and compared exactly.
#include "sim/world/endpoint.hpp"

#include <cstdint>
#include <vector>

#include <doctest/doctest.h>

#include "core/engine/engine.hpp"

namespace syncdrill {
namespace {

struct Outcome {
  uint64_t tag;
  int64_t arrived_us;
  int64_t at_us;  // finished, or rejected
  bool served;
  bool operator==(const Outcome&) const = default;
};

class RecordingClient final : public EndpointClient {
 public:
  void on_served(uint64_t tag, SimTime arrived, SimTime finished) override {
    outcomes.push_back({tag, arrived.us, finished.us, true});
  }
  void on_rejected(uint64_t tag, SimTime at) override {
    outcomes.push_back({tag, at.us, at.us, false});
  }
  std::vector<Outcome> outcomes;
};

EndpointConfig constant_config(uint32_t workers, uint32_t queue_max, int64_t service_us) {
  EndpointConfig config;
  config.name = "test";
  config.workers = workers;
  config.queue_max = queue_max;
  config.service_time = Distribution::constant(static_cast<double>(service_us));
  return config;
}

RandomStream test_stream() {
  return RandomStream(1, "endpoint-test");
}

// Submits `tag` at time `at_us`, from inside the engine.
struct SubmitAt {
  Endpoint* endpoint;
  EndpointClient* client;
  uint64_t tag;
  void operator()() const { endpoint->submit(tag, client); }
};

void submit_at(Engine& engine, Endpoint& endpoint, EndpointClient* client, int64_t at_us,
               uint64_t tag) {
  engine.schedule_at(SimTime{at_us}, SubmitAt{&endpoint, client, tag});
}

TEST_CASE("one worker serves queued requests in arrival order") {
  Engine engine;
  Endpoint endpoint(engine, constant_config(1, 10, 10), test_stream());
  RecordingClient client;
  for (uint64_t tag = 0; tag < 5; ++tag)
    CHECK(endpoint.submit(tag, &client));
  CHECK(endpoint.busy_workers() == 1);
  CHECK(endpoint.queue_length() == 4);
  engine.run();
  CHECK(client.outcomes == std::vector<Outcome>{{0, 0, 10, true},
                                                {1, 0, 20, true},
                                                {2, 0, 30, true},
                                                {3, 0, 40, true},
                                                {4, 0, 50, true}});
  CHECK(endpoint.in_system() == 0);
}

TEST_CASE("a full queue rejects, counts the rejection and tells the client at once") {
  Engine engine;
  Endpoint endpoint(engine, constant_config(1, 2, 100), test_stream());
  RecordingClient client;
  engine.run_until(SimTime{50});
  CHECK(endpoint.submit(0, &client));   // starts
  CHECK(endpoint.submit(1, &client));   // queues
  CHECK(endpoint.submit(2, &client));   // queues
  CHECK(!endpoint.submit(3, &client));  // full
  CHECK(client.outcomes == std::vector<Outcome>{{3, 50, 50, false}});
  CHECK(!endpoint.submit(4, &client));
  engine.run();
  CHECK(client.outcomes == std::vector<Outcome>{{3, 50, 50, false},
                                                {4, 50, 50, false},
                                                {0, 50, 150, true},
                                                {1, 50, 250, true},
                                                {2, 50, 350, true}});
  const EndpointStats s = endpoint.stats();
  CHECK(s.arrivals == 5);
  CHECK(s.accepted == 3);
  CHECK(s.rejected_queue_full == 2);
  CHECK(s.completed == 3);
  CHECK(s.queue_depth_max == 2);
}

TEST_CASE("a queue of zero makes a loss system that rejects whenever every worker is busy") {
  Engine engine;
  Endpoint endpoint(engine, constant_config(2, 0, 100), test_stream());
  RecordingClient client;
  CHECK(endpoint.submit(0, &client));
  CHECK(endpoint.submit(1, &client));
  CHECK(!endpoint.submit(2, &client));
  engine.run_until(SimTime{100});
  CHECK(endpoint.submit(3, &client));  // both workers freed at 100
  engine.run();
  CHECK(endpoint.stats().rejected_queue_full == 1);
  CHECK(endpoint.stats().completed == 3);
  CHECK(endpoint.stats().queue_depth_max == 0);
}

TEST_CASE("c workers serve c requests in parallel and the next one waits for the first free") {
  Engine engine;
  Endpoint endpoint(engine, constant_config(3, 10, 100), test_stream());
  RecordingClient client;
  for (uint64_t tag = 0; tag < 3; ++tag)
    endpoint.submit(tag, &client);
  submit_at(engine, endpoint, &client, 10, 3);
  engine.run();
  CHECK(client.outcomes ==
        std::vector<Outcome>{
            {0, 0, 100, true}, {1, 0, 100, true}, {2, 0, 100, true}, {3, 10, 200, true}});
  const EndpointStats s = endpoint.stats();
  CHECK(s.mean_wait_us == doctest::Approx(90.0 / 4));
  CHECK(s.wait_us.max() == 90);
}

// One worker, service 30 us, arrivals at 0, 10 and 20, observed until 100:
//   request  arrives  starts  finishes  wait  sojourn
//      0        0        0       30       0     30
//      1       10       30       60      20     50
//      2       20       60       90      40     70
// Queue length: 0 on [0,10), 1 on [10,20), 2 on [20,30), 1 on [30,60), 0 after: area 60.
// Busy workers: 1 on [0,90): area 90. In system: area 150.
TEST_CASE("statistics of a hand-computed single-worker case are exact") {
  Engine engine;
  Endpoint endpoint(engine, constant_config(1, 10, 30), test_stream());
  RecordingClient client;
  for (uint64_t tag = 0; tag < 3; ++tag) {
    submit_at(engine, endpoint, &client, 10 * static_cast<int64_t>(tag), tag);
  }

  SUBCASE("as of the end of the window") {
    engine.run_until(SimTime{100});
    const EndpointStats s = endpoint.stats();
    CHECK(s.observed == microseconds(100));
    CHECK(s.arrivals == 3);
    CHECK(s.accepted == 3);
    CHECK(s.completed == 3);
    CHECK(s.rejected_queue_full == 0);
    CHECK(s.queue_depth_max == 2);
    CHECK(s.mean_wait_us == 20);
    CHECK(s.mean_service_us == 30);
    CHECK(s.mean_sojourn_us == 50);
    CHECK(s.time_avg_queue_length == doctest::Approx(0.6));
    CHECK(s.time_avg_in_service == doctest::Approx(0.9));
    CHECK(s.time_avg_in_system == doctest::Approx(1.5));
    CHECK(s.utilization == doctest::Approx(0.9));
    // Little's law holds exactly here, every request being inside the window:
    // L = 1.5 = (3 / 100) * 50, Lq = 0.6 = (3 / 100) * 20.
    CHECK(s.sojourn_us.count() == 3);
    CHECK(s.sojourn_us.min() == 30);
    CHECK(s.sojourn_us.max() == 70);
    CHECK(s.wait_us.quantile(0.5) == 20);
  }

  SUBCASE("mid-run, with the integrals closed at now") {
    engine.run_until(SimTime{45});
    const EndpointStats s = endpoint.stats();
    // Queue area on [0,45): 10 + 20 + 15 = 45; busy the whole time.
    CHECK(s.observed == microseconds(45));
    CHECK(s.completed == 1);
    CHECK(s.time_avg_queue_length == doctest::Approx(1.0));
    CHECK(s.utilization == doctest::Approx(1.0));
    CHECK(s.mean_sojourn_us == 30);
    CHECK(endpoint.queue_length() == 1);
    CHECK(endpoint.busy_workers() == 1);
  }
}

TEST_CASE("periodic arrivals below capacity give the exact utilization and no waiting") {
  // D/D/2: an arrival every 20 us, service 30 us on two workers: each request finds a free
  // worker (the one before last finished 10 us earlier). Observed on [1000, 2000), a whole
  // number of periods in steady state, utilization = 30 / (2 * 20) = 0.75 exactly.
  Engine engine;
  Endpoint endpoint(engine, constant_config(2, 10, 30), test_stream());
  for (uint64_t tag = 0; tag < 110; ++tag) {
    submit_at(engine, endpoint, nullptr, 20 * static_cast<int64_t>(tag), tag);
  }
  engine.run_until(SimTime{1000});
  endpoint.reset_stats();
  engine.run_until(SimTime{2000});
  const EndpointStats s = endpoint.stats();
  CHECK(s.arrivals == 50);
  CHECK(s.completed == 50);  // those that arrived at 980, 1000, ..., 1960
  CHECK(s.mean_wait_us == 0);
  CHECK(s.queue_depth_max == 0);
  CHECK(s.utilization == 0.75);
  CHECK(s.time_avg_in_system == 1.5);
}

TEST_CASE("a request submitted from on_served queues behind those already waiting") {
  struct Resubmitting final : EndpointClient {
    Endpoint* endpoint = nullptr;
    std::vector<uint64_t> served;
    void on_served(uint64_t tag, SimTime, SimTime) override {
      served.push_back(tag);
      if (tag < 100) endpoint->submit(tag + 100, this);
    }
  };
  Engine engine;
  Endpoint endpoint(engine, constant_config(1, 10, 5), test_stream());
  Resubmitting client;
  client.endpoint = &endpoint;
  endpoint.submit(0, &client);
  endpoint.submit(1, &client);
  endpoint.submit(2, &client);
  engine.run();
  CHECK(client.served == std::vector<uint64_t>{0, 1, 2, 100, 101, 102});
}

TEST_CASE("a client may submit again from on_rejected") {
  struct Retrying final : EndpointClient {
    Endpoint* endpoint = nullptr;
    int rejections = 0;
    void on_served(uint64_t, SimTime, SimTime) override {}
    void on_rejected(uint64_t tag, SimTime) override {
      ++rejections;
      if (rejections < 3) endpoint->submit(tag, this);  // rejected again: still full
    }
  };
  Engine engine;
  Endpoint endpoint(engine, constant_config(1, 0, 5), test_stream());
  Retrying client;
  client.endpoint = &endpoint;
  endpoint.submit(0, &client);
  CHECK(!endpoint.submit(1, &client));
  CHECK(client.rejections == 3);
  CHECK(endpoint.stats().rejected_queue_full == 3);
  CHECK(endpoint.stats().arrivals == 4);
}

TEST_CASE("reset_stats opens a new window and keeps requests in flight") {
  Engine engine;
  Endpoint endpoint(engine, constant_config(1, 10, 30), test_stream());
  RecordingClient client;
  endpoint.submit(0, &client);
  endpoint.submit(1, &client);
  engine.run_until(SimTime{40});  // 0 done at 30; 1 in service since 30
  endpoint.reset_stats();
  CHECK(endpoint.stats().completed == 0);
  CHECK(endpoint.stats().observed == microseconds(0));
  CHECK(endpoint.stats().utilization == 0);
  engine.run_until(SimTime{100});
  const EndpointStats s = endpoint.stats();
  CHECK(s.observed == microseconds(60));
  CHECK(s.arrivals == 0);
  CHECK(s.completed == 1);      // request 1 finishes at 60, in the new window
  CHECK(s.mean_wait_us == 30);  // counted in full, including its wait before the reset
  CHECK(s.utilization == doctest::Approx(20.0 / 60));
}

TEST_CASE("service times come from the endpoint's stream, so equal seeds give equal runs") {
  auto run_once = [](uint64_t seed) {
    Engine engine;
    EndpointConfig config;
    config.workers = 2;
    config.service_time = Distribution::exponential(1000);
    Endpoint endpoint(engine, config, RandomStream(seed, "erp"));
    RecordingClient client;
    for (uint64_t tag = 0; tag < 200; ++tag) {
      submit_at(engine, endpoint, &client, 300 * static_cast<int64_t>(tag), tag);
    }
    engine.run();
    return client.outcomes;
  };
  CHECK(run_once(5) == run_once(5));
  CHECK(run_once(5) != run_once(6));
}

TEST_CASE("a zero service time completes at the same instant, after already scheduled events") {
  Engine engine;
  Endpoint endpoint(engine, constant_config(1, 10, 0), test_stream());
  RecordingClient client;
  submit_at(engine, endpoint, &client, 7, 0);
  submit_at(engine, endpoint, &client, 7, 1);
  engine.run();
  CHECK(client.outcomes == std::vector<Outcome>{{0, 7, 7, true}, {1, 7, 7, true}});
  CHECK(endpoint.stats().mean_sojourn_us == 0);
}

}  // namespace
}  // namespace syncdrill
