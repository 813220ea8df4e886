// ShopifyPoller: the backup poll Shopify recommends beside webhooks ("your app shouldn't rely
// solely on receiving data from Shopify webhooks ... implement reconciliation jobs to
// periodically fetch data from Shopify", shopify.dev/docs/apps/build/webhooks/best-practices).
//
// Every poll_interval_ms (wall) it reads GET orders.json?status=any&limit=250&since_id=N (N from
// the OrderLedger), then each Link rel="next" page exactly as given, and hands every order the
// ledger does not already hold to the workers (JobQueue::push). The Idempotency-Key
// "shopify-<id>" makes an order the webhook also brought a replay, never a duplicate. A page
// it cannot read ends the pass (counted); the next pass starts again from the ledger.
//
// Bounded: 1,000 pages a pass (then the pass ends, counted as a failure). Thread-safe: start()
// and stop() from one controlling thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>

#include <nlohmann/json_fwd.hpp>

#include "connector/connector_options.hpp"
#include "connector/connector_stats.hpp"
#include "connector/job_queue.hpp"
#include "connector/shopify_ledger.hpp"
#include "connector/shopify_shop.hpp"

namespace syncdrill {

class ShopifyPoller {
 public:
  static constexpr int kPagesMax = 1000;
  static constexpr int kPageLimit = 250;  // the documented maximum of `limit`

  // Everything passed in must outlive the poller.
  ShopifyPoller(const ConnectorOptions& options, ShopifyShop& shop, OrderLedger& ledger,
                JobQueue& queue, StatsRecorder& stats);
  ~ShopifyPoller();
  ShopifyPoller(const ShopifyPoller&) = delete;
  ShopifyPoller& operator=(const ShopifyPoller&) = delete;

  // Polls on a background thread: the first pass at once, then every poll_interval_ms.
  void start();
  // Ends the thread after the page in progress. Idempotent.
  void stop();

  // One pass over every page; false when a page was given up. For tests and the thread.
  bool poll_once(httplib::Client& client);

 private:
  void run();
  // Hands one listed order to the workers unless the ledger holds it; its id, if it has one.
  std::optional<uint64_t> take_order(const nlohmann::json& order);

  const ConnectorOptions& options_;
  ShopifyShop& shop_;
  OrderLedger& ledger_;
  JobQueue& queue_;
  StatsRecorder& stats_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace syncdrill
