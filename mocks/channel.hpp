// ChannelMock: a marketplace channel (Shopify-like store, Amazon-like marketplace): its listings,
// the orders customers place against them, its order-status vocabulary and the webhook events it
// emits.
//
// Listings. Each SKU has a listed quantity, a price and a version. A channel sells from its OWN
// listed quantity: when the stock sync lags, it sells units the ERP no longer has (an oversell,
// found when the OMS cannot allocate). Orders pay the CURRENT listed price, which may be stale
// against the ERP (a price mismatch). Every successful inventory write (set_quantity, adjust,
// compare_and_set, and each order's decrement) bumps the SKU's version by one, as inventory APIs
// with optimistic concurrency do; price writes do not touch it. The safety buffer
// (ChannelSpec::safety_buffer) is the stock-sync connector's business: it lists ERP available
// minus the buffer.
//
// Orders. Ids are dense per channel (0, 1, 2, ...). Each order is an 8-byte record plus its lines
// in one flat array (16 bytes a line): 8 + 16 * lines bytes, plus a map entry for each line of an
// order that saw a return (its returned units).
// Cancelling an order does not restore listed quantity; the next stock sync sets it.
//
// Status vocabulary. Orders hold a canonical OrderStatus; the channel spells it its own way:
//   canonical    amazon_like  shopify_like
//   pending      Pending      OPEN
//   confirmed    Unshipped    IN_PROGRESS
//   picking      Unshipped    IN_PROGRESS
//   shipped      Shipped      CLOSED
//   delivered    Shipped      CLOSED
//   cancelled    Canceled     CANCELLED
//   returned     Returned     RETURNED   (real channels report returns separately; our spelling)
//   refunded     Refunded     REFUNDED
// ChannelSpec::statuses overrides single entries ({cancelled: CANCELED}). Where several states
// share a spelling, reading it back gives the earliest of them (Unshipped -> confirmed). The
// channel accepts any KNOWN spelling in any order: lifecycle rules are the OMS's job; an unknown
// spelling is a mapping error (ErrorClass::rejected) and changes nothing.
//
// Not thread-safe. Unknown SKUs and malformed lines are programmer errors (SD_CHECK), except on
// the inventory API, which answers not_found as a real one would.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/engine/growing_array.hpp"
#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"
#include "mocks/types.hpp"
#include "mocks/webhook.hpp"

namespace syncdrill {

struct Listing {
  uint32_t quantity = 0;  // units the channel will sell
  uint32_t version = 0;   // bumped by every successful inventory write
  int64_t price_minor = 0;
};

struct PlaceResult {
  bool accepted = false;  // false: sold out, nothing changed
  uint64_t order = 0;     // accepted: the new order id
  SkuId short_sku = 0;    // sold out: the first line whose listed quantity was too small
  WebhookEvent event;     // accepted: orders/create
};

struct InventoryResult {
  ErrorClass error = ErrorClass::none;  // none, conflict (CAS) or not_found (SKU)
  uint32_t quantity = 0;                // the listed quantity after the call
  uint32_t version = 0;                 // the version after the call (current on conflict)
};

struct ChannelEventResult {
  ErrorClass error = ErrorClass::none;
  bool emitted = false;  // an event was emitted (a status change that changed nothing emits none)
  WebhookEvent event;
};

class ChannelMock {
 public:
  // One listing per SKU, from the initial quantities and prices (same length).
  ChannelMock(const ChannelSpec& spec, std::span<const uint32_t> quantity_per_sku,
              std::span<const int64_t> price_minor_per_sku);

  const std::string& name() const { return name_; }
  ChannelKind kind() const { return kind_; }
  uint32_t sku_count() const { return static_cast<uint32_t>(listings_.size()); }
  // REQUIRES: sku < sku_count().
  const Listing& listing(SkuId sku) const;

  // A customer's order. All-or-nothing: every line's listed quantity must cover it, else the
  // order is refused (sold out) and nothing changes. REQUIRES: 1 <= lines <= 65535, each line
  // with a known SKU and quantity >= 1.
  PlaceResult place_order(std::span<const SkuQuantity> lines, SimTime now);

  // Inventory API.
  InventoryResult set_quantity(SkuId sku, uint32_t quantity);
  // Adds delta, flooring the result at 0 (a channel never lists negative stock; Shopify lets
  // `available` go negative, but a negative listing sells nothing more than a zero one).
  InventoryResult adjust(SkuId sku, int64_t delta);
  // Writes only if the SKU's version is still expected_version; else conflict and no change.
  InventoryResult compare_and_set(SkuId sku, uint32_t expected_version, uint32_t quantity);
  Response set_price(SkuId sku, int64_t price_minor);

  // Orders. REQUIRES for the accessors: order < order_count().
  uint64_t order_count() const { return orders_.size(); }
  std::span<const OrderLine> order_lines(uint64_t order) const;
  // A hint, changes nothing: starts loading the order's record into the cache, for a caller
  // that knows it will read the order soon (ids past the end are ignored).
  // Starts loading a SKU's listing (a customer's basket is known before the customer arrives).
  void prefetch_listing(SkuId sku) const {
    if (sku < listings_.size()) __builtin_prefetch(&listings_[sku]);
  }
  void prefetch_order(uint64_t order) const {
    if (order < orders_.size()) __builtin_prefetch(&orders_[order]);
  }
  // Where an order's lines are kept, for a caller that prefetches them later without reading
  // the order's record again. REQUIRES: order < order_count().
  struct LineSpan {
    uint32_t begin;
    uint16_t count;
  };
  LineSpan line_span(uint64_t order) const;
  // A hint, changes nothing: starts loading those lines (a span past the end is ignored).
  void prefetch_lines(LineSpan span) const {
    if (span.count == 0 || uint64_t{span.begin} + span.count > lines_.size()) return;
    __builtin_prefetch(&lines_[span.begin]);
    __builtin_prefetch(&lines_[span.begin + span.count - 1u]);
  }
  int64_t order_amount_minor(uint64_t order) const;  // sum of quantity * unit price
  OrderStatus status(uint64_t order) const;
  std::string_view status_spelling(uint64_t order) const { return spelling(status(order)); }

  // The vocabulary.
  std::string_view spelling(OrderStatus s) const;
  std::optional<OrderStatus> parse_status(std::string_view spelling) const;

  // Sets an order's status by the channel's spelling: not_found (unknown order), rejected
  // (unknown spelling), or ok, emitting orders/updated when the status actually changed.
  ChannelEventResult set_status(uint64_t order, std::string_view spelling, SimTime now);

  // A customer returns units of an order, emitting returns/create. rejected (nothing changes) if a
  // SKU is not in the order or more units would be returned than were ordered; not_found for an
  // unknown order. The status is left alone (the returns flow decides). REQUIRES: quantities >= 1.
  ChannelEventResult record_return(uint64_t order, std::span<const SkuQuantity> lines, SimTime now);
  // Units of `sku` returned so far on `order` (0 if the SKU is not in it).
  uint32_t returned_quantity(uint64_t order, SkuId sku) const;

  uint64_t events_emitted() const { return next_event_id_; }

 private:
  struct OrderRecord {  // 8 bytes per order
    uint32_t line_begin;
    uint16_t line_count;
    OrderStatus status;
    uint8_t unused;
  };
  static_assert(sizeof(OrderRecord) == 8);

  WebhookEvent emit(WebhookTopic topic, uint64_t order);
  InventoryResult write_quantity(Listing& l, uint32_t quantity);
  bool return_fits(const OrderRecord& o, std::span<const SkuQuantity> lines) const;
  uint32_t returned_at(uint32_t line) const {
    const auto it = returned_units_.find(line);
    return it == returned_units_.end() ? 0 : it->second;
  }

  std::string name_;
  ChannelKind kind_;
  std::array<std::string, kOrderStatusCount> spellings_;
  std::vector<Listing> listings_;
  GrowingArray<OrderRecord> orders_;
  GrowingArray<OrderLine> lines_;  // all orders' lines, in order of placement
  // Units returned so far, by index in lines_, for the lines with any (a few percent of orders
  // see a return: 4 bytes on every line would cost more than this map).
  std::unordered_map<uint32_t, uint32_t> returned_units_;
  uint64_t next_event_id_ = 0;
};

}  // namespace syncdrill
