#include "sim/world/traffic/plan.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/engine/check.hpp"
#include "sim/world/traffic/peak.hpp"

namespace syncdrill {

namespace {

uint32_t channel_of(const Scenario& s, const TrafficSpec& spec) {
  for (size_t i = 0; i < s.channels.size(); ++i) {
    if (s.channels[i].name == spec.channel) return static_cast<uint32_t>(i);
  }
  SD_CHECK(false, "every traffic entry names a channel of the scenario");
  return 0;
}

TrafficSourcePlan entry_source(const Scenario& s, const TrafficSpec& spec) {
  uint32_t earlier = 0;
  for (const TrafficSpec* e = s.traffic.data(); e != &spec; ++e)
    earlier += e->channel == spec.channel ? 1 : 0;
  std::string entry = earlier == 0 ? spec.channel : fmt::format("{}#{}", spec.channel, earlier + 1);
  return TrafficSourcePlan{&spec, channel_of(s, spec), std::nullopt, std::move(entry)};
}

}  // namespace

std::vector<TrafficSourcePlan> traffic_plan(const Scenario& s) {
  std::vector<TrafficSourcePlan> plan;
  for (const TrafficSpec& spec : s.traffic)
    plan.push_back(entry_source(s, spec));
  for (size_t f = 0; f < s.faults.size(); ++f) {
    const FaultSpec& fault = s.faults[f];
    if (fault.kind != FaultKind::peak_traffic) continue;
    for (auto target = fault.targets.begin(); target != fault.targets.end(); ++target) {
      if (std::find(fault.targets.begin(), target, *target) != target) continue;  // a repeat
      for (const TrafficSpec& spec : s.traffic) {
        if (spec.channel != *target) continue;
        TrafficSourcePlan source = entry_source(s, spec);
        source.peak_fault = f;
        source.entry = fmt::format("peak/{}/{}", fault.id, source.entry);
        plan.push_back(std::move(source));
      }
    }
  }
  return plan;
}

Customers::Customers(const Scenario& s, const TrafficSourcePlan& plan, const FaultSpec* peak_fault,
                     uint64_t root_seed)
    : spec(plan.spec),
      channel(plan.channel),
      peak(peak_fault),
      rng(root_seed, "traffic/" + plan.entry),
      returns_rng(root_seed, "returns/" + plan.entry) {
  SD_CHECK((peak != nullptr) == plan.peak_fault.has_value(), "a peak source has its fault");
  const SimTime horizon = SimTime{} + s.duration;
  if (peak != nullptr) {
    arrivals = std::make_unique<ArrivalProcess>(peak_arrivals(*spec, *peak, horizon));
  } else if (spec->replay) {
    replay.emplace(spec->replay->times);
  } else {
    arrivals = std::make_unique<ArrivalProcess>(*spec, horizon);
  }
  RandomStream shuffle(root_seed, "catalog/popularity");
  skus = std::make_unique<ZipfSampler>(s.catalog.skus, spec->sku_skew, shuffle);
  baskets = std::make_unique<BasketSampler>(*spec, *skus);
}

SimTime Customers::next_arrival(SimTime horizon) {
  if (replay) return replay->next(horizon);
  return arrivals->next(rng);
}

ErpChanges::ErpChanges(const Scenario& s, uint64_t root_seed)
    : restock_rng(root_seed, "erp/restocks"),
      price_rng(root_seed, "erp/prices"),
      picker(s.catalog.skus) {
  if (const SystemSpec* erp = first_system(s, SystemKind::erp)) {
    restocks = erp->restocks ? &*erp->restocks : nullptr;
    prices = erp->price_changes ? &*erp->price_changes : nullptr;
  }
}

void ErpChanges::restock_round(std::vector<Restock>& out) {
  SD_CHECK(restocks != nullptr, "restock rounds only for an ERP that restocks");
  syncdrill::restock_round(*restocks, restock_rng, picker, out);
}

void ErpChanges::price_round(std::vector<PriceChange>& out) {
  SD_CHECK(prices != nullptr, "price rounds only for an ERP that changes prices");
  price_change_round(*prices, price_rng, picker, out);
}

}  // namespace syncdrill
