#include "app/live_traffic.hpp"

#include <algorithm>

#include "mocks/fault_window.hpp"
#include "sim/world/traffic/plan.hpp"

namespace syncdrill {

// One source of the traffic plan (sim/world/traffic/plan.hpp): the simulation's customers.
struct LiveTraffic::Source {
  Source(const Scenario& s, const TrafficSourcePlan& plan, uint64_t seed)
      : customers(s, plan, plan.peak_fault ? &s.faults[*plan.peak_fault] : nullptr, seed) {}

  Customers customers;
  SimTime next{};
};

LiveTraffic::LiveTraffic(LiveMocks& mocks, uint64_t seed, OrderHook on_order)
    : mocks_(mocks), scenario_(mocks.scenario()), seed_(seed), on_order_(std::move(on_order)) {
  for (const TrafficSourcePlan& plan : traffic_plan(scenario_)) {
    auto s = std::make_unique<Source>(scenario_, plan, seed_);
    s->next = next_arrival(*s);
    sources_.push_back(std::move(s));
  }
}

LiveTraffic::~LiveTraffic() {
  stop();
}

void LiveTraffic::start() {
  thread_ = std::thread([this] { run(); });
}

void LiveTraffic::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

LiveTrafficCounts LiveTraffic::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

bool LiveTraffic::finished() const {
  std::lock_guard lock(mu_);
  return finished_;
}

SimTime LiveTraffic::next_arrival(Source& s) {
  return s.customers.next_arrival(SimTime{} + scenario_.duration);
}

bool LiveTraffic::wait_until(SimTime t) {
  const LiveClock& clock = mocks_.clock();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const SimTime now = clock.now();
    if (now >= t) {
      counts_.behind_max_us = std::max<uint64_t>(counts_.behind_max_us, (now - t).us);
      return true;
    }
    // A manual clock (tests) does not move while we sleep: poll it.
    const auto wall = clock.is_manual() ? std::chrono::nanoseconds(std::chrono::milliseconds(1))
                                        : clock.to_wall(t - now);
    cv_.wait_for(lock, wall);
  }
  return false;
}

void LiveTraffic::place(Source& s, SimTime at) {
  Customers& c = s.customers;
  if (c.peak != nullptr && !fault_active(*c.peak, at)) return;
  std::vector<BasketLine> basket(c.baskets->lines_max());
  const uint32_t n = c.baskets->sample(c.rng, basket);
  std::vector<SkuQuantity> lines(n);
  for (uint32_t i = 0; i < n; ++i)
    lines[i] = SkuQuantity{basket[i].sku, basket[i].quantity};
  const PlaceResult placed = mocks_.place_order(c.channel, lines);
  {
    std::lock_guard lock(mu_);
    ++(placed.accepted ? counts_.orders_placed : counts_.sold_out);
  }
  // The time it was actually placed: behind schedule, that is later than `at`.
  if (on_order_) on_order_(c.channel, placed, mocks_.clock().now());
}

void LiveTraffic::run() {
  ErpChanges erp(scenario_, seed_);
  const RestockSpec* restocks = erp.restocks;
  const PriceChangeSpec* prices = erp.prices;
  std::vector<Restock> restock_buffer;
  std::vector<PriceChange> price_buffer;
  const SimTime horizon = SimTime{} + scenario_.duration;
  SimTime next_restock = restocks ? SimTime{} + restocks->interval : kArrivalsEnd;
  SimTime next_prices = prices ? SimTime{} + prices->interval : kArrivalsEnd;
  for (;;) {
    Source* first = nullptr;
    for (auto& s : sources_) {
      if (s->next != kArrivalsEnd && (first == nullptr || s->next < first->next)) first = s.get();
    }
    SimTime t = first != nullptr ? first->next : kArrivalsEnd;
    t = std::min({t, next_restock, next_prices});
    if (t == kArrivalsEnd || t >= horizon) {
      std::lock_guard lock(mu_);
      finished_ = true;
      return;
    }
    if (!wait_until(t)) return;
    if (t == next_restock) {
      erp.restock_round(restock_buffer);
      uint64_t units = 0;
      for (const Restock& r : restock_buffer) {
        mocks_.restock(r.sku, r.units);
        units += r.units;
      }
      std::lock_guard lock(mu_);
      ++counts_.restock_rounds;
      counts_.units_restocked += units;
      next_restock = next_restock + restocks->interval;
    } else if (t == next_prices) {
      erp.price_round(price_buffer);
      for (const PriceChange& p : price_buffer) {
        const std::optional<int64_t> old = mocks_.erp_price(p.sku);
        if (old) mocks_.set_erp_price(p.sku, apply_price_change(*old, p.change));
      }
      std::lock_guard lock(mu_);
      counts_.price_changes += price_buffer.size();
      next_prices = next_prices + prices->interval;
    } else {
      place(*first, t);
      first->next = next_arrival(*first);
    }
  }
}

}  // namespace syncdrill
