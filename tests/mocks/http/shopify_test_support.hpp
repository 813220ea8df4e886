// Shared by the shopify dialect's tests: a served scenario with shopify-dialect channels, the
// documented fixtures (tests/fixtures/platforms/shopify/) and a key-and-type conformance check.
#pragma once

#include <chrono>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/scenario/loader.hpp"
#include "mocks/http/mock_server.hpp"
#include "tests/mocks/http/platform_fixture.hpp"
#include "tests/mocks/http/served_mocks.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill::shopify_test {

using nlohmann::json;

// shop: shopify dialect, Shopify's default bucket (no rate_limit). tight: shopify dialect with
// a leaky bucket of 3 at 1/s. plain: the syncdrill dialect.
inline constexpr const char* kScenario = R"(
name: shopify-live-test
duration: 1h
currency: EUR
catalog: {skus: 30, stock_per_sku: 20, price_min: 10.00, price_max: 20.00}
channels:
  - name: shop
    kind: shopify_like
    dialect: shopify
  - name: tight
    kind: shopify_like
    dialect: shopify
    endpoint: {rate_limit: {kind: leaky_bucket, rate: 1/s, capacity: 3}}
  - name: plain
    kind: shopify_like
systems:
  - {name: oms, kind: oms}
  - {name: erp, kind: erp}
  - {name: wms, kind: wms}
)";

inline constexpr const char* kToken = "shpat_test_token";

inline Scenario scenario() {
  return testing::from_text(kScenario);
}

// A served scenario (a manual clock, at scale 1 unless told) with a client that sends the access
// token.
struct Shop : testing::ServedMocks {
  std::mutex seen_mutex;
  std::vector<int64_t> retry_after_ms_seen;  // RequestRecord::retry_after_ms of each answer

  explicit Shop(Gate gate = {}, double time_scale = 1)
      : ServedMocks(scenario(), small_options(kToken), gate, time_scale,
                    [this](const RequestRecord& r) {
                      std::lock_guard lock(seen_mutex);
                      retry_after_ms_seen.push_back(r.retry_after_ms);
                    }) {
    client.set_default_headers({{"X-Shopify-Access-Token", kToken}});
  }
  // The retry_after_ms the drill's observer read from the last answer.
  int64_t last_retry_after_ms() {
    std::lock_guard lock(seen_mutex);
    return retry_after_ms_seen.empty() ? -1 : retry_after_ms_seen.back();
  }
  // The bucket leaks 60 requests: a long hostile run never runs it dry.
  void refill() { clock.advance(std::chrono::seconds(30)); }
  static std::string path(const std::string& rest) {
    return "/channels/shop/admin/api/2025-07" + rest;
  }
  httplib::Result get(const std::string& rest) { return client.Get(path(rest).c_str()); }
  httplib::Result post(const std::string& rest, const json& body) {
    return client.Post(path(rest).c_str(), body.dump(), "application/json");
  }
};

inline json fixture(const std::string& name) {
  return testing::platform_fixture("shopify", name);
}

// Every key of `documented` is in `ours` with the same JSON type: numbers are numbers (an
// integer stays an integer), strings strings; a documented null admits null or a string (a
// nullable text field); arrays compare their first elements when both have one. Returns the
// mismatches, one "path: what" a line.
inline void conform(const json& documented, const json& ours, const std::string& path,
                    std::vector<std::string>& out) {
  const auto kind = [](const json& v) -> std::string {
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "boolean";
    if (v.is_number_integer()) return "integer";
    if (v.is_number()) return "number";
    if (v.is_string()) return "string";
    if (v.is_array()) return "array";
    return "object";
  };
  const std::string want = kind(documented);
  const std::string got = kind(ours);
  if (want == "null") {
    if (got != "null" && got != "string") out.push_back(path + ": null or string, got " + got);
    return;
  }
  if (want == "number" ? !ours.is_number() : want != got) {
    out.push_back(path + ": " + want + ", got " + got);
    return;
  }
  if (documented.is_object()) {
    for (const auto& [key, value] : documented.items()) {
      if (!ours.contains(key)) {
        out.push_back(path + "." + key + ": missing");
        continue;
      }
      conform(value, ours.at(key), path + "." + key, out);
    }
  } else if (documented.is_array() && !documented.empty() && !ours.empty()) {
    conform(documented.front(), ours.front(), path + "[0]", out);
  }
}

inline std::vector<std::string> mismatches(const json& documented, const json& ours) {
  std::vector<std::string> out;
  conform(documented, ours, "$", out);
  return out;
}

}  // namespace syncdrill::shopify_test
