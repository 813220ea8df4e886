// Channel mock tests: a tiny catalog with hand-picked quantities and prices, orders placed and
// inventory written directly, every outcome compared with what the contract says.
#include "mocks/channel.hpp"

#include <array>
#include <cstdint>
#include <vector>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

// Per order: 8 bytes of record plus, per line, 16 bytes of OrderLine and 4 of returned units.
static_assert(sizeof(OrderLine) == 16);
static_assert(sizeof(WebhookEvent) == 24);

constexpr std::array<uint32_t, 3> kQuantities{5, 1, 0};
constexpr std::array<int64_t, 3> kPrices{1000, 2500, 990};

ChannelSpec channel_spec(ChannelKind kind) {
  ChannelSpec s;
  s.name = kind == ChannelKind::amazon_like ? "amazon" : "shop";
  s.kind = kind;
  return s;
}

ChannelMock make_channel(ChannelKind kind = ChannelKind::shopify_like) {
  return ChannelMock(channel_spec(kind), kQuantities, kPrices);
}

TEST_CASE("mocks/channel: a sold-out order changes nothing and names the short SKU") {
  ChannelMock channel = make_channel();
  const std::array<SkuQuantity, 2> lines{{{0, 2}, {1, 2}}};  // SKU 1 lists only 1
  const PlaceResult r = channel.place_order(lines, SimTime{});
  CHECK_FALSE(r.accepted);
  CHECK(r.short_sku == 1);
  CHECK(channel.order_count() == 0);
  CHECK(channel.events_emitted() == 0);
  CHECK(channel.listing(0).quantity == 5);
  CHECK(channel.listing(0).version == 0);
  CHECK(channel.listing(1).quantity == 1);
}

TEST_CASE("mocks/channel: lines naming the same SKU twice must fit together") {
  ChannelMock channel = make_channel();
  const std::array<SkuQuantity, 2> lines{{{0, 3}, {0, 3}}};  // 6 of 5
  CHECK_FALSE(channel.place_order(lines, SimTime{}).accepted);
  CHECK(channel.listing(0).quantity == 5);
}

TEST_CASE("mocks/channel: an accepted order pays the listed price and takes the listed quantity") {
  ChannelMock channel = make_channel();
  const std::array<SkuQuantity, 2> lines{{{0, 2}, {1, 1}}};
  const PlaceResult first = channel.place_order(lines, SimTime{});
  REQUIRE(first.accepted);
  CHECK(first.order == 0);
  CHECK(channel.order_amount_minor(0) == 2 * 1000 + 2500);
  CHECK(channel.listing(0).quantity == 3);
  CHECK(channel.listing(0).version == 1);
  CHECK(channel.listing(1).quantity == 0);
  CHECK(channel.status(0) == OrderStatus::pending);

  // A price change reaches later orders only: the first keeps what it paid.
  REQUIRE(channel.set_price(0, 1200).ok());
  const std::array<SkuQuantity, 1> again{{{0, 1}}};
  const PlaceResult second = channel.place_order(again, SimTime{});
  REQUIRE(second.accepted);
  CHECK(second.order == 1);
  CHECK(channel.order_lines(1)[0].unit_price_minor == 1200);
  CHECK(channel.order_lines(0)[0].unit_price_minor == 1000);
  CHECK(channel.listing(0).version == 2);  // the order's decrement, not the price write
}

TEST_CASE("mocks/channel: line_span names where each order's lines are kept") {
  ChannelMock channel = make_channel();
  const std::array<SkuQuantity, 2> two{{{0, 1}, {1, 1}}};
  const std::array<SkuQuantity, 1> one{{{0, 2}}};
  REQUIRE(channel.place_order(two, SimTime{}).accepted);
  REQUIRE(channel.place_order(one, SimTime{}).accepted);
  for (uint64_t order = 0; order < 2; ++order) {
    const ChannelMock::LineSpan span = channel.line_span(order);
    const std::span<const OrderLine> lines = channel.order_lines(order);
    CHECK(span.count == lines.size());
    CHECK(&channel.order_lines(0)[0] + span.begin == lines.data());
    channel.prefetch_order(order);  // hints: they change nothing
    channel.prefetch_lines(span);
  }
  CHECK(channel.line_span(1).begin == 2);
  channel.prefetch_order(99);  // past the end: ignored
  channel.prefetch_lines({1000, 3});
  CHECK(channel.order_count() == 2);
  CHECK(channel.order_lines(1)[0].quantity == 2);
}

TEST_CASE("mocks/channel: compare-and-set with a stale version conflicts and changes nothing") {
  ChannelMock channel = make_channel();
  const uint32_t seen = channel.listing(0).version;
  REQUIRE(channel.set_quantity(0, 9).version == seen + 1);  // someone else wrote meanwhile
  const InventoryResult stale = channel.compare_and_set(0, seen, 4);
  CHECK(stale.error == ErrorClass::conflict);
  CHECK(stale.quantity == 9);
  CHECK(stale.version == seen + 1);
  const InventoryResult fresh = channel.compare_and_set(0, stale.version, 4);
  CHECK(fresh.error == ErrorClass::none);
  CHECK(fresh.quantity == 4);
  CHECK(fresh.version == seen + 2);
  CHECK(channel.compare_and_set(7, 0, 1).error == ErrorClass::not_found);
}

TEST_CASE("mocks/channel: adjust adds a delta and floors the listing at zero") {
  ChannelMock channel = make_channel();
  CHECK(channel.adjust(0, 3).quantity == 8);
  const InventoryResult floored = channel.adjust(0, -100);
  CHECK(floored.quantity == 0);
  CHECK(floored.version == 2);
}

TEST_CASE(
    "mocks/channel: each channel kind spells statuses its own way and the scenario may override "
    "one") {
  const ChannelMock amazon = make_channel(ChannelKind::amazon_like);
  CHECK(amazon.spelling(OrderStatus::pending) == "Pending");
  CHECK(amazon.spelling(OrderStatus::confirmed) == "Unshipped");
  CHECK(amazon.spelling(OrderStatus::shipped) == "Shipped");
  CHECK(amazon.spelling(OrderStatus::cancelled) == "Canceled");
  CHECK(amazon.parse_status("Unshipped") == OrderStatus::confirmed);  // earliest sharing state
  CHECK_FALSE(amazon.parse_status("CANCELLED").has_value());

  const ChannelMock shop = make_channel(ChannelKind::shopify_like);
  CHECK(shop.spelling(OrderStatus::pending) == "OPEN");
  CHECK(shop.spelling(OrderStatus::picking) == "IN_PROGRESS");
  CHECK(shop.spelling(OrderStatus::delivered) == "CLOSED");
  CHECK(shop.spelling(OrderStatus::cancelled) == "CANCELLED");

  ChannelSpec spec = channel_spec(ChannelKind::shopify_like);
  spec.statuses.push_back({"cancelled", "VOIDED"});
  const ChannelMock custom(spec, kQuantities, kPrices);
  CHECK(custom.spelling(OrderStatus::cancelled) == "VOIDED");
  CHECK(custom.spelling(OrderStatus::pending) == "OPEN");
  CHECK_FALSE(custom.parse_status("CANCELLED").has_value());
}

TEST_CASE(
    "mocks/channel: an unknown status spelling is rejected and an unknown order is not found") {
  ChannelMock channel = make_channel(ChannelKind::amazon_like);
  const std::array<SkuQuantity, 1> lines{{{0, 1}}};
  REQUIRE(channel.place_order(lines, SimTime{}).accepted);
  CHECK(channel.set_status(0, "CANCELLED", SimTime{}).error ==
        ErrorClass::rejected);  // Shopify's spelling
  CHECK(channel.status(0) == OrderStatus::pending);
  CHECK(channel.set_status(5, "Canceled", SimTime{}).error == ErrorClass::not_found);
  const ChannelEventResult ok = channel.set_status(0, "Canceled", SimTime{});
  CHECK(ok.error == ErrorClass::none);
  CHECK(ok.emitted);
  CHECK(ok.event.topic == WebhookTopic::orders_updated);
  CHECK(channel.status(0) == OrderStatus::cancelled);
  CHECK(channel.status_spelling(0) == "Canceled");
  // Setting the status it already has emits nothing.
  CHECK_FALSE(channel.set_status(0, "Canceled", SimTime{}).emitted);
}

TEST_CASE("mocks/channel: returns are bounded by the units ordered") {
  ChannelMock channel = make_channel();
  const std::array<SkuQuantity, 2> lines{{{0, 2}, {1, 1}}};
  REQUIRE(channel.place_order(lines, SimTime{}).accepted);
  const std::array<SkuQuantity, 1> one{{{0, 1}}};
  CHECK(channel.record_return(0, one, SimTime{}).error == ErrorClass::none);
  const std::array<SkuQuantity, 1> two{{{0, 2}}};  // only 1 left
  CHECK(channel.record_return(0, two, SimTime{}).error == ErrorClass::rejected);
  const std::array<SkuQuantity, 1> foreign{{{2, 1}}};
  CHECK(channel.record_return(0, foreign, SimTime{}).error == ErrorClass::rejected);
  CHECK(channel.returned_quantity(0, 0) == 1);
  CHECK(channel.returned_quantity(0, 1) == 0);
  CHECK(channel.record_return(3, one, SimTime{}).error == ErrorClass::not_found);
}

TEST_CASE("mocks/channel: webhook event ids are unique and dense across every topic") {
  const std::array<uint32_t, 1> quantity{1000};
  const std::array<int64_t, 1> price{100};
  ChannelMock channel(channel_spec(ChannelKind::shopify_like), quantity, price);
  const std::array<SkuQuantity, 1> lines{{{0, 1}}};
  std::vector<uint64_t> ids;
  for (int i = 0; i < 50; ++i) {
    const PlaceResult placed = channel.place_order(lines, SimTime{});
    REQUIRE(placed.accepted);
    CHECK(placed.event.topic == WebhookTopic::orders_create);
    CHECK(placed.event.order == placed.order);
    ids.push_back(placed.event.event_id);
    if (i % 3 == 0) {
      ids.push_back(channel.set_status(placed.order, "CLOSED", SimTime{}).event.event_id);
    }
    if (i % 5 == 0) {
      ids.push_back(channel.record_return(placed.order, lines, SimTime{}).event.event_id);
    }
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    CHECK(ids[i] == i);
  }
  CHECK(channel.events_emitted() == ids.size());
}

TEST_CASE("mocks/channel: the default webhook schedule doubles from 10s and spans 42.5 minutes") {
  const WebhookSpec defaults;
  CHECK(webhook_retry_delay(defaults, 1) == seconds(10));
  CHECK(webhook_retry_delay(defaults, 8) == seconds(1280));
  CHECK(webhook_retry_span(defaults) == seconds(2550));

  WebhookSpec shopify_like;
  shopify_like.base = seconds(60);
  CHECK(webhook_retry_delay(shopify_like, 7) == hours(1));  // 3840s capped
  CHECK(webhook_retry_delay(shopify_like, 100) == hours(1));
  CHECK(webhook_retry_span(shopify_like) == seconds(10'980));
}

TEST_CASE("mocks/channel: webhook backoff kinds follow their formulas under the cap") {
  WebhookSpec spec;
  spec.backoff = BackoffKind::constant;
  CHECK(webhook_retry_delay(spec, 5) == seconds(10));
  spec.backoff = BackoffKind::none;
  CHECK(webhook_retry_delay(spec, 5) == Duration{});
  spec.backoff = BackoffKind::full_jitter;
  CHECK(webhook_retry_delay(spec, 3, 0.5) == seconds(20));
  spec.backoff = BackoffKind::equal_jitter;
  CHECK(webhook_retry_delay(spec, 3, 0.0) == seconds(20));
  CHECK(webhook_retry_delay(spec, 3, 1.0) == seconds(40));
  spec.backoff = BackoffKind::decorrelated_jitter;
  CHECK(webhook_retry_delay(spec, 1, 0.0) == seconds(10));
  CHECK(webhook_retry_delay(spec, 1, 1.0) == seconds(30));
  CHECK(webhook_retry_delay(spec, 20, 1.0) == hours(1));
}

}  // namespace
}  // namespace syncdrill
