// ReferenceConnector: a small, well-behaved order-ingest connector for live drills.
//
// It receives the platform's webhooks (WebhookReceiver: signature check, dedupe, a bounded job
// queue), and its workers (OrderWorker) create each order in the drill's OMS and push the
// SKUs' stock to the channels, every call under the retry policy of a scenario PolicySpec
// (PolicyCaller: timeout, retries with backoff and Retry-After, retry budget, circuit breaker)
// built from the simulated connector's own policy classes. Run it against `syncdrill serve` to
// see what a connector that survives the drill's faults does; docs/reference-connector.md.
//
// Two PolicyCallers, each with its own breaker and budget: "orders" (the OMS) and "stock" (the
// ERP reads and channel pushes), as the simulation gives each flow its own connector, so an OMS
// outage does not stop stock sync.
//
// The Shopify dialect (options.dialect, connector/shopify_*.hpp) takes Shopify's webhooks, sets
// stock through the shop's Admin REST API with a third PolicyCaller, "shopify" (the shop is one
// rate bucket, so it has its own breaker and budget), and runs the backup poll
// (ShopifyPoller); an OrderLedger makes sure the webhook and the poll hand each order over once.
//
// Lifecycle: construct, start(), then stop() (or the destructor). stop() stops accepting
// webhooks, lets the queued and in-flight jobs finish for up to stop_deadline_ms, then cuts the
// retry waits short, drops what is still queued (jobs_abandoned) and joins every thread.
// Thread-safe: start() and stop() from one controlling thread; port() and stats() from any.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "connector/connector_options.hpp"
#include "connector/connector_stats.hpp"
#include "connector/job_queue.hpp"
#include "connector/policy_caller.hpp"
#include "connector/shopify_ledger.hpp"
#include "connector/shopify_poller.hpp"
#include "connector/shopify_shop.hpp"
#include "connector/stop_signal.hpp"
#include "connector/webhook_receiver.hpp"

namespace syncdrill {

class ReferenceConnector {
 public:
  // What is wrong with `options` (target_url not http://host:port, a bound out of range, a
  // time scale not > 0, ...), or nullopt when the connector can run with them.
  static std::optional<std::string> check_options(const ConnectorOptions& options);

  // REQUIRES: check_options(options) is nullopt.
  explicit ReferenceConnector(ConnectorOptions options);
  ~ReferenceConnector();
  ReferenceConnector(const ReferenceConnector&) = delete;
  ReferenceConnector& operator=(const ReferenceConnector&) = delete;

  // Starts the workers and the webhook receiver. false (and *error says why) if the listen
  // address cannot be bound. REQUIRES: not started before.
  bool start(std::string* error = nullptr);
  // See the lifecycle above; returns the final stats. Idempotent.
  ConnectorStats stop();

  // The webhook receiver's bound port; 0 when not running.
  int port() const { return receiver_.port(); }
  ConnectorStats stats() const;
  const ConnectorOptions& options() const { return options_; }

 private:
  void work();

  const ConnectorOptions options_;
  StatsRecorder stats_;
  StopSignal stop_signal_;
  JobQueue queue_;
  PolicyCaller orders_;
  PolicyCaller stock_;
  PolicyCaller shop_calls_;
  OrderLedger ledger_;
  std::unique_ptr<ShopifyShop> shop_;      // Shopify dialect only
  std::unique_ptr<ShopifyPoller> poller_;  // Shopify dialect with a poll interval only
  WebhookReceiver receiver_;
  std::vector<std::thread> workers_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace syncdrill
