// Channel routes: inventory (read, set, adjust, compare-and-set), prices, orders by update time,
// order status in the channel's own vocabulary. The dispatcher has already resolved the channel
// (call.channel) and passed its rate limiter.
#include <charconv>
#include <limits>

#include "mocks/http/server_routes.hpp"

namespace syncdrill::http {

namespace {

using nlohmann::json;

constexpr size_t kOrdersLimitDefault = 50;
constexpr size_t kOrdersLimitMax = 250;  // as Shopify's page size

json inventory_json(uint64_t sku, const InventoryResult& r) {
  return json{{"sku", sku}, {"quantity", r.quantity}, {"version", r.version}};
}

json order_json(const LiveClock& clock, const ChannelOrderView& o) {
  json lines = json::array();
  for (const OrderLine& l : o.lines) {
    lines.push_back(
        {{"sku", l.sku}, {"quantity", l.quantity}, {"unit_price_minor", l.unit_price_minor}});
  }
  return json{{"id", o.id},
              {"status", o.status},
              {"canonical_status", to_string(o.canonical)},
              {"updated_at_us", o.updated_at.us},
              {"updated_at", clock.to_iso8601(o.updated_at)},
              {"amount_minor", o.amount_minor},
              {"lines", std::move(lines)}};
}

// Answers an inventory write: 200 with the listing, 404 unknown SKU, 409 version conflict (with
// the current quantity and version, so the client can retry with a fresh read).
void reply_inventory(RouteCall& call, uint64_t sku, const InventoryResult& r) {
  if (r.error == ErrorClass::none) return reply_json(call.res, 200, inventory_json(sku, r));
  if (r.error == ErrorClass::conflict) {
    json body = inventory_json(sku, r);
    body["error"] = "conflict";
    body["detail"] = "version mismatch: the listing is at version " + std::to_string(r.version);
    return reply_json(call.res, 409, body);
  }
  reply_mock_error(call.res, r.error, "unknown SKU " + std::to_string(sku));
}

void get_inventory(RouteCall& call) {
  const auto sku = read_id(call, call.params[1], UINT32_MAX, "SKU");
  if (!sku) return;
  const std::optional<Listing> l = call.mocks.listing(call.channel, static_cast<SkuId>(*sku));
  if (!l) return reply_error(call.res, 404, "not_found", "unknown SKU " + std::to_string(*sku));
  reply_json(call.res, 200,
             {{"sku", *sku},
              {"quantity", l->quantity},
              {"version", l->version},
              {"price_minor", l->price_minor}});
}

void set_inventory(RouteCall& call) {
  const auto body = read_body(call);
  if (!body) return;
  const auto sku = read_int(call, *body, "sku", 0, UINT32_MAX);
  if (!sku) return;
  const auto quantity = read_int(call, *body, "quantity", 0, UINT32_MAX);
  if (!quantity) return;
  reply_inventory(call, *sku,
                  call.mocks.set_quantity(call.channel, static_cast<SkuId>(*sku),
                                          static_cast<uint32_t>(*quantity)));
}

void adjust_inventory(RouteCall& call) {
  const auto body = read_body(call);
  if (!body) return;
  const auto sku = read_int(call, *body, "sku", 0, UINT32_MAX);
  if (!sku) return;
  const auto delta = read_int(call, *body, "delta", -kDeltaMax, kDeltaMax);
  if (!delta) return;
  reply_inventory(call, *sku, call.mocks.adjust(call.channel, static_cast<SkuId>(*sku), *delta));
}

void compare_and_set_inventory(RouteCall& call) {
  const auto body = read_body(call);
  if (!body) return;
  const auto sku = read_int(call, *body, "sku", 0, UINT32_MAX);
  if (!sku) return;
  const auto expected = read_int(call, *body, "expected_version", 0, UINT32_MAX);
  if (!expected) return;
  const auto quantity = read_int(call, *body, "quantity", 0, UINT32_MAX);
  if (!quantity) return;
  reply_inventory(call, *sku,
                  call.mocks.compare_and_set(call.channel, static_cast<SkuId>(*sku),
                                             static_cast<uint32_t>(*expected),
                                             static_cast<uint32_t>(*quantity)));
}

void set_price(RouteCall& call) {
  const auto body = read_body(call);
  if (!body) return;
  const auto sku = read_int(call, *body, "sku", 0, UINT32_MAX);
  if (!sku) return;
  const auto price = read_int(call, *body, "price_minor", 0, kAmountMinorMax);
  if (!price) return;
  const Response r = call.mocks.set_channel_price(call.channel, static_cast<SkuId>(*sku), *price);
  if (!r.ok()) return reply_mock_error(call.res, r.error, "unknown SKU " + std::to_string(*sku));
  reply_json(call.res, 200, {{"sku", *sku}, {"price_minor", *price}});
}

// GET /channels/{name}/orders?updated_since=T&after_id=ID&limit=N: orders by (update time, id),
// from T inclusive, or strictly after (T, ID) when after_id is given (the `next` cursor).
void list_orders(RouteCall& call) {
  const LiveClock& clock = call.mocks.clock();
  SimTime since{};
  if (call.req.has_param("updated_since")) {
    const auto t = clock.parse_instant(call.req.get_param_value("updated_since"));
    if (!t) {
      return reply_error(call.res, 400, "invalid_field",
                         "updated_since: expected simulated microseconds or an ISO-8601 UTC time");
    }
    since = *t;
  }
  std::optional<uint64_t> after_id;
  size_t limit = kOrdersLimitDefault;
  for (const char* name : {"after_id", "limit"}) {
    if (!call.req.has_param(name)) continue;
    const std::string text = call.req.get_param_value(name);
    uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    const bool is_limit = std::string_view(name) == "limit";
    if (ec != std::errc() || end != text.data() + text.size() ||
        (is_limit && (value < 1 || value > kOrdersLimitMax))) {
      return reply_error(call.res, 400, "invalid_field",
                         std::string(name) + (is_limit ? ": expected an integer in [1, 250]"
                                                       : ": expected a non-negative integer"));
    }
    if (is_limit) {
      limit = value;
    } else {
      after_id = value;
    }
  }
  const auto orders = call.mocks.orders_updated_since(call.channel, since, after_id, limit);
  json list = json::array();
  for (const ChannelOrderView& o : orders)
    list.push_back(order_json(clock, o));
  json next = nullptr;
  if (orders.size() == limit) {
    next = {{"updated_since", orders.back().updated_at.us}, {"after_id", orders.back().id}};
  }
  reply_json(call.res, 200, {{"orders", std::move(list)}, {"next", std::move(next)}});
}

void get_order(RouteCall& call) {
  const auto id = read_id(call, call.params[1], UINT64_MAX, "order");
  if (!id) return;
  const auto order = call.mocks.channel_order(call.channel, *id);
  if (!order)
    return reply_error(call.res, 404, "not_found", "unknown order " + std::to_string(*id));
  reply_json(call.res, 200, order_json(call.mocks.clock(), *order));
}

void put_order_status(RouteCall& call) {
  const auto id = read_id(call, call.params[1], UINT64_MAX, "order");
  if (!id) return;
  const auto body = read_body(call);
  if (!body) return;
  const auto status = read_string(call, *body, "status");
  if (!status) return;
  const ChannelEventResult r = call.mocks.set_channel_status(call.channel, *id, *status);
  if (r.error == ErrorClass::not_found) {
    return reply_error(call.res, 404, "not_found", "unknown order " + std::to_string(*id));
  }
  if (r.error != ErrorClass::none) {
    return reply_mock_error(call.res, r.error,
                            "unknown status '" + *status + "' in this channel's vocabulary");
  }
  json out = order_json(call.mocks.clock(), *call.mocks.channel_order(call.channel, *id));
  out["changed"] = r.emitted;
  reply_json(call.res, 200, out);
}

}  // namespace

std::vector<Route> channel_routes() {
  constexpr RouteSystem ch = RouteSystem::channel;
  return {
      {Method::get, "/channels/{name}/inventory/{sku}", ch, get_inventory},
      {Method::post, "/channels/{name}/inventory/set", ch, set_inventory},
      {Method::post, "/channels/{name}/inventory/adjust", ch, adjust_inventory},
      {Method::post, "/channels/{name}/inventory/compare-and-set", ch, compare_and_set_inventory},
      {Method::post, "/channels/{name}/prices/set", ch, set_price},
      {Method::get, "/channels/{name}/orders", ch, list_orders},
      {Method::get, "/channels/{name}/orders/{id}", ch, get_order},
      {Method::put, "/channels/{name}/orders/{id}/status", ch, put_order_status},
  };
}

}  // namespace syncdrill::http
