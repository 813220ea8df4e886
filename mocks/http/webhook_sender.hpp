// WebhookSender: delivers a channel's webhook events over HTTP, the way a real platform does.
//
// Each event is POSTed as JSON to one URL with these headers:
//   X-Syncdrill-Event-Id        the same on every attempt and on a duplicate's copy (dedupe key)
//   X-Syncdrill-Topic           e.g. orders/create
//   X-Syncdrill-Channel         the channel that emitted it
//   X-Syncdrill-Attempt         1 for the first attempt, 2 for the first retry, ...
//   X-Syncdrill-Signature-256   sha256=<hex HMAC-SHA256 of the raw body> (signature.hpp)
// An event of a `dialect: shopify` channel carries Shopify's headers instead
// (docs/dialect-shopify.md): X-Shopify-Topic, X-Shopify-Hmac-Sha256 (base64 of the HMAC-SHA256
// of the raw body), X-Shopify-Shop-Domain, X-Shopify-Webhook-Id, X-Shopify-Event-Id,
// X-Shopify-Triggered-At and X-Shopify-API-Version, all the same on every attempt and copy.
// A 2xx answer delivers the event. Anything else, a refused connection or no answer within the
// channel's delivery timeout fails the attempt; the sender retries on the channel's schedule
// (WebhookSpec, the same webhook_retry_delay() the simulation uses) and after `retries`
// redeliveries gives the event up as lost. Every scenario duration is divided by the time scale:
// at 60x a 1-minute backoff waits 1 s and a 5 s delivery timeout is 83 ms.
//
// Bounded: at most queue_max deliveries wait or retry at once (a full queue refuses and counts),
// and `threads` workers send. Before each attempt the fault hook (LiveFaults::for_webhook in a
// drill) may drop the attempt or the event, delay the attempt or order a duplicate.
// Thread-safe. Stopping drains (within a deadline) or abandons what is left, counting it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/scenario/scenario.hpp"
#include "mocks/http/live_faults.hpp"

namespace syncdrill {

struct OutgoingWebhook {
  std::string channel;   // the emitting channel (fault lookups, header)
  std::string topic;     // "orders/create", "orders/updated", "returns/create"
  std::string event_id;  // unique per event; repeated on retries and copies
  std::string body;      // the JSON payload, signed as is
  WebhookSpec spec;      // the channel's delivery timeout and retry schedule, in scenario time
  // The shopify dialect's headers (dialect shopify only; event_id is X-Shopify-Event-Id).
  LiveDialect dialect = LiveDialect::syncdrill;
  std::string shop_domain = {};   // X-Shopify-Shop-Domain
  std::string webhook_id = {};    // X-Shopify-Webhook-Id
  std::string triggered_at = {};  // X-Shopify-Triggered-At
  std::string api_version = {};   // X-Shopify-API-Version
};

struct WebhookSenderStats {
  uint64_t events_queued = 0;        // events enqueue() accepted
  uint64_t rejected_queue_full = 0;  // events (or copies) refused: the queue was full
  uint64_t rejected_stopped = 0;     // events offered after stop()
  uint64_t attempts = 0;             // delivery attempts made, copies and dropped ones included
  uint64_t delivered = 0;            // events a receiver took (2xx), counted once per event
  uint64_t copies_delivered = 0;     // duplicate copies a receiver took
  uint64_t failed_attempts = 0;      // non-2xx, timeouts, refused connections, fault drops
  uint64_t events_lost = 0;          // schedule spent, or dropped whole by a fault
  uint64_t attempts_dropped_by_fault = 0;
  uint64_t events_dropped_by_fault = 0;
  uint64_t duplicated = 0;  // copies a duplicate fault ordered
  uint64_t delayed = 0;     // attempts a delay fault held back
  uint64_t abandoned = 0;   // deliveries still waiting when the sender stopped
  uint64_t pending = 0;     // waiting, retrying or in flight now
};

// REQUIRES of a hook: thread-safe; it is called from the sender's worker threads.
using WebhookFaultHook = std::function<WebhookFaultDecision(const WebhookAttempt&)>;

class WebhookSender {
 public:
  struct Options {
    std::string url;            // http://host:port/path (https:// works too)
    std::string secret;         // HMAC key; empty signs with an empty key (not recommended)
    double time_scale = 1;      // > 0
    size_t queue_max = 10'000;  // deliveries waiting or retrying, >= 1
    size_t threads = 2;         // sender workers, 1..16
    uint64_t seed = 1;          // jitter draws, stream "webhooks/live"
    WebhookFaultHook faults;    // empty = no faults
  };

  // An error message when `url` is not http(s)://host[:port][/path], else none.
  static std::optional<std::string> check_url(std::string_view url);

  // Starts the workers. REQUIRES: check_url(options.url) is none, the bounds above.
  explicit WebhookSender(Options options);
  // Abandons what is left (stop(StopMode::abandon)).
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Queues an event for its first attempt now. False (and counted) when the queue is full or
  // the sender is stopping or stopped.
  bool enqueue(OutgoingWebhook event);

  WebhookSenderStats stats() const;

  enum class StopMode {
    drain,    // keep delivering until nothing is left or drain_timeout_ms passes
    abandon,  // finish the attempts in flight only
  };
  // Stops the workers and returns the final counts. Idempotent.
  WebhookSenderStats stop(StopMode mode, int64_t drain_timeout_ms = 10'000);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace syncdrill
