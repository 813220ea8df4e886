// LiveMocks: the scenario's mocks behind one mutex, plus what only the live API keeps.
#include "mocks/http/live_mocks.hpp"

#include <algorithm>
#include <limits>

#include "core/engine/check.hpp"
#include "mocks/http/notification_queue.hpp"    // SPAPI-LIVE: complete types for the members
#include "mocks/http/routes_sp_api_limits.hpp"  // SPAPI-LIVE
#include "mocks/scenario_mocks.hpp"

namespace syncdrill {

namespace {

bool lines_known(std::span<const OrderLine> lines, uint32_t skus) {
  return std::all_of(lines.begin(), lines.end(),
                     [&](const OrderLine& l) { return l.sku < skus && l.quantity >= 1; });
}

}  // namespace

LiveMocks::LiveMocks(const Scenario& scenario, uint64_t seed, const LiveClock& clock)
    : scenario_(scenario), clock_(clock) {
  erp_spec_ = first_system(scenario_, SystemKind::erp);
  oms_spec_ = first_system(scenario_, SystemKind::oms);
  wms_spec_ = first_system(scenario_, SystemKind::wms);
  if (oms_spec_ != nullptr) oms_idempotency_ = oms_spec_->idempotency;
  ScenarioMocks mocks = build_mocks(scenario_, seed);
  erp_ = std::move(mocks.erp);
  channels_.resize(scenario_.channels.size());
  for (size_t i = 0; i < channels_.size(); ++i) {
    const ChannelSpec& spec = scenario_.channels[i];
    channels_[i].mock = std::move(mocks.channels[i]);
    if (spec.endpoint.rate_limit) {
      channels_[i].limit_spec = spec.endpoint.rate_limit;
      channels_[i].limiter.emplace(*spec.endpoint.rate_limit);
    }
  }
  init_sp_api();
}

std::optional<uint32_t> LiveMocks::channel_index(std::string_view name) const {
  for (size_t i = 0; i < scenario_.channels.size(); ++i) {
    if (scenario_.channels[i].name == name) return static_cast<uint32_t>(i);
  }
  return std::nullopt;
}

RateLimitStatus LiveMocks::admit_channel(uint32_t channel) {
  std::lock_guard lock(mutex_);
  ChannelState& ch = channels_.at(channel);
  RateLimitStatus out;
  if (!ch.limiter) return out;
  const SimTime now = clock_.now();
  const Response r = ch.limiter->admit(now);
  out.limited = true;
  out.admitted = r.ok();
  out.retry_after = r.retry_after;
  out.limit = static_cast<uint64_t>(std::max(1.0, ch.limit_spec->burst));
  out.remaining = ch.limiter->headroom(now);
  out.rate_per_s = ch.limit_spec->rate_per_s;
  return out;
}

std::string LiveMocks::system_name(SystemKind kind) const {
  const SystemSpec* spec = kind == SystemKind::erp   ? erp_spec_
                           : kind == SystemKind::oms ? oms_spec_
                                                     : wms_spec_;
  return spec != nullptr ? spec->name : std::string(to_string(kind));
}

std::optional<Listing> LiveMocks::listing(uint32_t channel, SkuId sku) {
  std::lock_guard lock(mutex_);
  const ChannelMock& mock = *channels_.at(channel).mock;
  if (sku >= mock.sku_count()) return std::nullopt;
  return mock.listing(sku);
}

void LiveMocks::listing_gaps(std::vector<int64_t>& out) {
  std::lock_guard lock(mutex_);
  const uint32_t skus = erp_->sku_count();
  out.resize(channels_.size() * size_t{skus});
  for (size_t c = 0; c < channels_.size(); ++c) {
    const ChannelSpec& spec = scenario_.channels[c];
    for (SkuId sku = 0; sku < skus; ++sku) {
      const StockRecord& r = erp_->stock(sku);
      // on_hand is what is free to allocate (allocated units are already out of it), as the
      // simulation's stock sync lists it (sim/world/world_sync.cpp).
      const int64_t should = listed_quantity(spec, r.on_hand);
      out[c * skus + sku] = int64_t{channels_[c].mock->listing(sku).quantity} - should;
    }
  }
}

InventoryResult LiveMocks::set_quantity(uint32_t channel, SkuId sku, uint32_t quantity) {
  std::lock_guard lock(mutex_);
  return channels_.at(channel).mock->set_quantity(sku, quantity);
}

InventoryResult LiveMocks::adjust(uint32_t channel, SkuId sku, int64_t delta) {
  std::lock_guard lock(mutex_);
  return channels_.at(channel).mock->adjust(sku, delta);
}

InventoryResult LiveMocks::compare_and_set(uint32_t channel, SkuId sku, uint32_t expected_version,
                                           uint32_t quantity) {
  std::lock_guard lock(mutex_);
  return channels_.at(channel).mock->compare_and_set(sku, expected_version, quantity);
}

ChannelOrderView LiveMocks::view(const ChannelState& ch, uint64_t order) const {
  ChannelOrderView v;
  v.id = order;
  v.canonical = ch.mock->status(order);
  v.status = std::string(ch.mock->spelling(v.canonical));
  v.updated_at = ch.updated_at[order];
  v.created_at = ch.created_at[order];
  v.amount_minor = ch.mock->order_amount_minor(order);
  const auto lines = ch.mock->order_lines(order);
  v.lines.assign(lines.begin(), lines.end());
  return v;
}

std::vector<ChannelOrderView> LiveMocks::orders_updated_since(uint32_t channel, SimTime since,
                                                              std::optional<uint64_t> after_id,
                                                              size_t limit) {
  std::lock_guard lock(mutex_);
  const ChannelState& ch = channels_.at(channel);
  // (since, after_id) is the last entry a client saw: start strictly after it. Without after_id
  // start at `since` itself, so updates at the same instant are never skipped.
  auto it = after_id ? ch.by_update.upper_bound({since.us, *after_id})
                     : ch.by_update.lower_bound({since.us, 0});
  std::vector<ChannelOrderView> out;
  for (; it != ch.by_update.end() && out.size() < limit; ++it)
    out.push_back(view(ch, it->second));
  return out;
}

std::optional<ChannelOrderView> LiveMocks::channel_order(uint32_t channel, uint64_t order) {
  std::lock_guard lock(mutex_);
  const ChannelState& ch = channels_.at(channel);
  if (order >= ch.mock->order_count()) return std::nullopt;
  return view(ch, order);
}

void LiveMocks::touch(ChannelState& ch, uint64_t order, SimTime now) {
  if (order >= ch.updated_at.size()) {
    ch.updated_at.resize(order + 1);
    ch.created_at.resize(order + 1, now);  // the first touch is the placement
  } else {
    ch.by_update.erase({ch.updated_at[order].us, order});
  }
  ch.updated_at[order] = now;
  ch.by_update.insert({now.us, order});
}

void LiveMocks::emit(uint32_t channel, const WebhookEvent& e, SimTime now) {
  if (queues_[channel]) return notify_sp_api(channel, e, now);  // SP-API: pulled, not pushed
  if (outbox_.size() >= kOutboxMax) {
    outbox_.pop_front();
    ++events_dropped_;
  }
  outbox_.push_back(LiveEvent{channel, e, now});
}

Response LiveMocks::set_channel_price(uint32_t channel, SkuId sku, int64_t price_minor) {
  std::lock_guard lock(mutex_);
  return channels_.at(channel).mock->set_price(sku, price_minor);
}

ChannelEventResult LiveMocks::set_channel_status(uint32_t channel, uint64_t order,
                                                 std::string_view spelling) {
  std::lock_guard lock(mutex_);
  ChannelState& ch = channels_.at(channel);
  const SimTime now = clock_.now();
  ChannelEventResult r = ch.mock->set_status(order, spelling, now);
  if (r.emitted) {
    touch(ch, order, now);
    emit(channel, r.event, now);
  }
  return r;
}

PlaceResult LiveMocks::place_order(uint32_t channel, std::span<const SkuQuantity> lines) {
  std::lock_guard lock(mutex_);
  ChannelState& ch = channels_.at(channel);
  const bool valid = !lines.empty() && lines.size() <= kLinesMax &&
                     std::all_of(lines.begin(), lines.end(), [&](const SkuQuantity& l) {
                       return l.sku < ch.mock->sku_count() && l.quantity >= 1;
                     });
  if (!valid) return PlaceResult{};
  const SimTime now = clock_.now();
  PlaceResult r = ch.mock->place_order(lines, now);
  if (r.accepted) {
    touch(ch, r.order, now);
    emit(channel, r.event, now);
  }
  return r;
}

std::optional<StockRecord> LiveMocks::erp_stock(SkuId sku) {
  std::lock_guard lock(mutex_);
  if (sku >= erp_->sku_count()) return std::nullopt;
  return erp_->stock(sku);
}

std::optional<int64_t> LiveMocks::erp_price(SkuId sku) {
  std::lock_guard lock(mutex_);
  if (sku >= erp_->sku_count()) return std::nullopt;
  return erp_->price_minor(sku);
}

bool LiveMocks::restock(SkuId sku, uint32_t units) {
  std::lock_guard lock(mutex_);
  if (sku >= erp_->sku_count()) return false;
  // The ERP counts units in 32 bits and checks for overflow; a full warehouse takes no more (as
  // world.cpp's restock_room).
  const StockRecord& s = erp_->stock(sku);
  constexpr uint64_t kMax = std::numeric_limits<uint32_t>::max();
  const uint64_t used = std::max<uint64_t>(uint64_t{s.on_hand} + s.allocated + s.shipped,
                                           uint64_t{s.restocked_total} + s.returned_total);
  const uint64_t room = used >= kMax ? 0 : kMax - used;
  erp_->restock(sku, static_cast<uint32_t>(std::min<uint64_t>(units, room)));
  return true;
}

bool LiveMocks::set_erp_price(SkuId sku, int64_t price_minor) {
  std::lock_guard lock(mutex_);
  if (sku >= erp_->sku_count()) return false;
  erp_->set_price(sku, price_minor);
  return true;
}

RevenueResult LiveMocks::post_revenue(uint32_t channel, uint64_t channel_order,
                                      int64_t amount_minor) {
  std::lock_guard lock(mutex_);
  RevenueResult out;
  if (channel >= channels_.size() || channel_order >= channels_[channel].mock->order_count()) {
    out.error = ErrorClass::not_found;
    return out;
  }
  erp_->post_revenue(channel, channel_order, amount_minor, clock_.now());
  out.pending = erp_->pending_revenue_count() > 0;
  out.count = erp_->revenue_count(channel, channel_order);
  out.amount_minor = erp_->revenue_amount_minor(channel, channel_order);
  return out;
}

uint64_t LiveMocks::run_batch_import() {
  std::lock_guard lock(mutex_);
  return erp_->run_batch_import(clock_.now());
}

bool LiveMocks::all_stock_conserved() {
  std::lock_guard lock(mutex_);
  return erp_->all_stock_conserved();
}

OmsCreateOutcome LiveMocks::create_oms_order(const OmsCreateRequest& req,
                                             std::string_view idempotency_key) {
  std::lock_guard lock(mutex_);
  OmsCreateOutcome out;
  const bool order_known = req.channel < channels_.size() &&
                           req.channel_order < channels_[req.channel].mock->order_count();
  if (!order_known || req.lines.empty() || req.lines.size() > kLinesMax ||
      !lines_known(req.lines, erp_->sku_count())) {
    out.error = ErrorClass::not_found;
    return out;
  }
  std::string key(idempotency_key);
  const SimTime now = clock_.now();
  if (!key.empty()) {
    auto it = keys_.find(key);
    if (it != keys_.end() && key_expired(it->second, now)) {
      keys_.erase(it);  // as old as its ttl: the key is new again (Stripe prunes it)
      it = keys_.end();
      ++keys_expired_;
    }
    if (it != keys_.end()) {
      if (it->second.payload_hash != req.payload_hash) {
        out.error = ErrorClass::rejected;
        return out;
      }
      out.created = it->second.first;
      out.created.replayed = true;
      return out;
    }
    if (keys_.size() >= keys_max_ && drop_expired_keys(now) == 0) {
      ++keys_refused_full_;
      out.error = ErrorClass::queue_full;
      return out;
    }
  }
  // Keys are the client's own strings, so the table lives here; the OMS sees a keyless create
  // and its ground truth (copies per channel order) counts exactly the orders really created.
  CreateOrder create;
  create.channel = req.channel;
  create.channel_order = req.channel_order;
  create.lines = req.lines;
  create.amount_minor = req.amount_minor;
  out.created = oms_.create_order(create, *erp_, now);
  if (!key.empty() && out.created.error == ErrorClass::none) {
    keys_.emplace(std::move(key), KeyRecord{req.payload_hash, out.created, now});
  }
  out.error = out.created.error;
  return out;
}

std::optional<OmsOrderView> LiveMocks::oms_order(uint64_t order) {
  std::lock_guard lock(mutex_);
  if (order >= oms_.order_count()) return std::nullopt;
  OmsOrderView v;
  v.id = order;
  v.state = oms_.state(order);
  v.reason = oms_.cancel_reason(order);
  v.channel = oms_.channel(order);
  v.channel_order = oms_.channel_order(order);
  v.amount_minor = oms_.amount_minor(order);
  const auto lines = oms_.lines(order);
  v.lines.assign(lines.begin(), lines.end());
  return v;
}

Response LiveMocks::oms_transition(uint64_t order, OmsState to) {
  std::lock_guard lock(mutex_);
  return oms_.transition(order, to, *erp_, clock_.now());
}

uint64_t LiveMocks::oms_order_count() {
  std::lock_guard lock(mutex_);
  return oms_.order_count();
}

uint32_t LiveMocks::oms_copies(uint32_t channel, uint64_t channel_order) {
  std::lock_guard lock(mutex_);
  return oms_.copies(channel, channel_order);
}

ShipmentView LiveMocks::shipment_view(uint64_t id) const {
  ShipmentView v;
  v.id = id;
  v.oms_order = wms_.oms_order(id);
  v.units = wms_.units(id);
  v.state = wms_.state(id);
  v.status = std::string(wms_.spelling(v.state));
  return v;
}

std::optional<ShipmentView> LiveMocks::wms_receive(uint64_t oms_order) {
  std::lock_guard lock(mutex_);
  if (oms_order >= oms_.order_count()) return std::nullopt;
  const uint64_t id = wms_.receive(oms_order, oms_.lines(oms_order), clock_.now());
  return shipment_view(id);
}

std::optional<ShipmentView> LiveMocks::shipment(uint64_t id) {
  std::lock_guard lock(mutex_);
  if (id >= wms_.shipment_count()) return std::nullopt;
  return shipment_view(id);
}

Response LiveMocks::wms_step(uint64_t id, WmsStep step) {
  std::lock_guard lock(mutex_);
  const SimTime now = clock_.now();
  switch (step) {
    case WmsStep::start_picking:
      return wms_.start_picking(id, now);
    case WmsStep::pick:
      return wms_.pick(id, now);
    case WmsStep::ship:
      return wms_.ship(id, now);
    case WmsStep::deliver:
      return wms_.deliver(id, now);
    case WmsStep::cancel:
      return wms_.cancel(id, now);
  }
  return Response{ErrorClass::rejected, {}};
}

size_t LiveMocks::take_events(std::vector<LiveEvent>& out) {
  std::lock_guard lock(mutex_);
  const size_t n = outbox_.size();
  out.insert(out.end(), outbox_.begin(), outbox_.end());
  outbox_.clear();
  return n;
}

uint64_t LiveMocks::events_dropped() {
  std::lock_guard lock(mutex_);
  return events_dropped_;
}

}  // namespace syncdrill
