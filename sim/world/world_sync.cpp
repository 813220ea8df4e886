// Stock and price sync: ERP changes pushed to each channel's listings, in batches.
#include <limits>
#include <optional>

#include "core/engine/check.hpp"
#include "sim/world/world_impl.hpp"

namespace syncdrill::world {

namespace {

// Job::op of a sync call once prepare() has read the ERP for an attempt of it.
constexpr uint8_t kSent = 1;

// Job::subject of a sync call: its batch's index (low 32 bits) and the batch's generation when
// the call was made (high 32 bits). A batch's generation moves on each time a call of it ends,
// so an attempt the server finishes after its call ended finds it is no longer the batch's.
constexpr uint64_t subject_of(uint32_t index, uint32_t generation) {
  return uint64_t{generation} << 32 | index;
}
constexpr uint32_t index_of(uint64_t subject) {
  return static_cast<uint32_t>(subject);
}
constexpr uint32_t generation_of(uint64_t subject) {
  return static_cast<uint32_t>(subject >> 32);
}

// Pushes ERP values for changed SKUs to one channel. Changes are collected and sent together:
// every poll_interval when one is set, else each time the ERP's change feed is read (every
// second). One call carries up to batch_max SKUs. A SKU changed again while its call waits is
// not queued twice: the call reads the ERP when it is sent, so it carries the latest value.
// A dead-lettered call keeps its batch (its SKUs) until a runbook replays it, which pushes those
// SKUs again with values read when the replay is sent, or until the full dead-letter queue
// loses it.
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
    const Batch* b = current_batch(job);
    return JobEntity{"sku", b == nullptr || b->skus.empty() ? 0 : b->skus.front()};
  }

  Port& target(const Job&) override { return *registry_.channel(channel_).port; }
  std::optional<ChannelOperation> operation(const Job&) const override {
    return price_ ? ChannelOperation::price_updates : ChannelOperation::listing_updates;
  }

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
    // An attempt the server finishes after its call ended (the client timed out): the call's
    // SKUs and values are gone with it, and the batch may carry another call's by now.
    const Batch* current = current_batch(job);
    if (current == nullptr) return Outcome{};
    const Batch& b = *current;
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
    ++b.generation;  // attempts of this call still at the server are now stale
    if (end == JobEnd::dead_lettered) {
      b.state = BatchState::parked;  // the dead letter keeps its SKUs for a replay
      return;
    }
    free_batch(index_of(job.subject));
  }

  // The replay is a new call of the dead letter's batch: its SKUs go out again, read fresh when
  // it is sent. They wait in a call again, so a change meanwhile does not queue them twice.
  void on_replay(Job& job) override {
    Batch& b = batch_at(index_of(job.subject));
    SD_CHECK(b.state == BatchState::parked && generation_of(job.subject) + 1 == b.generation,
             "a replayed sync call is the dead letter its batch was kept for");
    b.state = BatchState::live;
    job.subject = subject_of(index_of(job.subject), b.generation);
    job.op = 0;  // not sent yet
    for (SkuId sku : b.skus)
      queued_[sku] = 1;
  }

  // A dead letter the full queue lost is never replayed: its SKUs stay stale (see on_finished)
  // and the batch goes back to the pool.
  void on_dead_letter_lost(const Job& job) override {
    const uint32_t index = index_of(job.subject);
    SD_CHECK(batch_at(index).state == BatchState::parked,
             "a lost dead letter's batch was kept for it");
    free_batch(index);
  }

 private:
  static constexpr uint32_t kNoBatch = ~uint32_t{0};
  // free: in the pool; live: one call (queued or at work) carries it; parked: a dead letter
  // holds it for a replay.
  enum class BatchState : uint8_t { free, live, parked };
  // The SKUs of one call and what the call read when it was sent. Reused: no allocation per call
  // once the vectors have grown; one call at a time has it.
  struct Batch {
    std::vector<SkuId> skus;
    std::vector<int64_t> values;
    std::vector<uint32_t> versions;
    uint32_t generation = 0;  // calls of this batch that ended
    BatchState state = BatchState::free;
  };

  Batch& batch_at(uint32_t index) {
    SD_CHECK(index < batches_.size(), "a sync job carries one of its flow's batches");
    return batches_[index];
  }

  // The batch of a call that has not ended (prepare, on_finished).
  Batch& batch_of(const Job& job) {
    Batch& b = batch_at(index_of(job.subject));
    SD_CHECK(b.state == BatchState::live && b.generation == generation_of(job.subject),
             "a sync call in progress has its batch to itself");
    return b;
  }

  // The job's batch while its call has not ended, else null: a server may finish an attempt
  // after its call ended (the client timed out).
  const Batch* current_batch(const Job& job) const {
    const uint32_t index = index_of(job.subject);
    SD_CHECK(index < batches_.size(), "a sync job carries one of its flow's batches");
    const Batch& b = batches_[index];
    if (b.state != BatchState::live || b.generation != generation_of(job.subject)) return nullptr;
    return &b;
  }

  uint32_t new_batch() {
    uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      batches_.emplace_back();
      index = static_cast<uint32_t>(batches_.size() - 1);
    }
    Batch& b = batches_[index];
    SD_CHECK(b.state == BatchState::free && b.skus.empty(), "a new batch comes from the pool");
    b.state = BatchState::live;
    return index;
  }

  // Back to the pool, once: a batch two calls shared would send one call's SKUs for the other.
  void free_batch(uint32_t index) {
    Batch& b = batch_at(index);
    SD_CHECK(b.state != BatchState::free, "a sync batch is freed once");
    b.state = BatchState::free;
    b.skus.clear();
    free_.push_back(index);
  }

  void enqueue(uint32_t batch) {
    Job job;
    job.subject = subject_of(batch, batches_[batch].generation);
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
