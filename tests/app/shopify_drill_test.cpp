// End to end: `syncdrill serve` on a channel speaking Shopify (dialect: shopify) and the
// reference connector in its Shopify mode (`syncdrill connect --dialect shopify`), both
// binaries over loopback at x20. tests/scenarios/valid/live-shopify.yaml loses half the
// orders/create events from 1 s to 4 s of wall time (webhook_drop per event: only the
// connector's backup poll of orders.json finds those orders) and throttles the shop to 1
// request a second from 1.5 s to 4.5 s (a 429 storm with Retry-After). Forged and tampered
// webhooks are posted to the connector meanwhile. The drill then scores the connector, and the
// test checks what the issue asks: every order created in the OMS exactly once, none lost after
// the poll, no retry before its Retry-After, the forged webhooks refused with nothing created,
// and the verdict. About 12 s of wall time.
#include <doctest/doctest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "mocks/http/signature.hpp"
#include "tests/app/cli_run.hpp"

namespace syncdrill::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kToken = "drill-token";
constexpr const char* kAccessToken = "shpat_drill";
constexpr const char* kSecret = "shopify-webhook-secret";
// An order id the drill never places (it places about 60): a forged order must not appear.
constexpr uint64_t kForgedOrder = 990001;

// Posts an orders/create webhook with Shopify's headers and the given HMAC; returns the status.
int post_webhook(int port, const std::string& body, const std::string& hmac) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5, 0);
  const httplib::Headers headers{{"X-Shopify-Topic", "orders/create"},
                                 {"X-Shopify-Hmac-Sha256", hmac},
                                 {"X-Shopify-Shop-Domain", "dtc.myshopify.com"},
                                 {"X-Shopify-Event-Id", "forged-" + hmac.substr(0, 8)},
                                 {"X-Shopify-API-Version", "2025-01"}};
  const auto r = client.Post("/webhooks", headers, body, "application/json");
  return r ? r->status : 0;
}

const json* find_check(const json& report, const std::string& name) {
  for (const json& c : report["live"]["checks"]) {
    if (c["check"] == name) return &c;
  }
  return nullptr;
}

TEST_CASE("shopify drill: the Shopify-mode connector through a 429 storm and lost webhooks") {
  Scratch scratch("shopify-drill");
  const std::string scenario = source_path("tests/scenarios/valid/live-shopify.yaml");
  const int serve_port = free_loopback_port();
  REQUIRE(serve_port > 0);
  Background connector(
      scratch.dir(),
      fmt::format("'{}' connect --dialect shopify --shop-url http://127.0.0.1:{}/channels/dtc "
                  "--api-version 2025-01 --access-token {} --secret {} --listen 127.0.0.1:0 "
                  "--scenario '{}' --policy shopify --time-scale 20 --workers 8 "
                  "--poll-interval 500ms --stats connector.json",
                  SYNCDRILL_BINARY, serve_port, kAccessToken, kSecret, scenario),
      scratch / "connect.log");
  const auto hook_port = connector.wait_for_log("webhooks at http://127.0.0.1:", 10s);
  REQUIRE_MESSAGE((hook_port && !hook_port->empty()),
                  std::string(connector.log() + connector.err()));
  Background server(
      scratch.dir(),
      fmt::format("'{}' serve '{}' --listen 127.0.0.1:{} --token {} --access-token {} --out out "
                  "--time-scale 20 --duration 6s --grace 5s --webhook-secret {} "
                  "--webhook-url http://127.0.0.1:{}/webhooks",
                  SYNCDRILL_BINARY, scenario, serve_port, kToken, kAccessToken, kSecret,
                  *hook_port),
      scratch / "serve.log");
  REQUIRE_MESSAGE(server.wait_for_log("listening on", 10s),
                  std::string(server.log() + server.err()));

  // Inside both fault windows: the on-call engineer acknowledges the two incidents (each ack
  // is matched to the earliest fault in force not yet acknowledged), and an attacker posts a
  // forged order (signed with another secret) and a tampered one (a real signature, another
  // body).
  std::this_thread::sleep_for(2500ms);
  for (const char* note : {"orders missing from webhooks", "shopify 429s"}) {
    scratch.shell(fmt::format(
        "curl -s -X POST -H 'Authorization: Bearer {}' -H 'Content-Type: application/json' "
        "-d '{{\"note\": \"{}\"}}' http://127.0.0.1:{}/_drill/ack",
        kToken, note, serve_port));
  }
  const json forged_order = {
      {"id", kForgedOrder},
      {"line_items",
       {{{"variant_id", 40000000001}, {"sku", "1"}, {"quantity", 5}, {"price", "0.01"}}}}};
  const std::string forged = forged_order.dump();
  json tampered_order = forged_order;
  tampered_order["id"] = kForgedOrder + 1;
  const std::string tampered = tampered_order.dump();
  const int port = std::stoi(*hook_port);
  CHECK(post_webhook(port, forged, shopify_hmac(forged, "not-the-secret")) == 401);
  CHECK(post_webhook(port, tampered, shopify_hmac(forged, kSecret)) == 401);

  const auto code = server.wait_exit(60s);
  REQUIRE_MESSAGE(code, std::string(server.log() + server.err()));
  connector.signal(SIGTERM);
  REQUIRE(connector.wait_exit(30s));
  const json report = json::parse(read_file(scratch / "out/report.json"));
  const json stats = json::parse(read_file(scratch / "connector.json"));
  // The drill's scorecard, as `serve` printed it, and the connector's stats.
  MESSAGE(server.log());
  MESSAGE(stats.dump());

  // Every order the customers placed is in the OMS exactly once: none duplicated, none lost
  // (the orders whose webhook was dropped came in through the poll).
  const json& impact = report["impact"];
  INFO(impact.dump());
  CHECK(impact["orders_placed"].get<uint64_t>() >= 40);  // one every 2 s for ~2 scenario minutes
  CHECK(impact["in_oms_once"] == impact["orders_placed"]);
  CHECK(impact["duplicated"] == 0);
  CHECK(impact["lost"] == 0);
  const json& webhooks = report["live"]["webhooks"];
  INFO(webhooks.dump());
  CHECK(webhooks["dropped_by_fault"].get<uint64_t>() > 0);
  CHECK(stats["poll_orders"].get<uint64_t>() > 0);
  CHECK(stats["orders_created"] == impact["orders_placed"]);
  CHECK(stats["dead_letters"] == 0);

  // The storm: 429s with Retry-After, every retry of a refused request after its wait.
  const json& behaviour = report["live"]["behaviour"];
  MESSAGE(behaviour.dump());
  CHECK(behaviour["answered_429"].get<uint64_t>() > 0);
  CHECK(behaviour["retry_after_sent"].get<uint64_t>() > 0);
  CHECK(behaviour["retry_after_early"] == 0);
  CHECK(behaviour["retry_after_honoured"].get<uint64_t>() > 0);
  CHECK(behaviour["hot_retries"] == 0);
  CHECK(stats["retry_after_waits"].get<uint64_t>() > 0);
  const json* honoured = find_check(report, "Retry-After honoured");
  REQUIRE(honoured != nullptr);
  CHECK((*honoured)["status"] == "held");

  // The forged and tampered webhooks: refused, and nothing created from them. Every webhook
  // the drill signed verified.
  CHECK(stats["bad_signatures"] == 2);
  CHECK(report["live"]["orders"]["oms_orders"] == impact["orders_placed"]);

  // Both faults acted and were acknowledged; the verdict holds.
  for (const json& fault : report["faults"]) {
    INFO(fault.dump());
    CHECK(fault["hits"].get<uint64_t>() > 0);
    CHECK(fault["mttd_s"].is_number());
  }
  CHECK(report["verdict"] == "pass");
  CHECK(*code == 0);
  CHECK(server.log().find("live-shopify — PASS") != std::string::npos);
}

TEST_CASE("shopify drill: connect's Shopify options are checked, exit 2 naming the option") {
  Scratch scratch("shopify-connect-usage");
  const std::string shop = "--shop-url http://127.0.0.1:9/channels/dtc";
  const std::string base = "connect --listen 127.0.0.1:0 --secret s --duration 1ms ";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--dialect shopify --access-token t", "--shop-url"},
      {"--dialect shopee " + shop, "--dialect"},
      {"--dialect shopify --access-token t --shop-url https://dtc.myshopify.com", "--shop-url"},
      {"--dialect shopify --access-token t --shop-url http://127.0.0.1:9", "--shop-url"},
      {"--dialect shopify --access-token t --api-version 2025-13 " + shop, "--api-version"},
      {"--dialect shopify --access-token t --poll-interval soon " + shop, "--poll-interval"},
      {"--dialect shopify " + shop, "--access-token"},
      {"--target http://127.0.0.1:9 " + shop, "--shop-url needs --dialect shopify"},
  };
  for (const auto& [args, named] : cases) {
    const CliRun r = scratch.shell(
        fmt::format("env -u SYNCDRILL_ACCESS_TOKEN '{}' {}{}", SYNCDRILL_BINARY, base, args));
    CHECK_MESSAGE(r.exit_code == 2, args);
    CHECK_MESSAGE(r.err.find(named) != std::string::npos, std::string(args + "\n" + r.err));
  }
  // The token from the environment, the target from the shop URL: it starts and stops.
  const CliRun ok = scratch.shell(
      fmt::format("SYNCDRILL_ACCESS_TOKEN=t '{}' {}--dialect shopify --poll-interval 0 {}",
                  SYNCDRILL_BINARY, base, shop));
  CHECK_MESSAGE(ok.exit_code == 0, ok.err);
  CHECK(ok.err.find("calling http://127.0.0.1:9 ") != std::string::npos);
  CHECK(ok.err.find("backup poll off") != std::string::npos);
}

}  // namespace
}  // namespace syncdrill::testing
