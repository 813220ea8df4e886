// The reference connector's Shopify mode against a small fake on 127.0.0.1 built from Shopify's
// documented examples: orders.json pages with a Link header
// (shopify.dev/docs/api/admin-rest/usage/pagination), locations.json, variants/{id}.json,
// inventory_levels/set.json, 429 with "Retry-After: 2.0"-style decimal seconds and
// X-Shopify-Shop-Api-Call-Limit (shopify.dev/docs/api/admin-rest/usage/rate-limits); plus the
// drill's OMS and ERP routes. Webhooks are signed as Shopify signs them (base64 HMAC-SHA256).
#include <sys/socket.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "connector/reference_connector.hpp"
#include "connector/shopify_wire.hpp"
#include "mocks/http/listen_thread.hpp"
#include "mocks/http/signature.hpp"
#include "tests/connector/connector_test_support.hpp"

namespace syncdrill {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* kSecret = "hush";
constexpr const char* kToken = "shpat_test";
constexpr const char* kApi = "/channels/dtc/admin/api/2025-01";
constexpr uint64_t kLocation = 60000000000;

struct Request {
  std::string method;
  std::string path;  // without the query
  std::map<std::string, std::string> params;
  std::string token;
  std::string idempotency_key;
  std::string body;
  Clock::time_point at;
};

// A Shopify order as the Order resource writes it (the fields the connector reads, and a few
// it must ignore).
json shopify_order(uint64_t id, uint32_t sku, const std::string& price = "45.99") {
  return json{{"id", id},
              {"name", fmt::format("#{}", 1000 + id)},
              {"financial_status", "paid"},
              {"currency", "EUR"},
              {"updated_at", "2026-11-28T00:50:15-05:00"},
              {"line_items",
               {{{"id", 466157049 + id},
                 {"variant_id", 40000000000 + sku},
                 {"product_id", 30000000000 + sku},
                 {"sku", std::to_string(sku)},
                 {"quantity", 1},
                 {"price", price}}}}};
}

struct FakeShop {
  httplib::Server server;
  std::thread listener;
  int port = 0;
  std::mutex mutex;
  std::vector<Request> log;
  std::vector<json> orders;                   // what orders.json lists, by id
  std::map<std::string, int> creates_by_key;  // OMS creates per Idempotency-Key
  int set_429s = 0;                           // inventory sets still to refuse with a 429
  std::string retry_after = "0.3";
  std::string call_limit = "1/40";
  std::string off_shop_link;  // non-empty: page 1's next link points here

  FakeShop() {
    server.set_socket_options([](socket_t sock) {
      const int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server.Get(R"(/channels/dtc/admin/api/2025-01/orders\.json)",
               [this](const httplib::Request& q, httplib::Response& s) { list_orders(q, s); });
    server.Get(R"(/channels/dtc/admin/api/2025-01/locations\.json)",
               [this](const httplib::Request& q, httplib::Response& s) {
                 record(q);
                 reply(s, 200, json::parse(R"({"locations": [
                   {"id": 59999999999, "name": "Closed store", "active": false},
                   {"id": 60000000000, "name": "Ottawa Store", "active": true}]})"));
               });
    server.Get(R"(/channels/dtc/admin/api/2025-01/variants/(\d+)\.json)",
               [this](const httplib::Request& q, httplib::Response& s) {
                 record(q);
                 const uint64_t variant = std::stoull(q.matches[1]);
                 reply(s, 200,
                       json{{"variant",
                             {{"id", variant},
                              {"sku", std::to_string(variant - 40000000000)},
                              {"inventory_item_id", variant - 40000000000 + 50000000000}}}});
               });
    server.Post(R"(/channels/dtc/admin/api/2025-01/inventory_levels/set\.json)",
                [this](const httplib::Request& q, httplib::Response& s) { set_level(q, s); });
    server.Post("/oms/orders", [this](const httplib::Request& q, httplib::Response& s) {
      record(q);
      std::lock_guard lock(mutex);
      const int n = ++creates_by_key[q.get_header_value("Idempotency-Key")];
      reply_locked(s, n == 1 ? 201 : 200, json{{"id", 1}});
    });
    server.Get(R"(/erp/stock/(\d+))", [this](const httplib::Request& q, httplib::Response& s) {
      record(q);
      reply(s, 200, json{{"sku", std::stoi(q.matches[1])}, {"on_hand", 40}});
    });
    port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    REQUIRE(listen_in_background(server, listener));
  }
  ~FakeShop() {
    server.stop();
    listener.join();
  }

  std::string origin() const { return fmt::format("http://127.0.0.1:{}", port); }

  void record(const httplib::Request& q) {
    Request r{q.method,
              q.path,
              {},
              q.get_header_value("X-Shopify-Access-Token"),
              q.get_header_value("Idempotency-Key"),
              q.body,
              Clock::now()};
    for (const auto& [k, v] : q.params)
      r.params[k] = v;
    std::lock_guard lock(mutex);
    log.push_back(std::move(r));
  }
  void reply_locked(httplib::Response& s, int status, const json& body) {
    s.status = status;
    s.set_header("X-Shopify-Shop-Api-Call-Limit", call_limit);
    s.set_content(body.dump(), "application/json");
  }
  void reply(httplib::Response& s, int status, const json& body) {
    std::lock_guard lock(mutex);
    reply_locked(s, status, body);
  }

  // Two pages: the orders up to the second (by id, after since_id) on page 1, with a Link to
  // page 2 ("page_info=p2"), the rest on page 2 with a previous link only.
  void list_orders(const httplib::Request& q, httplib::Response& s) {
    record(q);
    std::lock_guard lock(mutex);
    const bool page2 = q.get_param_value("page_info") == "p2";
    const uint64_t since = q.has_param("since_id") ? std::stoull(q.get_param_value("since_id")) : 0;
    json list = json::array();
    int index = 0;
    for (const json& o : orders) {
      if (o["id"].get<uint64_t>() <= since) continue;
      if ((index++ < 2) != page2) list.push_back(o);
    }
    const std::string base = fmt::format("{}{}/orders.json", origin(), kApi);
    if (!page2 && index > 2) {
      const std::string next =
          off_shop_link.empty() ? fmt::format("{}?limit=250&page_info=p2", base) : off_shop_link;
      s.set_header("Link", fmt::format("<{}>; rel=\"next\"", next));
    } else if (page2) {
      s.set_header("Link", fmt::format("<{}?limit=250&page_info=p1>; rel=\"previous\"", base));
    }
    reply_locked(s, 200, json{{"orders", list}});
  }

  void set_level(const httplib::Request& q, httplib::Response& s) {
    record(q);
    std::lock_guard lock(mutex);
    if (set_429s > 0) {
      --set_429s;
      s.set_header("Retry-After", retry_after);
      reply_locked(s, 429,
                   json{{"errors",
                         "Exceeded 2 calls per second for api client. Reduce "
                         "request rates to resume uninterrupted service."}});
      return;
    }
    const json body = json::parse(q.body);
    reply_locked(s, 200,
                 json{{"inventory_level",
                       {{"inventory_item_id", body["inventory_item_id"]},
                        {"location_id", body["location_id"]},
                        {"available", body["available"]}}}});
  }

  std::vector<Request> requests(const std::string& path_suffix) {
    std::lock_guard lock(mutex);
    std::vector<Request> out;
    for (const Request& r : log) {
      if (r.path.ends_with(path_suffix)) out.push_back(r);
    }
    return out;
  }
  int creates(const std::string& key) {
    std::lock_guard lock(mutex);
    const auto it = creates_by_key.find(key);
    return it == creates_by_key.end() ? 0 : it->second;
  }
};

ConnectorOptions shopify_options(const FakeShop& shop, int64_t poll_interval_ms = 0) {
  ConnectorOptions o =
      small_connector_options(shop.origin(), kSecret, fast_policy(milliseconds(500)));
  o.dialect = ConnectorDialect::shopify;
  o.shopify.shop_url = shop.origin() + "/channels/dtc";
  o.shopify.api_version = "2025-01";
  o.shopify.access_token = kToken;
  o.shopify.poll_interval_ms = poll_interval_ms;
  o.stock_channels = {StockTarget{"dtc", 5}};
  return o;
}

// Posts a webhook as Shopify does; `hmac` empty = no signature header.
int deliver(int port, const std::string& body, const std::string& hmac, const std::string& event_id,
            const std::string& topic = "orders/create") {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5, 0);
  httplib::Headers headers{
      {"X-Shopify-Topic", topic},           {"X-Shopify-Shop-Domain", "dtc.myshopify.com"},
      {"X-Shopify-API-Version", "2025-01"}, {"X-Shopify-Webhook-Id", "wh-" + event_id},
      {"X-Shopify-Event-Id", event_id},     {"X-Shopify-Triggered-At", "2026-11-28T05:50:15.123Z"}};
  if (!hmac.empty()) headers.emplace("X-Shopify-Hmac-Sha256", hmac);
  const auto r = client.Post("/webhooks", headers, body, "application/json");
  REQUIRE(r);
  return r->status;
}

int deliver_signed(int port, const json& order, const std::string& event_id) {
  const std::string body = order.dump();
  return deliver(port, body, shopify_hmac(body, kSecret), event_id);
}

TEST_CASE("shopify connector: an orders/create webhook becomes one OMS order and a stock set") {
  FakeShop shop;
  Running live(shopify_options(shop));
  const int port = live.connector.port();
  CHECK(deliver_signed(port, shopify_order(1001, 3, "199.00"), "evt-1") == 200);
  CHECK(deliver_signed(port, shopify_order(1002, 3, "0.30"), "evt-2") == 200);
  const ConnectorStats stats = live.connector.stop();
  CHECK(stats.orders_created == 2);
  CHECK(stats.stock_pushes == 2);
  CHECK(stats.dead_letters == 0);
  CHECK(shop.creates("shopify-1001") == 1);
  CHECK(shop.creates("shopify-1002") == 1);
  // The OMS create carries the price in minor units, exactly.
  const auto oms = shop.requests("/oms/orders");
  REQUIRE(oms.size() == 2);
  std::set<int64_t> prices;
  for (const Request& r : oms) {
    const json body = json::parse(r.body);
    CHECK(body["channel"] == "dtc");
    // The channel's order id is the Shopify id - 1; the key keeps the Shopify id.
    CHECK(body["channel_order"].get<uint64_t>() + 1 ==
          std::stoull(r.idempotency_key.substr(std::string("shopify-").size())));
    prices.insert(body["lines"][0]["unit_price_minor"].get<int64_t>());
  }
  CHECK(prices == std::set<int64_t>{19900, 30});
  // The location and the variant's inventory item are read once, then cached.
  CHECK(shop.requests("/locations.json").size() == 1);
  CHECK(shop.requests("/variants/40000000003.json").size() == 1);
  const auto sets = shop.requests("/inventory_levels/set.json");
  REQUIRE(sets.size() == 2);
  for (const Request& r : sets) {
    // The active location, the variant's inventory item, the ERP's 40 minus the buffer of 5.
    CHECK(json::parse(r.body) ==
          json{{"location_id", kLocation}, {"inventory_item_id", 50000000003}, {"available", 35}});
  }
  // Every Shopify call carried the access token; the OMS and ERP calls did not get it.
  for (const Request& r : shop.requests(".json"))
    CHECK(r.token == kToken);
  for (const Request& r : oms)
    CHECK(r.token.empty());
}

TEST_CASE("shopify connector: a forged, tampered or unsigned webhook is refused with 401") {
  FakeShop shop;
  Running live(shopify_options(shop));
  const int port = live.connector.port();
  const std::string body = shopify_order(7, 4).dump();
  const std::string other = shopify_order(8, 4).dump();
  CHECK(deliver(port, body, shopify_hmac(body, "not-the-secret"), "f-1") == 401);  // forged
  CHECK(deliver(port, other, shopify_hmac(body, kSecret), "f-2") == 401);          // tampered
  CHECK(deliver(port, body, "", "f-3") == 401);                                    // unsigned
  // syncdrill's own hex signature is not Shopify's base64.
  CHECK(deliver(port, body, hmac_sha256_hex(kSecret, body), "f-4") == 401);
  ConnectorStats stats = live.connector.stats();
  CHECK(stats.bad_signatures == 4);
  CHECK(shop.requests("/oms/orders").empty());
  // A refused delivery is not remembered: Shopify's signed redelivery goes through. Another
  // topic is acknowledged and counted.
  CHECK(deliver_signed(port, json::parse(body), "f-1") == 200);
  const std::string update = R"({"id": 7})";
  CHECK(deliver(port, update, shopify_hmac(update, kSecret), "u-1", "orders/updated") == 200);
  stats = live.connector.stop();
  CHECK(stats.other_topics == 1);
  CHECK(stats.orders_created == 1);
  CHECK(shop.creates("shopify-7") == 1);
  CHECK(shop.creates("shopify-8") == 0);
}

TEST_CASE("shopify connector: hostile webhook bodies are refused, signed or not") {
  FakeShop shop;
  ConnectorOptions options = shopify_options(shop);
  options.payload_max_bytes = 4096;
  Running live(std::move(options));
  const int port = live.connector.port();
  const auto signed_status = [&](const std::string& body, const std::string& event) {
    return deliver(port, body, shopify_hmac(body, kSecret), event);
  };
  CHECK(signed_status("{\"id\": 5, \"line_items\": [", "h-1") == 400);  // truncated JSON
  CHECK(signed_status(std::string(200, '[') + std::string(200, ']'), "h-2") == 400);
  CHECK(signed_status(R"({"id": 5})", "h-3") == 400);  // no line_items
  CHECK(signed_status(R"({"id": 5, "line_items": [{"sku": "5", "quantity": 1,
                          "price": "1e308"}]})",
                      "h-4") == 400);
  CHECK(signed_status(R"({"id": 1e400})", "h-5") == 400);
  // Over the body limit: 413 before anything is read.
  const std::string huge = "{\"pad\": \"" + std::string(8192, 'x') + "\"}";
  CHECK(signed_status(huge, "h-6") == 413);
  // No event id at all: still processed once (the order ledger and the key are enough).
  const std::string body = shopify_order(51, 5).dump();
  httplib::Client client("127.0.0.1", port);
  const httplib::Headers headers{{"X-Shopify-Topic", "orders/create"},
                                 {"X-Shopify-Hmac-Sha256", shopify_hmac(body, kSecret)}};
  REQUIRE(client.Post("/webhooks", headers, body, "application/json"));
  REQUIRE(client.Post("/webhooks", headers, body, "application/json"));
  const ConnectorStats stats = live.connector.stop();
  CHECK(stats.malformed_webhooks == 5);
  CHECK(stats.orders_known + stats.duplicates_ignored == 1);
  CHECK(stats.orders_created == 1);
  CHECK(shop.requests("/oms/orders").size() == 1);
}

TEST_CASE("shopify connector: a repeated X-Shopify-Event-Id is processed once") {
  FakeShop shop;
  Running live(shopify_options(shop));
  const int port = live.connector.port();
  CHECK(deliver_signed(port, shopify_order(21, 2), "evt-21") == 200);
  CHECK(deliver_signed(port, shopify_order(21, 2), "evt-21") == 200);
  const ConnectorStats stats = live.connector.stop();
  CHECK(stats.duplicates_ignored == 1);
  CHECK(stats.orders_created == 1);
  CHECK(shop.requests("/oms/orders").size() == 1);
}

TEST_CASE(
    "shopify connector: the backup poll follows Link rel=next and creates what no webhook "
    "brought, once") {
  FakeShop shop;
  for (const uint64_t id : {101, 102, 103, 104, 105})
    shop.orders.push_back(shopify_order(id, static_cast<uint32_t>(id - 100)));
  Running live(shopify_options(shop, 100));
  // The webhook brings 103 too; the poll must not make it a second create.
  CHECK(deliver_signed(live.connector.port(), shop.orders[2], "evt-103") == 200);
  const auto deadline = Clock::now() + 5s;
  while (shop.creates("shopify-105") == 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(300ms);  // a few more polls: nothing new
  const ConnectorStats stats = live.connector.stop();
  for (const uint64_t id : {101, 102, 103, 104, 105})
    CHECK_MESSAGE(shop.creates(fmt::format("shopify-{}", id)) == 1, id);
  CHECK(shop.requests("/oms/orders").size() == 5);
  CHECK(stats.orders_created == 5);
  CHECK(stats.orders_replayed == 0);
  CHECK(stats.polls >= 2);
  CHECK(stats.poll_failures == 0);
  const auto lists = shop.requests("/orders.json");
  REQUIRE(lists.size() >= 3);
  // The first pass: page 1 from the start, then page 2 by its page_info alone (the pagination
  // guide: a page_info request takes only limit and fields).
  CHECK(lists[0].params.count("since_id") == 0);
  CHECK(lists[0].params.at("status") == "any");
  CHECK(lists[1].params ==
        std::map<std::string, std::string>{{"limit", "250"}, {"page_info", "p2"}});
  // Later passes start after the last order created.
  CHECK(lists.back().params.at("since_id") == "105");
}

TEST_CASE("shopify connector: a next page off the shop is not followed (the token stays)") {
  FakeShop shop;
  for (const uint64_t id : {1, 2, 3})
    shop.orders.push_back(shopify_order(id, 1));
  shop.off_shop_link = "http://127.0.0.2:1/channels/dtc/admin/api/2025-01/orders.json?page_info=x";
  Running live(shopify_options(shop, 50));
  const auto deadline = Clock::now() + 3s;
  while (live.connector.stats().poll_failures == 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  const ConnectorStats stats = live.connector.stop();
  CHECK(stats.poll_failures >= 1);
  CHECK(stats.polls == 0);
  CHECK(stats.last_poll_failure.find("off the shop") != std::string::npos);
  CHECK(stats.dead_letters == 0);         // a poll given up loses nothing: the next one reads again
  CHECK(shop.creates("shopify-1") == 1);  // page 1's orders were still taken
}

TEST_CASE("shopify connector: a 429's decimal Retry-After is waited out before the retry") {
  FakeShop shop;
  shop.set_429s = 2;
  shop.retry_after = "0.3";
  Running live(shopify_options(shop));
  CHECK(deliver_signed(live.connector.port(), shopify_order(31, 6), "evt-31") == 200);
  const ConnectorStats stats = live.connector.stop();
  const auto sets = shop.requests("/inventory_levels/set.json");
  REQUIRE(sets.size() == 3);
  CHECK(sets[1].at - sets[0].at >= 300ms);  // the backoff alone is 10 ms
  CHECK(sets[2].at - sets[1].at >= 300ms);
  CHECK(stats.retry_after_waits == 2);
  CHECK(stats.stock_pushes == 1);
  CHECK(stats.dead_letters == 0);
}

TEST_CASE("shopify connector: a nearly full call limit slows the next calls down") {
  FakeShop shop;
  shop.call_limit = "39/40";
  ConnectorOptions options = shopify_options(shop);
  options.shopify.leak_per_s = 20;  // (39 - 32 + 1) / 20 = 0.4 s after each call
  options.worker_threads = 1;
  Running live(std::move(options));
  CHECK(deliver_signed(live.connector.port(), shopify_order(41, 8), "evt-41") == 200);
  const ConnectorStats stats = live.connector.stop();
  CHECK(stats.call_limit_slowdowns >= 2);
  CHECK(stats.shop_pauses >= 2);
  // locations.json, then variants/{id}.json, then inventory_levels/set.json: each waited.
  const auto variant = shop.requests("/variants/40000000008.json");
  const auto set = shop.requests("/inventory_levels/set.json");
  REQUIRE(variant.size() == 1);
  REQUIRE(set.size() == 1);
  CHECK(set[0].at - variant[0].at >= 400ms);
}

TEST_CASE("shopify connector: its options are checked") {
  FakeShop shop;
  ConnectorOptions o = shopify_options(shop);
  CHECK_FALSE(ReferenceConnector::check_options(o));
  o.shopify.api_version = "2025-13";
  CHECK(ReferenceConnector::check_options(o));
  o = shopify_options(shop);
  o.shopify.access_token.clear();
  CHECK(ReferenceConnector::check_options(o));
  o = shopify_options(shop);
  o.shopify.access_token = "a\r\nX-Evil: 1";
  CHECK(ReferenceConnector::check_options(o));
  o = shopify_options(shop);
  o.shopify.shop_url = "https://dtc.myshopify.com";
  CHECK(ReferenceConnector::check_options(o));
}

}  // namespace
}  // namespace syncdrill
