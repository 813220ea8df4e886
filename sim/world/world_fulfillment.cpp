// Fulfillment: allocated OMS orders released to the WMS, shipped after the warehouse's delays,
// and the shipment state carried back to the OMS and, through the mapping table, to the channel.
#include <algorithm>
#include <optional>
#include <vector>

#include "core/engine/check.hpp"
#include "core/engine/growing_array.hpp"
#include "mocks/wms.hpp"
#include "sim/world/world_impl.hpp"

namespace syncdrill::world {

namespace {

enum Op : uint8_t {
  kRelease,       // OMS order -> WMS shipment (step 0: WMS receive)
  kShipped,       // shipment shipped: step 0 OMS shipped, step 1 channel status
  kCancelStatus,  // an oversold order: the channel is told it is cancelled
};

// Warehouse timings: the WMS spec has no keys for them yet, so these are the defaults of a
// same-day 3PL (pick within the hour, hand to the carrier a few hours later).
const Distribution& pick_delay() {
  static const Distribution d = Distribution::lognormal_p50_p95(20 * 60e6, 120 * 60e6);
  return d;
}
const Distribution& ship_delay() {
  static const Distribution d = Distribution::lognormal_p50_p95(60 * 60e6, 240 * 60e6);
  return d;
}

class FulfillmentFlow final : public Flow {
 public:
  FulfillmentFlow(World& world, const ConnectorSpec& spec)
      : Flow(world, spec), rng_(world.seed, "wms/timings") {
    world.draw_ahead.add(timings_);
  }

  Port& target(const Job& job) override {
    switch (job.op) {
      case kRelease:
        return registry_.system_port(SystemKind::wms);
      case kShipped:
        return job.step == 0 ? registry_.system_port(SystemKind::oms)
                             : *registry_.channel(job.channel).port;
      default:
        return *registry_.channel(job.channel).port;
    }
  }

  // Every call to the channel tells it an order's status (shipped, or cancelled as oversold).
  std::optional<ChannelOperation> operation(const Job& job) const override {
    if (job.op == kRelease || (job.op == kShipped && job.step == 0)) return {};
    return ChannelOperation::status_updates;
  }

  Outcome execute(const Job& job, SimTime now) override {
    switch (job.op) {
      case kRelease:
        return release(job, now);
      case kShipped:
        return job.step == 0 ? oms_shipped(job, now) : channel_shipped(job, now);
      default: {
        ChannelState& ch = registry_.channel(job.channel);
        std::optional<std::string> spelled(ch.mock->spelling(OrderStatus::cancelled));
        if (const auto regressed = regression("cancelled", "cancelled", job.channel, now)) {
          spelled = *regressed;
        }
        if (!spelled) return Outcome{ErrorClass::rejected, Duration{}};
        const auto r = ch.mock->set_status(job.subject, *spelled, now);
        return Outcome{r.error, Duration{}};
      }
    }
  }

  bool advance(Job& job, SimTime) override {
    if (job.op == kShipped && job.step == 0) {
      job.step = 1;
      return true;
    }
    return false;
  }

  void on_finished(const Job&, JobEnd, ErrorClass, SimTime) override {}

  JobEntity entity(const Job& job) const override {
    switch (job.op) {
      case kRelease:
        return JobEntity{"oms_order", job.subject};
      case kShipped:
        return JobEntity{"shipment", job.subject};
      default:
        return JobEntity{"order", job.subject};
    }
  }

  void add_regression(const FaultSpec* fault, uint64_t* hits, int channel) {
    regressions_.push_back(Regression{fault, hits, channel});
  }

  void released(uint64_t oms_order) {
    Job job;
    job.op = kRelease;
    job.subject = oms_order;
    job.channel = static_cast<uint16_t>(registry_.oms_mock().channel(oms_order));
    connector->enqueue(job);
  }

  void cancelled(uint32_t channel, uint64_t channel_order) {
    Job job;
    job.op = kCancelStatus;
    job.subject = channel_order;
    job.channel = static_cast<uint16_t>(channel);
    connector->enqueue(job);
  }

 private:
  Outcome release(const Job& job, SimTime now) {
    // A retried release whose first attempt got through must not ship twice.
    if (wms_.shipments_for(job.subject) > 0) return Outcome{};
    const Response moved =
        registry_.oms_mock().transition(job.subject, OmsState::released, registry_.erp_mock(), now);
    if (!moved.ok()) return moved;
    const uint64_t shipment =
        wms_.receive(job.subject, registry_.oms_mock().lines(job.subject), now);
    const Timings timing = timings_.next();
    // The warehouse picks at to_pick and ships later. Nothing in a simulated run reads a
    // shipment's state before it ships (the shipped job is the first reader), so the picking
    // steps are applied at the ship time: one timer per shipment instead of two (2.4 million
    // events fewer in the Black Friday campaign, and one cache miss fewer each).
    const Duration to_ship = timing.to_pick + timing.pick_to_ship;
    // Where the shipped job will read: known now, while the records are in cache.
    const auto channel_order =
        static_cast<uint32_t>(registry_.oms_mock().channel_order(job.subject));
    const ChannelMock::LineSpan lines =
        registry_.channel(job.channel).mock->line_span(channel_order);
    const ShippedRecords at{shipment,      static_cast<uint32_t>(job.subject),
                            channel_order, lines.begin,
                            lines.count,   job.channel};
    world_.far_timers.schedule_after(to_ship, [this, at] {
      prefetch_shipped_records(at);
      const SimTime t = world_.engine.now();
      wms_.start_picking(at.shipment, t);
      wms_.pick(at.shipment, t);
      wms_.ship(at.shipment, t);
      Job next;
      next.op = kShipped;
      next.subject = at.shipment;
      next.channel = at.channel;
      next.payload = ShippedPayload{world_.engine.now()};
      connector->enqueue(next);
    });
    return Outcome{};
  }

  // The shipped job reads the shipment, the OMS order, the channel order and its lines one to
  // four hours after they were last touched, when they have left every cache. Read one after
  // the other, each is a miss waited for in turn; here, at the ship time, their loads start
  // together (the ids were kept at the release), so the wait is about one miss, on the
  // shipment's record, and the job's steps find the rest in cache.
  struct ShippedRecords {
    uint64_t shipment;
    uint32_t oms_order;      // < 2^32 - 1, as the WMS requires
    uint32_t channel_order;  // < 2^32 - 1, as the OMS requires
    uint32_t line_begin;     // the channel order's ChannelMock::LineSpan, unpadded
    uint16_t line_count;
    uint16_t channel;
  };
  static_assert(sizeof(ShippedRecords) == 24, "the ship timer captures it beside `this`");
  void prefetch_shipped_records(const ShippedRecords& at) const {
    wms_.prefetch(at.shipment);
    registry_.oms_mock().prefetch(at.oms_order);
    const ChannelMock& channel = *registry_.channel(at.channel).mock;
    channel.prefetch_order(at.channel_order);
    channel.prefetch_lines({at.line_begin, at.line_count});
    if (at.shipment < counted_.size()) __builtin_prefetch(&counted_[at.shipment]);
  }

  Outcome oms_shipped(const Job& job, SimTime now) {
    const uint64_t order = wms_.oms_order(job.subject);
    if (registry_.oms_mock().state(order) == OmsState::shipped) return Outcome{};  // a retry
    return registry_.oms_mock().transition(order, OmsState::shipped, registry_.erp_mock(), now);
  }

  // The WMS's spelling goes through the connector's mapping table to the channel's vocabulary.
  // With no table, states pass by their canonical names. A spelling the table lacks, or one the
  // channel does not know, is a mapping error: the order stays stuck where it was.
  Outcome channel_shipped(const Job& job, SimTime now) {
    count_update(job.subject);
    ChannelState& ch = registry_.channel(job.channel);
    const std::string_view wms_spelling = wms_.status_spelling(job.subject);
    std::optional<std::string> spelled = map(wms_spelling, ch);
    if (!regressions_.empty()) {
      if (const auto regressed =
              regression(wms_spelling, canonical(wms_spelling), job.channel, now)) {
        spelled = *regressed;
      }
    }
    const uint64_t channel_order = registry_.oms_mock().channel_order(wms_.oms_order(job.subject));
    if (!spelled) {
      count_unmapped(job.subject);
      return Outcome{ErrorClass::rejected, Duration{}};
    }
    const ChannelEventResult r = ch.mock->set_status(channel_order, *spelled, now);
    if (r.error == ErrorClass::rejected) count_unmapped(job.subject);
    if (r.error == ErrorClass::none) {
      const int64_t delay_us = (now - payload_of<ShippedPayload>(job).left).us;
      world_.recorder().sync_delay(ch, SyncDelay::status, delay_us);
    }
    return Outcome{r.error, Duration{}};
  }

  // Once per shipment: a retried update (after a timeout) meets the same unmapped state again.
  void count_unmapped(uint64_t shipment) { count_once(shipment, kCountedUnmapped); }
  // The denominator of the unmapped rate: shipments whose state went to a channel at all.
  void count_update(uint64_t shipment) { count_once(shipment, kCountedUpdate); }
  void count_once(uint64_t shipment, uint8_t bit) {
    if (counted_.size() <= shipment) counted_.resize(shipment + 1, 0);
    if ((counted_[shipment] & bit) != 0) return;
    counted_[shipment] |= bit;
    if (bit == kCountedUnmapped) {
      world_.recorder().unmapped_state();
    } else {
      world_.recorder().status_update();
    }
  }

  std::optional<std::string> map(std::string_view wms_spelling, const ChannelState& ch) const {
    if (spec_.mapping.empty()) {
      for (uint32_t s = 0; s < kShipmentStateCount; ++s) {
        const auto state = static_cast<ShipmentState>(s);
        if (wms_.spelling(state) != wms_spelling) continue;
        const auto canonical = parse_order_status(to_string(state));
        if (!canonical) return std::nullopt;
        return std::string(ch.mock->spelling(*canonical));
      }
      return std::nullopt;
    }
    for (const StatusMapping& m : spec_.mapping) {
      if (m.from == wms_spelling) return m.to;
    }
    return std::nullopt;
  }

  // The WMS state name behind a WMS spelling ("" when none).
  std::string_view canonical(std::string_view wms_spelling) const {
    for (uint32_t s = 0; s < kShipmentStateCount; ++s) {
      const auto state = static_cast<ShipmentState>(s);
      if (wms_.spelling(state) == wms_spelling) return to_string(state);
    }
    return {};
  }

  // What a mapping regression in force on the channel makes of a state: nothing when none
  // covers it; an empty optional when its entry was removed; the new spelling when renamed.
  // Entries are named by the WMS's spelling or by the state's canonical name.
  std::optional<std::optional<std::string>> regression(std::string_view spelling,
                                                       std::string_view state, uint32_t channel,
                                                       SimTime now) {
    for (const Regression& r : regressions_) {
      if (r.channel >= 0 && static_cast<uint32_t>(r.channel) != channel) continue;
      if (!fault_active(*r.fault, now)) continue;
      auto names = [&](const std::string& entry) { return entry == spelling || entry == state; };
      const auto& settings = r.fault->settings_as<MappingRegressionSettings>();
      for (const StatusMapping& m : settings.rename) {
        if (names(m.from)) {
          ++*r.hits;
          return std::optional<std::string>(m.to);
        }
      }
      const auto& removed = settings.remove;
      if ((removed.empty() && settings.rename.empty()) ||
          std::any_of(removed.begin(), removed.end(), names)) {
        ++*r.hits;
        return std::optional<std::string>();
      }
    }
    return std::nullopt;
  }

  struct Regression {
    const FaultSpec* fault;
    uint64_t* hits;
    int channel;  // < 0: every channel
  };

  WmsMock wms_;
  std::vector<Regression> regressions_;
  // Each shipment's warehouse delays, drawn in order from rng_ (read only by draw_timings).
  struct Timings {
    Duration to_pick;
    Duration pick_to_ship;
  };
  static void draw_timings(void* self, Timings* out, size_t count) {
    RandomStream& rng = static_cast<FulfillmentFlow*>(self)->rng_;
    for (size_t i = 0; i < count; ++i) {
      out[i].to_pick = pick_delay().sample_duration(rng);
      out[i].pick_to_ship = ship_delay().sample_duration(rng);
    }
  }
  RandomStream rng_;
  DrawQueue<Timings> timings_{&draw_timings, this};
  static constexpr uint8_t kCountedUnmapped = 1;  // counted in unmapped_states
  static constexpr uint8_t kCountedUpdate = 2;    // counted in status_updates
  GrowingArray<uint8_t> counted_;                 // per shipment: kCounted* bits
};

}  // namespace

std::unique_ptr<Flow> make_fulfillment_flow(World& world, const ConnectorSpec& spec) {
  SD_CHECK(
      world.registry().has_system(SystemKind::oms) && world.registry().has_system(SystemKind::wms),
      "fulfillment runs between an OMS and a WMS");
  return std::make_unique<FulfillmentFlow>(world, spec);
}

void fulfillment_released(Flow& flow, uint64_t oms_order) {
  static_cast<FulfillmentFlow&>(flow).released(oms_order);
}

void add_mapping_fault(Flow& flow, const FaultSpec* fault, uint64_t* hits, int channel) {
  static_cast<FulfillmentFlow&>(flow).add_regression(fault, hits, channel);
}

void fulfillment_cancelled(Flow& flow, uint32_t channel, uint64_t channel_order) {
  static_cast<FulfillmentFlow&>(flow).cancelled(channel, channel_order);
}

}  // namespace syncdrill::world
