// Conformance of the sp-api dialect's Listings Items API 2021-08-01 routes with the documented
// examples (models/listings-items-api-model/listingsItems_2021-08-01.json): the patch of a
// listing's quantity and price, its usage plan, and hostile patches.
#include "mocks/http/routes_sp_api_json.hpp"
#include "tests/mocks/http/sp_api_support.hpp"

namespace syncdrill::sp_api_test {
namespace {

constexpr const char* kItem = "/channels/amz/listings/2021-08-01/items/A1B2C3/";
constexpr const char* kMarket = "?marketplaceIds=ATVPDKIKX0DER";

std::string quantity_patch(const std::string& quantity) {
  return R"({"productType": "PRODUCT", "patches": [{"op": "replace",
    "path": "/attributes/fulfillment_availability",
    "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": )" +
         quantity + "}]}]}";
}

httplib::Result patch(Served& s, const std::string& sku, const std::string& body) {
  return s.client.Patch(std::string(kItem) + sku + kMarket, s.auth, body, "application/json");
}

TEST_CASE("sp-api patchListingsItem sets the quantity and answers ACCEPTED as documented") {
  Served s;
  const auto r = patch(s, "7", quantity_patch("13"));
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(header_problems(r, "5").empty());
  const json body = json::parse(r->body);
  CHECK(shape_problems(fixture("patch_listings_item_200.json"), body).empty());
  CHECK(body["status"] == "ACCEPTED");
  CHECK(body["sku"] == "7");
  CHECK(s.mocks.listing(0, 7)->quantity == 13);
  // The price through purchasable_offer.
  const auto p = patch(s, "7", R"({"productType": "PRODUCT", "patches": [{"op": "replace",
      "path": "/attributes/purchasable_offer", "value": [{"marketplace_id": "ATVPDKIKX0DER",
      "currency": "USD", "our_price": [{"schedule": [{"value_with_tax": 19.99}]}]}]}]})");
  CHECK(json::parse(p->body)["status"] == "ACCEPTED");
  CHECK(s.mocks.listing(0, 7)->price_minor == 1999);
  // getListingsItem reads both back.
  const auto g = s.get(std::string(kItem) + "7" + kMarket +
                       "&includedData=summaries,fulfillmentAvailability,offers");
  REQUIRE(g->status == 200);
  CHECK(header_problems(g, "5").empty());
  const json item = json::parse(g->body);
  CHECK(item["fulfillmentAvailability"][0]["quantity"] == 13);
  CHECK(item["offers"][0]["price"]["amount"] == "19.99");
  CHECK(item["summaries"][0]["asin"] == amazon_asin(7));
}

TEST_CASE(
    "sp-api patchListingsItem: an inapplicable patch is INVALID with issues, nothing changes") {
  Served s;
  const uint32_t before = s.mocks.listing(0, 2)->quantity;
  for (const char* q : {"-1", "1.5", "\"ten\"", "99999999999"}) {
    CAPTURE(q);
    const auto r = patch(s, "2", quantity_patch(q));
    REQUIRE(r->status == 200);
    const json body = json::parse(r->body);
    CHECK(body["status"] == "INVALID");
    REQUIRE(body["issues"].size() == 1);
    CHECK(body["issues"][0]["severity"] == "ERROR");
    CHECK(body["issues"][0]["attributeNames"][0] == "fulfillment_availability");
    s.advance_s(1);
  }
  const auto euro = patch(s, "2", R"({"productType": "PRODUCT", "patches": [{"op": "replace",
      "path": "/attributes/purchasable_offer", "value": [{"currency": "EUR",
      "our_price": [{"schedule": [{"value_with_tax": 1}]}]}]}]})");
  CHECK(json::parse(euro->body)["status"] == "INVALID");
  CHECK(s.mocks.listing(0, 2)->quantity == before);
}

TEST_CASE("sp-api patchListingsItem refuses malformed requests with 400 BAD_REQUEST") {
  Served s;
  const std::vector<std::string> bad = {
      "not json",
      "[]",
      R"({"patches": [{"op": "replace", "path": "/attributes/x", "value": []}]})",
      R"({"productType": "PRODUCT", "patches": []})",
      R"({"productType": "PRODUCT", "patches": [{"op": "move", "path": "/attributes/x"}]})",
      R"({"productType": "PRODUCT", "patches": [{"op": "replace", "path": "/quantity", "value": 1}]})",
      R"({"productType": "PRODUCT", "patches": [{"op": "replace", "path": "/attributes/x"}]})",
      R"({"productType": "PRODUCT", "patches": [7]})",
  };
  for (const std::string& b : bad) {
    CAPTURE(b);
    CHECK(error_problems(patch(s, "1", b), 400, "BAD_REQUEST").empty());
    s.advance_s(1);
  }
  // Over 1000 patch operations (and close to the 64 KiB body limit).
  std::string many = R"({"productType": "PRODUCT", "patches": [)";
  for (int i = 0; i < 1001; ++i)
    many += std::string(i ? "," : "") + R"({"op":"delete","path":"/attributes/a"})";
  many += "]}";
  CHECK(error_problems(patch(s, "1", many), 400, "BAD_REQUEST").empty());
  s.advance_s(1);
  CHECK(patch(s, "1", std::string(70'000, ' '))->status == 413);  // the server's body limit
  CHECK(error_problems(patch(s, "20", quantity_patch("1")), 404, "NOT_FOUND").empty());
  CHECK(error_problems(patch(s, "abc", quantity_patch("1")), 404, "NOT_FOUND").empty());
  s.advance_s(1);
  CHECK(error_problems(s.client.Patch(std::string(kItem) + "1", s.auth, quantity_patch("1"),
                                      "application/json"),
                       400, "BAD_REQUEST")
            .empty());
  CHECK(error_problems(s.get(std::string(kItem) + "1" + kMarket + "&includedData=everything"), 400,
                       "BAD_REQUEST")
            .empty());
}

TEST_CASE("sp-api patchListingsItem: burst 10, then QuotaExceeded, refilled at 5/s") {
  Served s;
  for (int i = 0; i < 10; ++i)
    REQUIRE(patch(s, "1", quantity_patch("4"))->status == 200);
  const auto refused = patch(s, "1", quantity_patch("4"));
  CHECK(error_problems(refused, 429, "QuotaExceeded").empty());
  CHECK(header_problems(refused, "5").empty());
  s.advance_s(0.19);
  CHECK(patch(s, "1", quantity_patch("4"))->status == 429);
  s.advance_s(0.01);
  CHECK(patch(s, "1", quantity_patch("4"))->status == 200);
}

}  // namespace
}  // namespace syncdrill::sp_api_test
