// The shopify dialect (docs/dialect-shopify.md): Shopify's Admin REST API subset an order and
// stock connector uses, under /channels/{name}/admin/api/{version}/, for channels with
// `dialect: shopify`. Internal to mocks/http/ except the JSON and id helpers the live drill's
// webhooks share (app/live_drill.cpp).
//
// Ids (shared with the reference connector): an order's id is the channel's order id + 1 (Shopify
// ids are never 0, and connectors start polling at since_id=0); for SKU s,
// variant_id = 40000000000 + s, product_id = 30000000000 + s, inventory_item_id =
// 50000000000 + s, the line's sku is s in decimal; the channel's one location is 60000000000 +
// the channel's index.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/http/live_mocks.hpp"
#include "mocks/http/server_routes.hpp"

namespace syncdrill::http {

inline constexpr uint64_t kShopifyProductBase = 30'000'000'000;
inline constexpr uint64_t kShopifyVariantBase = 40'000'000'000;
inline constexpr uint64_t kShopifyInventoryItemBase = 50'000'000'000;
inline constexpr uint64_t kShopifyLocationBase = 60'000'000'000;
// Line item ids: Shopify order id * kShopifyLinesPerOrder + line index + kShopifyLineItemBase.
inline constexpr uint64_t kShopifyLineItemBase = 70'000'000'000;
inline constexpr uint64_t kShopifyLinesPerOrder = 1'000;  // >= LiveMocks::kLinesMax
// Fulfillment order ids and fulfillment ids: kShopify*Base + Shopify order id (one of each per
// order).
inline constexpr uint64_t kShopifyFulfillmentOrderBase = 80'000'000'000;
inline constexpr uint64_t kShopifyFulfillmentBase = 90'000'000'000;
// A fulfillment order's line item: this base + Shopify order id * kShopifyLinesPerOrder + line
// index.
inline constexpr uint64_t kShopifyFulfillmentOrderLineBase = 140'000'000'000;
// The shop's id (shop_id fields); one shop per channel is not modelled beyond its domain.
inline constexpr uint64_t kShopifyShopId = 1;
// The API version the webhooks say they were rendered in (X-Shopify-API-Version).
inline constexpr std::string_view kShopifyWebhookApiVersion = "2025-07";

std::vector<Route> shopify_routes();

// A channel order's Shopify id: the channel's order id + 1, so no order has id 0 (Shopify's never
// do) and a connector polling from since_id=0 sees the first order.
constexpr uint64_t shopify_order_id(uint64_t channel_order) {
  return channel_order + 1;
}
// The channel order id behind a Shopify order id; nullopt for 0, which names no order.
constexpr std::optional<uint64_t> channel_order_of(uint64_t shopify_id) {
  if (shopify_id == 0) return std::nullopt;
  return shopify_id - 1;
}

// The documented REST order object for a channel order (the fields connectors read).
nlohmann::json shopify_order_json(const LiveMocks& mocks, uint32_t channel,
                                  const ChannelOrderView& order);
// The webhook topic Shopify sends for a channel event, given the order's status now:
// orders/create, orders/cancelled, orders/fulfilled, orders/updated, refunds/create.
std::string_view shopify_webhook_topic(WebhookTopic topic, OrderStatus status_now);
// `{channel}.myshopify.com`
std::string shopify_shop_domain(std::string_view channel);

// ---- shared by the routes_shopify*.cpp files --------------------------------------------------

// Authenticates, checks the version, passes the bucket and sets the headers every answer
// carries; false when it has answered (401, 404, 429) and the handler must stop.
bool shopify_admit(RouteCall& call);
// {"errors": message} with `status`.
void shopify_error(RouteCall& call, int status, std::string_view message);
// {"errors": {field: [message]}} with `status` (422 validation, 400 parameter errors).
void shopify_field_error(RouteCall& call, int status, std::string_view field,
                         std::string_view message);
// A path id: a decimal in [0, max], else 404 {"errors":"Not Found"} and nullopt.
std::optional<uint64_t> shopify_path_id(RouteCall& call, std::string_view text);
// A query parameter as a decimal integer in [min, max]; nullopt with a 400 when it is not one,
// `fallback` when absent.
std::optional<int64_t> shopify_query_int(RouteCall& call, const char* name, int64_t min,
                                         int64_t max, int64_t fallback);
// A POST body as a JSON object: 415/406-style refusals in Shopify's words, 400 when malformed.
std::optional<nlohmann::json> shopify_body(RouteCall& call);
// The SKU behind a Shopify id with the given base, if it is in the catalog.
std::optional<SkuId> shopify_sku(const LiveMocks& mocks, uint64_t id, uint64_t base);
// The host a client reached us at (Host header), for Link URLs; only host:port characters pass,
// else 127.0.0.1.
std::string shopify_link_host(const httplib::Request& req);
// page_info tokens: `text` as unpadded base64url, and back (nullopt when malformed or longer
// than `max_chars`). Opaque to clients, as Shopify's are.
std::string shopify_cursor(std::string_view text);
std::optional<std::string> shopify_cursor_text(std::string_view token, size_t max_chars);
// Shopify's timestamp: whole seconds with the shop's UTC offset, "2026-11-28T00:50:15+00:00"
// (the shop's time zone is UTC). The time is floored to the second, as Shopify stores it.
std::string shopify_time(const LiveClock& clock, SimTime t);
// The instant shopify_time(t) shows, in microseconds since the Unix epoch (a whole second).
int64_t shopify_shown_unix_us(const LiveClock& clock, SimTime t);
// A time filter's value (created_at_min, updated_at_min) in microseconds since the Unix epoch:
// ISO-8601 with "Z" or an offset "+HH:MM" / "-HH:MM" and optional fractional seconds
// ("2026-11-28T00:50:15-05:00", "2026-11-28T05:50:15.310Z"), or an integer (SimTime
// microseconds, placed on the calendar by the clock). nullopt when neither.
std::optional<int64_t> shopify_parse_time(const LiveClock& clock, std::string_view text);
// The decimal string of minor units: 1999 -> "19.99".
std::string shopify_money(int64_t minor);

void shopify_list_orders(RouteCall& call);
void shopify_count_orders(RouteCall& call);
void shopify_get_order(RouteCall& call);
void shopify_fulfillment_orders(RouteCall& call);
void shopify_create_fulfillment(RouteCall& call);
void shopify_locations(RouteCall& call);
void shopify_location(RouteCall& call);
void shopify_variant(RouteCall& call);
void shopify_inventory_levels(RouteCall& call);
void shopify_inventory_set(RouteCall& call);
void shopify_inventory_adjust(RouteCall& call);

}  // namespace syncdrill::http
