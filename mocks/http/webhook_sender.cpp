// The sender's schedule is one min-heap of deliveries by due time, shared by the workers: a worker
// sleeps until the earliest is due, takes it, and sends it without holding the lock.
#include "mocks/http/webhook_sender.hpp"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

#include "core/engine/check.hpp"
#include "core/engine/random.hpp"
#include "mocks/http/signature.hpp"
#include "mocks/webhook.hpp"

namespace syncdrill {
namespace {

using Clock = std::chrono::steady_clock;

struct ParsedUrl {
  std::string scheme_host_port;  // "http://127.0.0.1:8080"
  std::string path;              // "/webhooks"
};

std::optional<ParsedUrl> parse_url(std::string_view url) {
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  const std::string_view scheme = url.substr(0, sep);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  const size_t path_at = url.find('/', sep + 3);
  const std::string_view host_port = url.substr(sep + 3, path_at - (sep + 3));
  if (host_port.empty() || host_port.find_first_of("?# ") != std::string_view::npos) {
    return std::nullopt;
  }
  ParsedUrl p{std::string(url.substr(0, sep + 3 + host_port.size())), "/"};
  if (path_at != std::string_view::npos) p.path = std::string(url.substr(path_at));
  return p;
}

// A scenario duration in wall time at `time_scale`, at least `min_us`.
Clock::duration scaled(Duration d, double time_scale, int64_t min_us = 0) {
  const double us = static_cast<double>(d.us) / time_scale;
  return std::chrono::microseconds(std::max<int64_t>(min_us, std::llround(us)));
}

struct Delivery {
  std::shared_ptr<const OutgoingWebhook> event;
  uint32_t attempt = 1;  // 1 = first attempt
  bool copy = false;     // a duplicate fault's copy
  bool delayed = false;  // a delay fault already held it back
  Clock::time_point due;
  uint64_t seq = 0;  // FIFO among equal due times
};

// Shopify's webhook headers: the same on every attempt (Shopify redelivers the original payload
// with its ids), signed as base64 of the HMAC-SHA256 of the raw body.
httplib::Headers shopify_headers(const OutgoingWebhook& e, std::string_view secret) {
  return httplib::Headers{
      {"X-Shopify-Topic", e.topic},
      {"X-Shopify-Hmac-Sha256", shopify_hmac(e.body, secret)},
      {"X-Shopify-Shop-Domain", e.shop_domain},
      {"X-Shopify-Webhook-Id", e.webhook_id},
      {"X-Shopify-Event-Id", e.event_id},
      {"X-Shopify-Triggered-At", e.triggered_at},
      {"X-Shopify-API-Version", e.api_version},
      {"User-Agent", "syncdrill-webhooks"},
  };
}

struct Later {
  bool operator()(const Delivery& a, const Delivery& b) const {
    return a.due != b.due ? a.due > b.due : a.seq > b.seq;
  }
};

}  // namespace

struct WebhookSender::State {
  Options options;
  ParsedUrl url;
  mutable std::mutex mu;
  std::condition_variable cv;
  std::priority_queue<Delivery, std::vector<Delivery>, Later> heap;
  size_t in_flight = 0;
  uint64_t seq = 0;
  bool stopping = false;  // no new events
  bool abandon = false;   // workers exit without taking more
  WebhookSenderStats stats;
  RandomStream rng;
  std::vector<std::thread> workers;

  State(Options o, ParsedUrl u)
      : options(std::move(o)), url(std::move(u)), rng(options.seed, "webhooks/live") {}

  // REQUIRES: mu held. `again`: d is the delivery a worker holds (a retry or a delayed attempt),
  // already counted in in_flight, so it takes no new room.
  bool schedule(Delivery d, Clock::duration after, bool again = false) {
    if (heap.size() + in_flight - (again ? 1 : 0) >= options.queue_max) {
      ++stats.rejected_queue_full;
      return false;
    }
    d.due = Clock::now() + after;
    d.seq = seq++;
    heap.push(std::move(d));
    cv.notify_all();  // stop() may wait on cv too: notify_one could wake it instead of a worker
    return true;
  }

  void run_worker();
  void deliver(Delivery d, httplib::Client& client);
  bool post(const Delivery& d, httplib::Client& client);
  void attempt_failed(Delivery d);
};

std::optional<std::string> WebhookSender::check_url(std::string_view url) {
  if (parse_url(url)) return std::nullopt;
  return "expected a webhook URL like http://127.0.0.1:9000/webhooks, got '" + std::string(url) +
         "'";
}

WebhookSender::WebhookSender(Options options) {
  SD_CHECK(options.time_scale > 0, "the time scale must be positive");
  SD_CHECK(options.queue_max >= 1, "the queue needs room for one delivery");
  SD_CHECK(options.threads >= 1 && options.threads <= 16, "1 to 16 sender threads");
  std::optional<ParsedUrl> url = parse_url(options.url);
  SD_CHECK(url.has_value(), "the caller checks the URL with check_url");
  state_ = std::make_unique<State>(std::move(options), std::move(*url));
  for (size_t i = 0; i < state_->options.threads; ++i) {
    state_->workers.emplace_back([s = state_.get()] { s->run_worker(); });
  }
}

WebhookSender::~WebhookSender() {
  stop(StopMode::abandon);
}

bool WebhookSender::enqueue(OutgoingWebhook event) {
  State& s = *state_;
  std::lock_guard lock(s.mu);
  if (s.stopping) {
    ++s.stats.rejected_stopped;
    return false;
  }
  Delivery d;
  d.event = std::make_shared<const OutgoingWebhook>(std::move(event));
  if (!s.schedule(std::move(d), Clock::duration::zero())) return false;
  ++s.stats.events_queued;
  return true;
}

WebhookSenderStats WebhookSender::stats() const {
  std::lock_guard lock(state_->mu);
  WebhookSenderStats out = state_->stats;
  out.pending = state_->heap.size() + state_->in_flight;
  return out;
}

WebhookSenderStats WebhookSender::stop(StopMode mode, int64_t drain_timeout_ms) {
  State& s = *state_;
  {
    std::unique_lock lock(s.mu);
    s.stopping = true;
    if (mode == StopMode::drain) {
      s.cv.wait_for(lock, std::chrono::milliseconds(drain_timeout_ms),
                    [&] { return s.heap.empty() && s.in_flight == 0; });
    }
    s.abandon = true;
    s.stats.abandoned += s.heap.size();
    s.heap = {};
  }
  s.cv.notify_all();
  for (std::thread& t : s.workers) {
    if (t.joinable()) t.join();
  }
  s.workers.clear();
  return stats();
}

void WebhookSender::State::run_worker() {
  // One client per worker: httplib clients are not meant to be shared between threads.
  httplib::Client client(url.scheme_host_port);
  std::unique_lock lock(mu);
  while (!abandon) {
    if (heap.empty()) {
      cv.wait(lock);
      continue;
    }
    const Clock::time_point due = heap.top().due;
    if (due > Clock::now()) {
      cv.wait_until(lock, due);
      continue;
    }
    Delivery d = heap.top();
    heap.pop();
    ++in_flight;
    lock.unlock();
    deliver(std::move(d), client);
    lock.lock();
    --in_flight;
    cv.notify_all();  // a draining stop() waits for in_flight == 0
  }
}

void WebhookSender::State::deliver(Delivery d, httplib::Client& client) {
  using Action = WebhookFaultDecision::Action;
  WebhookFaultDecision fault;
  if (options.faults) {
    fault = options.faults(WebhookAttempt{d.event->channel, d.event->topic, d.delayed, d.copy});
  }
  const auto fault_delay = std::chrono::milliseconds(fault.delay_ms);
  switch (fault.action) {
    case Action::delay: {
      std::lock_guard lock(mu);
      ++stats.delayed;
      d.delayed = true;
      const bool copy = d.copy;
      if (!schedule(std::move(d), fault_delay, true) && !copy) ++stats.events_lost;
      return;
    }
    case Action::drop_event: {
      std::lock_guard lock(mu);
      ++stats.events_dropped_by_fault;
      if (!d.copy) ++stats.events_lost;  // a dropped copy loses nothing: the event arrived
      return;
    }
    case Action::drop_attempt: {
      std::lock_guard lock(mu);
      ++stats.attempts;
      ++stats.attempts_dropped_by_fault;
      attempt_failed(std::move(d));
      return;
    }
    case Action::pass:
    case Action::duplicate:
      break;
  }
  const bool ok = post(d, client);
  std::lock_guard lock(mu);
  ++stats.attempts;
  if (!ok) {
    attempt_failed(std::move(d));
    return;
  }
  ++(d.copy ? stats.copies_delivered : stats.delivered);
  if (fault.action == Action::duplicate) {
    // At-least-once senders repeat a delivered event with its id: the copy is a new delivery
    // with its own retries, never copied or delayed again.
    ++stats.duplicated;
    Delivery copy{d.event, 1, true, true, {}, 0};
    schedule(std::move(copy), fault_delay);
  }
}

bool WebhookSender::State::post(const Delivery& d, httplib::Client& client) {
  const OutgoingWebhook& e = *d.event;
  const auto timeout = std::chrono::duration_cast<std::chrono::microseconds>(
      scaled(e.spec.timeout, options.time_scale, 1000));
  const auto sec = static_cast<time_t>(timeout.count() / 1'000'000);
  const auto usec = static_cast<time_t>(timeout.count() % 1'000'000);
  client.set_connection_timeout(sec, usec);
  client.set_read_timeout(sec, usec);
  client.set_write_timeout(sec, usec);
  const httplib::Headers headers =
      e.dialect == LiveDialect::shopify
          ? shopify_headers(e, options.secret)
          : httplib::Headers{
                {"X-Syncdrill-Event-Id", e.event_id},
                {"X-Syncdrill-Topic", e.topic},
                {"X-Syncdrill-Channel", e.channel},
                {"X-Syncdrill-Attempt", std::to_string(d.attempt)},
                {"X-Syncdrill-Signature-256", sign_body(e.body, options.secret)},
                {"User-Agent", "syncdrill-webhooks"},
            };
  const httplib::Result r = client.Post(url.path, headers, e.body, "application/json");
  return r && r->status >= 200 && r->status < 300;
}

// REQUIRES: mu held.
void WebhookSender::State::attempt_failed(Delivery d) {
  ++stats.failed_attempts;
  const WebhookSpec& spec = d.event->spec;
  if (d.attempt > spec.retries) {  // the first attempt plus `retries` redeliveries are spent
    if (!d.copy) ++stats.events_lost;
    return;
  }
  const Duration delay = webhook_retry_delay(spec, d.attempt, rng.uniform01());
  ++d.attempt;
  if (abandon) {
    ++stats.abandoned;
    return;
  }
  const bool copy = d.copy;
  if (!schedule(std::move(d), scaled(delay, options.time_scale), true) && !copy) {
    ++stats.events_lost;  // a retry with no room is a lost event too
  }
}

}  // namespace syncdrill
