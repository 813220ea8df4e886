// The shopify dialect's routes against hostile input: huge, negative and non-numeric ids and
// limits, malformed page_info, missing token, wrong Content-Type, deep and malformed JSON. Each
// answer must be Shopify's error shape ({"errors": ...}) with a 4xx status, never a 5xx.
#include <string>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "mocks/http/mock_server.hpp"
#include "mocks/http/routes_shopify.hpp"
#include "mocks/http/signature.hpp"
#include "tests/mocks/http/shopify_test_support.hpp"

namespace syncdrill {
namespace {

using nlohmann::json;

constexpr const char* kBase = "/channels/shop/admin/api/2025-07";

using shopify_test::Shop;

// An answer in Shopify's error shape with the given status.
void expect_error(const httplib::Result& r, int status, const std::string& what) {
  REQUIRE_MESSAGE(r, what);
  INFO(what << " -> " << r->status << " " << r->body);
  CHECK(r->status == status);
  const json j = json::parse(r->body, nullptr, false);
  REQUIRE(j.is_object());
  CHECK(j.contains("errors"));
  CHECK(j.size() == 1);
}

TEST_CASE("shopify hostile: path ids that cannot exist answer 404 Not Found") {
  Shop shop;
  for (const std::string id : {"99999999999999999999999999", "18446744073709551616", "-1", "abc",
                               "1e3", "0x10", "+5", "%20", "1.5", "9223372036854775807"}) {
    shop.refill();
    expect_error(shop.client.Get((std::string(kBase) + "/orders/" + id + ".json").c_str()), 404,
                 "order " + id);
    expect_error(shop.client.Get((std::string(kBase) + "/variants/" + id + ".json").c_str()), 404,
                 "variant " + id);
    expect_error(shop.client.Get((std::string(kBase) + "/locations/" + id + ".json").c_str()), 404,
                 "location " + id);
    expect_error(shop.client.Get(
                     (std::string(kBase) + "/orders/" + id + "/fulfillment_orders.json").c_str()),
                 404, "fulfillment orders " + id);
  }
}

TEST_CASE("shopify hostile: limits and query numbers out of range or not numbers answer 400") {
  Shop shop;
  for (const char* q :
       {"limit=0", "limit=251", "limit=-5", "limit=abc", "limit=", "limit=1e2",
        "limit=99999999999999999999999", "since_id=-1", "since_id=x", "status=closedish",
        "status=", "created_at_min=yesterday", "updated_at_min=2026-13-45T00:00:00Z",
        "fields=id;drop", "since_id=18446744073709551616"}) {
    shop.refill();
    expect_error(shop.client.Get((std::string(kBase) + "/orders.json?" + q).c_str()), 400,
                 std::string(q));
  }
  expect_error(shop.client.Get((std::string(kBase) + "/orders/count.json?status=nope").c_str()),
               400, "count status");
  expect_error(shop.client.Get(
                   (std::string(kBase) + "/inventory_levels.json?location_ids=1&limit=0").c_str()),
               400, "levels limit");
}

TEST_CASE("shopify hostile: malformed page_info answers 400 Invalid value") {
  Shop shop;
  std::string huge(10'000, 'A');
  for (const std::string& token :
       {std::string("garbage!!"), std::string(""), std::string("bzEu"), huge,
        base64_encode("o1.1.9.-.-"), base64_encode("o1.-1.0.-.-"), base64_encode("o1.1.0.x.-"),
        base64_encode("o2.1.0.-.-"), base64_encode("o1.1.0.-.-.extra"), base64_encode("i1.5"),
        std::string("%00%01")}) {
    shop.refill();
    const auto r =
        shop.client.Get((std::string(kBase) + "/orders.json?page_info=" + token).c_str());
    REQUIRE(r);
    // An over-long query may be refused by the server's head limit first (431/414), never 5xx.
    CHECK(r->status >= 400);
    CHECK(r->status < 500);
    if (r->status == 400) expect_error(r, 400, "page_info " + token.substr(0, 40));
  }
  expect_error(
      shop.client.Get((std::string(kBase) + "/inventory_levels.json?page_info=nope").c_str()), 400,
      "levels page_info");
}

TEST_CASE("shopify hostile: no token, a wrong token, a token in the wrong header: 401") {
  Shop shop;
  httplib::Client anonymous("127.0.0.1", shop.server.port());
  const std::string path = std::string(kBase) + "/inventory_levels/set.json";
  const std::string body =
      R"({"location_id":60000000000,"inventory_item_id":50000000001,"available":1})";
  expect_error(anonymous.Post(path.c_str(), body, "application/json"), 401, "none");
  expect_error(anonymous.Post(path.c_str(),
                              {{"Authorization", std::string("Bearer ") + shopify_test::kToken}},
                              body, "application/json"),
               401, "bearer");
  expect_error(anonymous.Post(path.c_str(),
                              {{"X-Shopify-Access-Token", std::string(shopify_test::kToken) + "x"}},
                              body, "application/json"),
               401, "longer");
  expect_error(anonymous.Post(path.c_str(), {{"X-Shopify-Access-Token", std::string(5000, 'x')}},
                              body, "application/json"),
               401, "huge");
  CHECK(shop.mocks.listing(0, 1)->version == 0);  // nothing was written
}

TEST_CASE("shopify hostile: wrong Content-Type, malformed and deep JSON bodies") {
  Shop shop;
  for (const char* path :
       {"/inventory_levels/set.json", "/inventory_levels/adjust.json", "/fulfillments.json"}) {
    const std::string url = std::string(kBase) + path;
    shop.refill();
    expect_error(
        shop.client.Post(url.c_str(), "location_id=1", "application/x-www-form-urlencoded"), 400,
        std::string(path) + " form");
    expect_error(shop.client.Post(url.c_str(), "<xml/>", "text/xml"), 400,
                 std::string(path) + " xml");
    expect_error(shop.client.Post(url.c_str(), "{", "application/json"), 400,
                 std::string(path) + " truncated");
    expect_error(shop.client.Post(url.c_str(), "[1,2]", "application/json"), 400,
                 std::string(path) + " array");
    expect_error(shop.client.Post(url.c_str(), "", "application/json"), 400,
                 std::string(path) + " empty");
    const std::string deep = std::string(20'000, '[') + std::string(20'000, ']');
    expect_error(shop.client.Post(url.c_str(), deep, "application/json"), 400,
                 std::string(path) + " deep array");
    std::string deep_field =
        R"({"fulfillment":)" + std::string(5'000, '[') + std::string(5'000, ']') + "}";
    const auto r = shop.client.Post(url.c_str(), deep_field, "application/json");
    REQUIRE(r);
    CHECK(r->status >= 400);
    CHECK(r->status < 500);
  }
}

TEST_CASE("shopify hostile: inventory writes with bad fields answer 422 and write nothing") {
  Shop shop;
  const std::string set = std::string(kBase) + "/inventory_levels/set.json";
  const std::string adjust = std::string(kBase) + "/inventory_levels/adjust.json";
  const json good = {{"location_id", http::kShopifyLocationBase},
                     {"inventory_item_id", http::kShopifyInventoryItemBase + 2},
                     {"available", 5}};
  const auto with = [&](const char* key, const json& value) {
    json j = good;
    if (value.is_discarded()) {
      j.erase(key);
    } else {
      j[key] = value;
    }
    return j.dump();
  };
  const json gone = json(json::value_t::discarded);
  for (const std::string& body :
       {with("available", -1), with("available", 1'000'000'001), with("available", "5"),
        with("available", 2.5), with("available", nullptr), with("available", gone),
        with("available", json::parse("18446744073709551615")),
        with("inventory_item_id", http::kShopifyInventoryItemBase + 30),
        with("inventory_item_id", -1), with("inventory_item_id", "x"),
        with("location_id", http::kShopifyLocationBase + 1), with("location_id", gone)}) {
    shop.refill();
    expect_error(shop.client.Post(set.c_str(), body, "application/json"), 422, body);
  }
  json adj = good;
  adj.erase("available");
  for (const json& delta : {json(1'000'000'001), json(-1'000'000'001), json("1"), json(nullptr)}) {
    adj["available_adjustment"] = delta;
    expect_error(shop.client.Post(adjust.c_str(), adj.dump(), "application/json"), 422, adj.dump());
  }
  CHECK(shop.mocks.listing(0, 2)->version == 0);
}

TEST_CASE("shopify hostile: inventory_levels id lists") {
  Shop shop;
  std::string many;
  for (int i = 0; i < 51; ++i)
    many += (i ? "," : "") + std::to_string(http::kShopifyInventoryItemBase + 1);
  for (const std::string& q :
       {"inventory_item_ids=" + many, std::string("inventory_item_ids=1,,2"),
        std::string("inventory_item_ids=-1"), std::string("location_ids=abc"),
        std::string("inventory_item_ids=")}) {
    shop.refill();
    expect_error(shop.client.Get((std::string(kBase) + "/inventory_levels.json?" + q).c_str()), 400,
                 q.substr(0, 60));
  }
  expect_error(shop.client.Get((std::string(kBase) + "/inventory_levels.json").c_str()), 422,
               "neither filter");
  // Unknown item ids are left out, not an error (Shopify filters).
  const auto r = shop.client.Get(
      (std::string(kBase) + "/inventory_levels.json?inventory_item_ids=1,99999999999999").c_str());
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(json::parse(r->body)["inventory_levels"].empty());
}

TEST_CASE("shopify hostile: fulfillments with bad fulfillment orders") {
  Shop shop;
  const SkuQuantity line{3, 1};
  const uint64_t order = shop.mocks.place_order(0, std::span(&line, 1)).order;
  const uint64_t fo = http::kShopifyFulfillmentOrderBase + http::shopify_order_id(order);
  const std::string url = std::string(kBase) + "/fulfillments.json";
  const auto with_groups = [](const json& groups) {
    return json{{"fulfillment", {{"line_items_by_fulfillment_order", groups}}}}.dump();
  };
  expect_error(shop.client.Post(url.c_str(), R"({"fulfillment": 5})", "application/json"), 400,
               "not an object");
  expect_error(shop.client.Post(url.c_str(), "{}", "application/json"), 400, "missing");
  expect_error(shop.client.Post(url.c_str(), with_groups(json::array()), "application/json"), 422,
               "empty");
  expect_error(shop.client.Post(url.c_str(), with_groups(json::array({1, 2})), "application/json"),
               422, "not objects");
  expect_error(
      shop.client.Post(url.c_str(), with_groups(json::array({{{"fulfillment_order_id", "x"}}})),
                       "application/json"),
      422, "string id");
  expect_error(
      shop.client.Post(url.c_str(), with_groups(json::array({{{"fulfillment_order_id", -1}}})),
                       "application/json"),
      422, "negative id");
  expect_error(
      shop.client.Post(url.c_str(), with_groups(json::array({{{"fulfillment_order_id", fo + 1}}})),
                       "application/json"),
      404, "unknown id");
  // The base alone is Shopify order 0, which names no order (ids start at 1).
  expect_error(shop.client.Post(url.c_str(),
                                with_groups(json::array({{{"fulfillment_order_id",
                                                           http::kShopifyFulfillmentOrderBase}}})),
                                "application/json"),
               404, "order 0");
  json many = json::array();
  for (int i = 0; i < 251; ++i)
    many.push_back({{"fulfillment_order_id", fo}});
  expect_error(shop.client.Post(url.c_str(), with_groups(many), "application/json"), 422,
               "too many");
  CHECK(shop.mocks.channel_order(0, order)->canonical == OrderStatus::pending);
}

}  // namespace
}  // namespace syncdrill
