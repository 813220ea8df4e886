// The platform presets' table (see platforms.hpp); the figures and their sources are explained
// in docs/platforms.md.
#include "core/scenario/platforms.hpp"

#include <fmt/format.h>

#include "core/engine/check.hpp"

namespace syncdrill::scenario {

namespace {

using Kind = RateLimitSpec::Kind;

constexpr std::string_view kShopifyRest =
    "https://shopify.dev/docs/api/admin-rest/usage/rate-limits";
constexpr std::string_view kShopifyRetries =
    "https://shopify.dev/changelog/updates-to-webhook-retry-mechanism";
constexpr std::string_view kShopifyWebhookTimeout =
    "https://shopify.dev/docs/apps/build/webhooks/subscribe/https";
constexpr std::string_view kShopifyRemoval =
    "https://shopify.dev/docs/apps/build/webhooks/troubleshooting-webhooks";
constexpr std::string_view kShopifyOrder =
    "https://shopify.dev/docs/api/admin-rest/latest/resources/order";
constexpr std::string_view kSpApiUsagePlans =
    "https://developer-docs.amazon.com/sp-api/docs/usage-plans-and-rate-limits";
constexpr std::string_view kSpApiOrders =
    "https://developer-docs.amazon.com/sp-api/docs/orders-api-v0-reference";
constexpr std::string_view kSpApiListingsFeed =
    "https://developer-docs.amazon.com/sp-api/changelog/"
    "update-feed-size-and-rate-limit-changes-for-the-json_listings_feed";
constexpr std::string_view kSpApiNotifications =
    "https://developer-docs.amazon.com/sp-api/docs/notifications-api-v1-use-case-guide";
constexpr std::string_view kSqsVisibility =
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "sqs-visibility-timeout.html";
constexpr std::string_view kSqsRetention =
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/"
    "API_SetQueueAttributes.html";
constexpr std::string_view kNetSuiteLimits =
    "https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1525253248.html";

RateLimitSpec bucket(Kind kind, double rate_per_s, double size, bool retry_after = true) {
  RateLimitSpec rl;
  rl.kind = kind;
  rl.rate_per_s = rate_per_s;
  rl.burst = size;
  rl.retry_after = retry_after;
  return rl;
}

// Shopify: 8 retries over about 4 hours on an exponential schedule whose intervals Shopify does
// not publish: 1m, 2m, 4m ... 64m, then the 2h cap (1m x 2^7 = 128m), 4h07m in all.
WebhookSpec shopify_webhooks() {
  WebhookSpec w;
  w.timeout = seconds(5);
  w.retries = 8;
  w.backoff = BackoffKind::exponential;
  w.base = minutes(1);
  w.cap = hours(2);
  w.remove_when_exhausted = true;
  return w;
}

// SP-API notifications are SQS messages the seller receives: one not deleted within the
// visibility timeout (30 s) is received again, until the retention period (4 days) ends:
// 4 d / 30 s = 11,520 receives, the first and 11,519 redeliveries.
WebhookSpec sqs_notifications() {
  WebhookSpec w;
  w.timeout = seconds(30);
  w.retries = 11'519;
  w.backoff = BackoffKind::constant;
  w.base = seconds(30);
  w.cap = seconds(30);
  return w;
}

// Shopify's financial_status and fulfillment_status values, and the orders list's
// status=cancelled, as one vocabulary.
std::vector<StatusMapping> shopify_statuses() {
  return {{"pending", "pending"},    {"confirmed", "paid"},      {"picking", "unfulfilled"},
          {"shipped", "fulfilled"},  {"delivered", "fulfilled"}, {"cancelled", "cancelled"},
          {"returned", "restocked"}, {"refunded", "refunded"}};
}

// SP-API OrderStatus (Pending, Unshipped, PartiallyShipped, Shipped, Canceled, Unfulfillable);
// returns and refunds are not order statuses there, so those two keep syncdrill's spelling.
std::vector<StatusMapping> sp_api_statuses() {
  return {{"pending", "Pending"}, {"confirmed", "Unshipped"}, {"picking", "Unshipped"},
          {"shipped", "Shipped"}, {"delivered", "Shipped"},   {"cancelled", "Canceled"}};
}

PlatformRow shopify_row(Platform p, double rate_per_s, double capacity) {
  PlatformRow row;
  row.platform = p;
  row.channel_kind = ChannelKind::shopify_like;
  row.rate_limit = bucket(Kind::leaky_bucket, rate_per_s, capacity);
  row.webhooks = shopify_webhooks();
  row.statuses = shopify_statuses();
  row.sources = {{"REST Admin API leaky bucket", kShopifyRest},
                 {"webhook retries: 8 over 4 hours, exponential", kShopifyRetries},
                 {"webhook response timeout: 5 s", kShopifyWebhookTimeout},
                 {"subscription removed after continued failure", kShopifyRemoval},
                 {"financial_status, fulfillment_status, status", kShopifyOrder}};
  return row;
}

PlatformRow sp_api_row() {
  PlatformRow row;
  row.platform = Platform::amazon_sp_api;
  row.channel_kind = ChannelKind::amazon_like;
  // No bucket for the whole channel: SP-API rate-limits each operation. Stock and prices go
  // as JSON_LISTINGS_FEED submissions (five per five minutes, up to 25,000 SKUs each), shipments
  // as confirmShipment; no 429 carries Retry-After.
  const RateLimitSpec listings_feed = bucket(Kind::token_bucket, 1.0 / 60, 5, false);
  row.operation_limits[static_cast<size_t>(ChannelOperation::listing_updates)] = listings_feed;
  row.operation_limits[static_cast<size_t>(ChannelOperation::price_updates)] = listings_feed;
  row.operation_limits[static_cast<size_t>(ChannelOperation::status_updates)] =
      bucket(Kind::token_bucket, 2, 10, false);
  row.retry_after = false;
  row.webhooks = sqs_notifications();
  row.statuses = sp_api_statuses();
  row.sources = {
      {"token bucket per operation; 429 without Retry-After", kSpApiUsagePlans},
      {"confirmShipment 2/s burst 10; OrderStatus", kSpApiOrders},
      {"JSON_LISTINGS_FEED: 5 feeds per 5 minutes, 25,000 SKUs a feed", kSpApiListingsFeed},
      {"notifications delivered to an SQS queue", kSpApiNotifications},
      {"SQS visibility timeout 30 s", kSqsVisibility},
      {"SQS retention 4 days (345,600 s)", kSqsRetention}};
  return row;
}

PlatformRow netsuite_row() {
  PlatformRow row;
  row.platform = Platform::netsuite;
  row.system_kind = SystemKind::erp;
  // Premium service tier (Tier 1) without SuiteCloud Plus: 15 concurrent web services and
  // RESTlet requests for the account; each SuiteCloud Plus licence adds 10.
  row.concurrency_limit = 15;
  // Over it, HTTP 400 SSS_REQUEST_LIMIT_EXCEEDED (ErrorClass::request_limited): a 400 that a
  // connector must retry (docs/platform-erp-oms.md).
  row.concurrency_refusal = ConcurrencyRefusal::netsuite;
  row.sources = {{"account concurrency limit by service tier + SuiteCloud Plus", kNetSuiteLimits}};
  return row;
}

std::string rate_text(double per_s) {
  // A rate of whole requests a minute reads as such (1/min, not 0.0166667/s).
  const double per_min = per_s * 60;
  if (per_s < 1 && per_min == static_cast<double>(static_cast<int64_t>(per_min))) {
    return fmt::format("{:g}/min", per_min);
  }
  return fmt::format("{:g}/s", per_s);
}

std::string bucket_text(const RateLimitSpec& rl) {
  const bool token = rl.kind == Kind::token_bucket;
  return fmt::format("{} {} {} {:g}{}", token ? "token_bucket" : "leaky_bucket",
                     rate_text(rl.rate_per_s), token ? "burst" : "capacity", rl.burst,
                     rl.retry_after ? "" : " no Retry-After");
}

std::string duration_text(Duration d) {
  const int64_t s = d.us / 1'000'000;
  if (s % 3600 == 0) return fmt::format("{}h", s / 3600);
  if (s % 60 == 0) return fmt::format("{}m", s / 60);
  return fmt::format("{}s", s);
}

}  // namespace

const std::vector<PlatformRow>& platform_table() {
  static const std::vector<PlatformRow> table{
      shopify_row(Platform::shopify, 2, 40),
      shopify_row(Platform::shopify_plus, 20, 400),
      sp_api_row(),
      netsuite_row(),
  };
  return table;
}

const PlatformRow* platform_row(Platform p) {
  for (const PlatformRow& row : platform_table()) {
    if (row.platform == p) return &row;
  }
  return nullptr;
}

std::vector<std::string> describe_defaults(const PlatformRow& row) {
  const std::string_view name = to_string(row.platform);
  std::vector<std::string> lines;
  if (row.rate_limit) {
    lines.push_back(fmt::format("{}: rate_limit {}", name, bucket_text(*row.rate_limit)));
  }
  for (size_t i = 0; i < kChannelOperations; ++i) {
    if (!row.operation_limits[i]) continue;
    lines.push_back(fmt::format("{}: {} {}", name, to_string(static_cast<ChannelOperation>(i)),
                                bucket_text(*row.operation_limits[i])));
  }
  if (row.channel_kind) {
    lines.push_back(fmt::format("{}: 429 {}", name,
                                row.retry_after ? "with Retry-After" : "without Retry-After"));
  }
  if (row.webhooks) {
    const WebhookSpec& w = *row.webhooks;
    lines.push_back(fmt::format("{}: webhooks timeout {} retries {} {} base {} cap {}{}", name,
                                duration_text(w.timeout), w.retries, to_string(w.backoff),
                                duration_text(w.base), duration_text(w.cap),
                                w.remove_when_exhausted ? " remove_when_exhausted" : ""));
  }
  for (const StatusMapping& m : row.statuses) {
    lines.push_back(fmt::format("{}: status {} = {}", name, m.from, m.to));
  }
  if (row.concurrency_limit) {
    lines.push_back(fmt::format("{}: concurrency_limit {}", name, *row.concurrency_limit));
  }
  if (row.concurrency_refusal) {
    lines.push_back(
        fmt::format("{}: concurrency_refusal {}", name, to_string(*row.concurrency_refusal)));
  }
  for (const PlatformSource& s : row.sources) {
    lines.push_back(std::string(s.url));
  }
  return lines;
}

void apply_platform(const PlatformRow& row, ChannelSpec& c) {
  SD_CHECK(row.channel_kind.has_value(), "a channel takes a channel platform");
  if (row.rate_limit) c.endpoint.rate_limit = row.rate_limit;
  c.operation_limits = row.operation_limits;
  if (row.webhooks) c.webhooks = *row.webhooks;
  c.statuses = row.statuses;
}

void apply_platform(const PlatformRow& row, SystemSpec& s) {
  SD_CHECK(row.system_kind.has_value(), "a system takes a system platform");
  if (row.concurrency_limit) s.concurrency_limit = row.concurrency_limit;
  if (row.concurrency_refusal) s.concurrency_refusal = *row.concurrency_refusal;
}

}  // namespace syncdrill::scenario
