// LiveDrill: `syncdrill serve` without the command line. It serves the scenario's mock systems
// over HTTP (mocks/http/mock_server.hpp), plays the scenario's traffic and fault timeline in
// scaled wall-clock time (LiveTraffic, LiveFaults), delivers the channels' webhooks to the
// team's connector (WebhookSender), answers the control API (/_drill/...), watches what the
// connector does (LiveObserver) and, when the drill ends, scores it (LiveResult).
//
// The drill ends at the first of: finish() (POST /_drill/finish, SIGINT/SIGTERM in `serve`), the
// wall duration elapsing. Ending stops the traffic, keeps serving for grace_s (the drain: the
// connector's work in hand can land, webhooks go on), stops the server (in-flight requests
// finish), takes a last stock sweep and scores.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/scenario/scenario.hpp"
#include "reports/live_report.hpp"

namespace syncdrill {

struct ServeOptions {
  std::string scenario_path;
  std::string scenario_hash;
  uint64_t seed = 1;
  std::string host = "127.0.0.1";
  int port = 8080;                    // 0 = an ephemeral port
  double time_scale = 1;              // scenario seconds per wall second
  std::string webhook_url;            // empty: no webhooks are sent (the connector must poll)
  std::string webhook_secret;         // HMAC-SHA256 key of the signature header
  std::optional<double> duration_s;   // wall seconds; none = the scenario's duration / time_scale
  std::string token;                  // the control API's bearer token (not empty)
  std::string access_token;           // platform dialects' API token (X-Shopify-Access-Token)
  int64_t hang_ms = 30'000;           // how long a timeout fault holds a request (wall)
  double grace_s = 2;                 // wall seconds an order may take to reach the OMS
  double sample_interval_s = 0.1;     // wall seconds between stock sweeps
  size_t worker_threads = 64;         // the server's connections served at once
  size_t keep_alive_max_count = 100;  // requests per connection before it is closed
};

class LiveDrill {
 public:
  LiveDrill(const Scenario& scenario, ServeOptions options);
  ~LiveDrill();
  LiveDrill(const LiveDrill&) = delete;
  LiveDrill& operator=(const LiveDrill&) = delete;

  // Binds and starts everything. false (with *error) when the address cannot be bound.
  bool start(std::string* error);
  int port() const;
  // Ends the drill (thread-safe, idempotent: the first reason wins).
  void finish(const std::string& reason);
  // Blocks until the drill ends, stops it and returns the scored result.
  // REQUIRES: start() succeeded; called once.
  LiveResult wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace syncdrill
