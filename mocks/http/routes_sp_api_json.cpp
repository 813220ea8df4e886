// The sp-api dialect's JSON shapes (ordersV0.json's Order and OrderItem, the ORDER_CHANGE
// notification schema) and id mappings.
#include "mocks/http/routes_sp_api_json.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/engine/fnv1a.hpp"

namespace syncdrill {

namespace {

using nlohmann::json;

constexpr uint64_t kGroup = 10'000'000;  // 10^7: one 7-digit group of an AmazonOrderId

constexpr uint32_t bit(OrderStatus s) {
  return uint32_t{1} << static_cast<uint32_t>(s);
}

// A UUID-shaped text from two numbers: stable, so reruns give the same ids.
std::string uuid_of(uint64_t a, uint64_t b) {
  return fmt::format("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", a >> 32, (a >> 16) & 0xffff,
                     (b >> 48) & 0xfff, (b >> 36) & 0xfff, b & 0xffffffffffff);
}

json money(std::string_view currency, int64_t amount_minor) {
  return json{{"CurrencyCode", currency}, {"Amount", sp_api_amount(amount_minor)}};
}

uint64_t units(const ChannelOrderView& o) {
  uint64_t n = 0;
  for (const OrderLine& l : o.lines)
    n += l.quantity;
  return n;
}

bool is_shipped(OrderStatus s) {
  return s == OrderStatus::shipped || s == OrderStatus::delivered || s == OrderStatus::returned ||
         s == OrderStatus::refunded;
}

}  // namespace

std::string amazon_order_id(uint64_t order) {
  return fmt::format("902-{:07}-{:07}", order / kGroup, order % kGroup);
}

std::optional<uint64_t> parse_amazon_order_id(std::string_view text) {
  if (text.size() != 19 || text.substr(0, 4) != "902-" || text[11] != '-') return std::nullopt;
  uint64_t hi = 0, lo = 0;
  for (const auto& [part, out] : {std::pair{text.substr(4, 7), &hi}, {text.substr(12, 7), &lo}}) {
    for (const char c : part) {
      if (c < '0' || c > '9') return std::nullopt;
    }
    std::from_chars(part.data(), part.data() + part.size(), *out);
  }
  return hi * kGroup + lo;
}

std::string amazon_order_item_id(uint64_t order, size_t line) {
  return fmt::format("{:014}", order * 1000 + line);
}

std::string amazon_asin(SkuId sku) {
  return fmt::format("B{:09}", sku);
}

std::string sp_api_seller_id(uint32_t channel) {
  return fmt::format("A{:013X}", 0x5D00000000000 + uint64_t{channel});
}

std::string_view sp_api_order_status(OrderStatus s) {
  switch (s) {
    case OrderStatus::pending:
      return "Pending";
    case OrderStatus::confirmed:
    case OrderStatus::picking:
      return "Unshipped";
    case OrderStatus::cancelled:
      return "Canceled";
    case OrderStatus::shipped:
    case OrderStatus::delivered:
    case OrderStatus::returned:
    case OrderStatus::refunded:
      return "Shipped";
  }
  return "Pending";
}

std::optional<uint32_t> sp_api_status_mask(std::string_view status) {
  if (status == "Pending") return bit(OrderStatus::pending);
  if (status == "Unshipped") return bit(OrderStatus::confirmed) | bit(OrderStatus::picking);
  if (status == "Shipped") {
    return bit(OrderStatus::shipped) | bit(OrderStatus::delivered) | bit(OrderStatus::returned) |
           bit(OrderStatus::refunded);
  }
  if (status == "Canceled") return bit(OrderStatus::cancelled);
  if (status == "PartiallyShipped" || status == "Unfulfillable" || status == "InvoiceUnconfirmed" ||
      status == "PendingAvailability") {
    return 0u;
  }
  return std::nullopt;
}

std::string sp_api_amount(int64_t amount_minor) {
  return fmt::format("{}.{:02}", amount_minor / 100, amount_minor % 100);
}

std::pair<uint64_t, uint64_t> sp_api_items_shipped(const ChannelOrderView& o) {
  if (o.canonical == OrderStatus::cancelled) return {0, 0};
  const uint64_t n = units(o);
  return is_shipped(o.canonical) ? std::pair<uint64_t, uint64_t>{n, 0}
                                 : std::pair<uint64_t, uint64_t>{0, n};
}

json sp_api_order_json(const LiveClock& clock, std::string_view currency,
                       const ChannelOrderView& o) {
  const auto [shipped, unshipped] = sp_api_items_shipped(o);
  return json{{"AmazonOrderId", amazon_order_id(o.id)},
              {"SellerOrderId", std::to_string(o.id)},
              {"PurchaseDate", clock.to_iso8601(o.created_at)},
              {"LastUpdateDate", clock.to_iso8601(o.updated_at)},
              {"OrderStatus", sp_api_order_status(o.canonical)},
              {"FulfillmentChannel", "MFN"},
              {"SalesChannel", "Amazon.com"},
              {"OrderTotal", money(currency, o.amount_minor)},
              {"NumberOfItemsShipped", shipped},
              {"NumberOfItemsUnshipped", unshipped},
              {"PaymentMethod", "Other"},
              {"MarketplaceId", kSpApiMarketplaceId},
              {"ShipmentServiceLevelCategory", "Standard"},
              {"OrderType", "StandardOrder"},
              {"IsBusinessOrder", false},
              {"IsPrime", false},
              {"IsPremiumOrder", false},
              {"IsGlobalExpressEnabled", false},
              {"IsReplacementOrder", false},
              {"IsSoldByAB", false},
              {"IsISPU", false},
              {"IsAccessPointOrder", false}};
}

json sp_api_order_item_json(std::string_view currency, const ChannelOrderView& o, size_t line) {
  const OrderLine& l = o.lines.at(line);
  const bool shipped = is_shipped(o.canonical);
  return json{{"ASIN", amazon_asin(l.sku)},
              {"SellerSKU", std::to_string(l.sku)},
              {"OrderItemId", amazon_order_item_id(o.id, line)},
              {"Title", fmt::format("syncdrill SKU {}", l.sku)},
              {"QuantityOrdered", l.quantity},
              {"QuantityShipped", shipped ? l.quantity : 0},
              {"ProductInfo", {{"NumberOfItems", "1"}}},
              // ItemPrice is the line's price: the unit price times the quantity (ordersV0.json).
              {"ItemPrice", money(currency, l.unit_price_minor * int64_t{l.quantity})},
              {"ConditionId", "New"},
              {"ConditionSubtypeId", "New"},
              {"IsGift", "false"}};
}

std::string sp_api_order_change_notification(const LiveClock& clock, uint32_t channel,
                                             std::string_view channel_name,
                                             const ChannelOrderView& o, uint64_t event_id,
                                             SimTime now) {
  const uint64_t who = fnv1a64(channel_name);
  const auto [shipped, unshipped] = sp_api_items_shipped(o);
  const std::string_view status = sp_api_order_status(o.canonical);
  json items = json::array();
  for (size_t i = 0; i < o.lines.size(); ++i) {
    const OrderLine& l = o.lines[i];
    items.push_back({{"OrderItemId", amazon_order_item_id(o.id, i)},
                     {"SellerSKU", std::to_string(l.sku)},
                     {"OrderItemStatus", status},
                     {"Quantity", l.quantity},
                     {"QuantityShipped", is_shipped(o.canonical) ? l.quantity : 0}});
  }
  const json summary = {{"MarketplaceId", kSpApiMarketplaceId},
                        {"OrderStatus", status},
                        {"PurchaseDate", clock.to_iso8601(o.created_at)},
                        {"DestinationPostalCode", ""},
                        {"FulfillmentType", "MFN"},
                        {"OrderType", "StandardOrder"},
                        {"NumberOfItemsShipped", shipped},
                        {"NumberOfItemsUnshipped", unshipped},
                        {"OrderItems", std::move(items)}};
  const json body = {{"NotificationVersion", "1.0"},
                     {"NotificationType", "ORDER_CHANGE"},
                     {"PayloadVersion", "1.0"},
                     {"EventTime", clock.to_iso8601(now)},
                     {"Payload",
                      {{"OrderChangeNotification",
                        {{"NotificationLevel", "OrderLevel"},
                         {"SellerId", sp_api_seller_id(channel)},
                         {"AmazonOrderId", amazon_order_id(o.id)},
                         {"OrderChangeType", "OrderStatusChange"},
                         {"OrderChangeTrigger",
                          {{"TimeOfOrderChange", clock.to_iso8601(o.updated_at)},
                           {"ChangeReason", "Order status changed"}}},
                         {"Summary", summary}}}}},
                     {"NotificationMetadata",
                      {{"ApplicationId", "app-id-" + uuid_of(fnv1a64("syncdrill"), 0)},
                       {"SubscriptionId", "subscription-id-" + uuid_of(who, 0)},
                       {"PublishTime", clock.to_iso8601(now)},
                       {"NotificationId", uuid_of(who, event_id + 1)}}}};
  return body.dump();
}

}  // namespace syncdrill
