#include "sim/world/drill.hpp"

#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "sim/engine/check.hpp"
#include "sim/world/rate_shape.hpp"

namespace syncdrill {

namespace {

// Tags carry (order number, hop): the hop is the low 2 bits, so a path has at most 4 hops.
constexpr int kHopBits = 2;
constexpr uint64_t kHopMask = (uint64_t{1} << kHopBits) - 1;

// Moves a channel's orders along its path and counts what became of them.
class OrderPath final : public EndpointClient {
 public:
  OrderPath(std::vector<Endpoint*> hops, ChannelResult* result)
      : hops_(std::move(hops)), result_(result) {
    SD_CHECK(!hops_.empty() && hops_.size() <= kHopMask + 1, "an order path has 1 to 4 hops");
  }

  void start(uint64_t order) {
    ++result_->orders_created;
    ++result_->orders_in_flight;
    hops_[0]->submit(order << kHopBits, this);
  }

  void on_served(uint64_t tag, SimTime, SimTime) override {
    const uint64_t hop = (tag & kHopMask) + 1;
    if (hop == hops_.size()) {
      ++result_->orders_completed;
      --result_->orders_in_flight;
      return;
    }
    hops_[hop]->submit((tag & ~kHopMask) | hop, this);
  }

  void on_rejected(uint64_t, SimTime) override {
    ++result_->orders_lost;
    --result_->orders_in_flight;
  }

 private:
  std::vector<Endpoint*> hops_;
  ChannelResult* result_;
};

// Orders as a non-homogeneous Poisson process, by thinning: candidates arrive at the peak rate
// and each is kept with probability rate(t) / peak rate (Lewis and Shedler).
class ArrivalProcess {
 public:
  ArrivalProcess(Engine& engine, RandomStream rng, const TrafficSpec& spec, OrderPath* path)
      : engine_(engine), rng_(rng), path_(path) {
    std::vector<std::pair<Duration, double>> points;
    for (const ShapePoint& p : spec.shape)
      points.emplace_back(p.at, p.multiplier);
    shape_ = RateShape(std::move(points));
    peak_rate_per_s_ = spec.orders_per_s * shape_.max_multiplier();
  }

  void begin() {
    if (peak_rate_per_s_ > 0) schedule_next();
  }

 private:
  void schedule_next() {
    const double gap_s = -std::log(rng_.uniform01_open_below()) / peak_rate_per_s_;
    // Round up to a whole microsecond so the clock always advances.
    const auto gap_us = static_cast<int64_t>(std::ceil(gap_s * 1e6));
    engine_.schedule_after(Duration{gap_us < 1 ? 1 : gap_us}, [this] { on_candidate(); });
  }

  void on_candidate() {
    const double keep = shape_.multiplier_at(engine_.now()) / shape_.max_multiplier();
    if (rng_.uniform01() < keep) path_->start(next_order_++);
    schedule_next();
  }

  Engine& engine_;
  RandomStream rng_;
  OrderPath* path_;
  RateShape shape_;
  double peak_rate_per_s_ = 0;
  uint64_t next_order_ = 0;
};

EndpointConfig endpoint_config(const std::string& name, const EndpointSpec& spec) {
  return EndpointConfig{name, spec.workers, spec.queue_max, spec.service_time};
}

const SystemSpec* first_system(const Scenario& s, SystemKind kind) {
  for (const SystemSpec& sys : s.systems) {
    if (sys.kind == kind) return &sys;
  }
  return nullptr;
}

}  // namespace

DrillResult run_drill(const Scenario& scenario, uint64_t seed, const Engine::Limits& limits) {
  Engine engine(limits);
  DrillResult result;
  result.seed = seed;

  // Endpoints live in a deque-like list of unique_ptrs: they are neither copyable nor movable.
  std::vector<std::unique_ptr<Endpoint>> endpoints;
  auto add_endpoint = [&](const std::string& name, std::string role, const EndpointSpec& spec) {
    endpoints.push_back(std::make_unique<Endpoint>(engine, endpoint_config(name, spec),
                                                   RandomStream(seed, "endpoint/" + name)));
    result.endpoints.push_back(
        EndpointResult{name, std::move(role), spec.workers, spec.queue_max, 0, EndpointStats{}});
    return endpoints.back().get();
  };
  std::vector<Endpoint*> channel_endpoints;
  for (const ChannelSpec& c : scenario.channels) {
    channel_endpoints.push_back(add_endpoint(c.name, "channel", c.endpoint));
  }
  Endpoint* oms = nullptr;
  Endpoint* erp = nullptr;
  for (const SystemSpec& s : scenario.systems) {
    Endpoint* e = add_endpoint(s.name, std::string(to_string(s.kind)), s.endpoint);
    if (&s == first_system(scenario, SystemKind::oms)) oms = e;
    if (&s == first_system(scenario, SystemKind::erp)) erp = e;
  }

  // One path and one arrival process per traffic entry's channel.
  result.channels.reserve(scenario.channels.size());
  std::vector<std::unique_ptr<OrderPath>> paths;
  std::vector<std::unique_ptr<ArrivalProcess>> arrivals;
  for (size_t i = 0; i < scenario.channels.size(); ++i) {
    ChannelResult& cr = result.channels.emplace_back();
    cr.channel = scenario.channels[i].name;
    std::vector<Endpoint*> hops{channel_endpoints[i]};
    if (oms != nullptr) hops.push_back(oms);
    if (erp != nullptr) hops.push_back(erp);
    for (Endpoint* e : hops)
      cr.path.push_back(e->config().name);
    paths.push_back(std::make_unique<OrderPath>(std::move(hops), &cr));
  }
  for (const TrafficSpec& t : scenario.traffic) {
    size_t channel = 0;
    while (scenario.channels[channel].name != t.channel)
      ++channel;
    arrivals.push_back(std::make_unique<ArrivalProcess>(
        engine, RandomStream(seed, "traffic/" + t.channel), t, paths[channel].get()));
    arrivals.back()->begin();
  }

  result.status = engine.run_until(SimTime{} + scenario.duration);
  result.simulated = engine.now() - SimTime{};
  result.events_processed = engine.events_processed();
  if (result.status == RunStatus::event_limit) {
    result.limit_message = fmt::format("the run reached its limit of {} events at t={}s",
                                       limits.events_max, engine.now().seconds());
  } else if (result.status == RunStatus::pending_limit) {
    result.limit_message = fmt::format("the run reached its limit of {} pending events at t={}s",
                                       limits.pending_events_max, engine.now().seconds());
  }
  for (size_t i = 0; i < endpoints.size(); ++i) {
    result.endpoints[i].stats = endpoints[i]->stats();
    result.endpoints[i].in_system_at_end = endpoints[i]->in_system();
  }
  return result;
}

}  // namespace syncdrill
