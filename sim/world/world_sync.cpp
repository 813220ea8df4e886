// Stock and price sync: ERP changes pushed to each channel's listings.
#include "sim/engine/check.hpp"
#include "sim/world/world_impl.hpp"

namespace syncdrill::world {

namespace {

// Pushes one SKU's ERP value to one channel. A SKU changed again while its job waits is not
// queued twice: the job reads the ERP when it is sent, so it carries the latest value. With a
// poll_interval the connector collects changes and sends them together every interval; without
// one it sends each change as it hears of it.
class SyncFlow : public Flow {
 public:
  SyncFlow(World& world, const ConnectorSpec& spec, uint32_t channel, bool price)
      : Flow(world, spec),
        channel_(channel),
        price_(price),
        changed_since_us_(world.erp->sku_count(), -1),
        sent_since_us_(world.erp->sku_count(), -1),
        queued_(world.erp->sku_count(), 0) {}

  void notice(SkuId sku, SimTime now) {
    if (changed_since_us_[sku] < 0) changed_since_us_[sku] = now.us;
    if (queued_[sku]) return;
    if (spec_.poll_interval) {
      if (!waiting_mark(sku)) waiting_.push_back(sku);
      return;
    }
    enqueue(sku);
  }

  // The interval: everything noticed since the last one goes out now.
  void flush() {
    for (SkuId sku : waiting_) {
      waiting_flag_[sku] = 0;
      if (!queued_[sku]) enqueue(sku);
    }
    waiting_.clear();
  }

  Port& target(const Job&) override { return *world_.channels[channel_].port; }

  void prepare(Job& job, SimTime) override {
    const auto sku = static_cast<SkuId>(job.subject);
    queued_[sku] = 0;  // a change from now on needs another push
    if (changed_since_us_[sku] >= 0) {
      if (sent_since_us_[sku] < 0) sent_since_us_[sku] = changed_since_us_[sku];
      changed_since_us_[sku] = -1;
    }
    if (price_) {
      job.value = world_.erp->price_minor(sku);
    } else {
      const ChannelState& ch = world_.channels[channel_];
      const int64_t buffer = ch.spec->safety_buffer;
      const int64_t on_hand = world_.erp->stock(sku).on_hand;
      job.value = on_hand > buffer ? on_hand - buffer : 0;
      // Compare-and-set: the version the connector read with the quantity; a sale on the
      // channel before the write lands makes it a conflict instead of re-listing sold units.
      job.extra = ch.mock->listing(sku).version;
    }
  }

  Outcome execute(const Job& job, SimTime now) override {
    ChannelState& ch = world_.channels[channel_];
    const auto sku = static_cast<SkuId>(job.subject);
    Response r;
    if (price_) {
      r = ch.mock->set_price(sku, job.value);
    } else {
      const auto quantity = static_cast<uint32_t>(job.value);
      const InventoryResult w = ch.spec->inventory_cas
                                    ? ch.mock->compare_and_set(sku, job.extra, quantity)
                                    : ch.mock->set_quantity(sku, quantity);
      r.error = w.error;
    }
    if (r.ok() && sent_since_us_[sku] >= 0) {
      LatencyHistogram& h =
          price_ ? ch.outcome->price_sync_delay_us : ch.outcome->stock_sync_delay_us;
      h.record(now.us - sent_since_us_[sku]);
      sent_since_us_[sku] = -1;
    }
    return r;
  }

  void on_finished(const Job& job, JobEnd end, ErrorClass, SimTime) override {
    // A push that was dropped or given up leaves the channel stale; the next change of the SKU
    // (or the next interval) tries again, and the delay keeps counting from the first change.
    if (end == JobEnd::succeeded) return;
    const auto sku = static_cast<SkuId>(job.subject);
    if (sent_since_us_[sku] >= 0 && changed_since_us_[sku] < 0) {
      changed_since_us_[sku] = sent_since_us_[sku];
    }
    sent_since_us_[sku] = -1;
  }

 private:
  void enqueue(SkuId sku) {
    Job job;
    job.subject = sku;
    job.channel = static_cast<uint16_t>(channel_);
    queued_[sku] = 1;
    // A refused job (full queue) is reported through on_finished.
    if (!connector->enqueue(job)) queued_[sku] = 0;
  }

  bool waiting_mark(SkuId sku) {
    if (waiting_flag_.empty()) waiting_flag_.assign(queued_.size(), 0);
    const bool was = waiting_flag_[sku] != 0;
    waiting_flag_[sku] = 1;
    return was;
  }

  uint32_t channel_;
  bool price_;
  std::vector<int64_t> changed_since_us_;  // first change not yet sent, -1 = none
  std::vector<int64_t> sent_since_us_;     // first change carried by the job in flight
  std::vector<uint8_t> queued_;            // a job for the SKU waits in the connector
  std::vector<SkuId> waiting_;             // interval mode: changed since the last flush
  std::vector<uint8_t> waiting_flag_;
};

}  // namespace

std::unique_ptr<Flow> make_stock_flow(World& world, const ConnectorSpec& spec, uint32_t channel) {
  return std::make_unique<SyncFlow>(world, spec, channel, false);
}

std::unique_ptr<Flow> make_price_flow(World& world, const ConnectorSpec& spec, uint32_t channel) {
  return std::make_unique<SyncFlow>(world, spec, channel, true);
}

void notify_sku_changed(Flow& flow, SkuId sku, SimTime now) {
  static_cast<SyncFlow&>(flow).notice(sku, now);
}

void flush_sync(Flow& flow) {
  static_cast<SyncFlow&>(flow).flush();
}

}  // namespace syncdrill::world
