#include "app/live_traffic.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "sim/faults/fault_window.hpp"
#include "sim/world/traffic/arrivals.hpp"
#include "sim/world/traffic/basket.hpp"
#include "sim/world/traffic/peak.hpp"
#include "sim/world/traffic/replay.hpp"
#include "sim/world/traffic/schedules.hpp"
#include "sim/world/traffic/zipf.hpp"

namespace syncdrill {

// One traffic entry (or a peak fault's extra customers on it), with the simulation's streams.
struct LiveTraffic::Source {
  Source(uint32_t c, const FaultSpec* p, RandomStream r) : channel(c), peak(p), rng(r) {}

  uint32_t channel = 0;
  const FaultSpec* peak = nullptr;  // set: orders only while this fault is on
  RandomStream rng;
  std::unique_ptr<ArrivalProcess> arrivals;
  std::optional<ReplaySchedule> replay;
  std::unique_ptr<ZipfSampler> skus;
  std::unique_ptr<BasketSampler> baskets;
  SimTime next{};
};

LiveTraffic::LiveTraffic(LiveMocks& mocks, uint64_t seed, OrderHook on_order)
    : mocks_(mocks), scenario_(mocks.scenario()), seed_(seed), on_order_(std::move(on_order)) {
  const SimTime horizon = SimTime{} + scenario_.duration;
  auto add = [&](const TrafficSpec& spec, const FaultSpec* peak) {
    // Stream names as in World::add_traffic, so a live drill sees the simulation's customers.
    uint32_t earlier = 0;
    for (const TrafficSpec* e = scenario_.traffic.data(); e != &spec; ++e)
      earlier += e->channel == spec.channel ? 1 : 0;
    std::string entry =
        earlier == 0 ? spec.channel : fmt::format("{}#{}", spec.channel, earlier + 1);
    if (peak != nullptr) entry = fmt::format("peak/{}/{}", peak->id, entry);
    auto s = std::make_unique<Source>(*mocks_.channel_index(spec.channel), peak,
                                      RandomStream(seed_, "traffic/" + entry));
    if (peak != nullptr) {
      s->arrivals = std::make_unique<ArrivalProcess>(peak_arrivals(spec, *peak, horizon));
    } else if (spec.replay) {
      s->replay.emplace(spec.replay->times);
    } else {
      s->arrivals = std::make_unique<ArrivalProcess>(spec, horizon);
    }
    RandomStream shuffle(seed_, "catalog/popularity");
    s->skus = std::make_unique<ZipfSampler>(scenario_.catalog.skus, spec.sku_skew, shuffle);
    s->baskets = std::make_unique<BasketSampler>(spec, *s->skus);
    s->next = next_arrival(*s);
    sources_.push_back(std::move(s));
  };
  for (const TrafficSpec& spec : scenario_.traffic)
    add(spec, nullptr);
  for (const FaultSpec& f : scenario_.faults) {
    if (f.kind != FaultKind::peak_traffic) continue;
    for (const TrafficSpec& spec : scenario_.traffic) {
      if (std::find(f.targets.begin(), f.targets.end(), spec.channel) != f.targets.end()) {
        add(spec, &f);
      }
    }
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

SimTime LiveTraffic::next_arrival(Source& s) {
  if (s.replay) return s.replay->next(SimTime{} + scenario_.duration);
  return s.arrivals->next(s.rng);
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
  if (s.peak != nullptr && !fault_active(*s.peak, at)) return;
  std::vector<BasketLine> basket(s.baskets->lines_max());
  const uint32_t n = s.baskets->sample(s.rng, basket);
  std::vector<SkuQuantity> lines(n);
  for (uint32_t i = 0; i < n; ++i)
    lines[i] = SkuQuantity{basket[i].sku, basket[i].quantity};
  const PlaceResult placed = mocks_.place_order(s.channel, lines);
  {
    std::lock_guard lock(mu_);
    ++(placed.accepted ? counts_.orders_placed : counts_.sold_out);
  }
  // The time it was actually placed: behind schedule, that is later than `at`.
  if (on_order_) on_order_(s.channel, placed, mocks_.clock().now());
}

void LiveTraffic::run() {
  const SystemSpec* erp = first_system(scenario_, SystemKind::erp);
  const RestockSpec* restocks = erp != nullptr && erp->restocks ? &*erp->restocks : nullptr;
  const PriceChangeSpec* prices =
      erp != nullptr && erp->price_changes ? &*erp->price_changes : nullptr;
  RandomStream restock_rng(seed_, "erp/restocks");
  RandomStream price_rng(seed_, "erp/prices");
  SkuPicker picker(scenario_.catalog.skus);
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
    if (t == kArrivalsEnd || t >= horizon) return;
    if (!wait_until(t)) return;
    if (t == next_restock) {
      restock_round(*restocks, restock_rng, picker, restock_buffer);
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
      price_change_round(*prices, price_rng, picker, price_buffer);
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
