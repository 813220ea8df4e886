// ErpMock: stock bookkeeping that conserves units, change sets, and revenue aggregates.
#include "mocks/erp.hpp"

#include <limits>

#include "core/engine/check.hpp"
#include "core/engine/saturating.hpp"

namespace syncdrill {
namespace {

// Units of `sku` across all lines: an order may name a SKU twice and must fit as a whole.
uint64_t units_of(std::span<const OrderLine> lines, SkuId sku) {
  uint64_t units = 0;
  for (const OrderLine& l : lines) {
    units += l.sku == sku ? l.quantity : 0;
  }
  return units;
}

void add_checked(uint32_t& counter, uint32_t units) {
  SD_CHECK(counter <= std::numeric_limits<uint32_t>::max() - units, "stock counter overflow");
  counter += units;
}

}  // namespace

ErpMock::ErpMock(std::span<const uint32_t> stock_per_sku,
                 std::span<const int64_t> price_minor_per_sku, bool batch_import)
    : price_minor_(price_minor_per_sku.begin(), price_minor_per_sku.end()),
      stock_changes_(static_cast<uint32_t>(stock_per_sku.size())),
      price_changes_(static_cast<uint32_t>(stock_per_sku.size())),
      batch_import_(batch_import) {
  SD_CHECK(stock_per_sku.size() == price_minor_per_sku.size(), "one price per SKU");
  SD_CHECK(stock_per_sku.size() <= std::numeric_limits<SkuId>::max(), "too many SKUs");
  stock_.reserve(stock_per_sku.size());
  for (const uint32_t units : stock_per_sku) {
    stock_.push_back({units, units, 0, 0, 0, 0});
  }
}

StockRecord& ErpMock::at(SkuId sku) {
  SD_CHECK(sku < stock_.size(), "unknown SKU");
  return stock_[sku];
}

const StockRecord& ErpMock::stock(SkuId sku) const {
  SD_CHECK(sku < stock_.size(), "unknown SKU");
  return stock_[sku];
}

AllocateResult ErpMock::allocate(std::span<const OrderLine> lines) {
  for (const OrderLine& l : lines) {
    if (at(l.sku).on_hand < units_of(lines, l.sku)) {
      return {false, l.sku};
    }
  }
  for (const OrderLine& l : lines) {
    StockRecord& s = stock_[l.sku];
    s.on_hand -= l.quantity;
    add_checked(s.allocated, l.quantity);
    stock_changes_.mark(l.sku);
  }
  return {true, 0};
}

void ErpMock::release(std::span<const OrderLine> lines) {
  for (const OrderLine& l : lines) {
    StockRecord& s = at(l.sku);
    SD_CHECK(s.allocated >= l.quantity, "release of units that were not allocated");
    s.allocated -= l.quantity;
    add_checked(s.on_hand, l.quantity);
    stock_changes_.mark(l.sku);
  }
}

void ErpMock::ship(std::span<const OrderLine> lines) {
  for (const OrderLine& l : lines) {
    StockRecord& s = at(l.sku);
    SD_CHECK(s.allocated >= l.quantity, "shipping units that were not allocated");
    s.allocated -= l.quantity;
    add_checked(s.shipped, l.quantity);
  }
}

void ErpMock::restock(SkuId sku, uint32_t units) {
  StockRecord& s = at(sku);
  add_checked(s.on_hand, units);
  add_checked(s.restocked_total, units);
  stock_changes_.mark(sku);
}

Response ErpMock::receive_return(std::span<const OrderLine> lines) {
  for (const OrderLine& l : lines) {
    const StockRecord& s = at(l.sku);
    if (s.returned_total + units_of(lines, l.sku) > s.shipped) {
      return {ErrorClass::rejected, {}};
    }
  }
  for (const OrderLine& l : lines) {
    StockRecord& s = stock_[l.sku];
    add_checked(s.on_hand, l.quantity);
    add_checked(s.returned_total, l.quantity);
    stock_changes_.mark(l.sku);
  }
  return {};
}

bool ErpMock::stock_conserved(SkuId sku) const {
  const StockRecord& s = stock(sku);
  const uint64_t in = uint64_t{s.initial} + s.restocked_total + s.returned_total;
  const uint64_t held = uint64_t{s.on_hand} + s.allocated + s.shipped;
  return in == held && s.returned_total <= s.shipped;
}

bool ErpMock::all_stock_conserved() const {
  for (SkuId sku = 0; sku < stock_.size(); ++sku) {
    if (!stock_conserved(sku)) {
      return false;
    }
  }
  return true;
}

int64_t ErpMock::price_minor(SkuId sku) const {
  SD_CHECK(sku < price_minor_.size(), "unknown SKU");
  return price_minor_[sku];
}

void ErpMock::set_price(SkuId sku, int64_t price_minor) {
  SD_CHECK(sku < price_minor_.size(), "unknown SKU");
  price_minor_[sku] = price_minor;
  price_changes_.mark(sku);
}

void ErpMock::post_revenue(uint32_t channel, uint64_t channel_order, int64_t amount_minor,
                           SimTime now) {
  SD_CHECK(channel < 65536, "channel index out of range");
  const RevenuePost p{channel, channel_order, amount_minor, now};
  if (batch_import_) {
    pending_.push_back(p);
  } else {
    apply(p);
  }
}

void ErpMock::apply(const RevenuePost& p) {
  SD_CHECK(p.channel_order < std::numeric_limits<uint32_t>::max(), "channel order id too large");
  if (revenue_.size() <= p.channel) {
    revenue_.resize(p.channel + 1);
  }
  ChannelRevenue& r = revenue_[p.channel];
  if (r.count.size() <= p.channel_order) {
    // resize() grows the capacity geometrically, so dense ids cost amortised O(1).
    r.count.resize(p.channel_order + 1, 0);
    if (keep_order_amounts_) r.amount_minor.resize(p.channel_order + 1, 0);
  }
  if (r.count[p.channel_order] < UINT8_MAX) {
    ++r.count[p.channel_order];
  }
  if (keep_order_amounts_) {
    r.amount_minor[p.channel_order] =
        add_saturating(r.amount_minor[p.channel_order], p.amount_minor);
  }
  ++entries_total_;
  amount_total_minor_ = add_saturating(amount_total_minor_, p.amount_minor);
}

Response ErpMock::reverse_revenue(uint32_t channel, uint64_t channel_order, int64_t amount_minor) {
  if (revenue_count(channel, channel_order) == 0) {
    return {ErrorClass::rejected, {}};
  }
  ChannelRevenue& r = revenue_[channel];
  --r.count[channel_order];
  if (keep_order_amounts_) {
    r.amount_minor[channel_order] = sub_saturating(r.amount_minor[channel_order], amount_minor);
  }
  --entries_total_;
  amount_total_minor_ = sub_saturating(amount_total_minor_, amount_minor);
  return {};
}

uint64_t ErpMock::run_batch_import(SimTime /*now*/, std::vector<RevenuePost>* applied) {
  for (const RevenuePost& p : pending_) {
    apply(p);
  }
  if (applied != nullptr) {
    applied->insert(applied->end(), pending_.begin(), pending_.end());
  }
  const uint64_t n = pending_.size();
  pending_.clear();
  return n;
}

uint32_t ErpMock::revenue_count(uint32_t channel, uint64_t channel_order) const {
  if (channel >= revenue_.size() || channel_order >= revenue_[channel].count.size()) {
    return 0;
  }
  return revenue_[channel].count[channel_order];
}

void ErpMock::keep_order_amounts(bool on) {
  SD_CHECK(entries_total_ == 0 && pending_.empty(), "order amounts are chosen before any revenue");
  keep_order_amounts_ = on;
}

int64_t ErpMock::revenue_amount_minor(uint32_t channel, uint64_t channel_order) const {
  SD_CHECK(keep_order_amounts_, "per-order revenue amounts were not kept");
  if (channel >= revenue_.size() || channel_order >= revenue_[channel].count.size()) {
    return 0;
  }
  return revenue_[channel].amount_minor[channel_order];
}

}  // namespace syncdrill
