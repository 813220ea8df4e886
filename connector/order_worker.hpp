// OrderWorker: what one worker thread does with an order event.
//
//   1. POST {target}/oms/orders (with Idempotency-Key "<channel>-<order id>" when the policy says
//      so) through the orders PolicyCaller: 201 is a created order, 200 a replay of one.
//   2. Once the order is in the OMS, for each of its SKUs: GET {target}/erp/stock/{sku}, then
//      POST {target}/channels/{ch}/inventory/set with max(0, on_hand - safety_buffer) for every
//      stock channel, through the stock PolicyCaller. A stock call given up counts in
//      stock_push_failures and the dead letters; the next order of the SKU pushes it again.
//
// In the Shopify dialect (shop != nullptr) step 2 sets each SKU's available quantity at the shop
// (ShopifyShop::set_available, minus the channel's safety buffer) instead, and the ledger learns
// how the order ended: created or given up for good (done), or retries spent (released: the next
// poll brings it again).
//
// Each worker owns its HTTP client (cpp-httplib clients are not shared across threads); the
// callers (breaker, budget) are shared. Not thread-safe: one per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <memory>

#include <httplib.h>

#include "connector/connector_options.hpp"
#include "connector/connector_stats.hpp"
#include "connector/order_event.hpp"
#include "connector/policy_caller.hpp"
#include "connector/shopify_ledger.hpp"
#include "connector/shopify_shop.hpp"

namespace syncdrill {

class OrderWorker {
 public:
  // `options`, the callers, `stats`, `shop` and `ledger` must outlive the worker. shop and
  // ledger: the Shopify dialect's, nullptr otherwise.
  OrderWorker(const ConnectorOptions& options, PolicyCaller& orders, PolicyCaller& stock,
              StatsRecorder& stats, ShopifyShop* shop = nullptr, OrderLedger* ledger = nullptr);

  void process(const OrderJob& job);

 private:
  // Once the OMS holds the order (created or replayed): success. Else whether a later attempt
  // could succeed (retryable: retries spent) or not (permanent).
  ReplyClass create_order(const OrderJob& job);
  void sync_stock(const OrderJob& job);
  // The ERP's on_hand for `sku`, or nullopt when the read was given up.
  std::optional<int64_t> read_on_hand(uint64_t sku);
  void push_stock(const std::string& channel, uint64_t sku, int64_t quantity);
  void push_shopify_stock(const OrderJob& job, uint64_t sku, int64_t on_hand);
  HttpReply send(const HttpRequest& request, std::chrono::microseconds timeout);

  const ConnectorOptions& options_;
  PolicyCaller& orders_;
  PolicyCaller& stock_;
  StatsRecorder& stats_;
  httplib::Client client_;
  ShopifyShop* shop_;
  OrderLedger* ledger_;
  std::unique_ptr<httplib::Client> shop_client_;  // the shop's origin; Shopify dialect only
};

}  // namespace syncdrill
