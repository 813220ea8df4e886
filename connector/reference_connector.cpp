#include "connector/reference_connector.hpp"

#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "connector/order_worker.hpp"
#include "connector/shopify_wire.hpp"
#include "core/engine/check.hpp"
#include "mocks/http/webhook_sender.hpp"

namespace syncdrill {

namespace {

constexpr size_t kThreadsMax = 64;

std::optional<size_t> dedupe_capacity(const ConnectorOptions& o) {
  if (!o.policy.webhook_dedupe) return std::nullopt;
  return o.dedupe_capacity;
}

std::optional<std::string> check_shopify_options(const ShopifyOptions& s) {
  std::string error;
  if (!parse_shop_url(s.shop_url, &error)) {
    return fmt::format("the shop URL '{}': {}", s.shop_url, error);
  }
  if (!is_api_version(s.api_version)) {
    return fmt::format("the Shopify API version is YYYY-MM, not '{}'", s.api_version);
  }
  if (s.access_token.empty()) return "the Shopify mode needs an access token";
  if (s.access_token.find_first_of("\r\n") != std::string::npos) {
    return "the access token cannot hold a line break";
  }
  if (s.poll_interval_ms < 0) return "the poll interval must be >= 0";
  if (!(s.call_limit_slowdown > 0 && s.call_limit_slowdown <= 1)) {
    return "call_limit_slowdown: above 0, at most 1";
  }
  if (!std::isfinite(s.leak_per_s) || s.leak_per_s < 0) return "leak_per_s: a number >= 0";
  if (s.known_orders_max < 1) return "known_orders_max: at least 1";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ReferenceConnector::check_options(const ConnectorOptions& o) {
  const std::string_view url = o.target_url;
  if (!url.starts_with("http://")) {
    return fmt::format("the target must be an http:// URL, not '{}'", o.target_url);
  }
  if (auto error = WebhookSender::check_url(url)) return fmt::format("the target: {}", *error);
  if (url.find('/', std::string_view("http://").size()) != std::string_view::npos) {
    return fmt::format("the target is scheme, host and port only (no path): '{}'", o.target_url);
  }
  if (!std::isfinite(o.time_scale) || o.time_scale <= 0) {
    return fmt::format("the time scale must be > 0, not {}", o.time_scale);
  }
  if (o.listen_port < 0 || o.listen_port > 65535) {
    return fmt::format("the listen port must be 0..65535, not {}", o.listen_port);
  }
  if (o.worker_threads < 1 || o.worker_threads > kThreadsMax) return "worker_threads: 1..64";
  if (o.receiver_threads < 1 || o.receiver_threads > kThreadsMax) return "receiver_threads: 1..64";
  if (o.queue_max < 1) return "queue_max: at least 1";
  if (o.dedupe_capacity < 1) return "dedupe_capacity: at least 1";
  if (o.dead_letter_reasons_max < 1) return "dead_letter_reasons_max: at least 1";
  if (o.stop_deadline_ms < 0) return "stop_deadline_ms: at least 0";
  if (o.policy.retry.max_attempts < 1) return "policy: max_attempts at least 1";
  if (o.policy.timeout <= Duration{}) return "policy: the timeout must be > 0";
  if (o.verify_signatures && o.secret.empty()) {
    return "signature checks need a secret (or turn them off explicitly)";
  }
  if (o.dialect == ConnectorDialect::shopify) return check_shopify_options(o.shopify);
  return std::nullopt;
}

ReferenceConnector::ReferenceConnector(ConnectorOptions options)
    : options_(std::move(options)),
      stats_(options_.dead_letter_reasons_max),
      queue_(options_.queue_max, dedupe_capacity(options_)),
      orders_("orders", options_.policy, options_.time_scale, options_.seed,
              std::chrono::steady_clock::now(), stats_, stop_signal_),
      stock_("stock", options_.policy, options_.time_scale, options_.seed,
             std::chrono::steady_clock::now(), stats_, stop_signal_),
      shop_calls_("shopify", options_.policy, options_.time_scale, options_.seed,
                  std::chrono::steady_clock::now(), stats_, stop_signal_),
      ledger_(options_.shopify.known_orders_max),
      receiver_(options_, queue_, stats_, ledger_) {
  const auto error = check_options(options_);
  SD_CHECK(!error, "the connector's options are checked before construction");
  if (options_.dialect == ConnectorDialect::shopify) {
    shop_ = std::make_unique<ShopifyShop>(options_, shop_calls_, stats_, stop_signal_);
    if (options_.shopify.poll_interval_ms > 0) {
      poller_ = std::make_unique<ShopifyPoller>(options_, *shop_, ledger_, queue_, stats_);
    }
  }
}

ReferenceConnector::~ReferenceConnector() {
  stop();
}

bool ReferenceConnector::start(std::string* error) {
  SD_CHECK(!started_, "start() once");
  started_ = true;
  workers_.reserve(options_.worker_threads);
  for (size_t i = 0; i < options_.worker_threads; ++i)
    workers_.emplace_back([this] { work(); });
  if (!receiver_.start(error)) {
    stop();
    return false;
  }
  if (poller_) poller_->start();
  return true;
}

void ReferenceConnector::work() {
  OrderWorker worker(options_, orders_, stock_, stats_, shop_.get(), shop_ ? &ledger_ : nullptr);
  while (std::optional<OrderJob> job = queue_.pop()) {
    worker.process(*job);
    queue_.done();
  }
}

ConnectorStats ReferenceConnector::stats() const {
  ConnectorStats s = stats_.snapshot();
  s.order_ledger_full = ledger_.full();
  return s;
}

ConnectorStats ReferenceConnector::stop() {
  if (!started_ || stopped_) return stats();
  stopped_ = true;
  receiver_.stop();
  queue_.close();  // a poll still running finds it closed and hands nothing more over
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.stop_deadline_ms);
  if (!queue_.wait_idle_until(deadline)) {
    // Out of time: what is queued is dropped, and waits between retries end at once (the calls
    // in flight still finish within their timeout).
    stats_.add(&ConnectorStats::jobs_abandoned, queue_.abandon());
    stop_signal_.abort();
  }
  if (poller_) {
    // The workers are idle or cut short by now: the poll's waits can end at once too.
    stop_signal_.abort();
    poller_->stop();
  }
  for (std::thread& t : workers_)
    t.join();
  workers_.clear();
  return stats();
}

}  // namespace syncdrill
