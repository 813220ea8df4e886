// Shopify's wire formats as the connector reads them (connector/shopify_wire.hpp), against
// values worked out independently of the code: HMACs from `openssl dgst -sha256 -hmac K -binary
// | base64` and RFC 4231's / the well-known "quick brown fox" vector, Link headers in the form
// of shopify.dev/docs/api/admin-rest/usage/pagination, prices as the Order resource writes them.
#include "connector/shopify_wire.hpp"

#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

namespace syncdrill {
namespace {

using nlohmann::json;

TEST_CASE("shopify: base64 follows RFC 4648's test vectors") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode(std::string("\xff\xfe\x00", 3)) == "//4A");
}

TEST_CASE("shopify: X-Shopify-Hmac-Sha256 is base64 of the HMAC-SHA256 of the raw body") {
  // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog") is
  // f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8, whose base64 is:
  CHECK(shopify_hmac("The quick brown fox jumps over the lazy dog", "key") ==
        "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=");
  CHECK(shopify_hmac("", "key") == "XV0TlWPJW1lnub2ajJsjOp3ttFByeUzSMtwbdIMmB9A=");
  // An orders/create body (openssl dgst -sha256 -hmac my_secret -binary | base64).
  const std::string body =
      R"({"id":820982911946154508,"email":"jon@example.com","line_items":[{"id":)"
      R"(866550311766439020,"variant_id":40000000003,"sku":"3","quantity":1,"price":"199.00"}]})";
  const std::string documented = "Ag6YR/4Fj3jDqfvd5a1okAdkBsuqtkiZBdOimRZX7A4=";
  CHECK(verify_shopify_hmac(body, documented, "my_secret"));
  CHECK_FALSE(verify_shopify_hmac(body, documented, "another_secret"));
  CHECK_FALSE(verify_shopify_hmac(body + " ", documented, "my_secret"));  // the raw bytes count
  CHECK_FALSE(verify_shopify_hmac(body, "", "my_secret"));
  CHECK_FALSE(verify_shopify_hmac(body, documented.substr(0, 43), "my_secret"));
  CHECK_FALSE(verify_shopify_hmac(body, documented + "=", "my_secret"));
  // The hex form (what syncdrill's own webhooks send) is not Shopify's.
  CHECK_FALSE(verify_shopify_hmac(
      "The quick brown fox jumps over the lazy dog",
      "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8", "key"));
  std::string flipped = documented;
  flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
  CHECK_FALSE(verify_shopify_hmac(body, flipped, "my_secret"));
}

TEST_CASE("shopify: a price string becomes minor units exactly") {
  CHECK(price_to_minor("199.00") == 19900);
  CHECK(price_to_minor("45.99") == 4599);
  CHECK(price_to_minor("45.9") == 4590);
  CHECK(price_to_minor("45") == 4500);
  CHECK(price_to_minor("0.01") == 1);
  CHECK(price_to_minor("45.990") == 4599);
  // 0.1 + 0.2 in binary floating point is 0.30000000000000004: no such drift here.
  CHECK(price_to_minor("0.30") == 30);
  CHECK(price_to_minor("9999999999.99") == 999999999999);
  for (const char* bad : {"", ".", "45.", ".99", "-1.00", "+1.00", "1e3", "45.999", " 45.99",
                          "45.99 ", "45,99", "1.2.3", "nan", "inf", "99999999999.00", "0x10"}) {
    CHECK_MESSAGE(!price_to_minor(bad), bad);
  }
}

TEST_CASE("shopify: an Order resource becomes the OMS job") {
  const json order = json::parse(R"({
    "id": 450789469, "name": "#1001", "financial_status": "paid", "currency": "EUR",
    "line_items": [
      {"id": 466157049, "variant_id": 40000000007, "product_id": 30000000007, "sku": "7",
       "quantity": 2, "price": "45.99", "title": "IPod Nano - 8gb"},
      {"id": 518995019, "variant_id": 40000000012, "sku": "12", "quantity": 1, "price": "3"}]})");
  std::string error;
  const auto job = parse_shopify_order(order, "dtc", "evt-1", &error);
  REQUIRE_MESSAGE(job, error);
  CHECK(job->order_id == 450789469);
  CHECK(job->channel == "dtc");
  CHECK(job->event_id == "evt-1");
  CHECK(idempotency_key(*job) == "shopify-450789469");
  REQUIRE(job->lines.size() == 2);
  CHECK(job->lines[0].sku == 7);
  CHECK(job->lines[0].quantity == 2);
  CHECK(job->lines[0].unit_price_minor == 4599);
  CHECK(job->lines[0].variant_id == 40000000007);
  CHECK(job->lines[1].unit_price_minor == 300);
  CHECK(json::parse(oms_create_body(*job)) ==
        json::parse(R"({"channel": "dtc", "channel_order": 450789468, "lines": [
          {"sku": 7, "quantity": 2, "unit_price_minor": 4599},
          {"sku": 12, "quantity": 1, "unit_price_minor": 300}]})"));

  // Hostile and malformed orders are refused with the field named.
  const auto refused = [](const std::string& text) {
    std::string why;
    const json j = json::parse(text, nullptr, false);
    const bool ok = parse_shopify_order(j, "dtc", "e", &why).has_value();
    CHECK_MESSAGE(!why.empty(), text);
    return !ok;
  };
  CHECK(refused(R"([])"));
  CHECK(refused(R"({"line_items": []})"));
  CHECK(refused(R"({"id": -1, "line_items": [{"sku": "1", "quantity": 1, "price": "1.00"}]})"));
  // Shopify ids start at 1 (the channel's order id + 1): 0 names no order.
  CHECK(refused(R"({"id": 0, "line_items": [{"sku": "1", "quantity": 1, "price": "1.00"}]})"));
  CHECK(refused(R"({"id": "12", "line_items": [{"sku": "1", "quantity": 1, "price": "1.00"}]})"));
  CHECK(refused(R"({"id": 1, "line_items": []})"));
  CHECK(refused(R"({"id": 1, "line_items": [{"sku": "ABC-1", "quantity": 1, "price": "1.00"}]})"));
  CHECK(refused(R"({"id": 1, "line_items": [{"sku": "1", "quantity": 0, "price": "1.00"}]})"));
  CHECK(refused(R"({"id": 1, "line_items": [{"sku": "1", "quantity": 1, "price": 1.5}]})"));
  CHECK(refused(R"({"id": 1, "line_items": [{"sku": "99999999999", "quantity": 1,
                    "price": "1.00"}]})"));
  CHECK(refused(R"({"id": 1, "line_items": [{"sku": null, "quantity": 1, "price": "1.00"}]})"));
  json many = json::parse(R"({"id": 1, "line_items": []})");
  for (int i = 0; i < 1001; ++i)
    many["line_items"].push_back({{"sku", "1"}, {"quantity", 1}, {"price", "1.00"}});
  CHECK(refused(many.dump()));
}

TEST_CASE("shopify: the Link header's rel=next URL, as the pagination guide writes it") {
  const std::string next =
      "https://shop.myshopify.com/admin/api/2019-07/products.json?page_info=hijgklmn&limit=3";
  CHECK(link_next_url("<" + next + ">; rel=\"next\"") == next);
  const std::string both =
      "<https://shop.myshopify.com/admin/api/2019-07/products.json?limit=3&page_info=abc>; "
      "rel=\"previous\", <https://shop.myshopify.com/admin/api/2019-07/products.json?limit=3&"
      "page_info=def>; rel=\"next\"";
  CHECK(link_next_url(both) ==
        "https://shop.myshopify.com/admin/api/2019-07/products.json?limit=3&page_info=def");
  // The last page has only a previous link; a URL may hold commas (fields=id,line_items).
  CHECK_FALSE(link_next_url("<https://s/a.json?page_info=x>; rel=\"previous\""));
  CHECK(link_next_url("<https://s/a.json?fields=id,line_items&page_info=y>; rel=previous, "
                      "<https://s/a.json?fields=id,line_items&page_info=z>; rel=next") ==
        "https://s/a.json?fields=id,line_items&page_info=z");
  CHECK(link_next_url("<https://s/a>; rel=\"prefetch next\"") == "https://s/a");
  for (const char* bad : {"", "garbage", "<https://s/a; rel=\"next\"", "https://s/a; rel=next",
                          "<https://s/a>; rel=\"nextpage\"", "<https://s/a>"}) {
    CHECK_MESSAGE(!link_next_url(bad), bad);
  }
}

TEST_CASE("shopify: the shop URL, and which links stay on the shop") {
  std::string error;
  const auto shop = parse_shop_url("http://127.0.0.1:8080/channels/dtc/", &error);
  REQUIRE_MESSAGE(shop, error);
  CHECK(shop->origin == "http://127.0.0.1:8080");
  CHECK(shop->path == "/channels/dtc");
  CHECK(shop->channel == "dtc");
  for (const char* bad : {"https://shop.myshopify.com", "http://127.0.0.1:8080", "http:///x",
                          "http://127.0.0.1:8080/channels/dtc?x=1", "ftp://h/channels/dtc"}) {
    CHECK_MESSAGE(!parse_shop_url(bad, &error), bad);
  }
  const std::string page = "/channels/dtc/admin/api/2025-01/orders.json?page_info=p2&limit=250";
  CHECK(path_on_shop("http://127.0.0.1:8080" + page, *shop) == page);
  CHECK(path_on_shop(page, *shop) == page);
  CHECK_FALSE(path_on_shop("http://evil.example" + page, *shop));
  CHECK_FALSE(path_on_shop("http://127.0.0.1:9090" + page, *shop));
  CHECK_FALSE(path_on_shop("http://127.0.0.1:8080/channels/dtc2/admin/api/x", *shop));
  CHECK_FALSE(path_on_shop("http://127.0.0.1:8080/channels/dtc/../market/x", *shop));
}

TEST_CASE("shopify: X-Shopify-Shop-Api-Call-Limit and the API version") {
  const auto limit = parse_call_limit("32/40");
  REQUIRE(limit);
  CHECK(limit->used == 32);
  CHECK(limit->size == 40);
  for (const char* bad : {"", "32", "32/", "/40", "32/0", "a/40", "-1/40", "1/99999999999"}) {
    CHECK_MESSAGE(!parse_call_limit(bad), bad);
  }
  CHECK(is_api_version("2025-01"));
  CHECK(is_api_version("2024-10"));
  for (const char* bad : {"2025-1", "2025-13", "2025-00", "25-01", "unstable", "2025_01", ""}) {
    CHECK_MESSAGE(!is_api_version(bad), bad);
  }
}

}  // namespace
}  // namespace syncdrill
