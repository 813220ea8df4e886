// Loader tests: real scenario files and small inline texts are loaded, and the typed values or
// the exact formatted diagnostics are compared.
#include "sim/scenario/loader.hpp"

#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>

namespace syncdrill {
namespace {

const std::string kScenarios = std::string(SYNCDRILL_TEST_DATA_DIR) + "/scenarios/";

// A minimal valid scenario; tests append sections to it.
const std::string kMinimal =
    "name: t\n"
    "duration: 1h\n"
    "channels: [{name: shop, kind: shopify_like}]\n";

// All diagnostics, formatted, one per line.
std::string messages(const LoadResult& r) {
  std::string out;
  for (const Diagnostic& d : r.errors) {
    out += format_diagnostic(d) + "\n";
  }
  return out;
}

std::string first_error(std::string_view text, const LoadLimits& limits = {}) {
  LoadResult r = load_scenario_text(text, "t.yaml", limits);
  REQUIRE_FALSE(r.ok());
  REQUIRE_FALSE(r.errors.empty());
  return format_diagnostic(r.errors.front());
}

TEST_CASE("the full example scenario loads with the expected typed values") {
  LoadResult r = load_scenario_file(kScenarios + "valid/full.yaml");
  INFO(messages(r));
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  CHECK(s.name == "black-friday-erp-timeout");
  CHECK(s.seed == 42);
  CHECK(s.duration == hours(6));
  CHECK(s.currency == "EUR");
  CHECK(s.catalog.skus == 5000);
  CHECK(s.catalog.price_min.minor == 499);
  CHECK(s.catalog.price_max.minor == 24950);
  CHECK(s.catalog.price_max.currency == "EUR");

  REQUIRE(s.channels.size() == 2);
  const ChannelSpec& shop = s.channels[0];
  CHECK(shop.endpoint.workers == 8);
  CHECK(shop.endpoint.service_time.kind() == Distribution::Kind::lognormal);
  CHECK(shop.endpoint.service_time.quantile(0.95) == doctest::Approx(400'000).epsilon(1e-6));
  REQUIRE(shop.endpoint.rate_limit);
  CHECK(shop.endpoint.rate_limit->kind == RateLimitSpec::Kind::leaky_bucket);
  CHECK(shop.endpoint.rate_limit->rate_per_s == doctest::Approx(2));
  CHECK(shop.endpoint.rate_limit->burst == doctest::Approx(40));
  CHECK(shop.webhooks.retries == 19);
  CHECK(shop.webhooks.cap == hours(1));
  REQUIRE(shop.statuses.size() == 2);
  CHECK(shop.statuses[0].from == "cancelled");
  CHECK(shop.statuses[0].to == "Canceled");
  CHECK(s.channels[1].kind == ChannelKind::amazon_like);
  CHECK(s.channels[1].endpoint.rate_limit->rate_per_s == doctest::Approx(10));
  CHECK_FALSE(s.channels[1].webhooks.enabled);
  CHECK(s.channels[1].inventory_cas);

  REQUIRE(s.systems.size() == 3);
  CHECK(s.systems[0].kind == SystemKind::erp);
  CHECK(s.systems[0].batch_import_interval == minutes(15));
  CHECK(s.systems[0].concurrency_limit == 8u);
  CHECK(s.systems[0].restocks->sku_fraction == doctest::Approx(0.1));
  CHECK(s.systems[0].price_changes->change_max == doctest::Approx(0.15));
  CHECK(s.systems[2].endpoint.service_time.kind() == Distribution::Kind::normal);

  REQUIRE(s.traffic.size() == 2);
  CHECK(s.traffic[0].orders_per_s == doctest::Approx(2));
  REQUIRE(s.traffic[0].shape.size() == 3);
  CHECK(s.traffic[0].shape[1].at == hours(2));
  CHECK(s.traffic[0].shape[2].multiplier == doctest::Approx(1.5));
  CHECK(s.traffic[0].basket_lines_max == 4);
  CHECK(s.traffic[0].returns.fraction == doctest::Approx(0.08));
  CHECK(s.traffic[0].returns.delay.quantile(0.5) == doctest::Approx(days(2).us).epsilon(1e-6));
  CHECK(s.traffic[1].shape.empty());
}

TEST_CASE("the full example's policies, connectors, faults, tiers, monitors and runbook") {
  LoadResult r = load_scenario_file(kScenarios + "valid/full.yaml");
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  const PolicySpec* careful = find_policy(s, "careful");
  REQUIRE(careful != nullptr);
  CHECK(careful->timeout == seconds(2));
  CHECK(careful->retry.backoff == BackoffKind::decorrelated_jitter);
  CHECK(careful->retry.base == milliseconds(200));
  CHECK(careful->budget->token_ratio == doctest::Approx(0.2));
  CHECK(careful->breaker->failure_rate == doctest::Approx(0.5));
  CHECK(careful->breaker->half_open_calls == 3);
  CHECK(careful->idempotency_keys);
  CHECK_FALSE(find_policy(s, "naive")->budget.has_value());

  const ConnectorSpec* ingest = find_connector(s, "shop-orders");
  REQUIRE(ingest != nullptr);
  CHECK(ingest->flow == FlowKind::order_ingest);
  CHECK(ingest->queue_max == 20'000);
  CHECK(ingest->poll_interval == minutes(5));
  CHECK(find_connector(s, "shipping")->mapping.size() == 2);
  CHECK(find_connector(s, "nightly-recon")->interval == minutes(30));
  CHECK(find_connector(s, "nightly-recon")->repair_per_s == doctest::Approx(20));

  REQUIRE(s.faults.size() == 3);
  CHECK(s.faults[0].kind == FaultKind::timeout);
  CHECK(s.faults[0].targets == std::vector<std::string>{"erp"});
  CHECK(s.faults[0].length == minutes(20));
  CHECK(s.faults[1].at == minutes(90));
  CHECK(s.faults[1].intensity == doctest::Approx(0.5));
  CHECK(s.faults[1].cause == FaultCause::capacity);
  CHECK(s.faults[1].flap->off == minutes(2));
  CHECK(s.faults[1].latency->kind() == Distribution::Kind::lognormal);
  CHECK(s.faults[2].multiplier == doctest::Approx(3));

  REQUIRE(s.sla_tiers.size() == 2);
  CHECK(s.sla_tiers[0].flows ==
        std::vector<FlowKind>{FlowKind::order_ingest, FlowKind::stock_sync});
  CHECK(*s.sla_tiers[0].error_rate_max == doctest::Approx(0.005));
  CHECK(s.sla_tiers[0].data_loss_max == 0u);
  CHECK_FALSE(s.sla_tiers[1].mttd_max.has_value());

  REQUIRE(s.monitors.size() == 4);
  CHECK(s.monitors[0].hold == minutes(2));
  CHECK(s.monitors[1].objective == doctest::Approx(0.999));
  CHECK(s.monitors[2].signal == Signal::throughput);
  CHECK(s.monitors[3].signal == Signal::reconciliation_delta);

  CHECK(s.response.ack_delay.quantile(0.5) == doctest::Approx(minutes(3).us).epsilon(1e-6));
  REQUIRE(s.response.runbook.size() == 6);
  CHECK(s.response.runbook[0].units == 5);
  CHECK(s.response.runbook[0].on == std::vector<std::string>{"erp-errors"});
  CHECK(s.response.runbook[1].policy == "careful");
  CHECK(s.response.runbook[4].length == minutes(15));
  CHECK(to_string(s.response.runbook[5].kind) == "rollback");

  REQUIRE(s.sources.size() == 1);
  CHECK(s.sources[0].path == kScenarios + "valid/full.yaml");
  CHECK(s.sources[0].content.find("black-friday-erp-timeout") != std::string::npos);
}

TEST_CASE("defaults apply when keys are absent") {
  LoadResult r = load_scenario_text(kMinimal, "t.yaml");
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  CHECK(s.seed == 1);
  CHECK(s.currency == "USD");
  CHECK(s.catalog.skus == 1000);
  CHECK(s.catalog.price_min.currency == "USD");
  CHECK(s.channels[0].endpoint.workers == 4);
  CHECK(s.channels[0].webhooks.retries == 8);
  CHECK_FALSE(s.channels[0].endpoint.rate_limit.has_value());
}

TEST_CASE("an unknown key is reported with a suggestion") {
  CHECK(first_error(kMinimal + "sede: 3\n") ==
        "t.yaml:4:1: sede: unknown key 'sede' (did you mean 'seed'?)");
  CHECK(first_error(kMinimal + "colour: red\n") == "t.yaml:4:1: colour: unknown key 'colour'");
}

TEST_CASE("every error of a file is reported together, in file order") {
  LoadResult r = load_scenario_text(
      "name: t\nduration: 5\nchannels: [{name: shop, kind: shopify_like, endpoint: {wokers: 2}}]\n"
      "seed: -1\n",
      "t.yaml");
  CHECK(messages(r) ==
        "t.yaml:2:11: duration: expected a duration like 250ms, got '5' (add a unit: us, ms, s, "
        "m, h or d)\n"
        "t.yaml:3:56: channels[0].endpoint.wokers: unknown key 'wokers' (did you mean "
        "'workers'?)\n"
        "t.yaml:4:7: seed: expected a non-negative whole number, got '-1'\n");
  CHECK(r.errors[0].source_line == "duration: 5");
}

TEST_CASE("errors stop after the limit with a final too-many-errors line") {
  std::string text = kMinimal;
  for (int i = 0; i < 10; ++i) {
    text += fmt::format("bad{}: x\n", i);
  }
  LoadLimits limits;
  limits.errors_max = 3;
  LoadResult r = load_scenario_text(text, "t.yaml", limits);
  REQUIRE(r.errors.size() == 4);
  CHECK(r.errors[2].message == "unknown key 'bad2'");
  CHECK(r.errors[3].message == "too many errors, stopping");
}

TEST_CASE("references to undefined names are errors with suggestions") {
  const std::string world = kMinimal + "systems: [{name: oms, kind: oms}]\n";
  CHECK(
      first_error(world + "connectors: [{name: c, flow: order_ingest, from: shopp, to: oms}]\n") ==
      "t.yaml:5:50: connectors[0].from: unknown channel or system 'shopp' (did you mean "
      "'shop'?)");
  CHECK(first_error(world + "connectors: [{name: c, flow: returns, from: shop, to: oms, "
                            "policy: gentle}]\n") ==
        "t.yaml:5:68: connectors[0].policy: unknown policy 'gentle' (expected one of: )");
  CHECK(first_error(world + "response: {runbook: [{action: pause_channel, target: oms}]}\n") ==
        "t.yaml:5:54: response.runbook[0].target: unknown channel 'oms' (expected one of: shop)");
}

TEST_CASE("a flow may belong to one SLA tier only") {
  CHECK(first_error(kMinimal + "sla_tiers:\n  - {name: a, flows: [stock_sync]}\n"
                               "  - {name: b, flows: [stock_sync]}\n") ==
        "t.yaml:6:23: sla_tiers[1].flows[0]: flow 'stock_sync' is already in tier 'a'");
}

TEST_CASE("a missing base file is an error at the extends line") {
  CHECK(first_error("# child\nextends: ../nope/base.yaml\nname: x\n") ==
        "t.yaml:2:10: extends: cannot read '../nope/base.yaml': no such file");
}

TEST_CASE("extends overrides keys, merges lists by name and appends new items") {
  LoadResult r = load_scenario_file(kScenarios + "valid/child.yaml");
  INFO(messages(r));
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  CHECK(s.name == "erp-timeout-drill");
  CHECK(s.description == "Shared world for drills.");  // inherited
  CHECK(s.seed == 7);
  CHECK(s.duration == hours(4));
  REQUIRE(s.channels.size() == 2);
  CHECK(s.channels[0].name == "shop");
  CHECK(s.channels[0].safety_buffer == 3);
  CHECK(s.channels[0].endpoint.service_time.mean() == doctest::Approx(100'000));
  CHECK(s.channels[1].name == "amazon");
  const PolicySpec* p = find_policy(s, "default");
  REQUIRE(p != nullptr);
  CHECK(p->retry.max_attempts == 6);
  CHECK(p->retry.cap == seconds(5));
  CHECK(p->timeout == seconds(3));
  REQUIRE(s.traffic.size() == 1);  // traffic items have no name: the list is replaced
  CHECK(s.traffic[0].channel == "amazon");
  REQUIRE(s.faults.size() == 1);
  CHECK(s.faults[0].cause == FaultCause::release);
  REQUIRE(s.sources.size() == 2);
  CHECK(s.sources[0].path == kScenarios + "valid/base.yaml");
  CHECK(s.sources[1].path == kScenarios + "valid/child.yaml");
}

TEST_CASE("an error inherited from a base points into the base file") {
  LoadResult r = load_scenario_file(kScenarios + "malformed/extends-bad-base.yaml");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].file == kScenarios + "malformed/bad-base.yaml");
  CHECK(r.errors[0].line == 12);
  CHECK(r.errors[0].source_line == "    wokers: 4");
}

TEST_CASE("the extends chain depth is limited") {
  LoadLimits limits;
  limits.extends_depth_max = 0;
  LoadResult r = load_scenario_file(kScenarios + "valid/child.yaml", limits);
  REQUIRE_FALSE(r.ok());
  CHECK(r.errors[0].message == "extends chain deeper than 0 files");
}

TEST_CASE("file size, nesting, node count and list lengths are limited") {
  LoadLimits small;
  small.file_bytes_max = 10;
  CHECK(first_error(kMinimal, small) ==
        "t.yaml:1:1: 't.yaml' is 66 bytes, over the limit of 10 bytes");

  LoadLimits shallow;
  shallow.depth_max = 2;
  // The root mapping is level 1 and the channels list level 2: the channel mapping is too deep.
  CHECK(first_error(kMinimal, shallow) == "t.yaml:3:12: nesting deeper than 2 levels");

  // Aliases multiply nodes: 5 levels of 10 references expand to 10^5 scalars.
  std::string laughs = kMinimal + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 5; ++i) {
    laughs += fmt::format("a{}: &a{} [", i, i);
    for (int j = 0; j < 10; ++j) {
      laughs += fmt::format("{}*a{}", j == 0 ? "" : ", ", i - 1);
    }
    laughs += "]\n";
  }
  LoadLimits few;
  few.nodes_max = 1000;
  CHECK(first_error(laughs, few).find("more than 1000 YAML nodes") != std::string::npos);

  LoadLimits short_lists;
  short_lists.list_max = 1;
  CHECK(
      first_error("name: t\nduration: 1h\nsystems: [{name: a, kind: erp}, {name: b, kind: oms}]\n",
                  short_lists) == "t.yaml:3:10: systems: too many items (2, the limit is 1)");
}

TEST_CASE("catalog size, queue sizes and workers are limited") {
  LoadLimits limits;
  limits.skus_max = 10;
  CHECK(first_error(kMinimal + "catalog: {skus: 11}\n", limits) ==
        "t.yaml:4:17: catalog.skus: expected a whole number between 1 and 10, got '11'");
  CHECK(first_error(kMinimal +
                    "systems: [{name: o, kind: oms, endpoint: {queue_max: 2_000_000}}]\n") ==
        "t.yaml:4:54: systems[0].endpoint.queue_max: expected a whole number between 0 and "
        "1000000, got '2_000_000'");
}

TEST_CASE("the expected order count is limited") {
  LoadLimits limits;
  limits.expected_orders_max = 100;
  // 1/min for 1h = 60 orders; 1/min with a 2x peak = 120 orders, over the limit.
  CHECK(load_scenario_text(kMinimal + "traffic: [{channel: shop, rate: 1/min}]\n", "t.yaml", limits)
            .ok());
  CHECK(
      first_error(
          kMinimal + "traffic: [{channel: shop, rate: 1/min, shape: [{at: 0s, multiplier: 2}]}]\n",
          limits) ==
      "t.yaml:4:10: traffic: about 120 orders expected (rate x duration x peak shape), over the "
      "limit of 100");
}

}  // namespace
}  // namespace syncdrill
