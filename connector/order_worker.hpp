// OrderWorker: what one worker thread does with an order event.
//
//   1. POST {target}/oms/orders (with Idempotency-Key "<channel>-<order id>" when the policy says
//      so) through the orders PolicyCaller: 201 is a created order, 200 a replay of one.
//   2. Once the order is in the OMS, for each of its SKUs: GET {target}/erp/stock/{sku}, then
//      POST {target}/channels/{ch}/inventory/set with max(0, on_hand - safety_buffer) for every
//      stock channel, through the stock PolicyCaller. A stock call given up counts in
//      stock_push_failures and the dead letters; the next order of the SKU pushes it again.
//
// Each worker owns its HTTP client (cpp-httplib clients are not shared across threads); the
// callers (breaker, budget) are shared. Not thread-safe: one per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <httplib.h>

#include "connector/connector_options.hpp"
#include "connector/connector_stats.hpp"
#include "connector/order_event.hpp"
#include "connector/policy_caller.hpp"

namespace syncdrill {

class OrderWorker {
 public:
  // `options`, the callers and `stats` must outlive the worker.
  OrderWorker(const ConnectorOptions& options, PolicyCaller& orders, PolicyCaller& stock,
              StatsRecorder& stats);

  void process(const OrderJob& job);

 private:
  // True once the OMS holds the order (created or replayed).
  bool create_order(const OrderJob& job);
  void sync_stock(const OrderJob& job);
  // The ERP's on_hand for `sku`, or nullopt when the read was given up.
  std::optional<int64_t> read_on_hand(uint64_t sku);
  void push_stock(const std::string& channel, uint64_t sku, int64_t quantity);
  HttpReply send(const HttpRequest& request, std::chrono::microseconds timeout);

  const ConnectorOptions& options_;
  PolicyCaller& orders_;
  PolicyCaller& stock_;
  StatsRecorder& stats_;
  httplib::Client client_;
};

}  // namespace syncdrill
