// MockServer tests: a small scenario served on an ephemeral loopback port (127.0.0.1 only) and
// driven with httplib::Client; a manual LiveClock keeps rate limits and timestamps exact.
#include "mocks/http/mock_server.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/scenario/loader.hpp"
#include "tests/mocks/http/served_mocks.hpp"

namespace syncdrill {
namespace {

using nlohmann::json;

// dtc: Shopify-like, leaky bucket of 4 at 2/s. market: Amazon-like, unlimited.
constexpr const char* kScenario = R"(
name: live-test
duration: 1h
currency: EUR
catalog: {skus: 50, stock_per_sku: 20, price_min: 10.00, price_max: 20.00}
channels:
  - name: dtc
    kind: shopify_like
    safety_buffer: 2
    endpoint: {rate_limit: {kind: leaky_bucket, rate: 2/s, capacity: 4}}
  - name: market
    kind: amazon_like
systems:
  - {name: oms, kind: oms}
  - {name: erp, kind: erp}
  - {name: wms, kind: wms}
)";

Scenario test_scenario() {
  LoadResult r = load_scenario_text(kScenario, "live-test.yaml");
  if (!r.ok()) FAIL(format_diagnostic(r.errors.front()));
  return *r.scenario;
}

// One served scenario and a client for it.
struct Live : testing::ServedMocks {
  explicit Live(MockServerOptions options = small_options(), Gate gate = {})
      : ServedMocks(test_scenario(), options, gate) {}
};

json post(Live& live, const std::string& path, const json& body, int status) {
  const auto r = live.client.Post(path.c_str(), body.dump(), "application/json");
  REQUIRE(r);
  INFO(path << " -> " << r->body);
  CHECK(r->status == status);
  return json::parse(r->body);
}

json put(Live& live, const std::string& path, const json& body, int status) {
  const auto r = live.client.Put(path.c_str(), body.dump(), "application/json");
  REQUIRE(r);
  INFO(path << " -> " << r->body);
  CHECK(r->status == status);
  return json::parse(r->body);
}

json get(Live& live, const std::string& path, int status) {
  const auto r = live.client.Get(path.c_str());
  REQUIRE(r);
  INFO(path << " -> " << r->body);
  CHECK(r->status == status);
  return json::parse(r->body);
}

std::string oms_order_body(uint64_t channel_order, SkuId sku = 3, uint32_t units = 1) {
  return json{{"channel", "market"},
              {"channel_order", channel_order},
              {"lines", {{{"sku", sku}, {"quantity", units}, {"unit_price_minor", 1500}}}}}
      .dump();
}

TEST_CASE("live: the inventory routes read, set, adjust and compare-and-set a listing") {
  Live live;
  json j = get(live, "/channels/dtc/inventory/7", 200);
  CHECK(j["quantity"] == 18);  // 20 in stock minus the safety buffer of 2
  CHECK(j["version"] == 0);
  CHECK(j["price_minor"].get<int64_t>() >= 1000);
  j = post(live, "/channels/dtc/inventory/set", {{"sku", 7}, {"quantity", 5}}, 200);
  CHECK(j == json{{"sku", 7}, {"quantity", 5}, {"version", 1}});
  j = post(live, "/channels/dtc/inventory/adjust", {{"sku", 7}, {"delta", -2}}, 200);
  CHECK(j["quantity"] == 3);
  j = post(live, "/channels/market/inventory/compare-and-set",
           {{"sku", 7}, {"expected_version", 0}, {"quantity", 9}}, 200);
  CHECK(j["version"] == 1);
  // A stale version is a conflict that tells the current one.
  j = post(live, "/channels/market/inventory/compare-and-set",
           {{"sku", 7}, {"expected_version", 0}, {"quantity", 1}}, 409);
  CHECK(j["error"] == "conflict");
  CHECK(j["version"] == 1);
  CHECK(j["quantity"] == 9);
  post(live, "/channels/market/prices/set", {{"sku", 7}, {"price_minor", 1234}}, 200);
  CHECK(get(live, "/channels/market/inventory/7", 200)["price_minor"] == 1234);
  CHECK(get(live, "/channels/market/inventory/50", 404)["error"] == "not_found");
  CHECK(get(live, "/channels/nowhere/inventory/1", 404)["error"] == "not_found");
}

TEST_CASE(
    "live: channel orders are listed by update time and take statuses in the channel's "
    "vocabulary") {
  Live live;
  const uint64_t a = live.place(1, 1);
  live.clock.advance(std::chrono::seconds(1));
  const uint64_t b = live.place(1, 2);
  live.clock.advance(std::chrono::seconds(1));
  const uint64_t c = live.place(1, 3);
  // Updating `a` moves it to the end of the update-time order.
  live.clock.advance(std::chrono::seconds(1));
  const std::string a_status = "/channels/market/orders/" + std::to_string(a) + "/status";
  CHECK(put(live, a_status, {{"status", "Canceled"}}, 200)["changed"] == true);
  json j = put(live, a_status, {{"status", "Canceled"}}, 200);
  CHECK(j["status"] == "Canceled");
  CHECK(j["canonical_status"] == "cancelled");
  CHECK(j["changed"] == false);  // the second identical PUT changes nothing
  j = get(live, "/channels/market/orders", 200);
  REQUIRE(j["orders"].size() == 3);
  CHECK(j["orders"][0]["id"] == b);
  CHECK(j["orders"][1]["id"] == c);
  CHECK(j["orders"][2]["id"] == a);
  CHECK(j["orders"][2]["updated_at_us"] == 3'000'000);
  // Since an instant (simulated microseconds or ISO-8601), a page at a time with the cursor.
  j = get(live, "/channels/market/orders?updated_since=2000000&limit=1", 200);
  REQUIRE(j["orders"].size() == 1);
  CHECK(j["orders"][0]["id"] == c);
  const json next = j["next"];
  j = get(live,
          "/channels/market/orders?updated_since=" +
              std::to_string(next["updated_since"].get<int64_t>()) +
              "&after_id=" + std::to_string(next["after_id"].get<uint64_t>()) + "&limit=1",
          200);
  CHECK(j["orders"][0]["id"] == a);
  const std::string iso = j["orders"][0]["updated_at"];
  j = get(live, "/channels/market/orders?updated_since=" + iso, 200);
  REQUIRE(j["orders"].size() == 1);
  CHECK(j["orders"][0]["id"] == a);
  CHECK(get(live, "/channels/market/orders?limit=0", 400)["error"] == "invalid_field");
  CHECK(get(live, "/channels/market/orders?updated_since=soon", 400)["error"] == "invalid_field");
  // The single order, an unknown spelling (a mapping error) and an unknown order.
  CHECK(get(live, "/channels/market/orders/" + std::to_string(b), 200)["status"] == "Pending");
  CHECK(put(live, "/channels/market/orders/1/status", {{"status", "CANCELLED"}}, 422)["error"] ==
        "rejected");
  put(live, "/channels/market/orders/99/status", {{"status", "Shipped"}}, 404);
  // Every change is an event for the webhook sender: three creates and one update.
  std::vector<LiveEvent> events;
  CHECK(live.mocks.take_events(events) == 4);
  CHECK(events.back().event.topic == WebhookTopic::orders_updated);
}

TEST_CASE("live: the ERP answers stock and prices and books revenue entries") {
  Live live;
  json j = get(live, "/erp/stock/4", 200);
  CHECK(j["on_hand"] == 20);
  CHECK(j["allocated"] == 0);
  j = get(live, "/erp/prices/4", 200);
  CHECK(j["currency"] == "EUR");
  CHECK(j["price_minor"] == get(live, "/channels/dtc/inventory/4", 200)["price_minor"]);
  CHECK(get(live, "/erp/stock/50", 404)["error"] == "not_found");
  const uint64_t order = live.place(1, 4);
  json entry = {{"channel", "market"}, {"channel_order", order}, {"amount_minor", 1999}};
  j = post(live, "/erp/revenue", entry, 201);
  CHECK(j["entries"] == 1);
  j = post(live, "/erp/revenue", entry, 201);
  CHECK(j["entries"] == 2);  // the ERP does not deduplicate: reconciliation will find this
  CHECK(j["amount_minor"] == 3998);
  entry["channel_order"] = order + 1;
  CHECK(post(live, "/erp/revenue", entry, 404)["error"] == "not_found");
  entry["channel"] = "elsewhere";
  CHECK(post(live, "/erp/revenue", entry, 404)["error"] == "not_found");
}

TEST_CASE("live: a reused Idempotency-Key returns the first order and the OMS holds one") {
  Live live;
  const uint64_t order = live.place(1, 3);
  const httplib::Headers key{{"Idempotency-Key", "market-" + std::to_string(order)}};
  const auto first =
      live.client.Post("/oms/orders", key, oms_order_body(order), "application/json");
  REQUIRE(first);
  CHECK(first->status == 201);
  const json created = json::parse(first->body);
  CHECK(created["state"] == "allocated");
  CHECK(created["replayed"] == false);
  const auto again =
      live.client.Post("/oms/orders", key, oms_order_body(order), "application/json");
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(again->get_header_value("Idempotent-Replayed") == "true");
  CHECK(json::parse(again->body)["id"] == created["id"]);
  CHECK(json::parse(again->body)["replayed"] == true);
  CHECK(live.mocks.oms_order_count() == 1);
  CHECK(live.mocks.oms_copies(1, order) == 1);
  CHECK(get(live, "/erp/stock/3", 200)["allocated"] == 1);  // allocated once
  // The same key with another body is refused; no key at all creates a duplicate.
  const auto other =
      live.client.Post("/oms/orders", key, oms_order_body(order, 3, 2), "application/json");
  REQUIRE(other);
  CHECK(other->status == 422);
  CHECK(live.client.Post("/oms/orders", oms_order_body(order), "application/json")->status == 201);
  CHECK(live.mocks.oms_copies(1, order) == 2);
  // Orders the channel never took are unknown.
  CHECK(live.client.Post("/oms/orders", oms_order_body(order + 5), "application/json")->status ==
        404);
}

TEST_CASE("live: OMS orders and WMS shipments move through their states") {
  Live live;
  const uint64_t order = live.place(1, 9, 2);
  const json created = json::parse(
      live.client.Post("/oms/orders", oms_order_body(order, 9, 2), "application/json")->body);
  const std::string oms_path = "/oms/orders/" + created["id"].dump();
  CHECK(get(live, oms_path, 200)["state"] == "allocated");
  CHECK(post(live, oms_path + "/status", {{"status", "released"}}, 200)["state"] == "released");
  CHECK(post(live, oms_path + "/status", {{"status", "created"}}, 422)["error"] == "rejected");
  CHECK(post(live, oms_path + "/status", {{"status", "lost"}}, 400)["error"] == "invalid_field");
  json s = post(live, "/wms/shipments", {{"oms_order", created["id"]}}, 201);
  CHECK(s["units"] == 2);
  CHECK(s["status"] == "RECEIVED");
  const std::string ship_path = "/wms/shipments/" + s["id"].dump();
  CHECK(post(live, ship_path + "/pick", json::object(), 200)["state"] == "picked");
  CHECK(post(live, ship_path + "/ship", json::object(), 200)["status"] == "SHIPPED");
  CHECK(post(live, ship_path + "/cancel", json::object(), 422)["error"] == "rejected");
  CHECK(get(live, ship_path, 200)["state"] == "shipped");
  CHECK(post(live, oms_path + "/status", {{"status", "shipped"}}, 200)["state"] == "shipped");
  CHECK(get(live, "/erp/stock/9", 200)["shipped"] == 2);
  CHECK(post(live, "/wms/shipments", {{"oms_order", 42}}, 404)["error"] == "not_found");
  CHECK(get(live, "/oms/orders/42", 404)["error"] == "not_found");
  CHECK(live.mocks.all_stock_conserved());
}

TEST_CASE("live: a channel over its rate limit answers 429 with Retry-After") {
  Live live;
  for (int i = 0; i < 4; ++i) {
    const auto r = live.client.Get("/channels/dtc/inventory/1");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("X-RateLimit-Limit") == "4");
    CHECK(r->get_header_value("X-RateLimit-Remaining") == std::to_string(3 - i));
    CHECK(r->get_header_value("X-Shopify-Shop-Api-Call-Limit") == std::to_string(i + 1) + "/4");
  }
  const auto limited = live.client.Get("/channels/dtc/inventory/1");
  REQUIRE(limited);
  CHECK(limited->status == 429);
  CHECK(limited->get_header_value("Retry-After") == "1");  // 500ms, rounded up to a second
  CHECK(json::parse(limited->body)["retry_after_ms"] == 500);
  // Other channels have their own limits (market: none); time refills the bucket.
  CHECK(live.client.Get("/channels/market/inventory/1")->status == 200);
  CHECK_FALSE(live.client.Get("/channels/market/inventory/1")->has_header("X-RateLimit-Limit"));
  live.clock.advance(std::chrono::milliseconds(500));
  CHECK(live.client.Get("/channels/dtc/inventory/1")->status == 200);
  const ServerCounters counters = live.server.counters();
  uint64_t throttled = 0;
  for (const RouteCounters& c : counters.routes) {
    if (c.system == "dtc") throttled += c.status_429;
  }
  CHECK(throttled == 1);
}

TEST_CASE("live: a body over the size limit answers 413 with a JSON error body") {
  Live live;
  const std::string big(70 * 1024, ' ');
  const auto r = live.client.Post("/oms/orders", big, "application/json");
  REQUIRE(r);
  CHECK(r->status == 413);
  CHECK(json::parse(r->body)["error"] == "payload_too_large");
  // The server is still there for the next request.
  CHECK(live.client.Get("/erp/stock/1")->status == 200);
}

TEST_CASE(
    "live: malformed JSON, unknown routes, wrong methods and other formats get 400, 404, 405 "
    "and 415 bodies") {
  Live live;
  auto r = live.client.Post("/oms/orders", "{\"channel\": ", "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  json j = json::parse(r->body);
  CHECK(j["error"] == "malformed_json");
  CHECK(j["detail"].is_string());
  r = live.client.Post("/channels/market/inventory/set", "[1, 2]", "application/json");
  CHECK(json::parse(r->body)["error"] == "malformed_json");
  r = live.client.Post("/channels/market/inventory/set", R"({"sku": "seven"})", "application/json");
  CHECK(r->status == 400);
  CHECK(json::parse(r->body)["error"] == "invalid_field");
  r = live.client.Post("/channels/market/inventory/set", R"({"sku": 1, "quantity": 2})",
                       "text/plain");
  CHECK(r->status == 415);
  CHECK(json::parse(r->body)["error"] == "unsupported_media_type");
  r = live.client.Get("/nowhere");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(json::parse(r->body)["error"] == "not_found");
  r = live.client.Delete("/erp/stock/1");
  REQUIRE(r);
  CHECK(r->status == 405);
  CHECK(r->get_header_value("Allow") == "GET");
  CHECK(json::parse(r->body)["error"] == "method_not_allowed");
  r = live.client.Get("/oms/orders");
  CHECK(r->status == 405);
  CHECK(r->get_header_value("Allow") == "POST");
  r = live.client.Options("/oms/orders/3");
  CHECK(r->status == 405);
  CHECK(r->get_header_value("Allow") == "GET");
}

TEST_CASE("live: concurrent clients creating, shipping and cancelling orders conserve stock") {
  Live live;
  constexpr int kOrders = 60, kThreads = 4;
  std::vector<uint64_t> orders;
  for (int i = 0; i < kOrders; ++i)
    orders.push_back(live.place(1, static_cast<SkuId>(i % 10)));
  const int port = live.server.port();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  // Every thread sends every order with the same key, as racing retries would; each thread
  // then moves its share of orders on (cancel, or release and ship) and adjusts a listing.
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", port);
      for (int i = 0; i < kOrders; ++i) {
        const uint64_t order = orders[static_cast<size_t>(i)];
        const httplib::Headers key{{"Idempotency-Key", "k" + std::to_string(order)}};
        const auto r =
            client.Post("/oms/orders", key, oms_order_body(order, i % 10), "application/json");
        if (!r || (r->status != 200 && r->status != 201)) {
          ++failures;
          continue;
        }
        const std::string path = "/oms/orders/" + json::parse(r->body)["id"].dump() + "/status";
        if (i % kThreads != t) continue;
        for (const char* status : i % 3 == 0 ? std::vector<const char*>{"cancelled"}
                                             : std::vector<const char*>{"released", "shipped"}) {
          const auto s =
              client.Post(path.c_str(), json{{"status", status}}.dump(), "application/json");
          if (!s || s->status != 200) ++failures;
        }
        client.Post("/channels/market/inventory/adjust",
                    json{{"sku", i % 10}, {"delta", -1}}.dump(), "application/json");
      }
    });
  }
  for (std::thread& t : threads)
    t.join();
  CHECK(failures == 0);
  CHECK(live.mocks.oms_order_count() == kOrders);
  for (const uint64_t order : orders)
    CHECK(live.mocks.oms_copies(1, order) == 1);
  CHECK(live.mocks.all_stock_conserved());
  CHECK(get(live, "/erp/stock/0", 200)["shipped"] == 4);  // 6 orders of SKU 0, 2 cancelled
}

TEST_CASE("live: the gate delays, answers or drops a request before its handler") {
  std::atomic<int> calls{0};
  const Gate gate = [&](std::string_view system, std::string_view route) {
    ++calls;
    GateDecision d;
    if (system == "erp" && route == "GET /erp/stock/{sku}") {
      d.action = GateDecision::Action::respond;
      d.status = 503;
      d.retry_after_s = 7;
    } else if (system == "erp" && route == "GET /erp/prices/{sku}") {
      d.action = GateDecision::Action::drop;
    } else if (system == "oms") {
      d.delay = std::chrono::milliseconds(50);
    }
    return d;
  };
  Live live(Live::small_options(), gate);
  auto r = live.client.Get("/erp/stock/1");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(r->get_header_value("Retry-After") == "7");
  CHECK(json::parse(r->body)["error"] == "injected_fault");
  r = live.client.Get("/erp/prices/1");
  CHECK_FALSE(r);  // no answer at all
  const auto start = std::chrono::steady_clock::now();
  r = live.client.Get("/oms/orders/0");
  REQUIRE(r);
  CHECK(r->status == 404);  // delayed, then handled
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(50));
  CHECK(live.client.Get("/channels/market/inventory/1")->status == 200);
  CHECK(calls == 4);
  bool dropped = false;
  for (const RouteCounters& c : live.server.counters().routes) {
    if (c.route == "GET /erp/prices/{sku}") dropped = c.dropped == 1 && c.requests == 1;
  }
  CHECK(dropped);
}

TEST_CASE("live: stop() cuts a long gate delay short") {
  const Gate gate = [](std::string_view, std::string_view) {
    GateDecision d;
    d.delay = std::chrono::milliseconds(30'000);
    return d;
  };
  Live live(Live::small_options(), gate);
  std::thread client([&] { live.client.Get("/erp/stock/1"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto start = std::chrono::steady_clock::now();
  live.server.stop();
  client.join();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  CHECK_FALSE(live.server.running());
  CHECK(live.server.port() == 0);
}

TEST_CASE("live: counters count requests per route and status with a latency histogram") {
  Live live;
  get(live, "/channels/market/inventory/1", 200);
  get(live, "/channels/market/inventory/1", 200);
  get(live, "/channels/market/inventory/999", 404);
  get(live, "/erp/stock/1", 200);
  get(live, "/nowhere", 404);
  const ServerCounters counters = live.server.counters();
  REQUIRE(counters.routes.size() == 3);
  const RouteCounters& unrouted = counters.routes[0];
  CHECK(unrouted.system == "-");
  CHECK(unrouted.requests == 1);
  const RouteCounters& erp = counters.routes[1];
  CHECK(erp.system == "erp");
  CHECK(erp.route == "GET /erp/stock/{sku}");
  const RouteCounters& market = counters.routes[2];
  CHECK(market.system == "market");
  CHECK(market.requests == 3);
  CHECK(market.status_2xx == 2);
  CHECK(market.status_4xx == 1);
  CHECK(market.by_status.at(404) == 1);
  CHECK(market.latency_us.count() == 3);
}

TEST_CASE("live: the server binds loopback by default, and a taken port is an error") {
  Live live;
  CHECK(MockServerOptions{}.host == "127.0.0.1");
  MockServerOptions same;
  same.port = live.server.port();
  MockServer second(live.mocks, same);
  std::string error;
  CHECK_FALSE(second.start(&error));
  CHECK(error.find("cannot listen on 127.0.0.1") == 0);
  CHECK(error.find("is already in use") != std::string::npos);
}

}  // namespace
}  // namespace syncdrill
