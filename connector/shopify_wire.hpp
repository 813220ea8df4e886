// Shopify's wire formats, as the connector's Shopify mode reads and writes them. Pure functions:
// no sockets, no clock. Each follows Shopify's public documentation (the URLs are in
// docs/reference-connector.md, "Shopify mode"):
//   - an order (the orders/create webhook body, an element of orders.json's "orders"): id,
//     line_items[] with sku, quantity, price (a decimal STRING) and variant_id;
//   - cursor pagination: the Link header's rel="next" URL, followed exactly as given
//     (shopify.dev/docs/api/admin-rest/usage/pagination);
//   - X-Shopify-Shop-Api-Call-Limit: "used/size" of the leaky bucket
//     (shopify.dev/docs/api/admin-rest/usage/rate-limits).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "connector/order_event.hpp"
#include "mocks/http/signature.hpp"

namespace syncdrill {

// The webhook signature (base64_encode, shopify_hmac, verify_shopify_hmac) is in
// mocks/http/signature.hpp, beside syncdrill's own: one HMAC for the drill and the connector,
// pinned to independently computed vectors in tests/connector/shopify_wire_test.cpp.

// A Shopify money string ("45.99", "45.9", "45", "45.990") in minor units (4599), exactly: no
// floating point. Two decimals (the currencies of the drills); digits beyond the second must be
// zeros. nullopt for a sign, an exponent, spaces, no digits, or more than 10^10 major units.
std::optional<int64_t> price_to_minor(std::string_view price);

// An order JSON object as the OMS job it becomes: `channel` is the drill's channel name, the
// Idempotency-Key "shopify-<id>", the OMS's channel_order id - 1 (the shopify dialect's Shopify
// id is the channel's order id + 1; Shopify ids start at 1). nullopt, with *error naming the field,
// for an order the OMS could not take (no id, no line_items, a line without a numeric sku, quantity
// >= 1 or a price string).
std::optional<OrderJob> parse_shopify_order(const nlohmann::json& order, std::string_view channel,
                                            std::string_view event_id, std::string* error);

// The rel="next" URL of a Link header ("<URL>; rel=\"next\", <URL>; rel=\"previous\""), or
// nullopt when there is none (the last page) or the header is malformed.
std::optional<std::string> link_next_url(std::string_view link);

// A shop URL "http://HOST:PORT/channels/NAME" split into the origin ("http://HOST:PORT"), the
// path ("/channels/NAME") and the channel's name ("NAME").
struct ShopUrl {
  std::string origin;
  std::string path;
  std::string channel;
};
// nullopt (and *error says why) unless http://, a host, and a non-empty last path segment.
std::optional<ShopUrl> parse_shop_url(std::string_view url, std::string* error);

// The path and query of `url` when it is on the shop (its origin and under its path): a next
// page link is followed only there, so the access token never goes to another host. nullopt
// otherwise.
std::optional<std::string> path_on_shop(std::string_view url, const ShopUrl& shop);

// X-Shopify-Shop-Api-Call-Limit "used/size"; nullopt unless two numbers, size >= 1.
struct CallLimit {
  uint32_t used = 0;
  uint32_t size = 0;
};
std::optional<CallLimit> parse_call_limit(std::string_view header);

// Whether `version` is an Admin API version of the form YYYY-MM.
bool is_api_version(std::string_view version);

}  // namespace syncdrill
