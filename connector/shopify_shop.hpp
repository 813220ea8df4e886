// ShopifyShop: the connector's calls to a Shopify shop's Admin REST API, shared by the workers
// and the poller. Only documented calls (docs/reference-connector.md lists each with its page):
//   GET  {shop}/admin/api/{version}/locations.json            once: the location to stock
//   GET  {shop}/admin/api/{version}/variants/{id}.json        once per variant: inventory_item_id
//   POST {shop}/admin/api/{version}/inventory_levels/set.json  the available quantity
//   GET  {shop}/admin/api/{version}/orders.json                the backup poll (ShopifyPoller)
//
// Every call carries X-Shopify-Access-Token and goes through the policy (PolicyCaller: timeout,
// retries with backoff raised to Retry-After, budget, breaker). On top of that the shop is one
// leaky bucket for every thread, so the shop pauses ALL its calls:
//   - after a 429 with Retry-After (decimal seconds, "2.0"), until it has passed;
//   - when X-Shopify-Shop-Api-Call-Limit shows the bucket at least call_limit_slowdown full,
//     for the time the documented leak (leak_per_s, scenario time) takes to drain the excess.
// A paused call waits before it is sent, outside its timeout.
//
// Sets of one inventory item never run at once (a lock per item, striped): two workers setting
// it together could land out of order (the older quantity last), and the second, sent while the
// first met a 429, would be the same request again before its Retry-After.
//
// Thread-safe: the caches and the pause are behind one mutex never held during a request;
// each thread brings its own httplib::Client (make_client()).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "connector/connector_options.hpp"
#include "connector/connector_stats.hpp"
#include "connector/http_call.hpp"
#include "connector/policy_caller.hpp"
#include "connector/shopify_wire.hpp"
#include "connector/stop_signal.hpp"

namespace httplib {
class Client;
}

namespace syncdrill {

class ShopifyShop {
 public:
  // REQUIRES: options.shopify.shop_url parses (check_options). Everything passed in must
  // outlive the shop.
  ShopifyShop(const ConnectorOptions& options, PolicyCaller& calls, StatsRecorder& stats,
              StopSignal& stop);

  const ShopUrl& url() const { return url_; }
  // A client for the shop's origin (one per thread).
  std::unique_ptr<httplib::Client> make_client() const;
  // "/channels/dtc/admin/api/2025-01/" + resource.
  std::string admin_path(std::string_view resource) const;

  // One Shopify call: the access token, the shop's pause, the policy. `request.path` is the
  // path and query on the shop's origin.
  CallResult call(httplib::Client& client, HttpRequest request, std::string_view what);

  // The location stock is set at (the first active one of locations.json), cached.
  std::optional<uint64_t> location_id(httplib::Client& client, std::string* failure);
  // A variant's inventory_item_id (variants/{id}.json), cached.
  std::optional<uint64_t> inventory_item_id(httplib::Client& client, uint64_t variant_id,
                                            std::string* failure);
  // POST inventory_levels/set.json: the variant's available quantity at the location. false
  // (and *failure says why) when a call was given up or an answer lacked its field.
  bool set_available(httplib::Client& client, uint64_t variant_id, int64_t available,
                     std::string* failure);

 private:
  // Sleeps while the shop is paused; false if stopped meanwhile.
  bool wait_turn();
  void observe(const HttpReply& reply);

  const ConnectorOptions& options_;
  const ShopUrl url_;
  PolicyCaller& calls_;
  StatsRecorder& stats_;
  StopSignal& stop_;

  // Held across a cache miss's fetch (never together with mutex_), so workers missing the same
  // entry at once make one call, not one each.
  std::mutex location_fetch_;
  std::mutex variant_fetch_;
  static constexpr size_t kItemLocks = 64;
  std::array<std::mutex, kItemLocks> item_sets_;  // by inventory item id modulo kItemLocks
  std::mutex mutex_;                              // guards what follows
  std::chrono::steady_clock::time_point pause_until_{};
  std::optional<uint64_t> location_;
  std::unordered_map<uint64_t, uint64_t> inventory_items_;  // variant id -> inventory item id
};

}  // namespace syncdrill
