// ERP, OMS and WMS routes.
#include <algorithm>
#include <charconv>

#include "core/engine/fnv1a.hpp"
#include "mocks/http/server_routes.hpp"

namespace syncdrill::http {

namespace {

using nlohmann::json;

constexpr size_t kIdempotencyKeyBytesMax = 255;

json lines_json(const std::vector<OrderLine>& lines) {
  json out = json::array();
  for (const OrderLine& l : lines) {
    out.push_back(
        {{"sku", l.sku}, {"quantity", l.quantity}, {"unit_price_minor", l.unit_price_minor}});
  }
  return out;
}

std::string_view to_string(CancelReason r) {
  switch (r) {
    case CancelReason::none:
      return "none";
    case CancelReason::oversell:
      return "oversell";
    case CancelReason::requested:
      return "requested";
  }
  return "none";
}

std::optional<OmsState> parse_oms_state(std::string_view name) {
  for (const OmsState s :
       {OmsState::created, OmsState::allocated, OmsState::released, OmsState::shipped,
        OmsState::delivered, OmsState::cancelled, OmsState::returned}) {
    if (to_string(s) == name) return s;
  }
  return std::nullopt;
}

// FNV-1a over the body re-serialised (object keys sorted): "the same payload" for a reused
// Idempotency-Key ignores whitespace and key order.
uint64_t payload_hash(const json& body) {
  return fnv1a64(body.dump(-1, ' ', false, json::error_handler_t::replace));
}

// A channel named in a body; on failure answers 404 (an unknown channel) or 400.
std::optional<uint32_t> read_channel(RouteCall& call, const json& body) {
  const auto name = read_string(call, body, "channel");
  if (!name) return std::nullopt;
  const auto index = call.mocks.channel_index(*name);
  if (!index) reply_error(call.res, 404, "not_found", "unknown channel '" + *name + "'");
  return index;
}

// ---- ERP ---------------------------------------------------------------------------------------

void get_stock(RouteCall& call) {
  const auto sku = read_id(call, call.params[0], UINT32_MAX, "SKU");
  if (!sku) return;
  const auto s = call.mocks.erp_stock(static_cast<SkuId>(*sku));
  if (!s) return reply_error(call.res, 404, "not_found", "unknown SKU " + std::to_string(*sku));
  reply_json(call.res, 200,
             {{"sku", *sku},
              {"on_hand", s->on_hand},
              {"allocated", s->allocated},
              {"shipped", s->shipped},
              {"initial", s->initial},
              {"restocked_total", s->restocked_total},
              {"returned_total", s->returned_total}});
}

void get_price(RouteCall& call) {
  const auto sku = read_id(call, call.params[0], UINT32_MAX, "SKU");
  if (!sku) return;
  const auto price = call.mocks.erp_price(static_cast<SkuId>(*sku));
  if (!price) return reply_error(call.res, 404, "not_found", "unknown SKU " + std::to_string(*sku));
  reply_json(
      call.res, 200,
      {{"sku", *sku}, {"price_minor", *price}, {"currency", call.mocks.scenario().currency}});
}

void post_revenue(RouteCall& call) {
  const auto body = read_body(call);
  if (!body) return;
  const auto channel = read_channel(call, *body);
  if (!channel) return;
  const auto order = read_int(call, *body, "channel_order", 0, INT64_MAX);
  if (!order) return;
  const auto amount = read_int(call, *body, "amount_minor", 0, kAmountMinorMax);
  if (!amount) return;
  const RevenueResult r = call.mocks.post_revenue(*channel, static_cast<uint64_t>(*order), *amount);
  if (r.error != ErrorClass::none) {
    return reply_mock_error(call.res, r.error, "unknown channel order " + std::to_string(*order));
  }
  // 202 with batch import: the entry waits for the next import run, as a real ERP's would.
  reply_json(call.res, r.pending ? 202 : 201,
             {{"channel", (*body)["channel"]},
              {"channel_order", *order},
              {"pending", r.pending},
              {"entries", r.count},
              {"amount_minor", r.amount_minor}});
}

// ---- OMS ---------------------------------------------------------------------------------------

json oms_order_json(const LiveMocks& mocks, const OmsOrderView& o) {
  return json{{"id", o.id},
              {"state", to_string(o.state)},
              {"cancel_reason", to_string(o.reason)},
              {"channel", mocks.scenario().channels[o.channel].name},
              {"channel_order", o.channel_order},
              {"amount_minor", o.amount_minor},
              {"lines", lines_json(o.lines)}};
}

// Reads {channel, channel_order, lines: [{sku, quantity, unit_price_minor}], amount_minor?}.
std::optional<OmsCreateRequest> read_create(RouteCall& call, const json& body) {
  OmsCreateRequest req;
  const auto channel = read_channel(call, body);
  if (!channel) return std::nullopt;
  req.channel = *channel;
  const auto order = read_int(call, body, "channel_order", 0, INT64_MAX);
  if (!order) return std::nullopt;
  req.channel_order = static_cast<uint64_t>(*order);
  const auto lines = body.find("lines");
  if (lines == body.end() || !lines->is_array() || lines->empty() ||
      lines->size() > LiveMocks::kLinesMax) {
    reply_error(call.res, 400, "invalid_field", "lines: expected an array of 1 to 1000 lines");
    return std::nullopt;
  }
  int64_t sum = 0;
  for (const json& line : *lines) {
    if (!line.is_object()) {
      reply_error(call.res, 400, "invalid_field", "lines: each line is an object");
      return std::nullopt;
    }
    const auto sku = read_int(call, line, "sku", 0, UINT32_MAX);
    const auto qty = sku ? read_int(call, line, "quantity", 1, kQuantityMax) : std::nullopt;
    const auto price =
        qty ? read_int(call, line, "unit_price_minor", 0, kAmountMinorMax) : std::nullopt;
    if (!price) return std::nullopt;
    req.lines.push_back(OrderLine{static_cast<SkuId>(*sku), static_cast<uint32_t>(*qty), *price});
    // One line is at most 10^6 x 10^12 < 2^63; clamping the running sum keeps it from overflowing.
    sum = std::min(sum + *qty * *price, kAmountMinorMax);
  }
  if (body.contains("amount_minor")) {
    const auto amount = read_int(call, body, "amount_minor", 0, kAmountMinorMax);
    if (!amount) return std::nullopt;
    req.amount_minor = *amount;
  } else {
    req.amount_minor = sum;
  }
  req.payload_hash = payload_hash(body);
  return req;
}

void create_oms_order(RouteCall& call) {
  const std::string key = call.req.get_header_value("Idempotency-Key");
  if (key.size() > kIdempotencyKeyBytesMax) {
    return reply_error(call.res, 400, "invalid_field", "Idempotency-Key: at most 255 bytes");
  }
  const auto body = read_body(call);
  if (!body) return;
  const auto req = read_create(call, *body);
  if (!req) return;
  const OmsCreateOutcome r = call.mocks.create_oms_order(*req, key);
  switch (r.error) {
    case ErrorClass::none:
      break;
    case ErrorClass::rejected:
      // Stripe answers 400 idempotency_error (docs/platform-erp-oms.md); syncdrill's style 422.
      if (call.mocks.oms_idempotency().style == IdempotencyStyle::stripe) {
        return reply_error(call.res, 400, "idempotency_error",
                           "Keys for idempotent requests can only be used with the same "
                           "parameters they were first used with");
      }
      return reply_mock_error(call.res, r.error,
                              "Idempotency-Key reused with a different request body");
    case ErrorClass::queue_full:
      return reply_mock_error(call.res, r.error, "the Idempotency-Key table is full");
    default:
      return reply_mock_error(call.res, r.error, "unknown channel order or SKU");
  }
  json out = oms_order_json(call.mocks, *call.mocks.oms_order(r.created.order));
  out["replayed"] = r.created.replayed;
  if (r.created.replayed) call.res.set_header("Idempotent-Replayed", "true");
  reply_json(call.res, r.created.replayed ? 200 : 201, out);
}

void get_oms_order(RouteCall& call) {
  const auto id = read_id(call, call.params[0], UINT64_MAX, "order");
  if (!id) return;
  const auto order = call.mocks.oms_order(*id);
  if (!order)
    return reply_error(call.res, 404, "not_found", "unknown order " + std::to_string(*id));
  reply_json(call.res, 200, oms_order_json(call.mocks, *order));
}

void post_oms_status(RouteCall& call) {
  const auto id = read_id(call, call.params[0], UINT64_MAX, "order");
  if (!id) return;
  const auto body = read_body(call);
  if (!body) return;
  const auto status = read_string(call, *body, "status");
  if (!status) return;
  const auto state = parse_oms_state(*status);
  if (!state) {
    return reply_error(call.res, 400, "invalid_field",
                       "status: expected created, allocated, released, shipped, delivered, "
                       "cancelled or returned");
  }
  const Response r = call.mocks.oms_transition(*id, *state);
  if (r.error == ErrorClass::not_found) {
    return reply_error(call.res, 404, "not_found", "unknown order " + std::to_string(*id));
  }
  const auto order = call.mocks.oms_order(*id);
  if (!r.ok()) {
    return reply_mock_error(call.res, r.error,
                            std::string("no transition from ") +
                                std::string(to_string(order->state)) + " to " + *status);
  }
  reply_json(call.res, 200, oms_order_json(call.mocks, *order));
}

// ---- WMS ---------------------------------------------------------------------------------------

json shipment_json(const ShipmentView& s) {
  return json{{"id", s.id},
              {"oms_order", s.oms_order},
              {"units", s.units},
              {"state", to_string(s.state)},
              {"status", s.status}};
}

void receive_shipment(RouteCall& call) {
  const auto body = read_body(call);
  if (!body) return;
  const auto order = read_int(call, *body, "oms_order", 0, INT64_MAX);
  if (!order) return;
  const auto s = call.mocks.wms_receive(static_cast<uint64_t>(*order));
  if (!s) {
    return reply_error(call.res, 404, "not_found", "unknown OMS order " + std::to_string(*order));
  }
  reply_json(call.res, 201, shipment_json(*s));
}

void get_shipment(RouteCall& call) {
  const auto id = read_id(call, call.params[0], UINT64_MAX, "shipment");
  if (!id) return;
  const auto s = call.mocks.shipment(*id);
  if (!s) return reply_error(call.res, 404, "not_found", "unknown shipment " + std::to_string(*id));
  reply_json(call.res, 200, shipment_json(*s));
}

template <WmsStep kStep>
void step_shipment(RouteCall& call) {
  const auto id = read_id(call, call.params[0], UINT64_MAX, "shipment");
  if (!id) return;
  const Response r = call.mocks.wms_step(*id, kStep);
  if (r.error == ErrorClass::not_found) {
    return reply_error(call.res, 404, "not_found", "unknown shipment " + std::to_string(*id));
  }
  const auto s = call.mocks.shipment(*id);
  if (!r.ok()) {
    return reply_mock_error(call.res, r.error,
                            "not allowed from state " + std::string(to_string(s->state)));
  }
  reply_json(call.res, 200, shipment_json(*s));
}

}  // namespace

std::vector<Route> system_routes() {
  constexpr RouteSystem erp = RouteSystem::erp, oms = RouteSystem::oms, wms = RouteSystem::wms;
  return {
      {Method::get, "/erp/stock/{sku}", erp, get_stock},
      {Method::get, "/erp/prices/{sku}", erp, get_price},
      {Method::post, "/erp/revenue", erp, post_revenue},
      {Method::post, "/oms/orders", oms, create_oms_order, LiveDialect::syncdrill, nullptr, true},
      {Method::get, "/oms/orders/{id}", oms, get_oms_order},
      {Method::post, "/oms/orders/{id}/status", oms, post_oms_status},
      {Method::post, "/wms/shipments", wms, receive_shipment},
      {Method::get, "/wms/shipments/{id}", wms, get_shipment},
      {Method::post, "/wms/shipments/{id}/start-picking", wms,
       step_shipment<WmsStep::start_picking>},
      {Method::post, "/wms/shipments/{id}/pick", wms, step_shipment<WmsStep::pick>},
      {Method::post, "/wms/shipments/{id}/ship", wms, step_shipment<WmsStep::ship>},
      {Method::post, "/wms/shipments/{id}/deliver", wms, step_shipment<WmsStep::deliver>},
      {Method::post, "/wms/shipments/{id}/cancel", wms, step_shipment<WmsStep::cancel>},
  };
}

}  // namespace syncdrill::http
