// The fault timeline: each scenario fault handed to what it acts on. Request faults go to the
// fault gate of a port or a connector; webhook faults to their channel; stalls and retry storms
// act on a connector at the fault's on/off edges; stale feeds on the sync flows; mapping
// regressions on the fulfillment flow; peak traffic adds customers.
//
// Every fault counts its hits (WorldResult::fault_hits), so a report and a test can tell a fault
// that acted from one whose target never saw traffic in its window.
#include <algorithm>

#include "core/engine/check.hpp"
#include "core/scenario/fault_kinds.hpp"
#include "mocks/fault_window.hpp"
#include "mocks/webhook.hpp"
#include "sim/world/fault_reach.hpp"
#include "sim/world/world_impl.hpp"

namespace syncdrill::world {

namespace {

constexpr uint8_t kAllTopics = 0xff;

uint8_t topic_bit(WebhookTopic t) {
  return static_cast<uint8_t>(1u << static_cast<unsigned>(t));
}

// The fault's targets, each once: a name listed twice acts once.
std::vector<std::string> unique_targets(const FaultSpec& f) {
  std::vector<std::string> out;
  for (const std::string& t : f.targets) {
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

}  // namespace

void World::attach_faults() {
  SD_CHECK(result.fault_hits.empty() && result.fault_ended.empty(),
           "the faults are attached once, before the run");
  result.fault_hits.assign(faults.size(), 0);
  fault_edge_fns_.resize(faults.size());
  for (size_t i = 0; i < faults.size(); ++i) {
    result.fault_ended.push_back(SimTime{} +
                                 std::min(scenario.duration, faults[i].at + faults[i].length));
    const FaultSpec& f = faults[i];
    check_fault_window(f);
    SD_CHECK(!f.targets.empty(), "a fault has at least one target");
    result.fault_connectors.push_back(touched_connectors(f));
    uint64_t* hits = &result.fault_hits[i];
    switch (scenario::family_of(f.kind)) {
      case scenario::FaultFamily::request:
        attach_gate_fault(f, hits);
        break;
      case scenario::FaultFamily::webhook:
        attach_webhook_fault(f, hits);
        break;
      case scenario::FaultFamily::connector:
        attach_connector_fault(f, hits);
        break;
      case scenario::FaultFamily::feed:
        attach_feed_fault(f, hits);
        break;
      case scenario::FaultFamily::mapping:
        attach_mapping_fault(f, hits);
        break;
      case scenario::FaultFamily::load:
        attach_peak_fault(f, hits);
        break;
    }
  }
}

// A channel or a system: its port's gate. A connector: the gate on its own calls.
void World::attach_gate_fault(const FaultSpec& f, uint64_t* hits) {
  for (const std::string& target : f.targets) {
    for (size_t i = 0; i < registry_.port_count(); ++i) {
      if (registry_.port_meta(i).name == target) registry_.port(i).faults().add(&f, hits);
    }
    for (const auto& c : connectors_) {
      if (c->spec().name == target) c->faults().add(&f, hits);
    }
  }
}

// A channel (all its topics) or one topic, spelled "<channel>/<topic>". Targets on one channel
// merge: the fault acts once per delivery, on the union of its topics.
void World::attach_webhook_fault(const FaultSpec& f, uint64_t* hits) {
  for (uint32_t c = 0; c < registry_.channel_count(); ++c) {
    ChannelState& ch = registry_.channel(c);
    const std::string& name = ch.spec->name;
    uint8_t topics = 0;
    for (const std::string& target : f.targets) {
      if (target == name) {
        topics = kAllTopics;
      } else if (target.size() > name.size() && target.compare(0, name.size(), name) == 0 &&
                 target[name.size()] == '/') {
        const std::string_view topic = std::string_view(target).substr(name.size() + 1);
        for (auto t : {WebhookTopic::orders_create, WebhookTopic::orders_updated,
                       WebhookTopic::returns_create}) {
          if (to_string(t) == topic) topics |= topic_bit(t);
        }
      }
    }
    if (topics == 0) continue;
    ch.webhook_faults.push_back(WebhookFault{&f, hits, topics});
    if (!ch.webhook_fault_rng) ch.webhook_fault_rng.emplace(seed, "faults/webhooks/" + name);
  }
}

void World::attach_connector_fault(const FaultSpec& f, uint64_t* hits) {
  static const PolicySpec kDefaultPolicy{};
  for (const std::string& target : unique_targets(f)) {
    for (size_t i = 0; i < connectors_.size(); ++i) {
      Connector* c = connectors_[i].get();
      if (c->spec().name != target) continue;
      // The connector's own policy, before any fault touched it.
      const PolicySpec* base = find_policy(scenario, c->spec().policy);
      ConnectorFault* entry =
          &connector_faults_.add(&f, hits, c, base != nullptr ? base : &kDefaultPolicy);
      on_fault_edges_of(f, [this, entry] { connector_faults_.edge(*entry, engine.now()); });
    }
  }
}

// A sync connector; a channel (its sync flows); the ERP (every sync flow). `feed` picks stock,
// price or both, except on a connector, whose flow decides.
void World::attach_feed_fault(const FaultSpec& f, uint64_t* hits) {
  const FeedKind feed = f.settings_as<StaleFeedSettings>().feed;
  auto feeds = [&](bool price) {
    return feed == FeedKind::both || (feed == FeedKind::price) == price;
  };
  std::vector<Flow*> flows;
  for (const std::string& target : f.targets) {
    const bool is_erp = std::any_of(
        scenario.systems.begin(), scenario.systems.end(),
        [&](const SystemSpec& s) { return s.name == target && s.kind == SystemKind::erp; });
    for (int price = 0; price <= 1; ++price) {
      for (Flow* flow : price != 0 ? registry_.price_flows() : registry_.stock_flows()) {
        const ConnectorSpec& spec = flow->connector->spec();
        const bool named = spec.name == target;
        const bool to_channel = spec.to == target && feeds(price != 0);
        const bool from_erp = is_erp && feeds(price != 0);
        if (!named && !to_channel && !from_erp) continue;
        if (std::find(flows.begin(), flows.end(), flow) == flows.end()) flows.push_back(flow);
      }
    }
  }
  // Once per flow, however many of the targets lead to it.
  for (Flow* flow : flows) {
    add_feed_fault(*flow, &f, hits);
    on_fault_edges_of(f, [flow] { feed_fault_edge(*flow); });
  }
}

// The fulfillment connector (every channel) or a channel (its status updates only).
void World::attach_mapping_fault(const FaultSpec& f, uint64_t* hits) {
  if (registry_.fulfillment() == nullptr) return;
  for (const std::string& target : f.targets) {
    if (registry_.fulfillment()->connector->spec().name == target) {
      add_mapping_fault(*registry_.fulfillment(), &f, hits, -1);
      continue;
    }
    for (uint32_t c = 0; c < registry_.channel_count(); ++c) {
      if (registry_.channel(c).spec->name == target) {
        add_mapping_fault(*registry_.fulfillment(), &f, hits, static_cast<int>(c));
      }
    }
  }
}

// Only the connectors the world built (a second fulfillment or reconciliation job is not).
std::vector<std::string> World::touched_connectors(const FaultSpec& f) const {
  std::vector<std::string> out;
  for (const std::string& name : connectors_touched(scenario, f)) {
    for (const auto& conn : connectors_) {
      if (conn->spec().name == name) {
        out.push_back(name);
        break;
      }
    }
  }
  return out;
}

void World::attach_peak_fault(const FaultSpec& f, uint64_t* hits) {
  const size_t index = static_cast<size_t>(&f - faults.data());
  for (const TrafficSourcePlan& source : traffic_.plan()) {
    if (source.peak_fault == index) add_traffic(source, &f, hits);
  }
}

}  // namespace syncdrill::world
