// Stock and price sync: ERP changes pushed to each channel's listings, in batches.
#include <limits>
#include <optional>

#include "core/engine/check.hpp"
#include "sim/world/world_impl.hpp"

namespace syncdrill::world {

namespace {

// Job::op of a sync call once prepare() has read the ERP for an attempt of it.
constexpr uint8_t kSent = 1;

// Pushes ERP values for changed SKUs to one channel. Changes are collected and sent together:
// every poll_interval when one is set, else each time the ERP's change feed is read (every
// second). One call carries up to batch_max SKUs. A SKU changed again while its call waits is
// not queued twice: the call reads the ERP when it is sent, so it carries the latest value.
class SyncFlow : public Flow {
 public:
  SyncFlow(World& world, const ConnectorSpec& spec, uint32_t channel, bool price)
      : Flow(world, spec),
        channel_(channel),
        price_(price),
        changed_since_us_(registry_.erp_mock().sku_count(), -1),
        sent_since_us_(registry_.erp_mock().sku_count(), -1),
        queued_(registry_.erp_mock().sku_count(), 0),
        waiting_flag_(registry_.erp_mock().sku_count(), 0) {}

  void notice(SkuId sku, SimTime now) {
    // The delay counts from the ERP's change, also when a stale feed holds the change back.
    if (changed_since_us_[sku] < 0) changed_since_us_[sku] = now.us;
    if (!stale_.empty() && withheld_by_fault(sku, now)) return;
    if (queued_[sku] || waiting_flag_[sku]) return;
    waiting_flag_[sku] = 1;
    waiting_.push_back(sku);
  }

  // Everything noticed since the last flush goes out now, batch_max SKUs a call.
  void flush() {
    // Interval mode: what failed since the last flush goes again, changed or not.
    for (SkuId sku : failed_) {
      if (queued_[sku] || waiting_flag_[sku]) continue;
      waiting_flag_[sku] = 1;
      waiting_.push_back(sku);
    }
    failed_.clear();
    uint32_t batch = kNoBatch;
    for (SkuId sku : waiting_) {
      waiting_flag_[sku] = 0;
      if (queued_[sku]) continue;
      if (batch == kNoBatch) batch = new_batch();
      batches_[batch].skus.push_back(sku);
      queued_[sku] = 1;
      if (batches_[batch].skus.size() == spec_.batch_max) {
        enqueue(batch);
        batch = kNoBatch;
      }
    }
    if (batch != kNoBatch) enqueue(batch);
    waiting_.clear();
  }

  void add_stale_fault(const FaultSpec* fault, uint64_t* hits) {
    stale_.push_back(Stale{fault, hits});
    if (!stale_rng_) stale_rng_.emplace(world_.seed, "faults/feed/" + spec_.name);
  }

  // At each edge of a stale-feed fault: once none is in force, the updates withheld for a
  // catching-up fault go out (with the current ERP values, read when each call is sent).
  void stale_edge() {
    const SimTime now = world_.engine.now();
    for (const Stale& s : stale_) {
      if (fault_active(*s.fault, now)) return;
    }
    if (withheld_.empty()) return;
    for (SkuId sku : withheld_) {
      withheld_flag_[sku] = 0;
      if (queued_[sku] || waiting_flag_[sku]) continue;
      waiting_flag_[sku] = 1;
      waiting_.push_back(sku);
    }
    withheld_.clear();
    if (!spec_.poll_interval) flush();
  }

  JobEntity entity(const Job& job) const override {
    const Batch& b = batch_of(job);
    return JobEntity{"sku", b.skus.empty() ? 0 : b.skus.front()};
  }

  Port& target(const Job&) override { return *registry_.channel(channel_).port; }

  void prepare(Job& job, SimTime) override {
    job.op = kSent;
    Batch& b = batch_of(job);
    const ChannelState& ch = registry_.channel(channel_);
    b.values.clear();
    b.versions.clear();
    for (SkuId sku : b.skus) {
      queued_[sku] = 0;  // a change from now on needs another push
      if (changed_since_us_[sku] >= 0) {
        if (sent_since_us_[sku] < 0) sent_since_us_[sku] = changed_since_us_[sku];
        changed_since_us_[sku] = -1;
      }
      if (price_) {
        b.values.push_back(registry_.erp_mock().price_minor(sku));
        continue;
      }
      // A paused channel lists nothing; a runbook may have raised the buffer.
      const int64_t buffer = ch.paused ? std::numeric_limits<int64_t>::max() / 2 : ch.safety_buffer;
      const int64_t on_hand = registry_.erp_mock().stock(sku).on_hand;
      b.values.push_back(on_hand > buffer ? on_hand - buffer : 0);
      // Compare-and-set: the version read with the quantity; a sale on the channel before the
      // write lands makes it a conflict instead of re-listing sold units.
      b.versions.push_back(ch.mock->listing(sku).version);
    }
  }

  Outcome execute(const Job& job, SimTime now) override {
    ChannelState& ch = registry_.channel(channel_);
    const Batch& b = batch_of(job);
    Outcome batch_outcome;
    for (size_t i = 0; i < b.skus.size(); ++i) {
      const SkuId sku = b.skus[i];
      ErrorClass error;
      if (price_) {
        error = ch.mock->set_price(sku, b.values[i]).error;
      } else {
        const auto quantity = static_cast<uint32_t>(b.values[i]);
        error = ch.spec->inventory_cas
                    ? ch.mock->compare_and_set(sku, b.versions[i], quantity).error
                    : ch.mock->set_quantity(sku, quantity).error;
      }
      if (error != ErrorClass::none) {
        batch_outcome.error = error;
        continue;
      }
      if (sent_since_us_[sku] >= 0) {
        world_.recorder().sync_delay(ch, price_ ? SyncDelay::price : SyncDelay::stock,
                                     now.us - sent_since_us_[sku]);
        sent_since_us_[sku] = -1;
      }
    }
    return batch_outcome;
  }

  void on_finished(const Job& job, JobEnd end, ErrorClass, SimTime) override {
    Batch& b = batch_of(job);
    for (SkuId sku : b.skus) {
      // A call never sent (refused by a full queue, or every attempt failed fast by an open
      // breaker) still marks its SKUs as waiting: they wait no more.
      if (job.op != kSent) queued_[sku] = 0;
      if (end == JobEnd::succeeded) continue;
      // The channel stays stale; the SKU's next change (in interval mode, the next flush) tries
      // again, and the delay keeps counting from its first unsent change.
      if (sent_since_us_[sku] >= 0 && changed_since_us_[sku] < 0) {
        changed_since_us_[sku] = sent_since_us_[sku];
      }
      sent_since_us_[sku] = -1;
      // Not waiting_: a refusal inside flush() lands here while flush() walks waiting_.
      if (spec_.poll_interval) failed_.push_back(sku);
    }
    b.skus.clear();
    free_.push_back(static_cast<uint32_t>(job.subject));
  }

 private:
  static constexpr uint32_t kNoBatch = ~uint32_t{0};
  // The SKUs of one call and what the call read when it was sent. Reused: no allocation per call
  // once the vectors have grown.
  struct Batch {
    std::vector<SkuId> skus;
    std::vector<int64_t> values;
    std::vector<uint32_t> versions;
  };

  // The batch a job carries (its subject). A server may finish an attempt after its job ended
  // (the client timed out), so the batch may be empty or reused by then.
  Batch& batch_of(const Job& job) {
    SD_CHECK(job.subject < batches_.size(), "a sync job carries one of its flow's batches");
    return batches_[job.subject];
  }
  const Batch& batch_of(const Job& job) const {
    SD_CHECK(job.subject < batches_.size(), "a sync job carries one of its flow's batches");
    return batches_[job.subject];
  }

  uint32_t new_batch() {
    if (!free_.empty()) {
      const uint32_t b = free_.back();
      free_.pop_back();
      return b;
    }
    batches_.emplace_back();
    return static_cast<uint32_t>(batches_.size() - 1);
  }

  void enqueue(uint32_t batch) {
    Job job;
    job.subject = batch;
    job.channel = static_cast<uint16_t>(channel_);
    // A refused job (full queue) comes back through on_finished, which frees the batch.
    connector->enqueue(job);
  }

  // A change the feed does not emit: a stale-feed fault in force takes it with its intensity.
  bool withheld_by_fault(SkuId sku, SimTime now) {
    for (const Stale& s : stale_) {
      if (!fault_active(*s.fault, now) || stale_rng_->uniform01() >= s.fault->intensity) continue;
      ++*s.hits;
      if (withheld_flag_.empty()) withheld_flag_.assign(changed_since_us_.size(), 0);
      if (s.fault->settings_as<StaleFeedSettings>().catch_up && !withheld_flag_[sku]) {
        withheld_flag_[sku] = 1;
        withheld_.push_back(sku);
      }
      return true;
    }
    return false;
  }

  struct Stale {
    const FaultSpec* fault;
    uint64_t* hits;
  };

  uint32_t channel_;
  bool price_;
  std::vector<Stale> stale_;
  std::optional<RandomStream> stale_rng_;
  std::vector<uint8_t> withheld_flag_;  // sized at the first withheld change
  std::vector<SkuId> withheld_;
  std::vector<int64_t> changed_since_us_;  // first change not yet sent, -1 = none
  std::vector<int64_t> sent_since_us_;     // first change carried by the call in flight
  std::vector<uint8_t> queued_;            // a call for the SKU waits in the connector
  std::vector<uint8_t> waiting_flag_;      // noticed since the last flush
  std::vector<SkuId> waiting_;
  std::vector<SkuId> failed_;  // interval mode: sent again at the next flush
  std::vector<Batch> batches_;
  std::vector<uint32_t> free_;
};

}  // namespace

std::unique_ptr<Flow> make_stock_flow(World& world, const ConnectorSpec& spec, uint32_t channel) {
  SD_CHECK(channel < world.registry().channel_count(), "stock sync writes to a known channel");
  return std::make_unique<SyncFlow>(world, spec, channel, false);
}

std::unique_ptr<Flow> make_price_flow(World& world, const ConnectorSpec& spec, uint32_t channel) {
  SD_CHECK(channel < world.registry().channel_count(), "price sync writes to a known channel");
  return std::make_unique<SyncFlow>(world, spec, channel, true);
}

void notify_sku_changed(Flow& flow, SkuId sku, SimTime now) {
  static_cast<SyncFlow&>(flow).notice(sku, now);
}

void add_feed_fault(Flow& flow, const FaultSpec* fault, uint64_t* hits) {
  static_cast<SyncFlow&>(flow).add_stale_fault(fault, hits);
}

void feed_fault_edge(Flow& flow) {
  static_cast<SyncFlow&>(flow).stale_edge();
}

void flush_sync(Flow& flow) {
  static_cast<SyncFlow&>(flow).flush();
}

}  // namespace syncdrill::world
