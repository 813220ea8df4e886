// The sp-api dialect's Listings Items API 2021-08-01 subset: patchListingsItem (quantity through
// /attributes/fulfillment_availability, price through /attributes/purchasable_offer) and
// getListingsItem.
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "mocks/http/routes_sp_api.hpp"
#include "mocks/http/routes_sp_api_json.hpp"

namespace syncdrill::http {

namespace {

using nlohmann::json;

constexpr size_t kPatchesMax = 1000;
constexpr double kPriceMajorMax = 1e10;  // kAmountMinorMax in major units

std::atomic<uint64_t> g_submission_seq{0};

std::string submission_id() {
  const uint64_t n = g_submission_seq.fetch_add(1) + 1;
  return fmt::format("{:08x}-{:04x}-11ea-{:04x}-{:012x}", n & 0xffffffff, (n >> 32) & 0xffff,
                     0x8000 | ((n >> 48) & 0x3fff), 0x5d0000000000);
}

// The SKU of the path; 404 if it names no listing.
std::optional<SkuId> read_sku(RouteCall& call) {
  const std::string_view text = call.params[2];
  uint64_t sku = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), sku);
  if (ec != std::errc() || end != text.data() + text.size() || sku >= call.mocks.sku_count()) {
    sp_api_error(call, 404, "NOT_FOUND", "SKU not found", std::string(text.substr(0, 64)));
    return std::nullopt;
  }
  return static_cast<SkuId>(sku);
}

struct Issue {
  std::string attribute;
  std::string message;
};

// One patch's effect, once every patch has been checked.
struct Change {
  std::optional<uint32_t> quantity;
  std::optional<int64_t> price_minor;
};

std::optional<uint32_t> read_quantity(const json& value, std::vector<Issue>& issues) {
  if (!value.is_array() || value.empty() || !value[0].is_object()) {
    issues.push_back(
        {"fulfillment_availability", "fulfillment_availability must be an array of objects"});
    return std::nullopt;
  }
  const json& entry = value[0];
  const auto code = entry.find("fulfillment_channel_code");
  if (code != entry.end() && (!code->is_string() || *code != "DEFAULT")) {
    issues.push_back({"fulfillment_availability",
                      "fulfillment_channel_code must be DEFAULT (seller-fulfilled)"});
    return std::nullopt;
  }
  const auto q = entry.find("quantity");
  if (q == entry.end() || !q->is_number_integer() || q->get<int64_t>() < 0 ||
      (q->is_number_unsigned() ? q->get<uint64_t>() : static_cast<uint64_t>(q->get<int64_t>())) >
          UINT32_MAX) {
    issues.push_back(
        {"fulfillment_availability", "quantity must be an integer from 0 to 4294967295"});
    return std::nullopt;
  }
  return static_cast<uint32_t>(q->get<uint64_t>());
}

std::optional<int64_t> read_price(const json& value, std::string_view currency,
                                  std::vector<Issue>& issues) {
  const auto bad = [&](std::string message) {
    issues.push_back({"purchasable_offer", std::move(message)});
    return std::nullopt;
  };
  if (!value.is_array() || value.empty() || !value[0].is_object()) {
    return bad("purchasable_offer must be an array of objects");
  }
  const json& offer = value[0];
  if (const auto c = offer.find("currency");
      c != offer.end() && (!c->is_string() || *c != currency)) {
    return bad(fmt::format("currency must be {}", currency));
  }
  const json* price = nullptr;
  if (const auto our = offer.find("our_price");
      our != offer.end() && our->is_array() && !our->empty() && (*our)[0].is_object()) {
    if (const auto sched = (*our)[0].find("schedule"); sched != (*our)[0].end() &&
                                                       sched->is_array() && !sched->empty() &&
                                                       (*sched)[0].is_object()) {
      if (const auto v = (*sched)[0].find("value_with_tax"); v != (*sched)[0].end()) price = &*v;
    }
  }
  if (price == nullptr || !price->is_number()) {
    return bad("our_price[0].schedule[0].value_with_tax must be a number");
  }
  const double major = price->get<double>();
  if (!std::isfinite(major) || major < 0 || major > kPriceMajorMax) {
    return bad("value_with_tax must be from 0 to 10000000000");
  }
  return static_cast<int64_t>(std::llround(major * 100));
}

// Checks every patch (structure: 400; values: issues), filling `change`. False: answered.
bool read_patches(RouteCall& call, const json& body, std::string_view currency, Change& change,
                  std::vector<Issue>& issues) {
  const auto fail = [&](std::string_view message) {
    sp_api_error(call, 400, "BAD_REQUEST", message);
    return false;
  };
  const auto type = body.find("productType");
  if (type == body.end() || !type->is_string() || type->get_ref<const std::string&>().empty()) {
    return fail("productType is required (a string)");
  }
  const auto patches = body.find("patches");
  if (patches == body.end() || !patches->is_array() || patches->empty() ||
      patches->size() > kPatchesMax) {
    return fail("patches is required (an array of 1 to 1000 patch operations)");
  }
  for (const json& p : *patches) {
    if (!p.is_object()) return fail("a patch operation must be an object");
    const auto op = p.find("op");
    const auto path = p.find("path");
    if (op == p.end() || !op->is_string() ||
        (*op != "add" && *op != "replace" && *op != "delete")) {
      return fail("op must be add, replace or delete");
    }
    if (path == p.end() || !path->is_string() ||
        path->get_ref<const std::string&>().rfind("/attributes/", 0) != 0 ||
        path->get_ref<const std::string&>().size() <= 12) {
      return fail("path must be /attributes/{attribute name}");
    }
    const auto value = p.find("value");
    if (*op != "delete" && value == p.end()) return fail("add and replace need a value");
    const std::string& name = path->get_ref<const std::string&>();
    if (name == "/attributes/fulfillment_availability") {
      // Deleting the attribute leaves nothing to sell: quantity 0.
      change.quantity =
          *op == "delete" ? std::optional<uint32_t>(0) : read_quantity(*value, issues);
    } else if (name == "/attributes/purchasable_offer" && *op != "delete") {
      change.price_minor = read_price(*value, currency, issues);
    }
    // Other attributes are accepted and change nothing the drill measures.
  }
  return true;
}

void patch_listings_item(RouteCall& call) {
  if (!sp_api_begin(call, SpApiOperation::patch_listings_item)) return;
  if (query_list(call.req, "marketplaceIds").empty()) {
    return sp_api_error(call, 400, "BAD_REQUEST", "Missing required parameter marketplaceIds");
  }
  const auto sku = read_sku(call);
  if (!sku) return;
  const json body = json::parse(call.req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return sp_api_error(call, 400, "BAD_REQUEST", "The request body must be a JSON object");
  }
  Change change;
  std::vector<Issue> issues;
  if (!read_patches(call, body, call.mocks.scenario().currency, change, issues)) return;
  json out = {{"sku", std::to_string(*sku)}, {"submissionId", submission_id()}};
  if (!issues.empty()) {
    // The documented answer to a patch that cannot be applied: 200, status INVALID, its issues.
    json list = json::array();
    for (const Issue& i : issues) {
      list.push_back({{"code", "INVALID_ATTRIBUTE"},
                      {"message", i.message},
                      {"severity", "ERROR"},
                      {"attributeNames", json::array({i.attribute})}});
    }
    out["status"] = "INVALID";
    out["issues"] = std::move(list);
    return reply_json(call.res, 200, out);
  }
  if (change.quantity) call.mocks.set_quantity(call.channel, *sku, *change.quantity);
  if (change.price_minor) call.mocks.set_channel_price(call.channel, *sku, *change.price_minor);
  out["status"] = "ACCEPTED";
  out["issues"] = json::array();
  reply_json(call.res, 200, out);
}

void get_listings_item(RouteCall& call) {
  if (!sp_api_begin(call, SpApiOperation::get_listings_item)) return;
  if (query_list(call.req, "marketplaceIds").empty()) {
    return sp_api_error(call, 400, "BAD_REQUEST", "Missing required parameter marketplaceIds");
  }
  std::vector<std::string> included = query_list(call.req, "includedData");
  if (included.empty()) included = {"summaries"};  // the documented default
  const auto sku = read_sku(call);
  if (!sku) return;
  const std::optional<Listing> l = call.mocks.listing(call.channel, *sku);
  if (!l) return sp_api_error(call, 404, "NOT_FOUND", "SKU not found");
  const std::string& currency = call.mocks.scenario().currency;
  json out = {{"sku", std::to_string(*sku)}};
  for (const std::string& what : included) {
    if (what == "summaries") {
      out["summaries"] =
          json::array({{{"marketplaceId", kSpApiMarketplaceId},
                        {"asin", amazon_asin(*sku)},
                        {"productType", "PRODUCT"},
                        {"conditionType", "new_new"},
                        {"status", l->quantity > 0 ? json::array({"BUYABLE"}) : json::array()},
                        {"itemName", fmt::format("syncdrill SKU {}", *sku)}}});
    } else if (what == "fulfillmentAvailability") {
      out["fulfillmentAvailability"] =
          json::array({{{"fulfillmentChannelCode", "DEFAULT"}, {"quantity", l->quantity}}});
    } else if (what == "offers") {
      out["offers"] = json::array(
          {{{"marketplaceId", kSpApiMarketplaceId},
            {"offerType", "B2C"},
            {"price", {{"currencyCode", currency}, {"amount", sp_api_amount(l->price_minor)}}}}});
    } else if (what == "issues") {
      out["issues"] = json::array();
    } else if (what == "attributes") {
      out["attributes"] = json::object();
    } else if (what != "procurement" && what != "relationships" && what != "productTypes") {
      return sp_api_error(call, 400, "BAD_REQUEST", "Invalid includedData value",
                          what.substr(0, 32));
    }
  }
  reply_json(call.res, 200, out);
}

}  // namespace

std::vector<Route> sp_api_listings_routes() {
  constexpr RouteSystem ch = RouteSystem::channel;
  constexpr LiveDialect sp = LiveDialect::sp_api;
  return {
      {Method::get, "/channels/{name}/listings/2021-08-01/items/{sellerId}/{sku}", ch,
       get_listings_item, sp, sp_api_shape_error},
      {Method::patch, "/channels/{name}/listings/2021-08-01/items/{sellerId}/{sku}", ch,
       patch_listings_item, sp, sp_api_shape_error},
  };
}

}  // namespace syncdrill::http
