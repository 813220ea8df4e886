// WebhookReceiver: the connector's HTTP endpoint for the platform's webhooks, POST /webhooks.
//
// For each delivery, in this order:
//   1. signature: X-Syncdrill-Signature-256 must be the HMAC-SHA256 of the raw body under the
//      secret (checked in constant time, before any parsing); else 401, counted, nothing done;
//   2. topic: anything but orders/create is acknowledged 200 and counted (nothing to do);
//   3. body: an orders/create the OMS could not take is 400 (a redelivery would not fix it);
//   4. dedupe and queue (JobQueue::admit): a duplicate event id is 200 and counted; a full queue
//      is 503, so the platform redelivers later; otherwise 200 at once. The work happens on the
//      connector's workers: a platform's delivery timeout is short.
//
// In the Shopify dialect the delivery is Shopify's (connector/shopify_webhook.hpp) instead.
//
// Bounded: receiver_threads connections at once (a bounded queue of accepted connections behind
// them), bodies up to payload_max_bytes (413 above). Thread-safe: start() and stop() from one
// controlling thread, port() from any.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "connector/connector_options.hpp"
#include "connector/connector_stats.hpp"
#include "connector/job_queue.hpp"
#include "connector/shopify_ledger.hpp"

namespace syncdrill {

class WebhookReceiver {
 public:
  // Everything passed in must outlive the receiver. `ledger`: the Shopify dialect's.
  WebhookReceiver(const ConnectorOptions& options, JobQueue& queue, StatsRecorder& stats,
                  OrderLedger& ledger);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  // Binds options.listen_host:listen_port and serves on a background thread. false (and *error,
  // if given, says why) if it cannot. REQUIRES: not running.
  bool start(std::string* error = nullptr);
  // Stops accepting, finishes the requests in progress, joins the threads. Idempotent.
  void stop();
  // The bound port (the ephemeral one when listen_port was 0); 0 when not running.
  int port() const { return port_.load(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<int> port_{0};
  std::thread listener_;
};

}  // namespace syncdrill
