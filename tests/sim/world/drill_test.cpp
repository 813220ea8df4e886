// The drill runner, checked against invariants (orders are conserved, streams are independent,
// runs replay exactly) and theory (Poisson arrival counts, Erlang's loss formula).
#include "sim/world/drill.hpp"

#include <cmath>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

ChannelSpec channel(const std::string& name, uint32_t workers, uint32_t queue_max,
                    Distribution service) {
  ChannelSpec c;
  c.name = name;
  c.endpoint.workers = workers;
  c.endpoint.queue_max = queue_max;
  c.endpoint.service_time = std::move(service);
  return c;
}

SystemSpec system(const std::string& name, SystemKind kind, uint32_t workers, uint32_t queue_max,
                  Distribution service) {
  SystemSpec s;
  s.name = name;
  s.kind = kind;
  s.endpoint.workers = workers;
  s.endpoint.queue_max = queue_max;
  s.endpoint.service_time = std::move(service);
  return s;
}

TrafficSpec traffic(const std::string& channel, double orders_per_s,
                    std::vector<ShapePoint> shape = {}) {
  TrafficSpec t;
  t.channel = channel;
  t.orders_per_s = orders_per_s;
  t.shape = std::move(shape);
  return t;
}

// Two channels into an OMS and a narrow ERP that loses orders at the peak.
Scenario busy_scenario() {
  Scenario s;
  s.name = "busy";
  s.duration = hours(2);
  s.channels = {channel("dtc", 4, 50, Distribution::lognormal_p50_p95(40e3, 200e3)),
                channel("market", 4, 50, Distribution::exponential(60e3))};
  s.systems = {system("oms", SystemKind::oms, 3, 20, Distribution::exponential(50e3)),
               system("erp", SystemKind::erp, 2, 5, Distribution::exponential(90e3))};
  s.traffic = {traffic("dtc", 8, {{minutes(0), 1}, {minutes(60), 2.5}, {minutes(120), 1}}),
               traffic("market", 6)};
  return s;
}

TEST_CASE("every order created is completed, lost at a full queue, or still in an endpoint") {
  const DrillResult r = run_drill(busy_scenario(), 42);
  REQUIRE(r.status == RunStatus::reached_time);
  uint64_t in_flight = 0;
  uint64_t lost = 0;
  for (const ChannelResult& c : r.channels) {
    CHECK(c.orders_created == c.orders_completed + c.orders_lost + c.orders_in_flight);
    in_flight += c.orders_in_flight;
    lost += c.orders_lost;
  }
  uint64_t in_system = 0;
  uint64_t rejected = 0;
  for (const EndpointResult& e : r.endpoints) {
    in_system += e.in_system_at_end;
    rejected += e.stats.rejected_queue_full;
  }
  // Counted on the orders' side and on the endpoints' side independently.
  CHECK(in_flight == in_system);
  CHECK(lost == rejected);
  CHECK(lost > 0);  // the scenario is built to overload the ERP at the peak
}

TEST_CASE("order counts follow the traffic shape within Poisson noise") {
  // Expected orders = rate x integral of the shape; a Poisson count has sd sqrt(mean), so 4 sd
  // bounds a false failure at about 6e-5 per check.
  Scenario s = busy_scenario();
  const DrillResult r = run_drill(s, 7);
  const double dtc_expected = 8 * (3600 * (1 + 2.5) / 2 * 2);  // two trapezoids
  const double market_expected = 6 * 7200.0;
  CHECK(std::abs(static_cast<double>(r.channels[0].orders_created) - dtc_expected) <
        4 * std::sqrt(dtc_expected));
  CHECK(std::abs(static_cast<double>(r.channels[1].orders_created) - market_expected) <
        4 * std::sqrt(market_expected));
}

TEST_CASE("the same seed replays exactly and another seed differs") {
  const DrillResult a = run_drill(busy_scenario(), 99);
  const DrillResult b = run_drill(busy_scenario(), 99);
  const DrillResult c = run_drill(busy_scenario(), 100);
  CHECK(a.events_processed == b.events_processed);
  for (size_t i = 0; i < a.endpoints.size(); ++i) {
    CHECK(a.endpoints[i].stats.completed == b.endpoints[i].stats.completed);
    CHECK(a.endpoints[i].stats.mean_sojourn_us == b.endpoints[i].stats.mean_sojourn_us);
  }
  CHECK(a.events_processed != c.events_processed);
}

TEST_CASE("adding a channel does not change the orders another channel sees") {
  // Common random numbers: each channel draws from its own named stream.
  Scenario one = busy_scenario();
  one.channels.resize(1);
  one.traffic.resize(1);
  const DrillResult alone = run_drill(one, 5);
  const DrillResult both = run_drill(busy_scenario(), 5);
  CHECK(alone.channels[0].orders_created == both.channels[0].orders_created);
}

TEST_CASE("a channel with no waiting room loses orders at Erlang's B rate") {
  // M/M/c/c: the loss probability is Erlang B(c, a) with a = lambda / mu, whatever the service
  // distribution's shape. c = 3, a = 2: B = (a^3/3!) / (1 + a + a^2/2 + a^3/6) = 4/19 = 0.2105.
  // Over ~72,000 arrivals the loss fraction's standard error is about
  // sqrt(B (1 - B) / n) = 0.0015 if losses were independent; they are positively correlated
  // (losses come in busy spells), which inflates that, but 0.01 is 6.5 naive standard errors and
  // still above 3 if the correlation doubled them.
  Scenario s;
  s.name = "erlang-b";
  s.duration = hours(10);
  s.channels = {channel("only", 3, 0, Distribution::exponential(1e6))};
  s.traffic = {traffic("only", 2)};
  const DrillResult r = run_drill(s, 2024);
  const double loss = static_cast<double>(r.channels[0].orders_lost) /
                      static_cast<double>(r.channels[0].orders_created);
  CHECK(std::abs(loss - 4.0 / 19.0) < 0.01);
}

TEST_CASE("a run that would exceed the event limit stops and says so") {
  Engine::Limits limits;
  limits.events_max = 10'000;
  const DrillResult r = run_drill(busy_scenario(), 1, limits);
  CHECK(r.status == RunStatus::event_limit);
  CHECK(r.limit_message.find("limit of 10000 events") != std::string::npos);
  CHECK(r.events_processed == 10'000);
}

}  // namespace
}  // namespace syncdrill
