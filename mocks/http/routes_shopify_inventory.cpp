// The shopify dialect's stock: locations.json (the channel's one location), variants/{id}.json
// (sku and inventory_item_id), inventory_levels.json and inventory_levels/set.json and
// adjust.json, mapped onto the channel's listing (set_quantity, adjust).
#include <charconv>
#include <string>

#include <fmt/format.h>

#include "mocks/http/routes_shopify.hpp"

namespace syncdrill::http {

namespace {

using nlohmann::json;

constexpr size_t kIdsMax = 50;                    // Shopify: up to 50 ids per filter
constexpr int64_t kAvailableMax = 1'000'000'000;  // Shopify's bound on a quantity
constexpr int64_t kLimitDefault = 50;
constexpr int64_t kLimitMax = 250;

std::string epoch_iso(const LiveMocks& mocks) {
  return shopify_time(mocks.clock(), SimTime{});
}

json location_json(const LiveMocks& mocks, uint32_t channel) {
  const uint64_t id = kShopifyLocationBase + channel;
  const std::string at = epoch_iso(mocks);
  return json{{"id", id},
              {"admin_graphql_api_id", fmt::format("gid://shopify/Location/{}", id)},
              {"name", mocks.scenario().channels[channel].name},
              {"active", true},
              {"legacy", false},
              {"address1", nullptr},
              {"address2", nullptr},
              {"city", nullptr},
              {"zip", nullptr},
              {"province", nullptr},
              // No address is modelled; the country is a fixed choice (docs/dialect-shopify.md).
              {"country", "US"},
              {"country_code", "US"},
              {"phone", nullptr},
              {"created_at", at},
              {"updated_at", at}};
}

json level_json(const LiveMocks& mocks, uint32_t channel, SkuId sku, uint32_t available) {
  const uint64_t item = kShopifyInventoryItemBase + sku;
  const uint64_t location = kShopifyLocationBase + channel;
  return json{
      {"inventory_item_id", item},
      {"location_id", location},
      {"available", available},
      {"updated_at", shopify_time(mocks.clock(), mocks.clock().now())},
      {"admin_graphql_api_id",
       fmt::format("gid://shopify/InventoryLevel/{}?inventory_item_id={}", location, item)}};
}

// A comma-separated id list ("1,2,3"); nullopt (answered 400) when malformed or over kIdsMax.
std::optional<std::vector<uint64_t>> id_list(RouteCall& call, const char* name) {
  std::vector<uint64_t> ids;
  const std::string text = call.req.get_param_value(name);
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view part(text.data() + start, comma - start);
    uint64_t v = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() ||
        ids.size() >= kIdsMax) {
      shopify_field_error(
          call, 400, name,
          fmt::format("{} must be a comma-separated list of at most {} ids", name, kIdsMax));
      return std::nullopt;
    }
    ids.push_back(v);
    start = comma + 1;
  }
  return ids;
}

// An integer field of a JSON body in [min, max]; answers 422 (Shopify's validation shape).
std::optional<int64_t> body_int(RouteCall& call, const json& body, const char* field, int64_t min,
                                int64_t max) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) {
    shopify_field_error(call, 422, field, "can't be blank");
    return std::nullopt;
  }
  const bool integer = it->is_number_integer();
  const bool fits = integer && (!it->is_number_unsigned() || it->get<uint64_t>() <= INT64_MAX);
  const int64_t v = fits ? it->get<int64_t>() : 0;
  if (!fits || v < min || v > max) {
    shopify_field_error(call, 422, field,
                        fmt::format("must be an integer between {} and {}", min, max));
    return std::nullopt;
  }
  return v;
}

// The SKU of a write's (location_id, inventory_item_id); answers 422/404 when they name none.
std::optional<SkuId> write_target(RouteCall& call, const json& body) {
  const auto location = body_int(call, body, "location_id", 0, INT64_MAX);
  if (!location) return std::nullopt;
  const auto item = body_int(call, body, "inventory_item_id", 0, INT64_MAX);
  if (!item) return std::nullopt;
  if (static_cast<uint64_t>(*location) != kShopifyLocationBase + call.channel) {
    shopify_field_error(call, 422, "location_id", "Location not found");
    return std::nullopt;
  }
  const auto sku = shopify_sku(call.mocks, static_cast<uint64_t>(*item), kShopifyInventoryItemBase);
  if (!sku) shopify_field_error(call, 422, "inventory_item_id", "Inventory item not found");
  return sku;
}

void reply_level(RouteCall& call, SkuId sku, const InventoryResult& r) {
  if (r.error != ErrorClass::none) return shopify_error(call, 404, "Not Found");
  reply_json(call.res, 200,
             json{{"inventory_level", level_json(call.mocks, call.channel, sku, r.quantity)}});
}

std::string encode_cursor(uint64_t next_sku) {
  return shopify_cursor("i1." + std::to_string(next_sku));
}

std::optional<uint64_t> decode_cursor(std::string_view token) {
  const auto text = shopify_cursor_text(token, 64);
  if (!text || text->rfind("i1.", 0) != 0) return std::nullopt;
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text->data() + 3, text->data() + text->size(), v);
  if (text->size() == 3 || ec != std::errc() || end != text->data() + text->size()) {
    return std::nullopt;
  }
  return v;
}

// GET inventory_levels.json?location_ids=L (no item ids): every SKU's level at the channel's
// location, a page at a time (the cursor is the next SKU).
void levels_of_location(RouteCall& call, uint64_t first_sku, size_t limit) {
  json list = json::array();
  uint64_t sku = first_sku;
  for (; sku < call.mocks.sku_count() && list.size() < limit; ++sku) {
    const auto l = call.mocks.listing(call.channel, static_cast<SkuId>(sku));
    if (l)
      list.push_back(level_json(call.mocks, call.channel, static_cast<SkuId>(sku), l->quantity));
  }
  if (sku < call.mocks.sku_count()) {
    call.res.set_header(
        "Link", fmt::format("<http://{}/channels/{}/admin/api/{}/inventory_levels.json?limit={}"
                            "&page_info={}>; rel=\"next\"",
                            shopify_link_host(call.req), call.params[0], call.params[1], limit,
                            encode_cursor(sku)));
  }
  reply_json(call.res, 200, json{{"inventory_levels", std::move(list)}});
}

}  // namespace

void shopify_locations(RouteCall& call) {
  if (!shopify_admit(call)) return;
  reply_json(call.res, 200,
             json{{"locations", json::array({location_json(call.mocks, call.channel)})}});
}

void shopify_location(RouteCall& call) {
  if (!shopify_admit(call)) return;
  const auto id = shopify_path_id(call, call.params[2]);
  if (!id) return;
  if (*id != kShopifyLocationBase + call.channel) return shopify_error(call, 404, "Not Found");
  reply_json(call.res, 200, json{{"location", location_json(call.mocks, call.channel)}});
}

void shopify_variant(RouteCall& call) {
  if (!shopify_admit(call)) return;
  const auto id = shopify_path_id(call, call.params[2]);
  if (!id) return;
  const auto sku = shopify_sku(call.mocks, *id, kShopifyVariantBase);
  const auto listing = sku ? call.mocks.listing(call.channel, *sku) : std::nullopt;
  if (!listing) return shopify_error(call, 404, "Not Found");
  const std::string at = epoch_iso(call.mocks);
  reply_json(call.res, 200,
             json{{"variant",
                   {{"id", *id},
                    {"admin_graphql_api_id", fmt::format("gid://shopify/ProductVariant/{}", *id)},
                    {"product_id", kShopifyProductBase + *sku},
                    {"title", "Default Title"},
                    {"price", shopify_money(listing->price_minor)},
                    {"compare_at_price", nullptr},
                    {"sku", std::to_string(*sku)},
                    {"position", 1},
                    {"inventory_policy", "deny"},
                    {"fulfillment_service", "manual"},
                    {"inventory_management", "shopify"},
                    {"option1", "Default Title"},
                    {"option2", nullptr},
                    {"option3", nullptr},
                    {"taxable", true},
                    {"barcode", nullptr},
                    {"grams", 0},
                    {"weight", 0.0},
                    {"weight_unit", "kg"},
                    {"inventory_item_id", kShopifyInventoryItemBase + *sku},
                    {"inventory_quantity", listing->quantity},
                    {"old_inventory_quantity", listing->quantity},
                    {"requires_shipping", true},
                    {"created_at", at},
                    {"updated_at", at}}}});
}

void shopify_inventory_levels(RouteCall& call) {
  if (!shopify_admit(call)) return;
  const auto limit = shopify_query_int(call, "limit", 1, kLimitMax, kLimitDefault);
  if (!limit) return;
  if (call.req.has_param("page_info")) {
    // The rule of every paginated REST call: page_info takes only limit (and fields) along.
    for (const char* p : {"inventory_item_ids", "location_ids", "updated_at_min"}) {
      if (call.req.has_param(p)) {
        return shopify_field_error(call, 400, p,
                                   std::string(p) + " cannot be passed when page_info is present.");
      }
    }
    const auto next = decode_cursor(call.req.get_param_value("page_info"));
    if (!next) return shopify_field_error(call, 400, "page_info", "Invalid value.");
    return levels_of_location(call, *next, static_cast<size_t>(*limit));
  }
  const bool has_items = call.req.has_param("inventory_item_ids");
  const bool has_locations = call.req.has_param("location_ids");
  if (!has_items && !has_locations) {
    return shopify_field_error(call, 422, "base",
                               "must include inventory_item_ids, location_ids, or both");
  }
  std::vector<uint64_t> items;
  std::vector<uint64_t> locations;
  if (has_items) {
    auto ids = id_list(call, "inventory_item_ids");
    if (!ids) return;
    items = std::move(*ids);
  }
  if (has_locations) {
    auto ids = id_list(call, "location_ids");
    if (!ids) return;
    locations = std::move(*ids);
  }
  const uint64_t own_location = kShopifyLocationBase + call.channel;
  if (has_locations &&
      std::find(locations.begin(), locations.end(), own_location) == locations.end()) {
    return reply_json(call.res, 200, json{{"inventory_levels", json::array()}});
  }
  if (!has_items) return levels_of_location(call, 0, static_cast<size_t>(*limit));
  json list = json::array();
  for (const uint64_t item : items) {
    if (list.size() >= static_cast<size_t>(*limit)) break;
    const auto sku = shopify_sku(call.mocks, item, kShopifyInventoryItemBase);
    const auto l = sku ? call.mocks.listing(call.channel, *sku) : std::nullopt;
    if (l) list.push_back(level_json(call.mocks, call.channel, *sku, l->quantity));
  }
  reply_json(call.res, 200, json{{"inventory_levels", std::move(list)}});
}

void shopify_inventory_set(RouteCall& call) {
  if (!shopify_admit(call)) return;
  const auto body = shopify_body(call);
  if (!body) return;
  const auto sku = write_target(call, *body);
  if (!sku) return;
  // Shopify lets `available` go negative; a channel listing cannot (mocks/channel.hpp), so a
  // negative set is refused rather than silently floored.
  const auto available = body_int(call, *body, "available", 0, kAvailableMax);
  if (!available) return;
  reply_level(call, *sku,
              call.mocks.set_quantity(call.channel, *sku, static_cast<uint32_t>(*available)));
}

void shopify_inventory_adjust(RouteCall& call) {
  if (!shopify_admit(call)) return;
  const auto body = shopify_body(call);
  if (!body) return;
  const auto sku = write_target(call, *body);
  if (!sku) return;
  const auto delta = body_int(call, *body, "available_adjustment", -kAvailableMax, kAvailableMax);
  if (!delta) return;
  reply_level(call, *sku, call.mocks.adjust(call.channel, *sku, *delta));
}

}  // namespace syncdrill::http
