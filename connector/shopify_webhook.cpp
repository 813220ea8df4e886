#include "connector/shopify_webhook.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "connector/shopify_wire.hpp"
#include "connector/webhook_reply.hpp"
#include "core/engine/fnv1a.hpp"

namespace syncdrill {

namespace {

using nlohmann::json;

// The channel's name: the shop URL's last segment (checked before the receiver starts).
std::string channel_of(const ConnectorOptions& o) {
  const std::optional<ShopUrl> url = parse_shop_url(o.shopify.shop_url, nullptr);
  return url ? url->channel : std::string();
}

}  // namespace

void handle_shopify_webhook(const ShopifyWebhookContext& c, const httplib::Request& req,
                            httplib::Response& res) {
  c.stats.add(&ConnectorStats::webhooks_received);
  if (c.options.verify_signatures &&
      !verify_shopify_hmac(req.body, req.get_header_value("X-Shopify-Hmac-Sha256"),
                           c.options.secret)) {
    c.stats.add(&ConnectorStats::bad_signatures);
    return webhook_reply_error(res, 401, "bad_signature",
                               "X-Shopify-Hmac-Sha256 is missing or does not match the body");
  }
  const std::string topic = req.get_header_value("X-Shopify-Topic");
  if (topic != "orders/create") {
    c.stats.add(&ConnectorStats::other_topics);
    return webhook_reply(res, 200, json{{"status", "ignored"}, {"topic", topic}});
  }
  std::string event_id = req.get_header_value("X-Shopify-Event-Id");
  if (event_id.empty()) event_id = req.get_header_value("X-Shopify-Webhook-Id");
  const json body = json::parse(req.body, nullptr, false);
  std::string error;
  std::optional<OrderJob> job = parse_shopify_order(body, channel_of(c.options), event_id, &error);
  if (!job) {
    c.stats.add(&ConnectorStats::malformed_webhooks);
    return webhook_reply_error(res, 400, body.is_discarded() ? "malformed_json" : "invalid_field",
                               error);
  }
  const uint64_t order_id = job->order_id;
  const uint64_t key = fnv1a64("shopify\n" + event_id);
  if (!event_id.empty() && c.queue.seen(key)) {
    c.stats.add(&ConnectorStats::duplicates_ignored);
    return webhook_reply(res, 200, json{{"status", "duplicate"}});
  }
  if (!c.ledger.claim(order_id)) {
    c.stats.add(&ConnectorStats::orders_known);
    return webhook_reply(res, 200, json{{"status", "known"}});
  }
  // Without an event id there is nothing to dedupe on: the ledger and the key are enough.
  const JobQueue::Admit admitted =
      event_id.empty() ? c.queue.push(std::move(*job)) : c.queue.admit(key, std::move(*job));
  if (admitted != JobQueue::Admit::accepted) c.ledger.release(order_id);
  switch (admitted) {
    case JobQueue::Admit::accepted:
      return webhook_reply(res, 200, json{{"status", "accepted"}});
    case JobQueue::Admit::duplicate:
      c.stats.add(&ConnectorStats::duplicates_ignored);
      return webhook_reply(res, 200, json{{"status", "duplicate"}});
    case JobQueue::Admit::full:
      c.stats.add(&ConnectorStats::queue_full_rejections);
      return webhook_reply_error(res, 503, "queue_full", "the connector's job queue is full");
    case JobQueue::Admit::closed:
      return webhook_reply_error(res, 503, "shutting_down", "the connector is stopping");
  }
}

}  // namespace syncdrill
