// The shopify dialect's orders and fulfillments: GET orders.json (filters, cursor pagination in
// the Link header), orders/count.json, orders/{id}.json, orders/{id}/fulfillment_orders.json and
// POST fulfillments.json (line_items_by_fulfillment_order), which ships the channel order.
#include <array>
#include <charconv>
#include <string>

#include <fmt/format.h>

#include "mocks/http/routes_shopify.hpp"

namespace syncdrill::http {

namespace {

using nlohmann::json;

constexpr int64_t kLimitDefault = 50;
constexpr int64_t kLimitMax = 250;
constexpr size_t kFulfillmentEntriesMax = 250;

enum class StatusFilter : uint8_t { open, closed, cancelled, any };
constexpr std::array<std::string_view, 4> kStatusNames = {"open", "closed", "cancelled", "any"};

struct OrderQuery {
  StatusFilter status = StatusFilter::open;  // Shopify's documented default
  // Microseconds since the Unix epoch, compared with the times the orders SHOW (whole seconds),
  // inclusive as Shopify's are: a client that passes the last order's updated_at back gets
  // every order updated in that second again, never misses one.
  std::optional<int64_t> created_min_us;
  std::optional<int64_t> updated_min_us;
  const LiveClock* clock = nullptr;  // not in the cursor: set for each request
};

bool is_closed(OrderStatus s) {
  return s != OrderStatus::pending && s != OrderStatus::confirmed && s != OrderStatus::picking;
}

bool keep_order(const ChannelOrderStamp& s, const void* context) {
  const auto& q = *static_cast<const OrderQuery*>(context);
  if (q.created_min_us && shopify_shown_unix_us(*q.clock, s.created_at) < *q.created_min_us) {
    return false;
  }
  if (q.updated_min_us && shopify_shown_unix_us(*q.clock, s.updated_at) < *q.updated_min_us) {
    return false;
  }
  switch (q.status) {
    case StatusFilter::open:
      return !is_closed(s.canonical);
    case StatusFilter::closed:
      return is_closed(s.canonical);
    case StatusFilter::cancelled:
      return s.canonical == OrderStatus::cancelled;
    case StatusFilter::any:
      return true;
  }
  return true;
}

// The cursor: "o1.<next id>.<status>.<created_min_us|->.<updated_min_us|->", base64url. Opaque
// to clients, as Shopify's page_info is; it carries the first request's filters.
std::string encode_page_info(uint64_t next_id, const OrderQuery& q) {
  const auto opt = [](const std::optional<int64_t>& v) {
    return v ? std::to_string(*v) : std::string("-");
  };
  std::string text = fmt::format("o1.{}.{}.{}.{}", next_id, static_cast<int>(q.status),
                                 opt(q.created_min_us), opt(q.updated_min_us));
  return shopify_cursor(text);
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

std::optional<std::pair<uint64_t, OrderQuery>> decode_page_info(std::string_view token) {
  const std::optional<std::string> text = shopify_cursor_text(token, 256);
  if (!text) return std::nullopt;
  std::array<std::string_view, 5> parts{};
  std::string_view rest = *text;
  for (size_t i = 0; i < parts.size(); ++i) {
    const size_t dot = rest.find('.');
    if ((dot == std::string_view::npos) != (i + 1 == parts.size())) return std::nullopt;
    parts[i] = rest.substr(0, dot);
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  }
  uint64_t next_id = 0;
  int status = 0;
  if (parts[0] != "o1" || !parse_number(parts[1], next_id) || !parse_number(parts[2], status) ||
      status < 0 || status > 3) {
    return std::nullopt;
  }
  OrderQuery q;
  q.status = static_cast<StatusFilter>(status);
  for (size_t i = 3; i < 5; ++i) {
    if (parts[i] == "-") continue;
    int64_t v = 0;
    if (!parse_number(parts[i], v)) return std::nullopt;
    (i == 3 ? q.created_min_us : q.updated_min_us) = v;
  }
  return std::pair{next_id, q};
}

// The filters of a first request (no page_info). false: answered 400.
bool read_filters(RouteCall& call, OrderQuery& q, uint64_t& first_id) {
  const auto since = shopify_query_int(call, "since_id", 0, INT64_MAX, -1);
  if (!since) return false;
  // Shopify ids above since_id: channel order ids from since_id on (Shopify id = channel id + 1).
  first_id = *since < 0 ? 0 : static_cast<uint64_t>(*since);
  for (const char* name : {"created_at_min", "updated_at_min"}) {
    if (!call.req.has_param(name)) continue;
    const auto t = shopify_parse_time(call.mocks.clock(), call.req.get_param_value(name));
    if (!t) {
      shopify_field_error(call, 400, name, std::string(name) + " must be an ISO-8601 time");
      return false;
    }
    (std::string_view(name) == "created_at_min" ? q.created_min_us : q.updated_min_us) = *t;
  }
  if (call.req.has_param("status")) {
    const std::string s = call.req.get_param_value("status");
    const auto it = std::find(kStatusNames.begin(), kStatusNames.end(), s);
    if (it == kStatusNames.end()) {
      shopify_field_error(call, 400, "status",
                          "status must be one of open, closed, cancelled, any");
      return false;
    }
    q.status = static_cast<StatusFilter>(it - kStatusNames.begin());
  }
  return true;
}

// Keeps only the top-level keys `fields` names ("id,updated_at"); all when absent.
json select_fields(json order, const std::string& fields) {
  if (fields.empty()) return order;
  json out = json::object();
  size_t start = 0;
  while (start <= fields.size()) {
    const size_t comma = std::min(fields.find(',', start), fields.size());
    const std::string key = fields.substr(start, comma - start);
    if (const auto it = order.find(key); it != order.end()) out[key] = std::move(*it);
    start = comma + 1;
  }
  return out;
}

bool fields_are_clean(const std::string& fields) {
  return fields.size() <= 1000 &&
         fields.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_,") == std::string::npos;
}

json fulfillment_order_json(const LiveMocks& mocks, uint32_t channel, const ChannelOrderView& o) {
  const std::string created = shopify_time(mocks.clock(), o.created_at);
  const std::string updated = shopify_time(mocks.clock(), o.updated_at);
  const bool open = !is_closed(o.canonical);
  const std::string_view status = o.canonical == OrderStatus::cancelled ? "cancelled"
                                  : open                                ? "open"
                                                                        : "closed";
  const uint64_t order_id = shopify_order_id(o.id);
  const uint64_t id = kShopifyFulfillmentOrderBase + order_id;
  const uint64_t location = kShopifyLocationBase + channel;
  json lines = json::array();
  for (size_t i = 0; i < o.lines.size(); ++i) {
    const OrderLine& l = o.lines[i];
    lines.push_back(
        {{"id", kShopifyFulfillmentOrderLineBase + order_id * kShopifyLinesPerOrder + i},
         {"shop_id", kShopifyShopId},
         {"fulfillment_order_id", id},
         {"line_item_id", kShopifyLineItemBase + order_id * kShopifyLinesPerOrder + i},
         {"inventory_item_id", kShopifyInventoryItemBase + l.sku},
         {"variant_id", kShopifyVariantBase + l.sku},
         {"quantity", l.quantity},
         {"fulfillable_quantity", open ? l.quantity : 0}});
  }
  return json{{"id", id},
              {"shop_id", kShopifyShopId},
              {"order_id", order_id},
              {"assigned_location_id", location},
              {"assigned_location",
               {{"location_id", location}, {"name", mocks.scenario().channels[channel].name}}},
              {"request_status", "unsubmitted"},
              {"status", status},
              {"supported_actions", open ? json::array({"create_fulfillment"}) : json::array()},
              {"destination", nullptr},
              {"delivery_method", nullptr},
              {"fulfill_at", created},
              {"fulfill_by", nullptr},
              {"fulfillment_holds", json::array()},
              {"merchant_requests", json::array()},
              {"created_at", created},
              {"updated_at", updated},
              {"line_items", std::move(lines)}};
}

// The channel order behind a path's order id; answers 404 when there is none.
std::optional<ChannelOrderView> path_order(RouteCall& call) {
  const auto id = shopify_path_id(call, call.params[2]);
  if (!id) return std::nullopt;
  const std::optional<uint64_t> channel_order = channel_order_of(*id);
  if (!channel_order) {
    shopify_error(call, 404, "Not Found");
    return std::nullopt;
  }
  auto order = call.mocks.channel_order(call.channel, *channel_order);
  if (!order) shopify_error(call, 404, "Not Found");
  return order;
}

}  // namespace

void shopify_list_orders(RouteCall& call) {
  if (!shopify_admit(call)) return;
  const auto limit = shopify_query_int(call, "limit", 1, kLimitMax, kLimitDefault);
  if (!limit) return;
  const std::string fields = call.req.get_param_value("fields");
  if (!fields_are_clean(fields)) {
    return shopify_field_error(call, 400, "fields", "fields must be a comma-separated list");
  }
  OrderQuery q;
  uint64_t first_id = 0;
  if (call.req.has_param("page_info")) {
    // Shopify: a request with page_info takes no other parameters than limit and fields.
    for (const char* p : {"since_id", "created_at_min", "created_at_max", "updated_at_min",
                          "updated_at_max", "status", "ids", "financial_status",
                          "fulfillment_status", "processed_at_min", "processed_at_max"}) {
      if (call.req.has_param(p)) {
        return shopify_field_error(call, 400, p,
                                   std::string(p) + " cannot be passed when page_info is present.");
      }
    }
    const auto cursor = decode_page_info(call.req.get_param_value("page_info"));
    if (!cursor) return shopify_field_error(call, 400, "page_info", "Invalid value.");
    first_id = cursor->first;
    q = cursor->second;
  } else if (!read_filters(call, q, first_id)) {
    return;
  }
  q.clock = &call.mocks.clock();
  std::vector<ChannelOrderView> orders;
  const auto want = static_cast<size_t>(*limit);
  call.mocks.scan_channel_orders(call.channel, first_id, keep_order, &q, want + 1, &orders);
  const bool more = orders.size() > want;
  if (more) orders.pop_back();
  json list = json::array();
  for (const ChannelOrderView& o : orders)
    list.push_back(select_fields(shopify_order_json(call.mocks, call.channel, o), fields));
  if (more) {
    const std::string url = fmt::format(
        "http://{}/channels/{}/admin/api/{}/orders.json?limit={}{}{}&page_info={}",
        shopify_link_host(call.req), call.params[0], call.params[1], want,
        fields.empty() ? "" : "&fields=", fields, encode_page_info(orders.back().id + 1, q));
    call.res.set_header("Link", "<" + url + ">; rel=\"next\"");
  }
  reply_json(call.res, 200, json{{"orders", std::move(list)}});
}

void shopify_count_orders(RouteCall& call) {
  if (!shopify_admit(call)) return;
  OrderQuery q;
  uint64_t first_id = 0;
  if (!read_filters(call, q, first_id)) return;
  q.clock = &call.mocks.clock();
  const uint64_t n =
      call.mocks.scan_channel_orders(call.channel, first_id, keep_order, &q, 0, nullptr);
  reply_json(call.res, 200, json{{"count", n}});
}

void shopify_get_order(RouteCall& call) {
  if (!shopify_admit(call)) return;
  const auto order = path_order(call);
  if (!order) return;
  const std::string fields = call.req.get_param_value("fields");
  if (!fields_are_clean(fields)) {
    return shopify_field_error(call, 400, "fields", "fields must be a comma-separated list");
  }
  reply_json(
      call.res, 200,
      json{{"order", select_fields(shopify_order_json(call.mocks, call.channel, *order), fields)}});
}

void shopify_fulfillment_orders(RouteCall& call) {
  if (!shopify_admit(call)) return;
  const auto order = path_order(call);
  if (!order) return;
  reply_json(call.res, 200,
             json{{"fulfillment_orders",
                   json::array({fulfillment_order_json(call.mocks, call.channel, *order)})}});
}

void shopify_create_fulfillment(RouteCall& call) {
  if (!shopify_admit(call)) return;
  const auto body = shopify_body(call);
  if (!body) return;
  const auto f = body->find("fulfillment");
  if (f == body->end() || !f->is_object()) {
    return shopify_field_error(call, 400, "fulfillment", "Required parameter missing or invalid");
  }
  const auto groups = f->find("line_items_by_fulfillment_order");
  if (groups == f->end() || !groups->is_array() || groups->empty() ||
      groups->size() > kFulfillmentEntriesMax) {
    return shopify_field_error(call, 422, "line_items_by_fulfillment_order",
                               "must be a list of 1 to 250 fulfillment orders");
  }
  // One fulfillment ships one order: every entry names that order's fulfillment order.
  std::optional<uint64_t> order_id;
  for (const json& g : *groups) {
    const auto id = g.is_object() ? g.find("fulfillment_order_id") : g.end();
    if (!g.is_object() || id == g.end() || !id->is_number_unsigned()) {
      return shopify_field_error(call, 422, "fulfillment_order_id", "must be an integer");
    }
    const uint64_t fo = id->get<uint64_t>();
    // Fulfillment order id = base + Shopify order id = base + channel order id + 1.
    if (fo <= kShopifyFulfillmentOrderBase ||
        fo - kShopifyFulfillmentOrderBase > call.mocks.channel_order_count(call.channel)) {
      return shopify_error(call, 404, "Not Found");
    }
    const uint64_t channel_order = fo - kShopifyFulfillmentOrderBase - 1;
    if (order_id && *order_id != channel_order) {
      return shopify_field_error(call, 422, "base",
                                 "all fulfillment orders must belong to the same order");
    }
    order_id = channel_order;
  }
  const auto order = call.mocks.channel_order(call.channel, *order_id);
  if (!order) return shopify_error(call, 404, "Not Found");
  if (is_closed(order->canonical)) {
    return shopify_field_error(
        call, 422, "base",
        fmt::format("Fulfillment order {} has an unfulfillable status= {}.",
                    kShopifyFulfillmentOrderBase + shopify_order_id(order->id),
                    order->canonical == OrderStatus::cancelled ? "cancelled" : "closed"));
  }
  const ChannelEventResult r =
      call.mocks.set_channel_canonical(call.channel, order->id, OrderStatus::shipped);
  if (r.error != ErrorClass::none) return shopify_error(call, 404, "Not Found");
  const auto shipped = call.mocks.channel_order(call.channel, order->id);
  json out = shopify_order_json(call.mocks, call.channel, *shipped)["fulfillments"][0];
  json tracking = f->value("tracking_info", json::object());
  if (!tracking.is_object()) tracking = json::object();
  const auto text = [&](const char* key) {
    const auto it = tracking.find(key);
    return it != tracking.end() && it->is_string() ? json(*it) : json();
  };
  out["tracking_company"] = text("company");
  out["tracking_number"] = text("number");
  out["tracking_url"] = text("url");
  out["tracking_numbers"] =
      out["tracking_number"].is_null() ? json::array() : json::array({out["tracking_number"]});
  out["tracking_urls"] =
      out["tracking_url"].is_null() ? json::array() : json::array({out["tracking_url"]});
  out["shipment_status"] = nullptr;
  out["service"] = "manual";
  reply_json(call.res, 201, json{{"fulfillment", std::move(out)}});
}

}  // namespace syncdrill::http
