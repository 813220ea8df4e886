#include "connector/webhook_receiver.hpp"

#include <sys/socket.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "connector/shopify_webhook.hpp"
#include "connector/webhook_reply.hpp"
#include "core/engine/check.hpp"
#include "core/engine/fnv1a.hpp"
#include "mocks/http/bounded_task_queue.hpp"
#include "mocks/http/listen_thread.hpp"
#include "mocks/http/signature.hpp"

namespace syncdrill {

namespace {

using nlohmann::json;

constexpr std::string_view kOrdersCreate = "orders/create";
// Accepted connections waiting for a receiver thread; beyond it the kernel's backlog holds them.
constexpr size_t kConnectionsWaitingMax = 256;

// The dedupe key: the event id within its channel, hashed (FNV-1a 64). Ids are compared by
// hash alone here, so two distinct ids could collide; at 64 bits and a window of 10^5 ids the
// chance is about 10^-10.
uint64_t dedupe_key(const OrderJob& job) {
  return fnv1a64(job.channel + '\n' + job.event_id);
}

}  // namespace

struct WebhookReceiver::Impl {
  Impl(const ConnectorOptions& o, JobQueue& q, StatsRecorder& s, OrderLedger& l)
      : options(o), queue(q), stats(s), ledger(l) {}

  void configure();
  void handle(const httplib::Request& req, httplib::Response& res);
  void handle_order(const json& body, const httplib::Request& req, httplib::Response& res);

  const ConnectorOptions& options;
  JobQueue& queue;
  StatsRecorder& stats;
  OrderLedger& ledger;
  std::unique_ptr<httplib::Server> server;
};

void WebhookReceiver::Impl::configure() {
  server = std::make_unique<httplib::Server>();
  httplib::Server& svr = *server;
  const size_t threads = options.receiver_threads;
  svr.new_task_queue = [threads] { return new BoundedTaskQueue(threads, kConnectionsWaitingMax); };
  svr.set_payload_max_length(options.payload_max_bytes);
  svr.set_read_timeout(5, 0);
  svr.set_write_timeout(5, 0);
  svr.set_keep_alive_timeout(2);
  // cpp-httplib's default also sets SO_REUSEPORT, which would let a second receiver share the
  // port silently; SO_REUSEADDR alone still allows a quick restart.
  svr.set_socket_options([](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  svr.Post("/webhooks",
           [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
  // Errors cpp-httplib answers itself (404, 413, 400) get a JSON body like ours.
  svr.set_error_handler(
      httplib::Server::Handler([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return;
        const int status = res.status;
        webhook_reply_error(res, status, status == 404 ? "not_found" : "bad_request",
                            status == 404 ? "the connector takes POST /webhooks only"
                                          : fmt::format("HTTP {}", status));
      }));
}

void WebhookReceiver::Impl::handle(const httplib::Request& req, httplib::Response& res) {
  if (options.dialect == ConnectorDialect::shopify) {
    return handle_shopify_webhook(ShopifyWebhookContext{options, queue, stats, ledger}, req, res);
  }
  stats.add(&ConnectorStats::webhooks_received);
  if (options.verify_signatures &&
      !verify_signature(req.body, req.get_header_value("X-Syncdrill-Signature-256"),
                        options.secret)) {
    stats.add(&ConnectorStats::bad_signatures);
    return webhook_reply_error(res, 401, "bad_signature",
                               "X-Syncdrill-Signature-256 is missing or does not match the body");
  }
  const json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    stats.add(&ConnectorStats::malformed_webhooks);
    return webhook_reply_error(res, 400, "malformed_json", "the body is not a JSON object");
  }
  std::string topic = req.get_header_value("X-Syncdrill-Topic");
  if (topic.empty() && body.contains("topic") && body["topic"].is_string()) {
    topic = body["topic"].get<std::string>();
  }
  if (topic != kOrdersCreate) {
    stats.add(&ConnectorStats::other_topics);
    return webhook_reply(res, 200, json{{"status", "ignored"}, {"topic", topic}});
  }
  handle_order(body, req, res);
}

void WebhookReceiver::Impl::handle_order(const json& body, const httplib::Request& req,
                                         httplib::Response& res) {
  std::string error;
  std::optional<OrderJob> job =
      parse_order_event(body, req.get_header_value("X-Syncdrill-Channel"),
                        req.get_header_value("X-Syncdrill-Event-Id"), &error);
  if (!job) {
    stats.add(&ConnectorStats::malformed_webhooks);
    return webhook_reply_error(res, 400, "invalid_field", error);
  }
  const uint64_t key = dedupe_key(*job);
  switch (queue.admit(key, std::move(*job))) {
    case JobQueue::Admit::accepted:
      return webhook_reply(res, 200, json{{"status", "accepted"}});
    case JobQueue::Admit::duplicate:
      stats.add(&ConnectorStats::duplicates_ignored);
      return webhook_reply(res, 200, json{{"status", "duplicate"}});
    case JobQueue::Admit::full:
      stats.add(&ConnectorStats::queue_full_rejections);
      return webhook_reply_error(res, 503, "queue_full", "the connector's job queue is full");
    case JobQueue::Admit::closed:
      return webhook_reply_error(res, 503, "shutting_down", "the connector is stopping");
  }
}

WebhookReceiver::WebhookReceiver(const ConnectorOptions& options, JobQueue& queue,
                                 StatsRecorder& stats, OrderLedger& ledger)
    : impl_(std::make_unique<Impl>(options, queue, stats, ledger)) {}

WebhookReceiver::~WebhookReceiver() {
  stop();
}

bool WebhookReceiver::start(std::string* error) {
  SD_CHECK(impl_->server == nullptr, "start() on a running receiver");
  // A platform that hangs up mid-answer must not kill the connector.
  std::signal(SIGPIPE, SIG_IGN);
  impl_->configure();
  httplib::Server& svr = *impl_->server;
  const ConnectorOptions& o = impl_->options;
  const int port = o.listen_port == 0
                       ? svr.bind_to_any_port(o.listen_host)
                       : (svr.bind_to_port(o.listen_host, o.listen_port) ? o.listen_port : -1);
  if (port <= 0) {
    if (error != nullptr)
      *error = fmt::format("cannot listen on {}:{}", o.listen_host, o.listen_port);
    impl_->server.reset();
    return false;
  }
  if (!listen_in_background(svr, listener_)) {
    impl_->server.reset();
    if (error != nullptr) *error = fmt::format("cannot serve on {}:{}", o.listen_host, port);
    return false;
  }
  port_.store(port);
  return true;
}

void WebhookReceiver::stop() {
  if (impl_->server == nullptr) return;
  impl_->server->stop();
  listener_.join();
  impl_->server.reset();
  port_.store(0);
}

}  // namespace syncdrill
