// What the sp-api dialect's conformance tests share: a served scenario with one sp-api channel
// ("amz") and one syncdrill channel ("dtc"), the documented fixtures
// (tests/fixtures/platforms/sp-api/, sources in its README), and checks that return what they
// found wrong, so a test can also show that each check fails on a broken answer.
#pragma once

#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/scenario/loader.hpp"
#include "mocks/http/live_mocks.hpp"
#include "mocks/http/mock_server.hpp"
#include "tests/mocks/http/platform_fixture.hpp"
#include "tests/mocks/http/served_mocks.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill::sp_api_test {

using nlohmann::json;

inline constexpr const char* kToken = "test-access-token";

inline Scenario scenario() {
  constexpr const char* kYaml = R"(
name: sp-api-test
duration: 30d
currency: USD
catalog: {skus: 20, stock_per_sku: 50, price_min: 10.00, price_max: 20.00}
channels:
  - name: amz
    kind: amazon_like
    dialect: sp-api
  - name: dtc
    kind: shopify_like
systems:
  - {name: oms, kind: oms}
  - {name: erp, kind: erp}
  - {name: wms, kind: wms}
)";
  return testing::from_text(kYaml);
}

inline json fixture(const std::string& name) {
  return testing::platform_fixture("sp-api", name);
}

// Every field of `expected` must be in `actual` with the same JSON type (numbers: integer or
// not), recursively; arrays are compared by their first element. Values are not compared.
inline void shape_problems(const json& expected, const json& actual, const std::string& at,
                           std::vector<std::string>& out) {
  const auto kind = [](const json& j) {
    if (j.is_number_integer()) return std::string("integer");
    return std::string(j.type_name());
  };
  if (kind(expected) != kind(actual)) {
    out.push_back(at + ": expected " + kind(expected) + ", got " + kind(actual));
    return;
  }
  if (expected.is_object()) {
    for (const auto& [key, value] : expected.items()) {
      if (!actual.contains(key)) {
        out.push_back(at + "." + key + ": missing");
      } else {
        shape_problems(value, actual[key], at + "." + key, out);
      }
    }
  } else if (expected.is_array() && !expected.empty()) {
    if (actual.empty()) {
      out.push_back(at + ": empty array");
    } else {
      shape_problems(expected[0], actual[0], at + "[0]", out);
    }
  }
}

inline std::vector<std::string> shape_problems(const json& expected, const json& actual) {
  std::vector<std::string> out;
  shape_problems(expected, actual, "$", out);
  return out;
}

// SP-API's headers: x-amzn-RequestId always, x-amzn-RateLimit-Limit = the operation's rate, and
// never Retry-After.
inline std::vector<std::string> header_problems(const httplib::Result& r, const std::string& rate) {
  std::vector<std::string> out;
  if (!r->has_header("x-amzn-RequestId")) out.push_back("no x-amzn-RequestId");
  if (r->get_header_value("x-amzn-RateLimit-Limit") != rate) {
    out.push_back("x-amzn-RateLimit-Limit is '" + r->get_header_value("x-amzn-RateLimit-Limit") +
                  "', not " + rate);
  }
  if (r->has_header("Retry-After")) out.push_back("Retry-After present");
  return out;
}

// The SP-API error body with this code: {"errors": [{"code", "message", "details"}]}.
inline std::vector<std::string> error_problems(const httplib::Result& r, int status,
                                               const std::string& code) {
  std::vector<std::string> out;
  if (r->status != status) out.push_back("status " + std::to_string(r->status));
  const json body = json::parse(r->body, nullptr, false);
  for (const std::string& p : shape_problems(json::parse(R"({"errors": [{"code": "",
      "message": "", "details": ""}]})"),
                                             body)) {
    out.push_back(p);
  }
  if (out.empty() && body["errors"][0]["code"] != code) {
    out.push_back("code " + body["errors"][0]["code"].get<std::string>());
  }
  return out;
}

// One served scenario, a manual clock (time scale 1 unless given; advance_s is wall seconds),
// and a client that sends the token.
struct Served : testing::ServedMocks {
  httplib::Headers auth{{"x-amz-access-token", kToken}};

  explicit Served(Gate gate = {}, double time_scale = 1)
      : ServedMocks(scenario(), small_options(kToken), gate, time_scale) {}
  void advance_s(double s) {
    clock.advance(
        std::chrono::duration_cast<LiveClock::WallDuration>(std::chrono::duration<double>(s)));
  }
  httplib::Result get(const std::string& path) { return client.Get(path, auth); }
};

}  // namespace syncdrill::sp_api_test
