// A Shopify webhook delivery, as the connector's receiver handles it in the Shopify mode
// (shopify.dev/docs/apps/build/webhooks). In this order:
//   1. X-Shopify-Hmac-Sha256 must be base64(HMAC-SHA256(secret, RAW body)), compared in
//      constant time before anything is parsed; else 401, counted, nothing done;
//   2. X-Shopify-Topic other than orders/create: 200, counted;
//   3. the body is the Order resource; one the OMS could not take is 400;
//   4. X-Shopify-Event-Id seen before (Shopify: "the same value across more than one webhook
//      indicates a duplicate"; X-Shopify-Webhook-Id when a sender has no event id): 200,
//      counted in duplicates_ignored;
//   5. the order id already in hand or done (the poll found it first): 200, orders_known;
//   6. a full queue: 503 (Shopify redelivers); else queued and 200 at once, well inside
//      Shopify's 5-second timeout.
#pragma once

#include <httplib.h>

#include "connector/connector_options.hpp"
#include "connector/connector_stats.hpp"
#include "connector/job_queue.hpp"
#include "connector/shopify_ledger.hpp"

namespace syncdrill {

struct ShopifyWebhookContext {
  const ConnectorOptions& options;
  JobQueue& queue;
  StatsRecorder& stats;
  OrderLedger& ledger;
};

void handle_shopify_webhook(const ShopifyWebhookContext& context, const httplib::Request& req,
                            httplib::Response& res);

}  // namespace syncdrill
