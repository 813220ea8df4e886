// connectors[].round_trip and the retry attempt limit: read into the typed scenario, and every
// bad value refused at its line and column.
#include <doctest/doctest.h>

#include <string>

#include "core/scenario/loader.hpp"

namespace syncdrill {
namespace {

std::string with_connector(const std::string& extra) {
  return "name: t\n"
         "duration: 1h\n"
         "channels: [{name: shop, kind: shopify_like}]\n"
         "systems: [{name: oms, kind: oms}]\n"
         "connectors:\n"
         "  - {name: ingest, flow: order_ingest, from: shop, to: oms" +
         extra + "}\n";
}

std::string first_error(const std::string& text) {
  const LoadResult r = load_scenario_text(text, "t.yaml");
  REQUIRE_FALSE(r.ok());
  return format_diagnostic(r.errors.front());
}

TEST_CASE("a connector's round trip is a distribution, none by default") {
  const LoadResult none = load_scenario_text(with_connector(""), "t.yaml");
  REQUIRE(none.ok());
  CHECK_FALSE(none.scenario->connectors[0].round_trip.has_value());

  const LoadResult normal =
      load_scenario_text(with_connector(", round_trip: \"normal(mean=40ms, sd=4ms)\""), "t.yaml");
  REQUIRE(normal.ok());
  REQUIRE(normal.scenario->connectors[0].round_trip.has_value());
  CHECK(normal.scenario->connectors[0].round_trip->kind() == Distribution::Kind::normal);
  CHECK(normal.scenario->connectors[0].round_trip->mean() == doctest::Approx(40'000));

  const LoadResult constant = load_scenario_text(with_connector(", round_trip: 80ms"), "t.yaml");
  REQUIRE(constant.ok());
  CHECK(constant.scenario->connectors[0].round_trip->mean() == doctest::Approx(80'000));
}

TEST_CASE("a bad round trip is refused at its value") {
  CHECK(first_error(with_connector(", round_trip: \"normal(mean=inf, sd=1ms)\"")) ==
        "t.yaml:6:73: connectors[0].round_trip: normal mean: expected a duration like 250ms, got "
        "'inf'");
  CHECK(first_error(with_connector(", round_trip: nan"))
            .rfind("t.yaml:6:73: connectors[0].round_trip: expected a duration", 0) == 0);
  CHECK(first_error(with_connector(", round_trip: -5ms"))
            .rfind("t.yaml:6:73: connectors[0].round_trip: expected a duration", 0) == 0);
  CHECK(first_error(with_connector(", round_trip: 20000d"))
            .rfind("t.yaml:6:73: connectors[0].round_trip: expected a duration", 0) == 0);
  CHECK(first_error(with_connector(", round_trip: \"lognormal(p50=1s, p95=10ms)\"")) ==
        "t.yaml:6:73: connectors[0].round_trip: lognormal needs 0 < p50 < p95");
  CHECK(first_error(with_connector(", round_trip: [40ms]")) ==
        "t.yaml:6:73: connectors[0].round_trip: expected a duration or a distribution like "
        "lognormal(p50=200ms, p95=2s), got a list");
  CHECK(first_error(with_connector(", round_trip: {mean: 40ms}"))
            .rfind("t.yaml:6:73: connectors[0].round_trip: expected a duration or a distribution",
                   0) == 0);
  CHECK(first_error(
            with_connector(", round_trip: \"normal(mean=" + std::string(40, '9') + "ms, sd=1ms)\""))
            .find("number too large") != std::string::npos);
}

TEST_CASE("max_attempts reaches a million, and no further") {
  auto policy = [](const std::string& attempts) {
    return "name: t\nduration: 1h\nchannels: [{name: shop, kind: shopify_like}]\n"
           "policies:\n  - {name: p, retry: {max_attempts: " +
           attempts + "}}\n";
  };
  const LoadResult ok = load_scenario_text(policy("1_000_000"), "t.yaml");
  REQUIRE(ok.ok());
  CHECK(ok.scenario->policies[0].retry.max_attempts == 1'000'000);
  CHECK(first_error(policy("1000001")) ==
        "t.yaml:5:37: policies[0].retry.max_attempts: expected a whole number between 1 and "
        "1000000, got '1000001'");
  CHECK(first_error(policy("0")).find("between 1 and 1000000") != std::string::npos);
  CHECK(first_error(policy("99999999999999999999999")).find("policies[0].retry.max_attempts") !=
        std::string::npos);
  CHECK(first_error(policy("1e6")).find("policies[0].retry.max_attempts") != std::string::npos);
}

}  // namespace
}  // namespace syncdrill
