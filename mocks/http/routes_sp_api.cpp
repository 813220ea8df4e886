// The sp-api dialect: what every operation shares (request ids, authentication, usage plans,
// error shape) and the Orders API v0 routes (getOrders, getOrder, getOrderItems).
#include "mocks/http/routes_sp_api.hpp"

#include <atomic>
#include <charconv>

#include <fmt/format.h>

#include "core/engine/fnv1a.hpp"
#include "mocks/http/routes_sp_api_json.hpp"

namespace syncdrill::http {

namespace {

using nlohmann::json;

constexpr size_t kOrdersPageDefault = 100;  // MaxResultsPerPage: "1 - 100. Default 100."
constexpr size_t kOrdersPageMax = 100;
constexpr size_t kOrderItemsPage = 100;    // undocumented page size: our choice
constexpr size_t kMarketplaceIdsMax = 50;  // "maxItems": 50
constexpr size_t kNextTokenBytesMax = 512;
constexpr Duration kBeforeMargin = minutes(2);  // "at least 2 minutes before the current time"
constexpr std::string_view kTokenSalt = "syncdrill sp-api NextToken v1";

std::atomic<uint64_t> g_request_seq{0};

std::string request_id() {
  const uint64_t n = g_request_seq.fetch_add(1) + 1;
  return fmt::format("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", 0x5d000000u, 0, (n >> 48) & 0xfff,
                     (n >> 36) & 0xfff, n & 0xffffffffffff);
}

std::string rate_header(const RouteCall& call, SpApiOperation op) {
  // The documented rate per second, scaled to the wall clock the connector paces itself by.
  return fmt::format("{:g}", sp_api_usage_plan(op).rate_per_s * call.mocks.clock().time_scale());
}

// The operation a route serves, from its path and method (for the shaper's headers).
std::optional<SpApiOperation> operation_of(const httplib::Request& req) {
  const std::string_view path = req.path;
  if (path.find("/listings/2021-08-01/items/") != std::string_view::npos) {
    return req.method == "PATCH" ? SpApiOperation::patch_listings_item
                                 : SpApiOperation::get_listings_item;
  }
  if (path.find("/orders/v0/orders") == std::string_view::npos) return std::nullopt;
  if (path.ends_with("/orderItems")) return SpApiOperation::get_order_items;
  if (path.ends_with("/orders/v0/orders")) return SpApiOperation::get_orders;
  return SpApiOperation::get_order;
}

uint64_t token_check(std::string_view payload) {
  return fnv1a64(payload, fnv1a64(kTokenSalt));
}

std::string seal(const std::string& payload) {
  return fmt::format("{}.{:016x}", payload, token_check(payload));
}

// The payload of a sealed token, or nullopt when it is not one this server gave out.
std::optional<std::vector<uint64_t>> unseal(std::string_view token, char kind, size_t fields) {
  if (token.size() > kNextTokenBytesMax || token.size() < 19) return std::nullopt;
  const std::string_view payload = token.substr(0, token.size() - 17);
  if (token[token.size() - 17] != '.' ||
      fmt::format("{:016x}", token_check(payload)) != token.substr(token.size() - 16) ||
      payload.empty() || payload[0] != kind) {
    return std::nullopt;
  }
  std::vector<uint64_t> out;
  size_t pos = 1;
  while (pos < payload.size() && payload[pos] == '.') {
    const size_t end = std::min(payload.find('.', pos + 1), payload.size());
    uint64_t v = 0;
    const auto [p, ec] = std::from_chars(payload.data() + pos + 1, payload.data() + end, v);
    if (ec != std::errc() || p != payload.data() + end) return std::nullopt;
    out.push_back(v);
    pos = end;
  }
  if (pos != payload.size() || out.size() != fields) return std::nullopt;
  return out;
}

// An ISO-8601 date of a query parameter (SP-API takes no other form); nullopt + 400 if bad.
std::optional<SimTime> read_date(RouteCall& call, const char* name, bool& bad) {
  if (!call.req.has_param(name)) return std::nullopt;
  const std::string text = call.req.get_param_value(name);
  const bool digits_only = text.find_first_not_of("0123456789") == std::string::npos;
  const auto t = digits_only ? std::nullopt : call.mocks.clock().parse_instant(text);
  if (!t) {
    bad = true;
    sp_api_error(call, 400, "InvalidInput", fmt::format("{} is not a valid ISO 8601 date", name),
                 text.substr(0, 64));
  }
  return t;
}

bool marketplaces_ok(RouteCall& call, const char* name, const char* code) {
  const std::vector<std::string> ids = query_list(call.req, name);
  if (ids.empty()) {
    sp_api_error(call, 400, code, fmt::format("Missing required parameter {}", name));
    return false;
  }
  if (ids.size() > kMarketplaceIdsMax) {
    sp_api_error(call, 400, code, fmt::format("{} has more than 50 entries", name));
    return false;
  }
  for (const std::string& id : ids) {
    if (id != kSpApiMarketplaceId) {
      sp_api_error(call, 400, code, fmt::format("Invalid {} value", name), id.substr(0, 64));
      return false;
    }
  }
  return true;
}

// getOrders' criteria, as given or as a NextToken carries them.
struct OrdersCriteria {
  OrderWindowQuery query;
  SimTime before_echo{};  // the payload's CreatedBefore / LastUpdatedBefore
};

std::optional<OrdersCriteria> criteria_from_token(RouteCall& call) {
  const auto f = unseal(call.req.get_param_value("NextToken"), 'o', 7);
  if (!f || (*f)[0] > 1 || (*f)[4] < 1 || (*f)[4] > kOrdersPageMax) {
    sp_api_error(call, 400, "InvalidInput", "Invalid NextToken");
    return std::nullopt;
  }
  OrdersCriteria c;
  c.query.by_created = (*f)[0] == 1;
  c.query.before = SimTime{static_cast<int64_t>((*f)[1])};
  c.before_echo = *c.query.before;
  c.query.status_mask = static_cast<uint32_t>((*f)[2]);
  c.query.cursor = std::pair{static_cast<int64_t>((*f)[3]), (*f)[5]};
  c.query.limit = (*f)[4];
  c.query.after = SimTime{static_cast<int64_t>((*f)[6])};
  return c;
}

std::optional<OrdersCriteria> criteria_from_query(RouteCall& call) {
  const SimTime now = call.mocks.clock().now();
  bool bad = false;
  const auto created_after = read_date(call, "CreatedAfter", bad);
  const auto created_before = bad ? std::nullopt : read_date(call, "CreatedBefore", bad);
  const auto updated_after = bad ? std::nullopt : read_date(call, "LastUpdatedAfter", bad);
  const auto updated_before = bad ? std::nullopt : read_date(call, "LastUpdatedBefore", bad);
  if (bad) return std::nullopt;
  const auto fail = [&](std::string_view message) {
    sp_api_error(call, 400, "InvalidInput", message);
    return std::nullopt;
  };
  if (created_after.has_value() == updated_after.has_value()) {
    return fail("Exactly one of CreatedAfter and LastUpdatedAfter is required");
  }
  if (created_before && !created_after) return fail("CreatedBefore requires CreatedAfter");
  if (updated_before && !updated_after) return fail("LastUpdatedBefore requires LastUpdatedAfter");
  OrdersCriteria c;
  c.query.by_created = created_after.has_value();
  c.query.after = c.query.by_created ? *created_after : *updated_after;
  c.query.before = c.query.by_created ? created_before : updated_before;
  if (c.query.before) {
    if (c.query.before->us < c.query.after.us) {
      return fail(c.query.by_created ? "CreatedBefore must not be before CreatedAfter"
                                     : "LastUpdatedBefore must not be before LastUpdatedAfter");
    }
    if (now.us - c.query.before->us < kBeforeMargin.us) {
      return fail(c.query.by_created
                      ? "CreatedBefore must be at least 2 minutes before the current time"
                      : "LastUpdatedBefore must be at least 2 minutes before the current time");
    }
  }
  c.before_echo = c.query.before.value_or(now);
  c.query.before = c.before_echo;  // later pages keep to the first page's window
  if (call.req.has_param("OrderStatuses")) {
    c.query.status_mask = 0;
    for (const std::string& s : query_list(call.req, "OrderStatuses")) {
      const auto mask = sp_api_status_mask(s);
      if (!mask) return fail("Invalid OrderStatuses value: " + s.substr(0, 32));
      c.query.status_mask |= *mask;
    }
  }
  c.query.limit = kOrdersPageDefault;
  if (call.req.has_param("MaxResultsPerPage")) {
    const std::string text = call.req.get_param_value("MaxResultsPerPage");
    size_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > kOrdersPageMax) {
      return fail("MaxResultsPerPage must be an integer from 1 to 100");
    }
    c.query.limit = n;
  }
  return c;
}

void get_orders(RouteCall& call) {
  if (!sp_api_begin(call, SpApiOperation::get_orders)) return;
  if (!marketplaces_ok(call, "MarketplaceIds", "InvalidInput")) return;
  // "If NextToken is present, that will be used to retrieve the orders instead of other
  // criteria" (ordersV0.json): the token carries the first request's criteria and a cursor.
  const auto c =
      call.req.has_param("NextToken") ? criteria_from_token(call) : criteria_from_query(call);
  if (!c) return;
  const OrderWindowPage page = call.mocks.orders_in_window(call.channel, c->query);
  const std::string& currency = call.mocks.scenario().currency;
  json orders = json::array();
  for (const ChannelOrderView& o : page.orders)
    orders.push_back(sp_api_order_json(call.mocks.clock(), currency, o));
  json payload = {{"Orders", std::move(orders)}};
  payload[c->query.by_created ? "CreatedBefore" : "LastUpdatedBefore"] =
      call.mocks.clock().to_iso8601(c->before_echo);
  if (page.next) {
    payload["NextToken"] =
        seal(fmt::format("o.{}.{}.{}.{}.{}.{}.{}", c->query.by_created ? 1 : 0, c->before_echo.us,
                         c->query.status_mask, page.next->first, c->query.limit, page.next->second,
                         c->query.after.us));
  }
  reply_json(call.res, 200, {{"payload", std::move(payload)}});
}

std::optional<ChannelOrderView> read_order(RouteCall& call) {
  const auto id = parse_amazon_order_id(call.params[1]);
  if (!id) {
    sp_api_error(call, 400, "InvalidInput", "orderId must be an Amazon order id (3-7-7 digits)",
                 std::string(call.params[1].substr(0, 64)));
    return std::nullopt;
  }
  auto order = call.mocks.channel_order(call.channel, *id);
  if (!order) {
    sp_api_error(call, 404, "NotFound", "The resource specified does not exist.",
                 std::string(call.params[1]));
  }
  return order;
}

void get_order(RouteCall& call) {
  if (!sp_api_begin(call, SpApiOperation::get_order)) return;
  const auto order = read_order(call);
  if (!order) return;
  reply_json(
      call.res, 200,
      {{"payload", sp_api_order_json(call.mocks.clock(), call.mocks.scenario().currency, *order)}});
}

void get_order_items(RouteCall& call) {
  if (!sp_api_begin(call, SpApiOperation::get_order_items)) return;
  const auto order = read_order(call);
  if (!order) return;
  size_t first = 0;
  if (call.req.has_param("NextToken")) {
    // A token names its order and the first line of its page.
    const auto f = unseal(call.req.get_param_value("NextToken"), 'i', 2);
    if (!f || (*f)[0] != order->id || (*f)[1] == 0 || (*f)[1] >= order->lines.size()) {
      return sp_api_error(call, 400, "InvalidInput", "Invalid NextToken");
    }
    first = (*f)[1];
  }
  const size_t end = std::min(order->lines.size(), first + kOrderItemsPage);
  json items = json::array();
  for (size_t i = first; i < end; ++i)
    items.push_back(sp_api_order_item_json(call.mocks.scenario().currency, *order, i));
  json payload = {{"AmazonOrderId", amazon_order_id(order->id)}, {"OrderItems", std::move(items)}};
  if (end < order->lines.size())
    payload["NextToken"] = seal(fmt::format("i.{}.{}", order->id, end));
  reply_json(call.res, 200, {{"payload", std::move(payload)}});
}

}  // namespace

void sp_api_error(RouteCall& call, int status, std::string_view code, std::string_view message,
                  std::string_view details) {
  reply_json(
      call.res, status,
      {{"errors", json::array({{{"code", code}, {"message", message}, {"details", details}}})}});
}

void sp_api_shape_error(RouteCall& call, int status, std::string_view, std::string_view detail,
                        int64_t) {
  // SP-API documents no Retry-After: the retry_after_ms a fault asks for is left out.
  if (!call.res.has_header("x-amzn-RequestId"))
    call.res.set_header("x-amzn-RequestId", request_id());
  if (const auto op = operation_of(call.req);
      op && !call.res.has_header("x-amzn-RateLimit-Limit")) {
    call.res.set_header("x-amzn-RateLimit-Limit", rate_header(call, *op));
  }
  switch (status) {
    case 429:
      return sp_api_error(call, 429, "QuotaExceeded",
                          "You exceeded your quota for the requested resource.");
    case 403:
      return sp_api_error(call, 403, "Unauthorized", "Access to requested resource is denied.");
    case 404:
      return sp_api_error(call, 404, "NotFound", "The resource specified does not exist.");
    case 503:
      return sp_api_error(call, 503, "ServiceUnavailable", "Service temporarily unavailable.",
                          detail);
    default:
      if (status >= 500) {
        return sp_api_error(call, status, "InternalFailure",
                            "We encountered an internal error. Please try again.", detail);
      }
      return sp_api_error(call, status, "InvalidInput", "Invalid Input", detail);
  }
}

bool sp_api_begin(RouteCall& call, SpApiOperation op) {
  call.res.set_header("x-amzn-RequestId", request_id());
  call.res.set_header("x-amzn-RateLimit-Limit", rate_header(call, op));
  // The token is checked before the bucket: a refused caller spends no quota.
  const std::string token = call.req.get_header_value("x-amz-access-token");
  if (token.empty() || call.access_token.empty() || token != call.access_token) {
    sp_api_error(call, 403, "Unauthorized", "Access to requested resource is denied.",
                 token.empty() ? "The x-amz-access-token header is missing." : "");
    return false;
  }
  if (!call.mocks.sp_api_throttle().admit(call.channel, op)) {
    sp_api_error(call, 429, "QuotaExceeded", "You exceeded your quota for the requested resource.");
    return false;
  }
  return true;
}

std::vector<std::string> query_list(const httplib::Request& req, const char* name) {
  std::vector<std::string> out;
  const auto [from, to] = req.params.equal_range(name);
  for (auto it = from; it != to; ++it) {
    const std::string& v = it->second;
    size_t pos = 0;
    while (true) {
      const size_t comma = v.find(',', pos);
      out.push_back(v.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  }
  return out;
}

std::vector<Route> sp_api_routes() {
  constexpr RouteSystem ch = RouteSystem::channel;
  constexpr LiveDialect sp = LiveDialect::sp_api;
  std::vector<Route> routes = {
      {Method::get, "/channels/{name}/orders/v0/orders", ch, get_orders, sp, sp_api_shape_error},
      {Method::get, "/channels/{name}/orders/v0/orders/{orderId}", ch, get_order, sp,
       sp_api_shape_error},
      {Method::get, "/channels/{name}/orders/v0/orders/{orderId}/orderItems", ch, get_order_items,
       sp, sp_api_shape_error},
  };
  for (std::vector<Route> more : {sp_api_listings_routes(), sp_api_sqs_routes()})
    routes.insert(routes.end(), more.begin(), more.end());
  return routes;
}

}  // namespace syncdrill::http
