// Platform presets: the loader fills what a scenario leaves unset from the table, explicit keys
// win, a wrong or unknown platform is refused where it is written, and docs/platforms.md shows
// every default of the table.
#include "core/scenario/platforms.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "core/scenario/loader.hpp"
#include "mocks/webhook.hpp"

namespace syncdrill {
namespace {

using scenario::platform_row;
using scenario::platform_table;

std::string messages(const LoadResult& r) {
  std::string out;
  for (const Diagnostic& d : r.errors)
    out += format_diagnostic(d) + "\n";
  return out;
}

Scenario load_ok(const std::string& text) {
  const LoadResult r = load_scenario_text(text, "t.yaml");
  INFO(messages(r));
  REQUIRE(r.ok());
  return *r.scenario;
}

std::string only_error(const std::string& text) {
  const LoadResult r = load_scenario_text(text, "t.yaml");
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.errors.size() == 1);
  return format_diagnostic(r.errors[0]);
}

size_t op(ChannelOperation o) {
  return static_cast<size_t>(o);
}

TEST_CASE("a shopify channel takes the REST leaky bucket, the webhook schedule and the spellings") {
  const Scenario s = load_ok(
      "name: t\nduration: 1h\n"
      "channels: [{name: shop, kind: shopify_like, platform: shopify}]\n");
  const ChannelSpec& c = s.channels[0];
  CHECK(c.platform == Platform::shopify);
  REQUIRE(c.endpoint.rate_limit.has_value());
  CHECK(c.endpoint.rate_limit->kind == RateLimitSpec::Kind::leaky_bucket);
  CHECK(c.endpoint.rate_limit->rate_per_s == 2);
  CHECK(c.endpoint.rate_limit->burst == 40);
  CHECK(c.webhooks.timeout == seconds(5));
  CHECK(c.webhooks.retries == 8);
  CHECK(c.webhooks.remove_when_exhausted);
  const auto& preset = platform_row(Platform::shopify)->statuses;
  REQUIRE(c.statuses.size() == preset.size());
  for (size_t i = 0; i < preset.size(); ++i) {
    CHECK(c.statuses[i].from == preset[i].from);
    CHECK(c.statuses[i].to == preset[i].to);
  }
  // Not a syncdrill default: the preset changed them.
  CHECK(c.webhooks.base != WebhookSpec{}.base);
  CHECK_FALSE(WebhookSpec{}.remove_when_exhausted);
}

TEST_CASE("the Shopify schedule spans about four hours, as Shopify documents") {
  const WebhookSpec w = *platform_row(Platform::shopify)->webhooks;
  Duration total{};
  for (uint32_t a = 1; a <= w.retries; ++a)
    total = total + webhook_retry_delay(w, a);
  CHECK(total >= hours(3) + minutes(45));
  CHECK(total <= hours(4) + minutes(15));
}

TEST_CASE("the SQS redeliveries of amazon_sp_api span the queue's 4-day retention") {
  const WebhookSpec w = *platform_row(Platform::amazon_sp_api)->webhooks;
  CHECK(w.timeout == seconds(30));
  Duration total{};
  for (uint32_t a = 1; a <= w.retries; ++a)
    total = total + webhook_retry_delay(w, a);
  CHECK(total + w.base == hours(96));  // the first receive plus every redelivery, 30 s apart
}

TEST_CASE("explicit keys win over the preset, key by key") {
  const Scenario s = load_ok(
      "name: t\nduration: 1h\n"
      "channels:\n"
      "  - name: shop\n"
      "    kind: shopify_like\n"
      "    platform: shopify_plus\n"
      "    endpoint: {workers: 7, rate_limit: {kind: token_bucket, rate: 100/s, burst: 9}}\n"
      "    webhooks: {retries: 3}\n"
      "    statuses: {cancelled: CANCELED}\n"
      "  - name: amz\n"
      "    kind: amazon_like\n"
      "    platform: amazon_sp_api\n"
      "    operation_limits: {status_updates: {kind: token_bucket, rate: 300/s, burst: 600}}\n");
  const ChannelSpec& shop = s.channels[0];
  CHECK(shop.endpoint.workers == 7);
  REQUIRE(shop.endpoint.rate_limit.has_value());
  CHECK(shop.endpoint.rate_limit->kind == RateLimitSpec::Kind::token_bucket);
  CHECK(shop.endpoint.rate_limit->rate_per_s == 100);
  CHECK(shop.endpoint.rate_limit->burst == 9);
  CHECK(shop.webhooks.retries == 3);
  CHECK(shop.webhooks.timeout == seconds(5));  // the preset's, not set here
  CHECK(shop.webhooks.remove_when_exhausted);
  REQUIRE_FALSE(shop.statuses.empty());
  CHECK(shop.statuses.back().from == "cancelled");  // applied last: it wins
  CHECK(shop.statuses.back().to == "CANCELED");

  const ChannelSpec& amz = s.channels[1];
  CHECK_FALSE(amz.endpoint.rate_limit.has_value());  // SP-API: per-operation buckets only
  const auto& status = amz.operation_limits[op(ChannelOperation::status_updates)];
  REQUIRE(status.has_value());
  CHECK(status->rate_per_s == 300);
  CHECK_FALSE(status->retry_after);  // an override of the rate keeps SP-API's 429 style
  const auto& listings = amz.operation_limits[op(ChannelOperation::listing_updates)];
  REQUIRE(listings.has_value());
  CHECK(listings->rate_per_s == doctest::Approx(1.0 / 60));  // JSON_LISTINGS_FEED: 5 per 5 min
  CHECK(listings->burst == 5);
  CHECK_FALSE(listings->retry_after);
}

TEST_CASE("a netsuite ERP takes the account concurrency limit unless the scenario sets one") {
  const std::string head =
      "name: t\nduration: 1h\nsystems:\n  - {name: erp, kind: erp, platform: netsuite";
  CHECK(load_ok(head + "}\n").systems[0].concurrency_limit == 15u);
  CHECK(load_ok(head + ", concurrency_limit: 65}\n").systems[0].concurrency_limit == 65u);
  CHECK_FALSE(load_ok("name: t\nduration: 1h\nsystems: [{name: erp, kind: erp}]\n")
                  .systems[0]
                  .concurrency_limit.has_value());
}

TEST_CASE("an unknown platform is refused at its value with a suggestion") {
  CHECK(only_error("name: t\nduration: 1h\n"
                   "channels: [{name: shop, kind: shopify_like, platform: shopify_pls}]\n") ==
        "t.yaml:3:55: channels[0].platform: unknown platform 'shopify_pls' (did you mean "
        "'shopify_plus'?)");
}

TEST_CASE("a platform on the wrong kind is refused at its value") {
  CHECK(only_error("name: t\nduration: 1h\n"
                   "channels: [{name: shop, kind: shopify_like, platform: amazon_sp_api}]\n") ==
        "t.yaml:3:55: channels[0].platform: platform 'amazon_sp_api' applies to a channel of "
        "kind amazon_like");
  CHECK(only_error("name: t\nduration: 1h\n"
                   "channels: [{name: shop, kind: shopify_like, platform: netsuite}]\n") ==
        "t.yaml:3:55: channels[0].platform: platform 'netsuite' applies to a system of kind erp");
  CHECK(only_error("name: t\nduration: 1h\n"
                   "systems: [{name: oms, kind: oms, platform: netsuite}]\n") ==
        "t.yaml:3:44: systems[0].platform: platform 'netsuite' applies to a system of kind erp");
  CHECK(only_error("name: t\nduration: 1h\n"
                   "systems: [{name: erp, kind: erp, platform: shopify}]\n") ==
        "t.yaml:3:44: systems[0].platform: platform 'shopify' applies to a channel of kind "
        "shopify_like");
}

TEST_CASE("retry_after is a key of an endpoint's bucket, not of a rate_limit fault's") {
  const Scenario s = load_ok(
      "name: t\nduration: 1h\n"
      "channels: [{name: shop, kind: shopify_like,\n"
      "            endpoint: {rate_limit: {rate: 5/s, retry_after: false}}}]\n");
  CHECK_FALSE(s.channels[0].endpoint.rate_limit->retry_after);
  const LoadResult r = load_scenario_text(
      "name: t\nduration: 1h\n"
      "channels: [{name: shop, kind: shopify_like}]\n"
      "faults: [{id: f, kind: rate_limit, target: shop, at: 1m, for: 1m,\n"
      "          rate_limit: {rate: 1/s, retry_after: false}}]\n",
      "t.yaml");
  CHECK_FALSE(r.ok());
}

TEST_CASE("an unknown operation in operation_limits is refused") {
  const LoadResult r = load_scenario_text(
      "name: t\nduration: 1h\n"
      "channels: [{name: amz, kind: amazon_like,\n"
      "            operation_limits: {order_reads: {rate: 1/s}}}]\n",
      "t.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(messages(r).find("order_reads") != std::string::npos);
}

TEST_CASE("a webhook schedule whose preset cap is below a new base is refused") {
  // amazon_sp_api's cap is 30 s: a base of 1m without a cap would never be honoured.
  CHECK(only_error("name: t\nduration: 1h\n"
                   "channels: [{name: amz, kind: amazon_like, platform: amazon_sp_api,\n"
                   "            webhooks: {base: 1m}}]\n")
            .find("expected cap >= base") != std::string::npos);
}

// Every default of the table, and every source, appears in docs/platforms.md as written by
// describe_defaults: the table and the page cannot drift apart.
TEST_CASE("docs/platforms.md lists every default of the table and its source") {
  std::ifstream doc(std::string(SYNCDRILL_SOURCE_DIR) + "/docs/platforms.md");
  REQUIRE(doc.good());
  std::stringstream text;
  text << doc.rdbuf();
  const std::string page = text.str();
  size_t lines = 0;
  for (const scenario::PlatformRow& row : platform_table()) {
    CHECK(page.find(std::string("`") + std::string(to_string(row.platform)) + "`") !=
          std::string::npos);
    for (const std::string& line : scenario::describe_defaults(row)) {
      INFO(line);
      CHECK(page.find(line) != std::string::npos);
      ++lines;
    }
  }
  CHECK(lines > 30);
}

}  // namespace
}  // namespace syncdrill
