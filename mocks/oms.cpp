// OmsMock: order creation with idempotency keys, the order state machine, ground-truth copies.
#include "mocks/oms.hpp"

#include <algorithm>
#include <limits>

#include "core/engine/check.hpp"

namespace syncdrill {
namespace {

// The edges of the state machine (a target equal to the current state is handled before).
bool edge_allowed(OmsState from, OmsState to) {
  switch (to) {
    case OmsState::released:
      return from == OmsState::allocated;
    case OmsState::shipped:
      return from == OmsState::released;
    case OmsState::delivered:
      return from == OmsState::shipped;
    case OmsState::cancelled:
      return from == OmsState::created || from == OmsState::allocated;
    case OmsState::returned:
      return from == OmsState::shipped || from == OmsState::delivered;
    case OmsState::created:
    case OmsState::allocated:
      return false;  // only create_order enters these
  }
  return false;
}

}  // namespace

std::string_view to_string(OmsState s) {
  switch (s) {
    case OmsState::created:
      return "created";
    case OmsState::allocated:
      return "allocated";
    case OmsState::released:
      return "released";
    case OmsState::shipped:
      return "shipped";
    case OmsState::delivered:
      return "delivered";
    case OmsState::cancelled:
      return "cancelled";
    case OmsState::returned:
      return "returned";
  }
  return "unknown";
}

const OmsMock::OrderRecord& OmsMock::get(uint64_t order) const {
  SD_CHECK(order < orders_.size(), "unknown OMS order");
  return orders_[order];
}

std::span<const OrderLine> OmsMock::lines(uint64_t order) const {
  const OrderRecord& o = get(order);
  if (line_source_ != nullptr) return line_source_->order_lines(o.channel, o.channel_order);
  const LineRange r = line_ranges_[order];
  return {lines_.data() + r.begin, r.count};
}

void OmsMock::set_line_source(const OrderLineSource* source) {
  SD_CHECK(orders_.empty(), "the line source is set before the first order");
  line_source_ = source;
}

OmsMock::ChannelTables& OmsMock::tables(uint32_t channel, uint64_t channel_order, bool with_keys) {
  SD_CHECK(channel < 65536, "channel index out of range");
  SD_CHECK(channel_order < std::numeric_limits<uint32_t>::max(), "channel order id too large");
  if (channels_.size() <= channel) {
    channels_.resize(channel + 1);
  }
  ChannelTables& t = channels_[channel];
  // resize() grows capacity geometrically: dense ids cost amortised O(1).
  if (t.copies.size() <= channel_order) {
    t.copies.resize(channel_order + 1, 0);
  }
  if (with_keys && t.keys.size() <= channel_order) {
    t.keys.resize(channel_order + 1, KeyRecord{0, 0, 0});
  }
  return t;
}

uint64_t OmsMock::append(const CreateOrder& req, OmsState state, CancelReason reason) {
  SD_CHECK(!req.lines.empty() && req.lines.size() <= UINT16_MAX, "an order has 1..65535 lines");
  SD_CHECK(lines_.size() + req.lines.size() <= UINT32_MAX, "line storage exhausted");
  SD_CHECK(orders_.size() < UINT32_MAX, "OMS order ids exhausted");
  orders_.push_back({static_cast<uint32_t>(req.channel_order), static_cast<uint16_t>(req.channel),
                     state, reason, req.amount_minor});
  if (line_source_ != nullptr) {
    const std::span<const OrderLine> kept =
        line_source_->order_lines(req.channel, req.channel_order);
    SD_CHECK(std::equal(kept.begin(), kept.end(), req.lines.begin(), req.lines.end(),
                        [](const OrderLine& a, const OrderLine& b) {
                          return a.sku == b.sku && a.quantity == b.quantity &&
                                 a.unit_price_minor == b.unit_price_minor;
                        }),
             "an order's lines are its channel order's, as the line source keeps them");
  } else {
    line_ranges_.push_back(
        {static_cast<uint32_t>(lines_.size()), static_cast<uint32_t>(req.lines.size())});
    lines_.append(req.lines);
  }
  return orders_.size() - 1;
}

void OmsMock::set_key_ttl(std::optional<Duration> ttl) {
  SD_CHECK(!ttl || ttl->us > 0, "a key time-to-live is positive");
  key_ttl_ = ttl;
}

bool OmsMock::key_expired(uint32_t created_s, SimTime now) const {
  return key_ttl_ && now.us - static_cast<int64_t>(created_s) * 1'000'000 >= key_ttl_->us;
}

namespace {

uint64_t flight_key(uint32_t channel, uint64_t channel_order) {
  SD_CHECK(channel < 65536 && channel_order < (uint64_t{1} << 32), "key out of range");
  return uint64_t{channel} << 32 | channel_order;
}

}  // namespace

bool OmsMock::begin_keyed_create(uint32_t channel, uint64_t channel_order) {
  if (!in_flight_conflicts_) return true;
  return keys_in_flight_.insert(flight_key(channel, channel_order)).second;
}

void OmsMock::end_keyed_create(uint32_t channel, uint64_t channel_order) {
  if (!in_flight_conflicts_) return;
  const size_t erased = keys_in_flight_.erase(flight_key(channel, channel_order));
  SD_CHECK(erased == 1, "a keyed create ended that never began");
}

CreateResult OmsMock::create_order(const CreateOrder& req, ErpMock& erp, SimTime now) {
  ChannelTables& t = tables(req.channel, req.channel_order, req.has_key);
  if (req.has_key) {
    const KeyRecord& k = t.keys[req.channel_order];
    if (k.order_plus1 != 0 && !key_expired(k.created_s, now)) {
      if (k.payload_hash != req.payload_hash) {
        return {ErrorClass::rejected, 0, OmsState::created, false, 0};
      }
      const uint64_t first = k.order_plus1 - 1;
      // The first create left it allocated, or cancelled for oversell: its result, not today's.
      const bool oversold = orders_[first].reason == CancelReason::oversell;
      return {ErrorClass::none, first, oversold ? OmsState::cancelled : OmsState::allocated, true,
              0};
    }
  }
  const AllocateResult a = erp.allocate(req.lines);
  const OmsState state = a.ok ? OmsState::allocated : OmsState::cancelled;
  const uint64_t order = append(req, state, a.ok ? CancelReason::none : CancelReason::oversell);
  uint8_t& copies = t.copies[req.channel_order];
  if (copies < UINT8_MAX) {
    ++copies;
  }
  if (req.has_key) {
    // Rounded up, saturating (a uint32 of seconds spans 136 years of simulated time).
    const int64_t created_s =
        std::min<int64_t>((std::max<int64_t>(now.us, 0) + 999'999) / 1'000'000, UINT32_MAX);
    t.keys[req.channel_order] = {static_cast<uint32_t>(order + 1), static_cast<uint32_t>(created_s),
                                 req.payload_hash};
  }
  return {ErrorClass::none, order, state, false, a.ok ? 0 : a.short_sku};
}

Response OmsMock::cancel(uint64_t order, ErpMock& erp) {
  OrderRecord& o = orders_[order];
  if (o.state == OmsState::allocated) {
    erp.release(lines(order));
  }
  o.state = OmsState::cancelled;
  o.reason = CancelReason::requested;
  return {};
}

Response OmsMock::transition(uint64_t order, OmsState to, ErpMock& erp, SimTime now) {
  if (order >= orders_.size()) {
    return {ErrorClass::not_found, {}};
  }
  OrderRecord& o = orders_[order];
  if (o.state == to) {
    return {};
  }
  if (!edge_allowed(o.state, to)) {
    return {ErrorClass::rejected, {}};
  }
  switch (to) {
    case OmsState::cancelled:
      return cancel(order, erp);
    case OmsState::shipped:
      erp.ship(lines(order));
      break;
    case OmsState::returned:
      return receive_return(order, lines(order), erp, now);
    default:
      break;
  }
  o.state = to;
  return {};
}

Response OmsMock::receive_return(uint64_t order, std::span<const OrderLine> lines, ErpMock& erp,
                                 SimTime /*now*/) {
  if (order >= orders_.size()) {
    return {ErrorClass::not_found, {}};
  }
  OrderRecord& o = orders_[order];
  const bool returnable = o.state == OmsState::shipped || o.state == OmsState::delivered ||
                          o.state == OmsState::returned;  // a later partial return
  if (!returnable || lines.empty()) {
    return {ErrorClass::rejected, {}};
  }
  const std::span<const OrderLine> order_lines = this->lines(order);
  for (const OrderLine& r : lines) {
    uint64_t ordered = 0;
    for (const OrderLine& l : order_lines) {
      ordered += l.sku == r.sku ? l.quantity : 0;
    }
    if (r.quantity == 0 || r.quantity > ordered) {
      return {ErrorClass::rejected, {}};
    }
  }
  const Response erp_answer = erp.receive_return(lines);
  if (erp_answer.ok()) {
    o.state = OmsState::returned;
  }
  return erp_answer;
}

uint32_t OmsMock::copies(uint32_t channel, uint64_t channel_order) const {
  if (channel >= channels_.size() || channel_order >= channels_[channel].copies.size()) {
    return 0;
  }
  return channels_[channel].copies[channel_order];
}

}  // namespace syncdrill
