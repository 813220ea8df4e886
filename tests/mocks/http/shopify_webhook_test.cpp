// The shopify dialect's webhooks: X-Shopify-Hmac-Sha256 verifies with Shopify's documented
// procedure (base64 of the HMAC-SHA256 of the raw body with the secret, compared in constant
// time), computed here independently with OpenSSL; the headers Shopify documents arrive, the
// same on every retry; the topic mapping.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "mocks/http/routes_shopify.hpp"
#include "mocks/http/signature.hpp"
#include "mocks/http/webhook_sender.hpp"

namespace syncdrill {
namespace {

// The documented verification, written from the procedure, not from signature.cpp: HMAC-SHA256
// of the raw body, base64 (EVP_EncodeBlock), compared with the header in constant time.
bool documented_verify(const std::string& body, const std::string& header,
                       const std::string& secret) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &len);
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(b64, digest, static_cast<int>(len));
  return header.size() == static_cast<size_t>(n) &&
         CRYPTO_memcmp(b64, header.data(), header.size()) == 0;
}

TEST_CASE("shopify webhook: the HMAC is base64 of HMAC-SHA256 (RFC 4231 test case 2)") {
  const std::string body = "what do ya want for nothing?";
  CHECK(shopify_hmac(body, "Jefe") == "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
  CHECK(verify_shopify_hmac(body, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=", "Jefe"));
  CHECK(documented_verify(body, shopify_hmac(body, "Jefe"), "Jefe"));
}

TEST_CASE("shopify webhook: a verification fails on any change to body, secret or header") {
  const std::string body = R"({"id":450789469,"total_price":"598.94"})";
  const std::string good = shopify_hmac(body, "hush");
  CHECK(verify_shopify_hmac(body, good, "hush"));
  std::string tampered = body;
  tampered[6] = '5';
  CHECK_FALSE(verify_shopify_hmac(tampered, good, "hush"));
  CHECK_FALSE(documented_verify(tampered, good, "hush"));
  CHECK_FALSE(verify_shopify_hmac(body, good, "hush2"));
  CHECK_FALSE(verify_shopify_hmac(body, good.substr(0, good.size() - 1), "hush"));
  CHECK_FALSE(verify_shopify_hmac(body, "", "hush"));
  CHECK_FALSE(verify_shopify_hmac(body, "!!!!" + good.substr(4), "hush"));
  CHECK_FALSE(verify_shopify_hmac(body, std::string(10'000, 'A'), "hush"));
  // The hex form (syncdrill's own header) is not Shopify's.
  CHECK_FALSE(verify_shopify_hmac(body, hmac_sha256_hex("hush", body), "hush"));
  std::string flipped = good;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  CHECK_FALSE(verify_shopify_hmac(body, flipped, "hush"));
}

TEST_CASE("shopify webhook: base64 round trips and refuses malformed text") {
  for (const std::string& s :
       {std::string(""), std::string("f"), std::string("fo"), std::string("foo"),
        std::string("foob"), std::string("\0\xff\x10", 3)}) {
    CHECK(base64_decode(base64_encode(s)) == s);
  }
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK_FALSE(base64_decode("Zm8").has_value());  // standard form needs padding
  CHECK(base64_decode("Zm8", /*url_safe=*/true) == "fo");
  CHECK_FALSE(base64_decode("Zm9=").has_value());  // non-canonical trailing bits
  CHECK_FALSE(base64_decode("Z===").has_value());
  CHECK_FALSE(base64_decode("Zm-_").has_value());  // url-safe digits in the standard form
  CHECK_FALSE(base64_decode("Zm\n8=").has_value());
  CHECK(base64_decode("-_-_", /*url_safe=*/true).has_value());
}

// A loopback receiver: fails the first `failures` deliveries with 500, then answers 200.
class Receiver {
 public:
  explicit Receiver(size_t failures) : failures_(failures) {
    server_.Post("/hooks", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      hits_.push_back(req);
      res.status = hits_.size() <= failures_ ? 500 : 200;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks"; }
  std::vector<httplib::Request> hits() const {
    std::lock_guard lock(mu_);
    return hits_;
  }

 private:
  size_t failures_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<httplib::Request> hits_;
};

OutgoingWebhook shopify_event() {
  OutgoingWebhook e;
  e.channel = "shop";
  e.topic = "orders/create";
  e.event_id = "00000000-0000-4000-8000-000000000007";
  e.body = R"({"id":7,"total_price":"19.99"})";
  e.spec.timeout = minutes(10);
  e.spec.retries = 3;
  e.spec.backoff = BackoffKind::constant;
  e.spec.base = seconds(1);  // 1 ms at 1000x
  e.dialect = LiveDialect::shopify;
  e.shop_domain = http::shopify_shop_domain("shop");
  e.webhook_id = "00000000-0001-4000-8000-000000000007";
  e.triggered_at = "2026-11-27T18:00:00.000Z";
  e.api_version = std::string(http::kShopifyWebhookApiVersion);
  return e;
}

TEST_CASE("shopify webhook: Shopify's headers, the same on every retry, and a verifying HMAC") {
  Receiver receiver(2);
  WebhookSender::Options o;
  o.url = receiver.url();
  o.secret = "hush";
  o.time_scale = 1000;
  WebhookSender sender(o);
  REQUIRE(sender.enqueue(shopify_event()));
  const WebhookSenderStats stats = sender.stop(WebhookSender::StopMode::drain, 5000);
  CHECK(stats.delivered == 1);
  const auto hits = receiver.hits();
  REQUIRE(hits.size() == 3);  // two failures, then the delivery
  for (const httplib::Request& h : hits) {
    CHECK(h.body == R"({"id":7,"total_price":"19.99"})");
    CHECK(documented_verify(h.body, h.get_header_value("X-Shopify-Hmac-Sha256"), "hush"));
    CHECK_FALSE(documented_verify(h.body, h.get_header_value("X-Shopify-Hmac-Sha256"), "other"));
    CHECK(h.get_header_value("X-Shopify-Topic") == "orders/create");
    CHECK(h.get_header_value("X-Shopify-Shop-Domain") == "shop.myshopify.com");
    CHECK(h.get_header_value("X-Shopify-Event-Id") == "00000000-0000-4000-8000-000000000007");
    CHECK(h.get_header_value("X-Shopify-Webhook-Id") == "00000000-0001-4000-8000-000000000007");
    CHECK(h.get_header_value("X-Shopify-Triggered-At") == "2026-11-27T18:00:00.000Z");
    CHECK(h.get_header_value("X-Shopify-API-Version") == http::kShopifyWebhookApiVersion);
    CHECK(h.get_header_value("Content-Type") == "application/json");
    CHECK_FALSE(h.has_header("X-Syncdrill-Signature-256"));
    CHECK_FALSE(h.has_header("X-Syncdrill-Event-Id"));
  }
}

TEST_CASE("shopify webhook: syncdrill-dialect events keep the X-Syncdrill headers") {
  Receiver receiver(0);
  WebhookSender::Options o;
  o.url = receiver.url();
  o.secret = "hush";
  o.time_scale = 1000;
  WebhookSender sender(o);
  OutgoingWebhook e = shopify_event();
  e.dialect = LiveDialect::syncdrill;
  REQUIRE(sender.enqueue(e));
  sender.stop(WebhookSender::StopMode::drain, 5000);
  const auto hits = receiver.hits();
  REQUIRE(hits.size() == 1);
  CHECK(verify_signature(hits[0].body, hits[0].get_header_value("X-Syncdrill-Signature-256"),
                         "hush"));
  CHECK_FALSE(hits[0].has_header("X-Shopify-Hmac-Sha256"));
}

TEST_CASE("shopify webhook: topics for the channel's events") {
  using http::shopify_webhook_topic;
  CHECK(shopify_webhook_topic(WebhookTopic::orders_create, OrderStatus::pending) ==
        "orders/create");
  CHECK(shopify_webhook_topic(WebhookTopic::orders_create, OrderStatus::cancelled) ==
        "orders/create");
  CHECK(shopify_webhook_topic(WebhookTopic::orders_updated, OrderStatus::cancelled) ==
        "orders/cancelled");
  CHECK(shopify_webhook_topic(WebhookTopic::orders_updated, OrderStatus::shipped) ==
        "orders/fulfilled");
  CHECK(shopify_webhook_topic(WebhookTopic::orders_updated, OrderStatus::delivered) ==
        "orders/fulfilled");
  CHECK(shopify_webhook_topic(WebhookTopic::orders_updated, OrderStatus::confirmed) ==
        "orders/updated");
  CHECK(shopify_webhook_topic(WebhookTopic::orders_updated, OrderStatus::refunded) ==
        "orders/updated");
  CHECK(shopify_webhook_topic(WebhookTopic::returns_create, OrderStatus::returned) ==
        "refunds/create");
}

}  // namespace
}  // namespace syncdrill
