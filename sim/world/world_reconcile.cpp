// Reconciliation, the ingest connectors' backup poll and the ERP's batch import: the scheduled
// jobs that find and repair what the event-driven flows missed.
#include <algorithm>

#include "core/engine/check.hpp"
#include "sim/world/world_impl.hpp"

namespace syncdrill::world {

namespace {

// An order younger than this is left alone by reconciliation: it may still be on its way.
constexpr Duration kReconcileGraceMax = minutes(15);
// The most repairs one run may start, whatever repair_rate x interval says.
constexpr double kRepairBudgetMax = 1e12;
// The backup poll looks at orders at least this old, so a healthy webhook usually wins.
constexpr Duration kPollLag = minutes(1);

enum RepairOp : uint8_t { kRepairMissing, kRepairRevenue, kRepairDuplicate, kRepairReturn };

// Repairs: a missing order is created in the OMS (with an idempotency key: a repair must not
// duplicate) and its revenue posted; revenue entries are brought to exactly one (a missing one
// posted, extra ones reversed); an extra OMS order is cancelled while it still can be (created
// or allocated: once released to the warehouse it ships, and the duplicate's cost is real); an
// unsynced return is processed by the OMS, which has the ERP restock it, as the returns flow
// does, once: a retry or a return synced meanwhile changes nothing.
class ReconcileFlow final : public Flow {
 public:
  ReconcileFlow(World& world, const ConnectorSpec& spec) : Flow(world, spec) {
    for (const SystemSpec& s : world.scenario.systems) {
      if (s.kind != SystemKind::erp) continue;
      import_lag_ = s.batch_import_interval.value_or(Duration{});
      break;
    }
  }

  // A repair's create carries the order's key: refused (409) while that key is in flight.
  Outcome on_arrival(const Job& job, SimTime) override {
    if (job.op != kRepairMissing || job.step != 0) return Outcome{};
    if (registry_.oms_mock().begin_keyed_create(job.channel, job.subject)) return Outcome{};
    return Outcome{ErrorClass::conflict, Duration{}};
  }
  void on_departure(const Job& job) override {
    if (job.op == kRepairMissing && job.step == 0)
      registry_.oms_mock().end_keyed_create(job.channel, job.subject);
  }

  Port& target(const Job& job) override {
    const bool oms = (job.op == kRepairMissing && job.step == 0) || job.op == kRepairDuplicate ||
                     job.op == kRepairReturn;
    return oms ? registry_.system_port(SystemKind::oms) : registry_.system_port(SystemKind::erp);
  }

  Outcome execute(const Job& job, SimTime now) override {
    ChannelState& ch = registry_.channel(job.channel);
    if (job.op == kRepairReturn) {
      if ((ch.flags[job.subject] & kReturnSynced) != 0) return Outcome{};
      return world_.process_return(job.channel, job.subject, now);
    }
    const int64_t amount = ch.mock->order_amount_minor(job.subject);
    if (job.op == kRepairDuplicate) {
      const uint64_t extra = payload_of<DuplicatePayload>(job).oms_order;
      if (registry_.oms_mock().state(extra) == OmsState::cancelled) return Outcome{};  // a retry
      const Response r =
          registry_.oms_mock().transition(extra, OmsState::cancelled, registry_.erp_mock(), now);
      if (r.ok()) {
        world_.recorder().duplicate_cancelled(
            registry_.channel(job.channel).mock->order_amount_minor(job.subject));
      }
      return r;
    }
    if (job.op == kRepairRevenue || job.step == 1) {
      while (registry_.erp_mock().revenue_count(job.channel, job.subject) > 1) {
        registry_.erp_mock().reverse_revenue(job.channel, job.subject, amount);
        world_.recorder().revenue_reversed();
      }
      if (registry_.erp_mock().revenue_count(job.channel, job.subject) == 0) {
        registry_.erp_mock().post_revenue(job.channel, job.subject, amount, now);
      }
      return Outcome{};
    }
    CreateOrder req;
    req.channel = job.channel;
    req.channel_order = job.subject;
    req.lines = ch.mock->order_lines(job.subject);
    req.amount_minor = amount;
    req.has_key = true;
    req.payload_hash = job.subject * 0x9e3779b97f4a7c15ULL ^ static_cast<uint64_t>(amount);
    const CreateResult created = registry_.oms_mock().create_order(req, registry_.erp_mock(), now);
    if (created.error != ErrorClass::none) return Outcome{created.error, Duration{}};
    world_.on_oms_created(job.channel, job.subject, created);
    return Outcome{};
  }

  bool advance(Job& job, SimTime) override {
    const uint8_t flags = registry_.channel(job.channel).flags[job.subject];
    if (job.op == kRepairMissing && job.step == 0 && (flags & kOversold) == 0) {
      job.step = 1;
      return true;
    }
    return false;
  }

  void on_finished(const Job& job, JobEnd, ErrorClass, SimTime) override {
    registry_.channel(job.channel).flags[job.subject] &= static_cast<uint8_t>(~kRepairPending);
  }

  // One reconciliation run: compare, record, queue repairs up to the run's budget.
  void run(SimTime now, Duration interval) {
    ReconciliationRun found;
    found.at = now;
    const Duration grace = std::min(interval, kReconcileGraceMax);
    // A revenue post waits for the ERP's next batch import: younger orders may owe nothing.
    const int64_t revenue_until_us = (now - grace - import_lag_).us;
    // At most a trillion: a fast repair rate over a long interval is "no budget", not an overflow.
    auto budget =
        static_cast<uint64_t>(std::min(spec_.repair_per_s * interval.seconds(), kRepairBudgetMax));
    for (uint32_t c = 0; c < registry_.channel_count(); ++c) {
      ChannelState& ch = registry_.channel(c);
      for (uint64_t order = 0; order < ch.flags.size(); ++order) {
        if (ch.placed_at_us[order] > (now - grace).us) break;  // placed in time order
        const uint32_t copies = registry_.oms_mock().copies(c, order);
        uint8_t& flags = ch.flags[order];
        const bool missing = copies == 0 && holders(flags) == 0;
        const bool owes_revenue = copies >= 1 && (flags & kOversold) == 0 &&
                                  ch.placed_at_us[order] <= revenue_until_us &&
                                  registry_.erp_mock().revenue_count(c, order) != 1;
        if (missing) ++found.missing_in_oms;
        if (owes_revenue) ++found.revenue_mismatched;
        if ((missing || owes_revenue) && budget > 0 && (flags & kRepairPending) == 0) {
          Job job;
          job.subject = order;
          job.channel = static_cast<uint16_t>(c);
          job.op = missing ? kRepairMissing : kRepairRevenue;
          flags |= kRepairPending;
          if (connector->enqueue(job)) {
            ++found.repairs_started;
            --budget;
          }
        }
      }
    }
    repair_duplicates(found, budget);
    repair_returns(found, budget, now - grace);
    world_.recorder().reconciliation_run(found);
  }

  // Returns the channel recorded before `until` that the OMS and ERP never processed: the
  // returns flow never heard of them (an event not emitted, a delivery given up) or gave up
  // itself. Those a returns job still holds are left to it, as ingest jobs' orders are.
  void repair_returns(ReconciliationRun& found, uint64_t& budget, SimTime until) {
    for (uint32_t c = 0; c < registry_.channel_count(); ++c) {
      ChannelState& ch = registry_.channel(c);
      for (const ReturnRequest& made : ch.returns_made) {
        if (made.at_us > until.us) break;  // recorded in time order
        uint8_t& flags = ch.flags[made.order];
        if ((flags & (kReturnSynced | kReturnHeld)) != 0) continue;
        ++found.returns_out_of_sync;
        if (budget == 0 || (flags & kRepairPending) != 0) continue;
        Job job;
        job.op = kRepairReturn;
        job.subject = made.order;
        job.channel = static_cast<uint16_t>(c);
        flags |= kRepairPending;
        if (connector->enqueue(job)) {
          ++found.repairs_started;
          --budget;
        }
      }
    }
  }

  // Extra OMS orders, in the order they were created: those still cancellable get a repair;
  // the rest have gone to the warehouse and stay as they are.
  void repair_duplicates(ReconciliationRun& found, uint64_t& budget) {
    const std::vector<ExtraCopy>& extras = world_.extra_copies;
    for (const ExtraCopy& e : extras) {
      if (registry_.oms_mock().state(e.oms_order) != OmsState::cancelled) ++found.duplicated_in_oms;
    }
    for (; duplicate_cursor_ < extras.size() && budget > 0; ++duplicate_cursor_) {
      const ExtraCopy& e = extras[duplicate_cursor_];
      const OmsState state = registry_.oms_mock().state(e.oms_order);
      if (state != OmsState::created && state != OmsState::allocated) continue;
      Job job;
      job.op = kRepairDuplicate;
      job.subject = e.channel_order;
      job.channel = static_cast<uint16_t>(e.channel);
      job.payload = DuplicatePayload{e.oms_order};
      if (connector->enqueue(job)) {
        ++found.repairs_started;
        --budget;
      }
    }
  }

 private:
  Duration import_lag_;          // the ERP's batch import interval; 0 without batch import
  size_t duplicate_cursor_ = 0;  // extra copies before this one have been looked at
};

}  // namespace

std::unique_ptr<Flow> make_reconcile_flow(World& world, const ConnectorSpec& spec) {
  SD_CHECK(
      world.registry().has_system(SystemKind::oms) && world.registry().has_system(SystemKind::erp),
      "reconciliation compares the OMS and the ERP");
  return std::make_unique<ReconcileFlow>(world, spec);
}

void reconcile_now(Flow& flow, SimTime now, Duration interval) {
  static_cast<ReconcileFlow&>(flow).run(now, interval);
}

void World::schedule_scheduled_jobs() {
  if (registry_.reconciliation() != nullptr) {
    const Duration every =
        registry_.reconciliation()->connector->spec().interval.value_or(hours(1));
    repeat(SimTime{} + every, every,
           [this, every] { reconcile_now(*registry_.reconciliation(), engine.now(), every); });
  }
  for (uint32_t c = 0; c < registry_.channel_count(); ++c) {
    Flow* ingest = registry_.channel(c).ingest;
    if (ingest == nullptr || !ingest->connector->spec().poll_interval) continue;
    const Duration every = *ingest->connector->spec().poll_interval;
    repeat(SimTime{} + every, every, [this, c] { poll_orders(c); });
  }
  for (const SystemSpec& s : scenario.systems) {
    if (s.kind != SystemKind::erp) continue;
    if (s.batch_import_interval) {
      const Duration every = *s.batch_import_interval;
      repeat(SimTime{} + every, every,
             [this] { registry_.erp_mock().run_batch_import(engine.now()); });
    }
    break;  // the first ERP is the one the world runs
  }
}

// The backup poll lists the channel's orders placed since the last poll (at least kPollLag
// ago) and ingests those the connector has not got: a webhook lost, or not yet retried.
void World::poll_orders(uint32_t c) {
  ChannelState& ch = registry_.channel(c);
  const int64_t until_us = (engine.now() - kPollLag).us;
  uint64_t& cursor = ch.poll_cursor;
  for (; cursor < ch.flags.size() && ch.placed_at_us[cursor] <= until_us; ++cursor) {
    if (ch.oms_order[cursor] != 0 || holders(ch.flags[cursor]) > 0) continue;
    Job job;
    job.subject = cursor;
    job.channel = static_cast<uint16_t>(c);
    const uint8_t failed = ch.flags[cursor] & kIngestFailed;
    ch.flags[cursor] &= static_cast<uint8_t>(~kIngestFailed);  // before: the job may end at once
    // The connector is full: the next poll starts from this order.
    if (!offer_ingest(c, job)) {
      ch.flags[cursor] |= failed;
      break;
    }
    ++ch.outcome->orders_polled;
  }
}

}  // namespace syncdrill::world
