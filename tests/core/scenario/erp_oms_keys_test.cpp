// The ERP/OMS semantics keys: a system's concurrency_refusal and idempotency, a policy's
// retry_request_limited; their defaults, their values and their located errors.
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "core/scenario/loader.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

const std::string kHead =
    "name: t\n"
    "duration: 1h\n"
    "channels: [{name: shop, kind: shopify_like}]\n";

Scenario loaded(const std::string& text) {
  return testing::from_text(text);
}

std::string first_error(const std::string& text) {
  LoadResult r = load_scenario_text(text, "t.yaml");
  REQUIRE_FALSE(r.ok());
  return format_diagnostic(r.errors.front());
}

TEST_CASE("the defaults keep today's behaviour: a 503, retried, keys that never expire") {
  const Scenario s = loaded(kHead +
                            "systems: [{name: erp, kind: erp, concurrency_limit: 2}, "
                            "{name: oms, kind: oms}]\npolicies: [{name: p}]\n");
  CHECK(s.systems[0].concurrency_refusal == ConcurrencyRefusal::unavailable);
  CHECK(s.systems[1].idempotency.style == IdempotencyStyle::syncdrill);
  CHECK_FALSE(s.systems[1].idempotency.ttl.has_value());
  CHECK(s.policies[0].retry_request_limited);
}

TEST_CASE("concurrency_refusal netsuite, retry_request_limited false and Stripe keys are read") {
  const Scenario s = loaded(kHead +
                            "systems:\n"
                            "  - {name: erp, kind: erp, concurrency_refusal: netsuite}\n"
                            "  - {name: oms, kind: oms, idempotency: {style: stripe}}\n"
                            "  - {name: oms2, kind: oms, idempotency: {style: stripe, ttl: 90m}}\n"
                            "  - {name: oms3, kind: oms, idempotency: {ttl: 2h}}\n"
                            "policies: [{name: p, retry_request_limited: false}]\n");
  CHECK(s.systems[0].concurrency_refusal == ConcurrencyRefusal::netsuite);
  CHECK(to_string(s.systems[0].concurrency_refusal) == "netsuite");
  CHECK(s.systems[1].idempotency.style == IdempotencyStyle::stripe);
  CHECK(s.systems[1].idempotency.ttl == hours(24));  // Stripe's documented 24 hours
  CHECK(s.systems[2].idempotency.ttl == minutes(90));
  CHECK(s.systems[3].idempotency.style == IdempotencyStyle::syncdrill);
  CHECK(s.systems[3].idempotency.ttl == hours(2));
  CHECK_FALSE(s.policies[0].retry_request_limited);
}

TEST_CASE("bad values of the ERP/OMS keys are located errors") {
  CHECK(first_error(kHead + "systems: [{name: erp, kind: erp, concurrency_refusal: netsuit}]\n") ==
        "t.yaml:4:55: systems[0].concurrency_refusal: unknown concurrency refusal 'netsuit' (did "
        "you mean 'netsuite'?)");
  CHECK(first_error(kHead + "systems: [{name: erp, kind: erp, idempotency: {style: stripe}}]\n") ==
        "t.yaml:4:47: systems[0].idempotency: 'idempotency' applies only to a system of kind oms");
  CHECK(first_error(kHead + "systems: [{name: o, kind: oms, idempotency: {style: paypal}}]\n") ==
        "t.yaml:4:53: systems[0].idempotency.style: unknown idempotency style 'paypal' (expected "
        "one of: syncdrill, stripe)");
  CHECK(first_error(kHead + "systems: [{name: o, kind: oms, idempotency: {ttl: 10ms}}]\n")
            .find("systems[0].idempotency.ttl") != std::string::npos);
  CHECK(first_error(kHead + "systems: [{name: o, kind: oms, idempotency: {ttl: 1e999h}}]\n")
            .find("systems[0].idempotency.ttl") != std::string::npos);
  CHECK(first_error(kHead + "systems: [{name: o, kind: oms, idempotency: {tll: 1h}}]\n") ==
        "t.yaml:4:46: systems[0].idempotency.tll: unknown key 'tll' (did you mean 'ttl'?)");
  CHECK(first_error(kHead + "systems: [{name: o, kind: oms, idempotency: stripe}]\n")
            .find("systems[0].idempotency") != std::string::npos);
  CHECK(first_error(kHead + "policies: [{name: p, retry_request_limited: maybe}]\n")
            .find("policies[0].retry_request_limited") != std::string::npos);
}

}  // namespace
}  // namespace syncdrill
