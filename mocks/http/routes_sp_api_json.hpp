// The sp-api dialect's JSON shapes and identifiers (docs/dialect-sp-api.md): Amazon's order and
// order-item objects for the fields connectors read, the ORDER_CHANGE notification, and the
// mappings between syncdrill ids and Amazon's.
//
// Ids, reversible so a connector can name the channel order to the OMS:
//   AmazonOrderId  "902-HHHHHHH-LLLLLLL": the channel order id split in two 7-digit groups
//                  (order id = H * 10^7 + L; ids below 10^14); SellerOrderId is the id in decimal.
//   SellerSKU      the syncdrill SKU id in decimal ("42"); ASIN "B" + the SKU in 9 digits.
//   OrderItemId    the order id * 1000 + the line's index, 14 digits.
// Order statuses from the canonical states (mocks/channel.hpp's amazon_like column):
//   pending -> Pending; confirmed, picking -> Unshipped; shipped, delivered -> Shipped;
//   cancelled -> Canceled; returned, refunded -> Shipped (Amazon keeps a returned or refunded
//   order Shipped and reports returns and refunds elsewhere). PartiallyShipped, Unfulfillable,
//   InvoiceUnconfirmed and PendingAvailability are valid filter values no order reaches.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mocks/http/live_mocks.hpp"

namespace syncdrill {

inline constexpr std::string_view kSpApiMarketplaceId = "ATVPDKIKX0DER";  // Amazon.com (US)
inline constexpr uint64_t kAmazonOrderIdMax = 99'999'999'999'999;

std::string amazon_order_id(uint64_t order);
// nullopt unless "902-DDDDDDD-DDDDDDD".
std::optional<uint64_t> parse_amazon_order_id(std::string_view text);
std::string amazon_order_item_id(uint64_t order, size_t line);
std::string amazon_asin(SkuId sku);
// The selling partner id of a channel: "A" + 13 characters.
std::string sp_api_seller_id(uint32_t channel);

std::string_view sp_api_order_status(OrderStatus s);
// The bit mask of canonical states a documented OrderStatus value stands for (0 for a documented
// value no state maps to); nullopt for an undocumented value.
std::optional<uint32_t> sp_api_status_mask(std::string_view status);

// Minor units as Amazon's Money.Amount, a decimal string with two decimals ("45.99").
std::string sp_api_amount(int64_t amount_minor);

// Units of an order shipped and not shipped, by its status (Amazon's NumberOfItemsShipped and
// NumberOfItemsUnshipped; a cancelled order has neither).
std::pair<uint64_t, uint64_t> sp_api_items_shipped(const ChannelOrderView& o);

// getOrders / getOrder: one Order object.
nlohmann::json sp_api_order_json(const LiveClock& clock, std::string_view currency,
                                 const ChannelOrderView& o);
// getOrderItems: the OrderItem object of line `line`.
nlohmann::json sp_api_order_item_json(std::string_view currency, const ChannelOrderView& o,
                                      size_t line);

// The ORDER_CHANGE notification of an event on an order (the SQS message body).
std::string sp_api_order_change_notification(const LiveClock& clock, uint32_t channel,
                                             std::string_view channel_name,
                                             const ChannelOrderView& o, uint64_t event_id,
                                             SimTime now);

// The sp-api channels' notification queues for a drill's report (live.webhooks.notifications):
// per channel the queue's counts (NotificationQueueStats; `refused_full` is the bound hit), and
// the notifications the webhook faults dropped or copied. Empty when no channel speaks sp-api.
nlohmann::json sp_api_notifications_report(LiveMocks& mocks);

}  // namespace syncdrill
