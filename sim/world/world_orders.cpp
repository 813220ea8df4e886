// Orders: customers placing them, webhooks carrying them, the ingest and returns flows.
#include <span>
#include <vector>

#include "core/engine/check.hpp"
#include "core/engine/saturating.hpp"
#include "mocks/webhook.hpp"
#include "sim/world/world_impl.hpp"

namespace syncdrill::world {

namespace {

// Time a webhook spends on the wire before the receiver sees it.
constexpr Duration kWebhookLatency = milliseconds(50);

const PolicySpec& policy_of(const Scenario& s, const ConnectorSpec& spec) {
  static const PolicySpec kDefault{};
  const PolicySpec* p = find_policy(s, spec.policy);
  return p != nullptr ? *p : kDefault;
}

// Ingest: create the channel order in the OMS (step 0), then post its revenue to the ERP.
class IngestFlow final : public Flow {
 public:
  IngestFlow(World& world, const ConnectorSpec& spec, uint32_t channel)
      : Flow(world, spec),
        channel_(channel),
        idempotency_keys_(policy_of(world.scenario, spec).idempotency_keys) {}

  Port& target(const Job& job) override {
    SD_CHECK(job.step == 0 || registry_.has_system(SystemKind::erp),
             "revenue is posted only with an ERP");
    return job.step == 0 ? registry_.system_port(SystemKind::oms)
                         : registry_.system_port(SystemKind::erp);
  }

  // Stripe-like keys: a create whose key is still being served elsewhere is refused (409).
  Outcome on_arrival(const Job& job, SimTime) override {
    if (job.step != 0 || !idempotency_keys_) return Outcome{};
    if (registry_.oms_mock().begin_keyed_create(channel_, job.subject)) return Outcome{};
    return Outcome{ErrorClass::conflict, Duration{}};
  }
  void on_departure(const Job& job) override {
    if (job.step == 0 && idempotency_keys_)
      registry_.oms_mock().end_keyed_create(channel_, job.subject);
  }

  Outcome execute(const Job& job, SimTime now) override {
    ChannelMock& mock = *registry_.channel(channel_).mock;
    const int64_t amount = mock.order_amount_minor(job.subject);
    if (job.step == 1) {
      // With idempotency keys the revenue post carries one too: a second delivery of the same
      // order (a duplicate webhook, a retry after a timeout) finds its entry and adds none.
      if (idempotency_keys_ && registry_.erp_mock().revenue_count(channel_, job.subject) > 0) {
        return Outcome{};
      }
      registry_.erp_mock().post_revenue(channel_, job.subject, amount, now);
      return Outcome{};
    }
    CreateOrder req;
    req.channel = channel_;
    req.channel_order = job.subject;
    req.lines = mock.order_lines(job.subject);
    req.amount_minor = amount;
    req.has_key = idempotency_keys_;
    req.payload_hash = job.subject * 0x9e3779b97f4a7c15ULL ^ static_cast<uint64_t>(amount);
    const CreateResult created = registry_.oms_mock().create_order(req, registry_.erp_mock(), now);
    if (created.error != ErrorClass::none) return Outcome{created.error, Duration{}};
    world_.on_oms_created(channel_, job.subject, created);
    return Outcome{};
  }

  bool advance(Job& job, SimTime) override {
    const uint8_t flags = registry_.channel(channel_).flags[job.subject];
    if (job.step == 0 && registry_.has_system(SystemKind::erp) && (flags & kOversold) == 0) {
      job.step = 1;
      return true;
    }
    return false;
  }

  // A replayed dead letter holds its order again, as an offered job does.
  void on_replay(Job& job) override { add_holder(registry_.channel(channel_).flags[job.subject]); }

  void on_finished(const Job& job, JobEnd end, ErrorClass, SimTime) override {
    uint8_t& flags = registry_.channel(channel_).flags[job.subject];
    remove_holder(flags);  // every job offered held it, refused ones too (see offer_ingest)
    // A refused delivery is the webhook sender's to retry; a dead letter is given up.
    if (end == JobEnd::dead_lettered) flags |= kIngestFailed;
  }

 private:
  uint32_t channel_;
  bool idempotency_keys_;
};

// Returns: the OMS takes the units back and the ERP restocks them.
class ReturnsFlow final : public Flow {
 public:
  ReturnsFlow(World& world, const ConnectorSpec& spec, uint32_t channel)
      : Flow(world, spec),
        channel_(channel),
        idempotency_keys_(policy_of(world.scenario, spec).idempotency_keys) {}

  Port& target(const Job&) override { return registry_.system_port(SystemKind::oms); }

  Outcome execute(const Job& job, SimTime now) override {
    const uint8_t flags = registry_.channel(channel_).flags[job.subject];
    // A retry of a return the OMS already took (its first attempt timed out, or reconciliation
    // repaired it meanwhile): with a key the OMS answers as before; without one it takes the
    // units back again (phantom stock), but it is still one return.
    if ((flags & kReturnSynced) != 0 && idempotency_keys_) return Outcome{};
    return world_.process_return(channel_, job.subject, now);
  }

  // A job holds its return until it ends, so reconciliation leaves the return to it.
  void on_replay(Job& job) override {
    registry_.channel(channel_).flags[job.subject] |= kReturnHeld;
  }

  void on_finished(const Job& job, JobEnd, ErrorClass, SimTime) override {
    registry_.channel(channel_).flags[job.subject] &= static_cast<uint8_t>(~kReturnHeld);
  }

 private:
  uint32_t channel_;
  bool idempotency_keys_;
};

}  // namespace

std::unique_ptr<Flow> make_ingest_flow(World& world, const ConnectorSpec& spec, uint32_t channel) {
  SD_CHECK(
      channel < world.registry().channel_count() && world.registry().has_system(SystemKind::oms),
      "ingest reads a known channel into an OMS");
  return std::make_unique<IngestFlow>(world, spec, channel);
}

std::unique_ptr<Flow> make_returns_flow(World& world, const ConnectorSpec& spec, uint32_t channel) {
  SD_CHECK(
      channel < world.registry().channel_count() && world.registry().has_system(SystemKind::oms),
      "returns read a known channel into an OMS");
  return std::make_unique<ReturnsFlow>(world, spec, channel);
}

void World::place_order(TrafficState& t) {
  const SimTime now = engine.now();
  // A peak's extra customers come only while it is on.
  if (t.peak == nullptr || fault_active(*t.peak, now)) {
    if (t.peak != nullptr) ++*t.peak_hits;
    serve_customer(t, now);
  }
  const SimTime next = next_arrival(t);
  if (next != kArrivalsEnd) {
    TrafficState* ts = &t;
    engine.schedule_at(next, [this, ts] { place_order(*ts); });
  }
}

void World::serve_customer(TrafficState& t, SimTime now) {
  ChannelState& ch = registry_.channel(t.channel);
  // Baskets may have up to 1000 lines (the loader's limit); the buffers grow to the largest.
  std::vector<BasketLine>& basket = scratch_.basket;
  std::vector<SkuQuantity>& lines = scratch_.lines;
  if (basket.size() < t.baskets->lines_max()) basket.resize(t.baskets->lines_max());
  if (lines.size() < basket.size()) lines.resize(basket.size());
  // Drawn with its arrival (see next_arrival), or drawn now.
  const std::span<const BasketLine> drawn =
      t.customers ? std::span<const BasketLine>(t.next_customer.line, t.next_customer.lines)
                  : std::span<const BasketLine>(basket).first(t.baskets->sample(t.rng, basket));
  const auto n = static_cast<uint32_t>(drawn.size());
  for (uint32_t i = 0; i < n; ++i)
    lines[i] = SkuQuantity{drawn[i].sku, drawn[i].quantity};
  const PlaceResult placed = ch.mock->place_order(std::span(lines.data(), n), now);
  if (!placed.accepted) {
    ++ch.outcome->orders_sold_out;
  } else {
    ++ch.outcome->orders_placed;
    ch.add_order(placed.order, now.us);
    for (const OrderLine& line : ch.mock->order_lines(placed.order)) {
      const int64_t truth = registry_.erp_mock().price_minor(line.sku);
      if (line.unit_price_minor != truth) {
        ++ch.outcome->price_mismatches;
        const int64_t diff = line.unit_price_minor - truth;
        ch.outcome->price_mismatch_minor =
            add_saturating(ch.outcome->price_mismatch_minor,
                           mul_saturating(diff < 0 ? -diff : diff, line.quantity));
      }
    }
    const Duration delay = t.returns ? t.returns->next() : Duration{-1};
    if (delay.us >= 0) {
      const uint32_t c = t.channel;
      const uint64_t order = placed.order;
      far_timers.schedule_after(delay, [this, c, order] { request_return(c, order); });
    }
    emit_webhook(t.channel, placed.event);
  }
}

SimTime World::next_arrival(TrafficState& t) {
  if (t.customers) {
    t.next_customer = t.customers->next();
    // The basket is known now, at least a few milliseconds of simulated time (dozens of events)
    // before the customer arrives: start loading the listings and ERP records it will read, which
    // a skewed but wide catalog leaves out of cache otherwise.
    const ChannelMock& channel = *registry_.channel(t.channel).mock;
    const bool erp = registry_.has_system(SystemKind::erp);
    for (uint32_t i = 0; i < t.next_customer.lines; ++i) {
      channel.prefetch_listing(t.next_customer.line[i].sku);
      if (erp) registry_.erp_mock().prefetch_sku(t.next_customer.line[i].sku);
    }
    return t.next_customer.at;
  }
  return t.next_arrival(SimTime{} + scenario.duration);
}

void World::emit_webhook(uint32_t c, const WebhookEvent& event) {
  ChannelState& ch = registry_.channel(c);
  if (ch.webhooks_removed) {
    // No subscription any more: the event is never sent, as with event_drop.
    ++ch.outcome->webhook_events_not_emitted;
    if (event.topic == WebhookTopic::orders_create) ch.flags[event.order] |= kWebhookGivenUp;
    record_webhook(c, event, 0, DeliveryResult::nobody_listens);
    return;
  }
  if (!ch.webhook_faults.empty() && webhook_fault(ch, FaultKind::event_drop, event.topic)) {
    // Never sent: nothing retries it. An order's only other way in is the backup poll.
    ++ch.outcome->webhook_events_not_emitted;
    if (event.topic == WebhookTopic::orders_create) ch.flags[event.order] |= kWebhookGivenUp;
    record_webhook(c, event, 0, DeliveryResult::dropped);
    return;
  }
  engine.schedule_after(kWebhookLatency, [this, c, event] { deliver_webhook(c, event, 1); });
}

const WebhookFault* World::webhook_fault(ChannelState& ch, FaultKind kind, WebhookTopic topic) {
  const SimTime now = engine.now();
  const auto bit = static_cast<uint8_t>(1u << static_cast<unsigned>(topic));
  for (const WebhookFault& wf : ch.webhook_faults) {
    if (wf.fault->kind != kind || (wf.topics & bit) == 0 || !fault_active(*wf.fault, now)) {
      continue;
    }
    if (ch.webhook_fault_rng->uniform01() >= wf.fault->intensity) continue;
    ++*wf.hits;
    return &wf;
  }
  return nullptr;
}

void World::deliver_webhook(uint32_t c, const WebhookEvent& event, uint32_t attempt,
                            uint8_t marks) {
  SD_CHECK(c < registry_.channel_count(), "a webhook from a known channel");
  SD_CHECK(attempt >= 1, "delivery attempts count from 1");
  ChannelState& ch = registry_.channel(c);
  SD_CHECK(event.order < ch.flags.size(), "a webhook about a placed order");
  const bool is_return = event.topic == WebhookTopic::returns_create;
  Flow* flow = is_return ? ch.returns : ch.ingest;
  if (flow == nullptr || !ch.spec->webhooks.enabled) {  // nobody listens
    record_webhook(c, event, attempt, DeliveryResult::nobody_listens);
    return;
  }
  if (ch.webhooks_removed) {
    // A redelivery due after the subscription was removed: never sent, the event is lost.
    if ((marks & kDeliveryCopy) == 0) {
      ++ch.outcome->webhook_events_lost;
      if (!is_return) ch.flags[event.order] |= kWebhookGivenUp;
    }
    record_webhook(c, event, attempt, DeliveryResult::nobody_listens);
    return;
  }
  const bool faulty = !ch.webhook_faults.empty();
  if (faulty && (marks & kDeliveryDelayed) == 0) {
    if (const WebhookFault* wf = webhook_fault(ch, FaultKind::webhook_delay, event.topic)) {
      ++ch.outcome->webhook_deliveries_delayed;
      record_webhook(c, event, attempt, DeliveryResult::delayed);
      const Duration delay = wf->fault->settings_as<WebhookDelaySettings>().delay.sample_duration(
          *ch.webhook_fault_rng);
      const auto next = static_cast<uint8_t>(marks | kDeliveryDelayed);
      engine.schedule_after(
          delay, [this, c, event, attempt, next] { deliver_webhook(c, event, attempt, next); });
      return;
    }
  }
  bool refused = false;
  if (faulty) {
    if (const WebhookFault* wf = webhook_fault(ch, FaultKind::webhook_drop, event.topic)) {
      ++ch.outcome->webhook_deliveries_dropped;
      record_webhook(c, event, attempt, DeliveryResult::dropped);
      if (wf->fault->settings_as<WebhookDropSettings>().per == DropScope::event) {
        // A dropped copy loses nothing: the first delivery was taken.
        if ((marks & kDeliveryCopy) == 0) {
          ++ch.outcome->webhook_events_lost;
          if (!is_return) ch.flags[event.order] |= kWebhookGivenUp;
        }
        return;
      }
      refused = true;  // the attempt failed: the sender retries on its schedule
    }
  }
  if (!refused) {
    // Dedupe remembers deliveries the connector took, not those it refused: a refused
    // delivery's redelivery is the first the connector sees of the event.
    bool taken = false;
    if (!is_return && ch.ingest_dedupe && ch.ingest_dedupe->contains(event.event_id)) {
      ch.ingest_dedupe->seen_before(event.event_id);  // counts the duplicate
      record_webhook(c, event, attempt, DeliveryResult::deduped);
      taken = true;
    } else {
      Job job;
      job.subject = event.order;
      job.channel = static_cast<uint16_t>(c);
      if (is_return) {
        // Held before enqueue(): a job refused at once finishes inside it and lets go again.
        ch.flags[event.order] |= kReturnHeld;
        taken = flow->connector->enqueue(job);
      } else {
        taken = offer_ingest(c, job);
      }
      if (taken && !is_return && ch.ingest_dedupe) ch.ingest_dedupe->seen_before(event.event_id);
    }
    if (taken) {
      const WebhookFault* wf = nullptr;
      if (faulty && (marks & kDeliveryCopy) == 0) {
        wf = webhook_fault(ch, FaultKind::webhook_duplicate, event.topic);
      }
      ++ch.webhooks_taken;
      if (wf == nullptr) {
        record_webhook(c, event, attempt, DeliveryResult::delivered);
        return;
      }
      // The sender delivers the same event (same id) again later, as at-least-once senders do.
      ++ch.outcome->webhook_deliveries_duplicated;
      record_webhook(c, event, attempt, DeliveryResult::duplicated);
      const Duration delay = wf->fault->settings_as<WebhookDelaySettings>().delay.sample_duration(
          *ch.webhook_fault_rng);
      const uint8_t copy = kDeliveryCopy | kDeliveryDelayed;
      engine.schedule_after(
          delay, [this, c, event, attempt, copy] { deliver_webhook(c, event, attempt, copy); });
      return;
    }
    record_webhook(c, event, attempt, DeliveryResult::refused);
  }
  // Refused (the receiver's queue is full) or dropped on the way: the sender retries. A copy's
  // retries stay copies (no copy of a copy), and a copy given up loses nothing.
  ++ch.outcome->webhook_deliveries_failed;
  const auto copy = static_cast<uint8_t>(marks & kDeliveryCopy);
  if (attempt > ch.spec->webhooks.retries) {
    if (copy == 0) {
      ++ch.outcome->webhook_events_lost;
      if (!is_return) ch.flags[event.order] |= kWebhookGivenUp;
    }
    // Every retry failed: a platform that removes such subscriptions stops delivering.
    if (ch.spec->webhooks.remove_when_exhausted) ch.webhooks_removed = true;
    return;
  }
  const Duration delay = webhook_retry_delay(ch.spec->webhooks, attempt);
  engine.schedule_after(
      delay, [this, c, event, attempt, copy] { deliver_webhook(c, event, attempt + 1, copy); });
}

bool World::offer_ingest(uint32_t c, const Job& job) {
  ChannelState& ch = registry_.channel(c);
  SD_CHECK(ch.ingest != nullptr, "ingest jobs go to a channel with an ingest flow");
  SD_CHECK(job.subject < ch.flags.size(), "an ingest job names a placed order");
  // Held before enqueue(): a job refused at once (a full queue, or a 429 on its last attempt)
  // finishes inside enqueue(), and its on_finished lets go again.
  add_holder(ch.flags[job.subject]);
  return ch.ingest->connector->enqueue(job);
}

void World::request_return(uint32_t c, uint64_t order) {
  ChannelState& ch = registry_.channel(c);
  SD_CHECK(order < ch.oms_order.size(), "a return of a placed order");
  const uint32_t oms_order = ch.oms_order[order];
  // Only a shipped order can come back; an order never shipped is not returned.
  if (oms_order == 0) return;
  const OmsState state = registry_.oms_mock().state(oms_order - 1);
  if (state != OmsState::shipped && state != OmsState::delivered) return;
  const std::span<const OrderLine> ordered = ch.mock->order_lines(order);
  std::vector<SkuQuantity>& lines = scratch_.lines;
  if (lines.size() < ordered.size()) lines.resize(ordered.size());
  uint32_t n = 0;
  for (const OrderLine& line : ordered)
    lines[n++] = SkuQuantity{line.sku, line.quantity};
  const ChannelEventResult r =
      ch.mock->record_return(order, std::span(lines.data(), n), engine.now());
  if (!r.emitted) return;
  ++ch.outcome->returns_requested;
  ch.add_return(order, engine.now().us);
  emit_webhook(c, r.event);
}

Response World::process_return(uint32_t c, uint64_t order, SimTime now) {
  ChannelState& ch = registry_.channel(c);
  SD_CHECK(order < ch.flags.size(), "a return of a placed order");
  const uint32_t oms_order = ch.oms_order[order];
  if (oms_order == 0) return Response{ErrorClass::not_found, {}};
  const Response r = registry_.oms_mock().receive_return(oms_order - 1, ch.mock->order_lines(order),
                                                         registry_.erp_mock(), now);
  uint8_t& flags = ch.flags[order];
  if (r.ok() && (flags & kReturnSynced) == 0) {
    flags |= kReturnSynced;
    ++ch.outcome->returns_synced;
  }
  return r;
}

void World::on_oms_created(uint32_t c, uint64_t order, const CreateResult& created) {
  if (created.replayed) return;
  ChannelState& ch = registry_.channel(c);
  SD_CHECK(order < ch.orders(), "an OMS order for a placed channel order");
  // A duplicate OMS order takes stock and ships like the first: that is what it costs.
  if (registry_.fulfillment() != nullptr && created.state == OmsState::allocated) {
    fulfillment_released(*registry_.fulfillment(), created.order);
  }
  if (ch.oms_order[order] != 0) {  // ground truth counts duplicates from the OMS
    extra_copies.push_back(ExtraCopy{c, order, created.order});
    if (created.state != OmsState::cancelled)
      damage.extra_opened(ch.mock->order_amount_minor(order));
    return;
  }
  if (order < ch.missing_cursor) {  // counted missing when it passed the grace: found now
    damage.order_found(ch.mock->order_amount_minor(order));
  }
  ch.set_oms_order(order, created.order);
  recorder_.sync_delay(ch, SyncDelay::ingest, engine.now().us - ch.placed_at_us[order]);
  if (created.state == OmsState::cancelled) {
    ch.flags[order] |= kOversold;
    ++ch.oversold_so_far;
    damage.order_oversold(ch.mock->order_amount_minor(order));
    if (registry_.fulfillment() != nullptr)
      fulfillment_cancelled(*registry_.fulfillment(), c, order);
  }
}

}  // namespace syncdrill::world
