// The shopify dialect's route table and what its handlers share: authentication, the version in
// the path, the REST bucket and its headers, Shopify's error bodies, the order object.
// docs/dialect-shopify.md gives the documentation each behaviour comes from.
#include "mocks/http/routes_shopify.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>

#include <fmt/format.h>

#include "mocks/http/retry_after.hpp"
#include "mocks/http/signature.hpp"

namespace syncdrill::http {

using nlohmann::json;

namespace {

// YYYY-MM with a month 01..12, as Shopify's versions are named.
bool valid_version(std::string_view v) {
  if (v.size() != 7 || v[4] != '-') return false;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i != 4 && !std::isdigit(static_cast<unsigned char>(v[i]))) return false;
  }
  const int month = (v[5] - '0') * 10 + (v[6] - '0');
  return month >= 1 && month <= 12;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 406:
      return "Not Acceptable";
    case 409:
      return "Conflict";
    case 422:
      return "Unprocessable Entity";
    case 423:
      return "Locked";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return status >= 500 ? "Internal Server Error" : "Bad Request";
  }
}

// Retry-After as Shopify writes it: decimal seconds ("2.0"). The wall wait to the millisecond,
// rounded up by the caller (never early), at least 1 ms: at --time-scale 20 a half-second leak
// is "0.025", not a whole second (20 scenario seconds) per 429.
void set_retry_after(RouteCall& call, int64_t wall_ms) {
  call.res.set_header("Retry-After", decimal_seconds(std::max<int64_t>(1, wall_ms)));
}

std::string throttle_message(double rate_per_s) {
  return fmt::format(
      "Exceeded {:g} calls per second for api client. Reduce request rates to resume "
      "uninterrupted service.",
      rate_per_s);
}

void set_call_limit(RouteCall& call, const RateLimitStatus& s) {
  call.res.set_header("X-Shopify-Shop-Api-Call-Limit",
                      fmt::format("{}/{}", s.limit - std::min(s.limit, s.remaining), s.limit));
}

// The fault layer's and the dispatcher's errors (a fault's 429 or 5xx, a handler that threw).
void shape_error(RouteCall& call, int status, std::string_view /*error*/,
                 std::string_view /*detail*/, int64_t retry_after_ms) {
  if (valid_version(call.params[1])) {
    call.res.set_header("X-Shopify-API-Version", std::string(call.params[1]));
  }
  set_call_limit(call, call.mocks.peek_shopify(call.channel));
  if (status == 429) {
    // Shopify sends Retry-After with every 429; a fault that named none gets one second.
    set_retry_after(call, retry_after_ms > 0 ? retry_after_ms : 1000);
    return shopify_error(call, 429, throttle_message(LiveMocks::kShopifyLeakPerS));
  }
  if (retry_after_ms > 0) set_retry_after(call, retry_after_ms);
  shopify_error(call, status, reason_phrase(status));
}

bool accepts_json(const httplib::Request& req) {
  if (!req.has_header("Accept")) return true;
  std::string accept = req.get_header_value("Accept");
  for (char& c : accept)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return accept.empty() || accept.find("json") != std::string::npos ||
         accept.find("*/*") != std::string::npos ||
         accept.find("application/*") != std::string::npos;
}

std::string_view financial_status(OrderStatus s) {
  switch (s) {
    case OrderStatus::cancelled:
      return "voided";
    case OrderStatus::refunded:
      return "refunded";
    default:
      return "paid";
  }
}

bool fulfilled(OrderStatus s) {
  return s == OrderStatus::shipped || s == OrderStatus::delivered || s == OrderStatus::returned ||
         s == OrderStatus::refunded;
}

}  // namespace

std::string shopify_money(int64_t minor) {
  const bool negative = minor < 0;
  const uint64_t m = negative ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  return fmt::format("{}{}.{:02}", negative ? "-" : "", m / 100, m % 100);
}

std::string shopify_time(const LiveClock& clock, SimTime t) {
  // to_iso8601 floors to the millisecond, "YYYY-MM-DDTHH:MM:SS.mmmZ": keep the whole seconds.
  return clock.to_iso8601(t).substr(0, 19) + "+00:00";
}

int64_t shopify_shown_unix_us(const LiveClock& clock, SimTime t) {
  const auto shown = std::chrono::floor<std::chrono::seconds>(clock.to_calendar(t));
  return std::chrono::duration_cast<std::chrono::microseconds>(shown.time_since_epoch()).count();
}

std::optional<int64_t> shopify_parse_time(const LiveClock& clock, std::string_view text) {
  int64_t sim_us = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), sim_us);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) {
    // In doubles, clamped: to_calendar of a huge SimTime would overflow nanoseconds.
    constexpr double kMaxUs = 4.0e18;
    const double epoch_us =
        static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(
                                clock.to_calendar(SimTime{0}).time_since_epoch())
                                .count());
    const double at_us =
        epoch_us + static_cast<double>(std::max<int64_t>(0, sim_us)) / clock.time_scale();
    return static_cast<int64_t>(std::min(at_us, kMaxUs));
  }
  // An offset other than zero: read the local time as UTC, then move it by the offset.
  constexpr size_t kOffsetChars = 6;  // "-05:00"
  if (text.size() >= kOffsetChars + 19) {
    const std::string_view offset = text.substr(text.size() - kOffsetChars);
    const auto digit = [&](size_t i) { return offset[i] >= '0' && offset[i] <= '9'; };
    if ((offset[0] == '+' || offset[0] == '-') && digit(1) && digit(2) && offset[3] == ':' &&
        digit(4) && digit(5)) {
      const int hours = (offset[1] - '0') * 10 + (offset[2] - '0');
      const int minutes = (offset[4] - '0') * 10 + (offset[5] - '0');
      if (hours > 23 || minutes > 59) return std::nullopt;
      const std::string utc = std::string(text.substr(0, text.size() - kOffsetChars)) + "Z";
      const std::optional<int64_t> local_us = LiveClock::parse_iso8601_utc_us(utc);
      if (!local_us) return std::nullopt;
      const int64_t offset_us = (hours * 60LL + minutes) * 60'000'000LL;
      return offset[0] == '+' ? *local_us - offset_us : *local_us + offset_us;
    }
  }
  return LiveClock::parse_iso8601_utc_us(text);
}

std::string shopify_shop_domain(std::string_view channel) {
  return std::string(channel) + ".myshopify.com";
}

std::string_view shopify_webhook_topic(WebhookTopic topic, OrderStatus status_now) {
  switch (topic) {
    case WebhookTopic::orders_create:
      return "orders/create";
    case WebhookTopic::returns_create:
      return "refunds/create";
    case WebhookTopic::orders_updated:
      break;
  }
  if (status_now == OrderStatus::cancelled) return "orders/cancelled";
  if (status_now == OrderStatus::shipped || status_now == OrderStatus::delivered) {
    return "orders/fulfilled";
  }
  return "orders/updated";
}

json shopify_order_json(const LiveMocks& mocks, uint32_t channel, const ChannelOrderView& o) {
  const LiveClock& clock = mocks.clock();
  const std::string currency = mocks.scenario().catalog.price_min.currency;
  const std::string created = shopify_time(clock, o.created_at);
  const std::string updated = shopify_time(clock, o.updated_at);
  const bool cancelled = o.canonical == OrderStatus::cancelled;
  const bool closed = cancelled || fulfilled(o.canonical);
  const uint64_t order_id = shopify_order_id(o.id);
  const uint64_t order_number = 1000 + order_id;  // Shopify numbers from 1001
  json lines = json::array();
  for (size_t i = 0; i < o.lines.size(); ++i) {
    const OrderLine& l = o.lines[i];
    const uint64_t id = kShopifyLineItemBase + order_id * kShopifyLinesPerOrder + i;
    lines.push_back({{"id", id},
                     {"admin_graphql_api_id", fmt::format("gid://shopify/LineItem/{}", id)},
                     {"variant_id", kShopifyVariantBase + l.sku},
                     {"product_id", kShopifyProductBase + l.sku},
                     {"sku", std::to_string(l.sku)},
                     {"title", fmt::format("SKU {}", l.sku)},
                     {"name", fmt::format("SKU {}", l.sku)},
                     {"variant_title", "Default Title"},
                     {"vendor", "syncdrill"},
                     {"quantity", l.quantity},
                     {"current_quantity", l.quantity},
                     {"fulfillable_quantity", closed ? 0 : l.quantity},
                     {"fulfillment_status", fulfilled(o.canonical) ? json("fulfilled") : json()},
                     {"price", shopify_money(l.unit_price_minor)},
                     {"total_discount", "0.00"},
                     {"grams", 0},
                     {"requires_shipping", true},
                     {"taxable", true},
                     {"gift_card", false},
                     {"fulfillment_service", "manual"}});
  }
  const std::string total = shopify_money(o.amount_minor);
  json fulfillments = json::array();
  if (fulfilled(o.canonical)) {
    const uint64_t fid = kShopifyFulfillmentBase + order_id;
    fulfillments.push_back(
        {{"id", fid},
         {"admin_graphql_api_id", fmt::format("gid://shopify/Fulfillment/{}", fid)},
         {"order_id", order_id},
         {"location_id", kShopifyLocationBase + channel},
         {"name", fmt::format("#{}.1", order_number)},
         {"status", "success"},
         {"created_at", updated},
         {"updated_at", updated},
         {"line_items", lines}});
  }
  return json{
      {"id", order_id},
      {"admin_graphql_api_id", fmt::format("gid://shopify/Order/{}", order_id)},
      {"name", fmt::format("#{}", order_number)},
      {"order_number", order_number},
      {"number", order_number - 1000},
      {"email", fmt::format("customer{}@example.com", order_id)},
      {"created_at", created},
      {"processed_at", created},
      {"updated_at", updated},
      {"cancelled_at", cancelled ? json(updated) : json()},
      {"cancel_reason", cancelled ? json("customer") : json()},
      {"closed_at", closed ? json(updated) : json()},
      {"financial_status", financial_status(o.canonical)},
      {"fulfillment_status", fulfilled(o.canonical) ? json("fulfilled") : json()},
      {"confirmed", true},
      {"test", false},
      {"currency", currency},
      {"presentment_currency", currency},
      {"total_price", total},
      {"subtotal_price", total},
      {"current_total_price", total},
      {"total_line_items_price", total},
      {"total_discounts", "0.00"},
      {"total_tax", "0.00"},
      {"taxes_included", false},
      {"tags", ""},
      {"note", nullptr},
      {"source_name", "web"},
      {"line_items", std::move(lines)},
      {"fulfillments", std::move(fulfillments)},
      {"refunds", json::array()},
      {"shipping_lines", json::array()},
  };
}

void shopify_error(RouteCall& call, int status, std::string_view message) {
  reply_json(call.res, status, json{{"errors", message}});
}

void shopify_field_error(RouteCall& call, int status, std::string_view field,
                         std::string_view message) {
  // 422 (validation) lists messages per field; a parameter error (400) gives one string.
  const json value = status == 422 ? json::array({message}) : json(message);
  reply_json(call.res, status, json{{"errors", json{{std::string(field), value}}}});
}

bool shopify_admit(RouteCall& call) {
  if (!call.access_token.empty()) {
    const std::string given = call.req.get_header_value("X-Shopify-Access-Token");
    if (given != call.access_token) {
      shopify_error(call, 401,
                    "[API] Invalid API key or access token (unrecognized login or wrong password)");
      return false;
    }
  }
  if (!valid_version(call.params[1])) {
    set_call_limit(call, call.mocks.peek_shopify(call.channel));
    shopify_error(call, 404, "Not Found");
    return false;
  }
  call.res.set_header("X-Shopify-API-Version", std::string(call.params[1]));
  if (!accepts_json(call.req)) {
    set_call_limit(call, call.mocks.peek_shopify(call.channel));
    shopify_error(call, 406, "Not Acceptable");
    return false;
  }
  const RateLimitStatus s = call.mocks.admit_shopify(call.channel);
  set_call_limit(call, s);
  if (!s.admitted) {
    const auto wall = call.mocks.clock().to_wall(s.retry_after);
    set_retry_after(call, std::chrono::ceil<std::chrono::milliseconds>(wall).count());
    shopify_error(call, 429, throttle_message(s.rate_per_s));
    return false;
  }
  return true;
}

std::optional<uint64_t> shopify_path_id(RouteCall& call, std::string_view text) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    shopify_error(call, 404, "Not Found");
    return std::nullopt;
  }
  return value;
}

std::optional<int64_t> shopify_query_int(RouteCall& call, const char* name, int64_t min,
                                         int64_t max, int64_t fallback) {
  if (!call.req.has_param(name)) return fallback;
  const std::string text = call.req.get_param_value(name);
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    shopify_field_error(call, 400, name,
                        fmt::format("{} must be an integer between {} and {}", name, min, max));
    return std::nullopt;
  }
  return value;
}

std::optional<json> shopify_body(RouteCall& call) {
  // Shopify answers 400 when the Content-Type is not application/json (response-codes page).
  if (call.req.has_header("Content-Type") &&
      !is_json_media_type(call.req.get_header_value("Content-Type"))) {
    shopify_error(call, 400, "Bad Request: the Content-Type must be application/json");
    return std::nullopt;
  }
  json body = json::parse(call.req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    shopify_error(call, 400, "Bad Request: the body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

std::string shopify_link_host(const httplib::Request& req) {
  const std::string host = req.get_header_value("Host");
  const bool clean = !host.empty() && host.size() <= 255 &&
                     host.find_first_not_of(
                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789.-:[]") == std::string::npos;
  return clean ? host : std::string("127.0.0.1");
}

std::string shopify_cursor(std::string_view text) {
  std::string b64 = base64_encode(text);
  for (char& c : b64)
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!b64.empty() && b64.back() == '=')
    b64.pop_back();
  return b64;
}

std::optional<std::string> shopify_cursor_text(std::string_view token, size_t max_chars) {
  if (token.size() > max_chars) return std::nullopt;
  return base64_decode(token, /*url_safe=*/true);
}

std::optional<SkuId> shopify_sku(const LiveMocks& mocks, uint64_t id, uint64_t base) {
  if (id < base || id - base >= mocks.sku_count()) return std::nullopt;
  return static_cast<SkuId>(id - base);
}

std::vector<Route> shopify_routes() {
  constexpr RouteSystem ch = RouteSystem::channel;
  constexpr LiveDialect d = LiveDialect::shopify;
  return {
      {Method::get, "/channels/{name}/admin/api/{version}/orders.json", ch, shopify_list_orders, d,
       shape_error},
      {Method::get, "/channels/{name}/admin/api/{version}/orders/count.json", ch,
       shopify_count_orders, d, shape_error},
      {Method::get, "/channels/{name}/admin/api/{version}/orders/{id}.json", ch, shopify_get_order,
       d, shape_error},
      {Method::get, "/channels/{name}/admin/api/{version}/orders/{id}/fulfillment_orders.json", ch,
       shopify_fulfillment_orders, d, shape_error},
      {Method::post, "/channels/{name}/admin/api/{version}/fulfillments.json", ch,
       shopify_create_fulfillment, d, shape_error},
      {Method::get, "/channels/{name}/admin/api/{version}/locations.json", ch, shopify_locations, d,
       shape_error},
      {Method::get, "/channels/{name}/admin/api/{version}/locations/{id}.json", ch,
       shopify_location, d, shape_error},
      {Method::get, "/channels/{name}/admin/api/{version}/variants/{id}.json", ch, shopify_variant,
       d, shape_error},
      {Method::get, "/channels/{name}/admin/api/{version}/inventory_levels.json", ch,
       shopify_inventory_levels, d, shape_error},
      {Method::post, "/channels/{name}/admin/api/{version}/inventory_levels/set.json", ch,
       shopify_inventory_set, d, shape_error},
      {Method::post, "/channels/{name}/admin/api/{version}/inventory_levels/adjust.json", ch,
       shopify_inventory_adjust, d, shape_error},
  };
}

}  // namespace syncdrill::http
