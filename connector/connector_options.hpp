// ConnectorOptions: how the reference connector is wired (where it listens, what it calls) and
// which policy it follows. Every field documents its default; check_options() in
// reference_connector.hpp says which values are accepted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/scenario/scenario.hpp"

namespace syncdrill {

// A channel whose listing the connector keeps in step with the ERP after each order.
struct StockTarget {
  std::string channel;         // its name in the drill: POST /channels/{channel}/inventory/set
  uint32_t safety_buffer = 0;  // units held back: it lists max(0, on_hand - safety_buffer)
};

// The wire format the connector speaks to the channel (the OMS and ERP calls are syncdrill's).
enum class ConnectorDialect : uint8_t {
  syncdrill,  // syncdrill's webhooks and /channels/{name}/inventory/set (docs/live-api.md)
  shopify,    // Shopify's webhooks and Admin REST API (connector/shopify_*.hpp)
};

// The Shopify mode's settings (docs/reference-connector.md, "Shopify mode").
struct ShopifyOptions {
  // The shop's base URL: http://HOST:PORT/channels/NAME in a drill, standing for
  // https://{shop}.myshopify.com. Its last path segment names the channel in the OMS.
  std::string shop_url;
  std::string api_version = "2025-01";  // YYYY-MM, in every Admin API path
  std::string access_token;             // sent as X-Shopify-Access-Token; required
  // The backup poll (GET orders.json since the last order created), wall time between polls;
  // 0 = no poll. Default 5 s.
  int64_t poll_interval_ms = 5'000;
  // Slow down when X-Shopify-Shop-Api-Call-Limit shows the bucket this full (0..1]; default 0.8.
  double call_limit_slowdown = 0.8;
  // The bucket's documented leak, requests per SCENARIO second (REST Admin API standard: 2/s).
  double leak_per_s = 2;
  size_t known_orders_max = 1'000'000;  // order ids remembered by the ledger; default 10^6
};

struct ConnectorOptions {
  // The drill's base URL, "http://127.0.0.1:8080": scheme, host and port, no path. Required.
  std::string target_url;
  std::string listen_host = "127.0.0.1";  // default: loopback only
  int listen_port = 0;                    // default 0: an ephemeral port (see port())

  std::string secret;             // HMAC-SHA256 key of webhook signatures; default empty
  bool verify_signatures = true;  // default on; off only for a drill that does not sign

  // Timeout, retries, budget and breaker, in SCENARIO time (divided by time_scale on the wall).
  // policy.idempotency_keys sends Idempotency-Key on OMS creates; policy.webhook_dedupe drops
  // redelivered event ids. Default: PolicySpec{} (5 s timeout, 3 attempts, exponential backoff
  // from 100 ms, no budget, no breaker, no keys, no dedupe).
  PolicySpec policy;
  double time_scale = 1;  // scenario seconds per wall second, > 0; default 1

  bool stock_sync = true;                   // default on: push stock after each created order
  std::vector<StockTarget> stock_channels;  // default empty: the order's own channel, no buffer

  size_t worker_threads = 4;             // jobs processed at once, 1..64; default 4
  size_t receiver_threads = 8;           // webhook connections served at once, 1..64; default 8
  size_t queue_max = 1'000;              // accepted jobs waiting for a worker, >= 1; default 1,000
  size_t dedupe_capacity = 100'000;      // event ids remembered, >= 1; default 100,000
  size_t payload_max_bytes = 64 * 1024;  // larger webhook bodies get 413; default 64 KiB
  size_t dead_letter_reasons_max = 10;   // last dead-letter reasons kept in the stats; default 10
  int64_t stop_deadline_ms = 5'000;      // stop(): time in-flight jobs get to finish; default 5 s
  uint64_t seed = 1;                     // backoff jitter streams; default 1

  ConnectorDialect dialect = ConnectorDialect::syncdrill;  // default: syncdrill's own API
  ShopifyOptions shopify;                                  // dialect shopify only
};

}  // namespace syncdrill
