// ChannelMock: listings, orders in flat storage, the status vocabulary and event numbering.
#include "mocks/channel.hpp"

#include <algorithm>
#include <limits>

#include "core/engine/check.hpp"
#include "core/engine/saturating.hpp"

namespace syncdrill {
namespace {

using Spellings = std::array<std::string_view, kOrderStatusCount>;

// Indexed by OrderStatus; see the table in channel.hpp.
constexpr Spellings kAmazonSpellings{"Pending", "Unshipped", "Unshipped", "Shipped",
                                     "Shipped", "Canceled",  "Returned",  "Refunded"};
constexpr Spellings kShopifySpellings{"OPEN",   "IN_PROGRESS", "IN_PROGRESS", "CLOSED",
                                      "CLOSED", "CANCELLED",   "RETURNED",    "REFUNDED"};

}  // namespace

ChannelMock::ChannelMock(const ChannelSpec& spec, std::span<const uint32_t> quantity_per_sku,
                         std::span<const int64_t> price_minor_per_sku)
    : name_(spec.name), kind_(spec.kind) {
  SD_CHECK(quantity_per_sku.size() == price_minor_per_sku.size(), "one price per SKU");
  SD_CHECK(quantity_per_sku.size() <= std::numeric_limits<SkuId>::max(), "too many SKUs");
  const Spellings& defaults =
      kind_ == ChannelKind::amazon_like ? kAmazonSpellings : kShopifySpellings;
  for (uint32_t i = 0; i < kOrderStatusCount; ++i) {
    spellings_[i] = defaults[i];
  }
  for (const StatusMapping& m : spec.statuses) {
    const std::optional<OrderStatus> s = parse_order_status(m.from);
    SD_CHECK(s.has_value(), "the loader admits only canonical states in `statuses`");
    spellings_[static_cast<uint32_t>(*s)] = m.to;
  }
  listings_.reserve(quantity_per_sku.size());
  for (size_t i = 0; i < quantity_per_sku.size(); ++i) {
    listings_.push_back({quantity_per_sku[i], 0, price_minor_per_sku[i]});
  }
}

const Listing& ChannelMock::listing(SkuId sku) const {
  SD_CHECK(sku < listings_.size(), "unknown SKU");
  return listings_[sku];
}

WebhookEvent ChannelMock::emit(WebhookTopic topic, uint64_t order) {
  return {next_event_id_++, topic, order};
}

PlaceResult ChannelMock::place_order(std::span<const SkuQuantity> lines, SimTime /*now*/) {
  SD_CHECK(!lines.empty() && lines.size() <= UINT16_MAX, "an order has 1..65535 lines");
  // Check first, change after: a refused order leaves every listing untouched. Repeated SKUs
  // must fit together, so sum per SKU by scanning (baskets are a handful of lines).
  for (size_t i = 0; i < lines.size(); ++i) {
    SD_CHECK(lines[i].sku < listings_.size() && lines[i].quantity >= 1, "malformed order line");
    uint64_t wanted = 0;
    for (const SkuQuantity& l : lines) {
      wanted += l.sku == lines[i].sku ? l.quantity : 0;
    }
    if (listings_[lines[i].sku].quantity < wanted) {
      return {false, 0, lines[i].sku, {}};
    }
  }
  SD_CHECK(lines_.size() + lines.size() <= UINT32_MAX, "line storage exhausted");
  const auto order = static_cast<uint64_t>(orders_.size());
  orders_.push_back({static_cast<uint32_t>(lines_.size()), static_cast<uint16_t>(lines.size()),
                     OrderStatus::pending, 0});
  for (const SkuQuantity& l : lines) {
    Listing& listing = listings_[l.sku];
    listing.quantity -= l.quantity;
    ++listing.version;
    lines_.push_back({l.sku, l.quantity, listing.price_minor});
  }
  return {true, order, 0, emit(WebhookTopic::orders_create, order)};
}

InventoryResult ChannelMock::write_quantity(Listing& l, uint32_t quantity) {
  l.quantity = quantity;
  ++l.version;
  return {ErrorClass::none, l.quantity, l.version};
}

InventoryResult ChannelMock::set_quantity(SkuId sku, uint32_t quantity) {
  if (sku >= listings_.size()) {
    return {ErrorClass::not_found, 0, 0};
  }
  return write_quantity(listings_[sku], quantity);
}

InventoryResult ChannelMock::adjust(SkuId sku, int64_t delta) {
  if (sku >= listings_.size()) {
    return {ErrorClass::not_found, 0, 0};
  }
  Listing& l = listings_[sku];
  const int64_t target = std::clamp<int64_t>(static_cast<int64_t>(l.quantity) + delta, 0,
                                             std::numeric_limits<uint32_t>::max());
  return write_quantity(l, static_cast<uint32_t>(target));
}

InventoryResult ChannelMock::compare_and_set(SkuId sku, uint32_t expected_version,
                                             uint32_t quantity) {
  if (sku >= listings_.size()) {
    return {ErrorClass::not_found, 0, 0};
  }
  Listing& l = listings_[sku];
  if (l.version != expected_version) {
    return {ErrorClass::conflict, l.quantity, l.version};
  }
  return write_quantity(l, quantity);
}

Response ChannelMock::set_price(SkuId sku, int64_t price_minor) {
  if (sku >= listings_.size()) {
    return {ErrorClass::not_found, {}};
  }
  listings_[sku].price_minor = price_minor;
  return {};
}

std::span<const OrderLine> ChannelMock::order_lines(uint64_t order) const {
  SD_CHECK(order < orders_.size(), "unknown channel order");
  const OrderRecord& o = orders_[order];
  return {lines_.data() + o.line_begin, o.line_count};
}

ChannelMock::LineSpan ChannelMock::line_span(uint64_t order) const {
  SD_CHECK(order < orders_.size(), "unknown channel order");
  return {orders_[order].line_begin, orders_[order].line_count};
}

int64_t ChannelMock::order_amount_minor(uint64_t order) const {
  int64_t total = 0;
  for (const OrderLine& l : order_lines(order)) {
    total = add_saturating(total, mul_saturating(l.quantity, l.unit_price_minor));
  }
  return total;
}

OrderStatus ChannelMock::status(uint64_t order) const {
  SD_CHECK(order < orders_.size(), "unknown channel order");
  return orders_[order].status;
}

std::string_view ChannelMock::spelling(OrderStatus s) const {
  return spellings_[static_cast<uint32_t>(s)];
}

std::optional<OrderStatus> ChannelMock::parse_status(std::string_view spelling) const {
  for (uint32_t i = 0; i < kOrderStatusCount; ++i) {
    if (spellings_[i] == spelling) {
      return static_cast<OrderStatus>(i);
    }
  }
  return std::nullopt;
}

ChannelEventResult ChannelMock::set_status(uint64_t order, std::string_view spelling,
                                           SimTime /*now*/) {
  if (order >= orders_.size()) {
    return {ErrorClass::not_found, false, {}};
  }
  const std::optional<OrderStatus> s = parse_status(spelling);
  if (!s) {
    return {ErrorClass::rejected, false, {}};
  }
  OrderRecord& o = orders_[order];
  if (o.status == *s) {
    return {};
  }
  o.status = *s;
  return {ErrorClass::none, true, emit(WebhookTopic::orders_updated, order)};
}

bool ChannelMock::return_fits(const OrderRecord& o, std::span<const SkuQuantity> lines) const {
  // Per returned SKU: all its return lines together must fit in what its order lines have left.
  for (const SkuQuantity& r : lines) {
    SD_CHECK(r.quantity >= 1, "a return line returns at least one unit");
    uint64_t wanted = 0;
    for (const SkuQuantity& other : lines) {
      wanted += other.sku == r.sku ? other.quantity : 0;
    }
    uint64_t left = 0;
    for (uint32_t i = o.line_begin; i < o.line_begin + o.line_count; ++i) {
      left += lines_[i].sku == r.sku ? lines_[i].quantity - returned_at(i) : 0;
    }
    if (wanted > left) {
      return false;
    }
  }
  return true;
}

ChannelEventResult ChannelMock::record_return(uint64_t order, std::span<const SkuQuantity> lines,
                                              SimTime /*now*/) {
  if (order >= orders_.size()) {
    return {ErrorClass::not_found, false, {}};
  }
  const OrderRecord& o = orders_[order];
  if (lines.empty() || !return_fits(o, lines)) {
    return {ErrorClass::rejected, false, {}};
  }
  for (const SkuQuantity& r : lines) {
    uint32_t units = r.quantity;
    for (uint32_t i = o.line_begin; units > 0 && i < o.line_begin + o.line_count; ++i) {
      if (lines_[i].sku == r.sku) {
        const uint32_t take = std::min(units, lines_[i].quantity - returned_at(i));
        if (take > 0) returned_units_[i] += take;
        units -= take;
      }
    }
  }
  return {ErrorClass::none, true, emit(WebhookTopic::returns_create, order)};
}

uint32_t ChannelMock::returned_quantity(uint64_t order, SkuId sku) const {
  SD_CHECK(order < orders_.size(), "unknown channel order");
  const OrderRecord& o = orders_[order];
  uint32_t total = 0;
  for (uint32_t i = o.line_begin; i < o.line_begin + o.line_count; ++i) {
    total += lines_[i].sku == sku ? returned_at(i) : 0;
  }
  return total;
}

}  // namespace syncdrill
