// A live drill with a shopify-dialect channel, in process: the channel's webhooks arrive with
// Shopify's topic and headers, the body is the order GET orders/{id}.json answers, and the
// HMAC verifies the documented way; a syncdrill channel in the same drill keeps its own headers.
#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/live_drill.hpp"
#include "core/scenario/loader.hpp"
#include "mocks/http/signature.hpp"

namespace syncdrill {
namespace {

using nlohmann::json;

constexpr const char* kScenario = R"(
name: shopify-drill-test
duration: 1h
currency: EUR
catalog: {skus: 20, stock_per_sku: 1000, price_min: 10.00, price_max: 20.00}
channels:
  - name: shop
    kind: shopify_like
    dialect: shopify
  - name: plain
    kind: shopify_like
systems:
  - {name: oms, kind: oms}
  - {name: erp, kind: erp}
  - {name: wms, kind: wms}
traffic:
  - {channel: shop, rate: 60/min}
  - {channel: plain, rate: 60/min}
)";

struct Receiver {
  httplib::Server server;
  int port = 0;
  std::thread thread;
  std::mutex mu;
  std::vector<httplib::Request> hits;

  Receiver() {
    server.Post("/hooks", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu);
      hits.push_back(req);
      res.status = 200;
    });
    port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    server.stop();
    thread.join();
  }
  std::vector<httplib::Request> taken() {
    std::lock_guard lock(mu);
    return hits;
  }
};

TEST_CASE("live drill: a shopify channel's webhooks come in Shopify's form") {
  LoadResult loaded = load_scenario_text(kScenario, "shopify-drill-test.yaml");
  REQUIRE(loaded.ok());
  Receiver receiver;
  ServeOptions o;
  o.port = 0;
  o.time_scale = 60;  // two orders a wall second per channel
  o.webhook_url = "http://127.0.0.1:" + std::to_string(receiver.port) + "/hooks";
  o.webhook_secret = "hush";
  o.token = "control";
  o.access_token = "shpat_drill";
  o.duration_s = 30;
  o.worker_threads = 4;
  LiveDrill drill(*loaded.scenario, o);
  std::string error;
  REQUIRE_MESSAGE(drill.start(&error), error);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  const auto count = [&](const char* header) {
    size_t n = 0;
    for (const httplib::Request& h : receiver.taken())
      n += h.has_header(header) ? 1 : 0;
    return n;
  };
  while (std::chrono::steady_clock::now() < until &&
         (count("X-Shopify-Topic") < 2 || count("X-Syncdrill-Topic") < 2)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  httplib::Client api("127.0.0.1", drill.port());
  api.set_default_headers({{"X-Shopify-Access-Token", "shpat_drill"}});
  size_t shopify = 0;
  for (const httplib::Request& h : receiver.taken()) {
    if (!h.has_header("X-Shopify-Topic")) {
      CHECK(h.get_header_value("X-Syncdrill-Channel") == "plain");
      CHECK(verify_signature(h.body, h.get_header_value("X-Syncdrill-Signature-256"), "hush"));
      continue;
    }
    ++shopify;
    CHECK(h.get_header_value("X-Shopify-Topic") == "orders/create");
    CHECK(h.get_header_value("X-Shopify-Shop-Domain") == "shop.myshopify.com");
    CHECK(verify_shopify_hmac(h.body, h.get_header_value("X-Shopify-Hmac-Sha256"), "hush"));
    CHECK_FALSE(h.get_header_value("X-Shopify-Event-Id").empty());
    CHECK_FALSE(h.get_header_value("X-Shopify-Webhook-Id").empty());
    CHECK_FALSE(h.get_header_value("X-Shopify-Triggered-At").empty());
    CHECK_FALSE(h.get_header_value("X-Shopify-API-Version").empty());
    CHECK_FALSE(h.has_header("X-Syncdrill-Signature-256"));
    const json body = json::parse(h.body);
    const auto r = api.Get(("/channels/shop/admin/api/2025-07/orders/" +
                            std::to_string(body["id"].get<uint64_t>()) + ".json")
                               .c_str());
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const json order = json::parse(r->body)["order"];
    CHECK(order["line_items"] == body["line_items"]);
    CHECK(order["total_price"] == body["total_price"]);
  }
  CHECK(shopify >= 2);
  CHECK(count("X-Syncdrill-Topic") >= 2);
  drill.finish("test");
  drill.wait();
}

}  // namespace
}  // namespace syncdrill
