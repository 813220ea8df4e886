// Conformance of the sp-api dialect's Orders API v0 routes with the documented examples
// (models/orders-api-model/ordersV0.json; tests/fixtures/platforms/sp-api/README.md), its
// authentication, its per-operation usage plans and its answers to hostile input.
#include <set>

#include "mocks/http/routes_sp_api_json.hpp"
#include "tests/mocks/http/sp_api_support.hpp"

namespace syncdrill::sp_api_test {
namespace {

constexpr const char* kOrders = "/channels/amz/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER";
constexpr const char* kSince = "&CreatedAfter=1970-01-01T00:00:00Z";

json body_of(const httplib::Result& r) {
  REQUIRE(r);
  return json::parse(r->body);
}

TEST_CASE("sp-api getOrders, getOrder, getOrderItems answer with the documented fields") {
  Served s;
  const uint64_t a = s.place(0, 3, 2);
  s.place(0, 5);
  const auto list = s.get(std::string(kOrders) + kSince);
  REQUIRE(list);
  CHECK(list->status == 200);
  CHECK(header_problems(list, "0.0167").empty());
  CHECK(list->get_header_value("Content-Type") == "application/json");
  const json orders = body_of(list);
  CHECK(shape_problems(fixture("get_orders_200.json"), orders).empty());
  REQUIRE(orders["payload"]["Orders"].size() == 2);
  const json& first = orders["payload"]["Orders"][0];
  CHECK(first["AmazonOrderId"] == "902-0000000-0000000");
  CHECK(first["OrderStatus"] == "Pending");
  CHECK(first["NumberOfItemsUnshipped"] == 2);
  const auto order = s.mocks.channel_order(0, a);
  CHECK(first["OrderTotal"]["Amount"] == sp_api_amount(order->amount_minor));
  CHECK(first["OrderTotal"]["CurrencyCode"] == "USD");

  const auto one = s.get("/channels/amz/orders/v0/orders/902-0000000-0000000");
  CHECK(one->status == 200);
  CHECK(header_problems(one, "0.5").empty());
  CHECK(shape_problems(fixture("get_order_200.json"), body_of(one)).empty());

  const auto items = s.get("/channels/amz/orders/v0/orders/902-0000000-0000000/orderItems");
  CHECK(items->status == 200);
  CHECK(header_problems(items, "0.5").empty());
  const json it = body_of(items);
  CHECK(shape_problems(fixture("get_order_items_200.json"), it).empty());
  CHECK(it["payload"]["OrderItems"][0]["SellerSKU"] == "3");
  CHECK(it["payload"]["OrderItems"][0]["QuantityOrdered"] == 2);
  CHECK(it["payload"]["OrderItems"][0]["ItemPrice"]["Amount"] ==
        sp_api_amount(order->amount_minor));
}

TEST_CASE("sp-api checks fail on answers that break the documented shape") {
  Served s;
  s.place(0, 1);
  auto r = s.get(std::string(kOrders) + kSince);
  json broken = body_of(r);
  broken["payload"]["Orders"][0]["OrderTotal"]["Amount"] = 11.01;  // a number, not a string
  broken["payload"]["Orders"][0].erase("OrderStatus");
  CHECK(shape_problems(fixture("get_orders_200.json"), broken).size() == 2);
  r->headers.erase("x-amzn-RateLimit-Limit");
  r->headers.emplace("Retry-After", "1");
  CHECK(header_problems(r, "0.0167").size() == 2);
  CHECK(error_problems(r, 429, "QuotaExceeded").size() >= 1);
}

TEST_CASE("sp-api authentication: x-amz-access-token, else 403 Unauthorized") {
  Served s;
  const auto none = s.client.Get(std::string(kOrders) + kSince);
  CHECK(error_problems(none, 403, "Unauthorized").empty());
  CHECK(json::parse(none->body)["errors"][0]["message"] ==
        "Access to requested resource is denied.");
  const auto wrong =
      s.client.Get(std::string(kOrders) + kSince, httplib::Headers{{"x-amz-access-token", "nope"}});
  CHECK(error_problems(wrong, 403, "Unauthorized").empty());
  // A refused caller spends no quota: the whole burst is still there.
  for (int i = 0; i < 20; ++i)
    CHECK(s.get(std::string(kOrders) + kSince)->status == 200);
}

TEST_CASE(
    "sp-api getOrders: burst 20, then QuotaExceeded without Retry-After, refilled at 0.0167/s") {
  Served s;
  const std::string url = std::string(kOrders) + kSince;
  for (int i = 0; i < 20; ++i)
    REQUIRE(s.get(url)->status == 200);
  const auto refused = s.get(url);
  CHECK(error_problems(refused, 429, "QuotaExceeded").empty());
  CHECK(json::parse(refused->body)["errors"][0]["message"] ==
        "You exceeded your quota for the requested resource.");
  CHECK(header_problems(refused, "0.0167").empty());  // no Retry-After
  // Other operations have buckets of their own.
  s.place(0, 1);
  CHECK(s.get("/channels/amz/orders/v0/orders/902-0000000-0000000")->status == 200);
  // One token takes 1 / 0.0167 = 59.88 simulated seconds.
  s.advance_s(59.8);
  CHECK(s.get(url)->status == 429);
  s.advance_s(0.1);
  CHECK(s.get(url)->status == 200);
  CHECK(s.get(url)->status == 429);
}

TEST_CASE("sp-api usage plans run in simulated time: --time-scale scales the wall rate") {
  Served s({}, 60);
  const std::string url = std::string(kOrders) + kSince;
  for (int i = 0; i < 20; ++i)
    REQUIRE(s.get(url)->status == 200);
  const auto refused = s.get(url);
  CHECK(refused->status == 429);
  CHECK(header_problems(refused, "1.002").empty());  // 0.0167 x 60 requests per wall second
  s.advance_s(0.99);                                 // 59.4 simulated seconds: not yet a token
  CHECK(s.get(url)->status == 429);
  s.advance_s(0.01);  // 60 simulated seconds
  CHECK(s.get(url)->status == 200);
}

TEST_CASE("sp-api getOrders pages with NextToken, which carries the criteria") {
  Served s;
  for (SkuId sku = 0; sku < 5; ++sku)
    s.place(0, sku);
  std::set<std::string> seen;
  std::string url = std::string(kOrders) + kSince + "&MaxResultsPerPage=2";
  int pages = 0;
  while (true) {
    const json page = body_of(s.get(url));
    ++pages;
    for (const json& o : page["payload"]["Orders"])
      CHECK(seen.insert(o["AmazonOrderId"].get<std::string>()).second);
    if (!page["payload"].contains("NextToken")) break;
    // "If NextToken is present, that will be used ... instead of other criteria."
    url = std::string(kOrders) + "&NextToken=" + page["payload"]["NextToken"].get<std::string>();
    REQUIRE(pages < 10);
  }
  CHECK(pages == 3);
  CHECK(seen.size() == 5);

  const json first = body_of(s.get(std::string(kOrders) + kSince + "&MaxResultsPerPage=2"));
  std::string token = first["payload"]["NextToken"];
  token[2] = token[2] == '0' ? '1' : '0';  // forged
  CHECK(error_problems(s.get(std::string(kOrders) + "&NextToken=" + token), 400, "InvalidInput")
            .empty());
  CHECK(error_problems(s.get(std::string(kOrders) + "&NextToken=" + std::string(600, 'A')), 400,
                       "InvalidInput")
            .empty());
}

TEST_CASE("sp-api statuses map from the channel's canonical states, and filter") {
  Served s;
  const uint64_t shipped = s.place(0, 1, 3);
  const uint64_t cancelled = s.place(0, 2);
  s.place(0, 4);
  s.advance_s(10);
  REQUIRE(s.mocks.set_channel_status(0, shipped, "Shipped").emitted);
  REQUIRE(s.mocks.set_channel_status(0, cancelled, "Canceled").emitted);
  s.advance_s(300);
  const json all = body_of(s.get(std::string(kOrders) + "&LastUpdatedAfter=1970-01-01T00:00:05Z"));
  REQUIRE(all["payload"]["Orders"].size() == 2);  // the two updated at 10 s
  CHECK(all["payload"]["Orders"][0]["OrderStatus"] == "Shipped");
  CHECK(all["payload"]["Orders"][0]["NumberOfItemsShipped"] == 3);
  CHECK(all["payload"]["Orders"][0]["NumberOfItemsUnshipped"] == 0);
  CHECK(all["payload"]["Orders"][1]["OrderStatus"] == "Canceled");
  CHECK(all["payload"].contains("LastUpdatedBefore"));
  const json only =
      body_of(s.get(std::string(kOrders) + kSince + "&OrderStatuses=Canceled,Pending"));
  REQUIRE(only["payload"]["Orders"].size() == 2);
  CHECK(only["payload"]["Orders"][0]["OrderStatus"] == "Canceled");
  CHECK(only["payload"]["Orders"][1]["OrderStatus"] == "Pending");
  const json none = body_of(s.get(std::string(kOrders) + kSince + "&OrderStatuses=Unfulfillable"));
  CHECK(none["payload"]["Orders"].empty());
  // CreatedBefore, at least 2 minutes back: the window closes before the orders.
  const json before =
      body_of(s.get(std::string(kOrders) +
                    "&CreatedAfter=1970-01-01T00:00:00Z&CreatedBefore=1970-01-01T00:01:00Z"));
  CHECK(before["payload"]["Orders"].size() == 3);
  CHECK(before["payload"]["CreatedBefore"] == "1970-01-01T00:01:00.000Z");
}

TEST_CASE("sp-api Orders routes refuse hostile input with SP-API's error body") {
  Served s;
  s.place(0, 1);
  s.advance_s(600);
  const std::string base = kOrders;
  const std::vector<std::string> bad = {
      "&CreatedAfter=yesterday",
      "&CreatedAfter=12345",
      "&CreatedAfter=2026-13-45T99:99:99Z",
      "&CreatedAfter=1970-01-01T00:00:00Z&LastUpdatedAfter=1970-01-01T00:00:00Z",
      "",
      "&CreatedBefore=1970-01-01T00:01:00Z",
      "&LastUpdatedAfter=1970-01-01T00:00:00Z&CreatedBefore=1970-01-01T00:01:00Z",
      "&CreatedAfter=1970-01-01T00:05:00Z&CreatedBefore=1970-01-01T00:01:00Z",
      "&CreatedAfter=1970-01-01T00:00:00Z&CreatedBefore=2100-01-01T00:00:00Z",  // < 2 min ago
      std::string(kSince) + "&MaxResultsPerPage=0",
      std::string(kSince) + "&MaxResultsPerPage=101",
      std::string(kSince) + "&MaxResultsPerPage=99999999999999999999999",
      std::string(kSince) + "&MaxResultsPerPage=ten",
      std::string(kSince) + "&OrderStatuses=Bogus",
      std::string(kSince) + "&NextToken=o.1.2.3.4.5.6.7.0123456789abcdef",
  };
  for (const std::string& q : bad) {
    s.advance_s(3600);  // a full bucket for each
    CAPTURE(q);
    CHECK(error_problems(s.get(base + q), 400, "InvalidInput").empty());
  }
  s.advance_s(3600);
  CHECK(error_problems(s.get(std::string("/channels/amz/orders/v0/orders?CreatedAfter=") +
                             "1970-01-01T00:00:00Z"),
                       400, "InvalidInput")
            .empty());
  s.advance_s(3600);
  CHECK(error_problems(
            s.get(std::string("/channels/amz/orders/v0/orders?MarketplaceIds=XX") + kSince), 400,
            "InvalidInput")
            .empty());
  std::string many = "/channels/amz/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER";
  for (int i = 0; i < 50; ++i)
    many += ",ATVPDKIKX0DER";
  s.advance_s(3600);
  CHECK(error_problems(s.get(many + kSince), 400, "InvalidInput").empty());
  for (const char* id : {"902-1-1", "x", "902-0000000-000000a", "1234567890123456789012345"}) {
    CAPTURE(id);
    CHECK(error_problems(s.get(std::string("/channels/amz/orders/v0/orders/") + id), 400,
                         "InvalidInput")
              .empty());
  }
  CHECK(error_problems(s.get("/channels/amz/orders/v0/orders/902-9999999-9999999"), 404, "NotFound")
            .empty());
  CHECK(error_problems(
            s.get("/channels/amz/orders/v0/orders/902-0000000-0000000/orderItems?NextToken=i.0.1."
                  "0000000000000000"),
            400, "InvalidInput")
            .empty());
}

TEST_CASE("sp-api getOrderItems pages an order of more than 100 items") {
  Served s;
  std::vector<SkuQuantity> lines;
  for (SkuId sku = 0; sku < 20; ++sku)
    lines.push_back({sku, 1});
  // 20 SKUs x 6 orders' worth of lines in one order: repeat SKUs to pass 100 lines.
  std::vector<SkuQuantity> many;
  for (int i = 0; i < 6; ++i)
    many.insert(many.end(), lines.begin(), lines.end());
  REQUIRE(s.mocks.place_order(0, many).accepted);
  const std::string url = "/channels/amz/orders/v0/orders/902-0000000-0000000/orderItems";
  const json first = body_of(s.get(url));
  REQUIRE(first["payload"]["OrderItems"].size() == 100);
  REQUIRE(first["payload"].contains("NextToken"));
  const json second =
      body_of(s.get(url + "?NextToken=" + first["payload"]["NextToken"].get<std::string>()));
  CHECK(second["payload"]["OrderItems"].size() == 20);
  CHECK_FALSE(second["payload"].contains("NextToken"));
  CHECK(second["payload"]["OrderItems"][0]["OrderItemId"] == amazon_order_item_id(0, 100));
}

TEST_CASE("sp-api routes answer only on sp-api channels, syncdrill routes stay everywhere") {
  Served s;
  s.place(1, 1);
  CHECK(s.get(std::string("/channels/dtc/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER") + kSince)
            ->status == 404);
  CHECK(s.client.Get("/channels/amz/inventory/1")->status == 200);
}

TEST_CASE("sp-api: a fault's injected 429 or 503 comes in SP-API's shape, without Retry-After") {
  int status = 429;
  Served s([&status](std::string_view, std::string_view) {
    GateDecision d;
    d.action = GateDecision::Action::respond;
    d.status = status;
    d.retry_after_s = 5;
    d.faulted = true;
    return d;
  });
  const auto r = s.get(std::string(kOrders) + kSince);
  CHECK(error_problems(r, 429, "QuotaExceeded").empty());
  CHECK(header_problems(r, "0.0167").empty());
  status = 503;
  const auto u = s.get("/channels/amz/listings/2021-08-01/items/A1/3?marketplaceIds=ATVPDKIKX0DER");
  CHECK(error_problems(u, 503, "ServiceUnavailable").empty());
  CHECK(header_problems(u, "5").empty());
}

}  // namespace
}  // namespace syncdrill::sp_api_test
