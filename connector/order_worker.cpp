#include "connector/order_worker.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace syncdrill {

using nlohmann::json;

OrderWorker::OrderWorker(const ConnectorOptions& options, PolicyCaller& orders, PolicyCaller& stock,
                         StatsRecorder& stats, ShopifyShop* shop, OrderLedger* ledger)
    : options_(options),
      orders_(orders),
      stock_(stock),
      stats_(stats),
      client_(options.target_url),
      shop_(shop),
      ledger_(ledger) {
  if (shop_ != nullptr) shop_client_ = shop_->make_client();
  // A fresh connection per request: a kept-alive one the drill closed while idle would fail
  // the next attempt for a reason that is not the drill's fault.
  client_.set_keep_alive(false);
}

HttpReply OrderWorker::send(const HttpRequest& request, std::chrono::microseconds timeout) {
  return send_request(client_, request, timeout);
}

void OrderWorker::process(const OrderJob& job) {
  const ReplyClass created = create_order(job);
  if (ledger_ != nullptr) {
    if (created == ReplyClass::retryable) {
      ledger_->release(job.order_id);
    } else {
      ledger_->done(job.order_id);
    }
  }
  if (created != ReplyClass::success) return;
  if (options_.stock_sync) sync_stock(job);
}

ReplyClass OrderWorker::create_order(const OrderJob& job) {
  HttpRequest request;
  request.method = HttpRequest::Method::post;
  request.path = "/oms/orders";
  request.body = oms_create_body(job);
  if (options_.policy.idempotency_keys) request.idempotency_key = idempotency_key(job);
  const CallResult r = orders_.call("POST /oms/orders", [&](std::chrono::microseconds timeout) {
    return send(request, timeout);
  });
  if (!r.ok) {
    stats_.dead_letter(fmt::format("{} order {}: {}", job.channel, job.order_id, r.failure));
    return classify(r.last, options_.policy.retry_request_limited) == ReplyClass::permanent
               ? ReplyClass::permanent
               : ReplyClass::retryable;
  }
  stats_.add(r.last.status == 201 ? &ConnectorStats::orders_created
                                  : &ConnectorStats::orders_replayed);
  return ReplyClass::success;
}

void OrderWorker::sync_stock(const OrderJob& job) {
  for (const uint64_t sku : order_skus(job)) {
    const std::optional<int64_t> on_hand = read_on_hand(sku);
    if (!on_hand) continue;
    if (shop_ != nullptr) {
      push_shopify_stock(job, sku, *on_hand);
      continue;
    }
    if (options_.stock_channels.empty()) {
      push_stock(job.channel, sku, *on_hand);
      continue;
    }
    for (const StockTarget& target : options_.stock_channels) {
      push_stock(target.channel, sku,
                 std::max<int64_t>(0, *on_hand - static_cast<int64_t>(target.safety_buffer)));
    }
  }
}

std::optional<int64_t> OrderWorker::read_on_hand(uint64_t sku) {
  HttpRequest request;
  request.path = fmt::format("/erp/stock/{}", sku);
  const CallResult r = stock_.call("GET " + request.path, [&](std::chrono::microseconds timeout) {
    return send(request, timeout);
  });
  if (r.ok) {
    const json body = json::parse(r.last.body, nullptr, false);
    const auto it = body.is_object() ? body.find("on_hand") : body.end();
    if (it != body.end() && it->is_number_integer()) return it->get<int64_t>();
    stats_.add(&ConnectorStats::stock_push_failures);
    stats_.dead_letter(fmt::format("stock GET {} -> no on_hand in the answer", request.path));
    return std::nullopt;
  }
  stats_.add(&ConnectorStats::stock_push_failures);
  stats_.dead_letter(r.failure);
  return std::nullopt;
}

void OrderWorker::push_stock(const std::string& channel, uint64_t sku, int64_t quantity) {
  HttpRequest request;
  request.method = HttpRequest::Method::post;
  request.path = fmt::format("/channels/{}/inventory/set", channel);
  request.body = json{{"sku", sku}, {"quantity", quantity}}.dump();
  const CallResult r = stock_.call("POST " + request.path, [&](std::chrono::microseconds timeout) {
    return send(request, timeout);
  });
  if (r.ok) {
    stats_.add(&ConnectorStats::stock_pushes);
    return;
  }
  stats_.add(&ConnectorStats::stock_push_failures);
  stats_.dead_letter(r.failure);
}

void OrderWorker::push_shopify_stock(const OrderJob& job, uint64_t sku, int64_t on_hand) {
  const auto line = std::find_if(job.lines.begin(), job.lines.end(), [&](const OrderJobLine& l) {
    return l.sku == sku && l.variant_id != 0;
  });
  if (line == job.lines.end()) {
    stats_.add(&ConnectorStats::stock_push_failures);
    stats_.dead_letter(
        fmt::format("shopify order {}: SKU {} has no variant_id", job.order_id, sku));
    return;
  }
  // The shop's safety buffer, when the scenario names its channel.
  uint32_t buffer = 0;
  for (const StockTarget& target : options_.stock_channels) {
    if (target.channel == job.channel) buffer = target.safety_buffer;
  }
  const int64_t available = std::max<int64_t>(0, on_hand - static_cast<int64_t>(buffer));
  std::string failure;
  if (shop_->set_available(*shop_client_, line->variant_id, available, &failure)) {
    stats_.add(&ConnectorStats::stock_pushes);
    return;
  }
  stats_.add(&ConnectorStats::stock_push_failures);
  stats_.dead_letter(failure);
}

}  // namespace syncdrill
