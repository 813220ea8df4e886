// Loader tests: real scenario files and small inline texts are loaded, and the typed values or
// the exact formatted diagnostics are compared.
#include "core/scenario/loader.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/scenario/fault_kinds.hpp"
#include "core/scenario/fault_rules.hpp"

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
  CHECK(s.faults[1].settings_as<LatencySettings>().latency.kind() == Distribution::Kind::lognormal);
  CHECK(s.faults[2].settings_as<PeakTrafficSettings>().multiplier == doctest::Approx(3));

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
  const std::string world = kMinimal +
                            "systems: [{name: erp, kind: erp}]\n"
                            "connectors: [{name: s, flow: stock_sync, from: erp, to: shop}]\n";
  CHECK(first_error(world + "sla_tiers:\n  - {name: a, flows: [stock_sync]}\n"
                            "  - {name: b, flows: [stock_sync]}\n") ==
        "t.yaml:8:23: sla_tiers[1].flows[0]: flow 'stock_sync' is already in tier 'a'");
}

TEST_CASE(
    "a tier flow no connector carries, or a damage limit of a flow the tier lacks, is an "
    "error at its place") {
  // Checks on a flow nothing carries would pass on nothing.
  CHECK(first_error(kMinimal + "sla_tiers:\n  - {name: a, flows: [stock_sync], "
                               "freshness_p95: 1m}\n") ==
        "t.yaml:5:23: sla_tiers[0].flows[0]: flow 'stock_sync' has no connector in this "
        "scenario: add a connector with 'flow: stock_sync' or remove the flow from the tier");
  const std::string world = kMinimal +
                            "systems: [{name: erp, kind: erp}]\n"
                            "connectors: [{name: s, flow: stock_sync, from: erp, to: shop}]\n";
  CHECK(first_error(world + "sla_tiers:\n  - {name: a, flows: [stock_sync], "
                            "duplicated_max: 0}\n") ==
        "t.yaml:7:52: sla_tiers[0].duplicated_max: duplicated_max judges the order_ingest flow, "
        "which tier 'a' does not name");
  CHECK(first_error(world + "sla_tiers:\n  - {name: a, flows: [stock_sync], "
                            "unmapped_rate_max: 2%}\n") ==
        "t.yaml:7:55: sla_tiers[0].unmapped_rate_max: unmapped_rate_max judges the fulfillment "
        "flow, which tier 'a' does not name");
  CHECK(first_error(world + "sla_tiers:\n  - {name: a, flows: [stock_sync], "
                            "oversold_max: -1}\n")
            .find("sla_tiers[0].oversold_max") != std::string::npos);
  // Valid: each limit on its own flow, money in the scenario's currency.
  const LoadResult ok = load_scenario_text(
      world + "sla_tiers:\n  - {name: a, flows: [stock_sync], oversold_max: 3, dropped_max: 5}\n",
      "t.yaml");
  REQUIRE(ok.ok());
  CHECK(ok.scenario->sla_tiers[0].oversold_max == 3u);
  CHECK(ok.scenario->sla_tiers[0].dropped_max == 5u);
  CHECK_FALSE(ok.scenario->sla_tiers[0].duplicated_max.has_value());
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
  REQUIRE(s.traffic.size() == 1);  // the shop entry removed by name, amazon appended
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
      "t.yaml:4:10: traffic: about 120 orders expected (rate x duration x peak shape, and "
      "peak_traffic faults), over the limit of 100");
  // A x3 peak for 20 minutes adds 2 x 20 = 40 orders to the 60: 100 is within the limit; a x4
  // peak adds 60: 120, over it.
  const std::string peak = kMinimal +
                           "traffic: [{channel: shop, rate: 1/min}]\n"
                           "faults: [{id: p, kind: peak_traffic, target: shop, at: 10m, for: 20m, "
                           "multiplier: ";
  CHECK(load_scenario_text(peak + "3}]\n", "t.yaml", limits).ok());
  CHECK(first_error(peak + "4}]\n", limits) ==
        "t.yaml:4:10: traffic: about 120 orders expected (rate x duration x peak shape, and "
        "peak_traffic faults), over the limit of 100");
}

// ---- Fault catalogue: kind-specific keys and targets --------------------------------------------

// A world with every kind of fault target: a channel, ERP/OMS/WMS systems and connectors of the
// flows whose faults are kind-specific. Tests append a `faults:` section.
const std::string kFaultWorld =
    "name: t\n"
    "duration: 1h\n"
    "channels: [{name: shop, kind: shopify_like}]\n"
    "systems: [{name: erp, kind: erp}, {name: oms, kind: oms}, {name: wms, kind: wms}]\n"
    "connectors:\n"
    "  - {name: ingest, flow: order_ingest, from: shop, to: oms}\n"
    "  - {name: stock, flow: stock_sync, from: erp, to: shop}\n"
    "  - {name: prices, flow: price_sync, from: erp, to: shop}\n"
    "  - {name: ship, flow: fulfillment, from: wms, to: shop}\n"
    "faults:\n";

// One fault line (a flow mapping) appended to kFaultWorld; errors are on line 11.
std::string one_fault(std::string_view fields) {
  return kFaultWorld + fmt::format("  - {{id: f, at: 1m, for: 1m, {}}}\n", fields);
}

LoadResult load_faults(std::string_view faults) {
  return load_scenario_text(kFaultWorld + std::string(faults), "t.yaml");
}

TEST_CASE("each kind-specific fault key is read into FaultSpec") {
  LoadResult r = load_faults(
      "  - {id: t, kind: timeout, target: erp, at: 1m, for: 1m, processed: false}\n"
      "  - id: rl\n"
      "    kind: rate_limit\n"
      "    target: shop\n"
      "    at: 1m\n"
      "    for: 1m\n"
      "    rate_limit: {kind: leaky_bucket, rate: 2/s, capacity: 10}\n"
      "  - {id: drop, kind: webhook_drop, target: shop/orders/create, at: 1m, for: 1m, per: "
      "event}\n"
      "  - {id: dup, kind: webhook_duplicate, target: shop, at: 1m, for: 1m, delay: 5s}\n"
      "  - id: late\n"
      "    kind: webhook_delay\n"
      "    target: [shop/orders/updated, shop/returns/create]\n"
      "    at: 1m\n"
      "    for: 1m\n"
      "    delay: exponential(mean=1m)\n"
      "  - {id: sf, kind: stale_feed, target: stock, at: 1m, for: 1m, feed: stock, "
      "catch_up: false}\n"
      "  - id: mr\n"
      "    kind: mapping_regression\n"
      "    target: ship\n"
      "    at: 1m\n"
      "    for: 1m\n"
      "    remove: [SHIPPED, cancelled]\n"
      "    rename: {delivered: Delivered, returned: RETURNED}\n"
      "  - {id: rs, kind: retry_storm, target: ingest, at: 1m, for: 1m, max_attempts: 50}\n");
  INFO(messages(r));
  REQUIRE(r.ok());
  const std::vector<FaultSpec>& f = r.scenario->faults;
  REQUIRE(f.size() == 8);
  CHECK_FALSE(f[0].settings_as<TimeoutSettings>().processed);
  REQUIRE(f[1].settings_if<RateLimitSettings>() != nullptr);
  const RateLimitSpec& bucket = f[1].settings_as<RateLimitSettings>().bucket;
  CHECK(bucket.kind == RateLimitSpec::Kind::leaky_bucket);
  CHECK(bucket.rate_per_s == doctest::Approx(2));
  CHECK(bucket.burst == doctest::Approx(10));
  CHECK(f[2].settings_as<WebhookDropSettings>().per == DropScope::event);
  CHECK(f[2].targets == std::vector<std::string>{"shop/orders/create"});
  REQUIRE(f[3].settings_if<WebhookDelaySettings>() != nullptr);
  const Distribution& dup = f[3].settings_as<WebhookDelaySettings>().delay;
  CHECK(dup.kind() == Distribution::Kind::constant);
  CHECK(dup.mean() == doctest::Approx(seconds(5).us));
  CHECK(f[4].targets == std::vector<std::string>{"shop/orders/updated", "shop/returns/create"});
  REQUIRE(f[4].settings_if<WebhookDelaySettings>() != nullptr);
  const Distribution& late = f[4].settings_as<WebhookDelaySettings>().delay;
  CHECK(late.kind() == Distribution::Kind::exponential);
  CHECK(late.mean() == doctest::Approx(minutes(1).us));
  CHECK(f[5].settings_as<StaleFeedSettings>().feed == FeedKind::stock);
  CHECK_FALSE(f[5].settings_as<StaleFeedSettings>().catch_up);
  const MappingRegressionSettings& mr = f[6].settings_as<MappingRegressionSettings>();
  CHECK(mr.remove == std::vector<std::string>{"SHIPPED", "cancelled"});
  REQUIRE(mr.rename.size() == 2);
  CHECK(mr.rename[0].from == "delivered");
  CHECK(mr.rename[0].to == "Delivered");
  CHECK(mr.rename[1].from == "returned");
  CHECK(mr.rename[1].to == "RETURNED");
  CHECK(f[7].settings_as<RetryStormSettings>().max_attempts == 50);
}

TEST_CASE("kind-specific fault keys take their defaults when absent") {
  LoadResult r = load_faults(
      "  - {id: t, kind: timeout, target: erp, at: 1m, for: 1m}\n"
      "  - {id: drop, kind: webhook_drop, target: shop, at: 1m, for: 1m}\n"
      "  - {id: dup, kind: webhook_duplicate, target: shop, at: 1m, for: 1m}\n"
      "  - {id: late, kind: webhook_delay, target: shop, at: 1m, for: 1m}\n"
      "  - {id: sf, kind: stale_feed, target: erp, at: 1m, for: 1m}\n"
      "  - {id: mr, kind: mapping_regression, target: shop, at: 1m, for: 1m}\n"
      "  - {id: rs, kind: retry_storm, target: ingest, at: 1m, for: 1m}\n"
      "  - {id: out, kind: outage, target: erp, at: 1m, for: 1m}\n");
  INFO(messages(r));
  REQUIRE(r.ok());
  const std::vector<FaultSpec>& f = r.scenario->faults;
  REQUIRE(f.size() == 8);
  CHECK(f[0].settings_as<TimeoutSettings>().processed);
  CHECK(f[1].settings_as<WebhookDropSettings>().per == DropScope::attempt);
  const Distribution& dup = f[2].settings_as<WebhookDelaySettings>().delay;
  CHECK(dup.kind() == Distribution::Kind::constant);
  CHECK(dup.mean() == doctest::Approx(seconds(1).us));
  const Distribution& late = f[3].settings_as<WebhookDelaySettings>().delay;
  CHECK(late.kind() == Distribution::Kind::lognormal);
  CHECK(late.quantile(0.5) == doctest::Approx(seconds(30).us).epsilon(1e-6));
  CHECK(late.quantile(0.95) == doctest::Approx(minutes(5).us).epsilon(1e-6));
  CHECK(f[4].settings_as<StaleFeedSettings>().feed == FeedKind::both);
  CHECK(f[4].settings_as<StaleFeedSettings>().catch_up);
  CHECK(f[5].settings_as<MappingRegressionSettings>().remove.empty());
  CHECK(f[5].settings_as<MappingRegressionSettings>().rename.empty());
  CHECK(f[6].settings_as<RetryStormSettings>().max_attempts == 10);
  // A kind without keys of its own carries no settings.
  CHECK(std::holds_alternative<std::monostate>(f[7].settings));
}

TEST_CASE("the new fault enums have YAML spellings") {
  CHECK(to_string(DropScope::attempt) == "attempt");
  CHECK(to_string(DropScope::event) == "event");
  CHECK(to_string(FeedKind::stock) == "stock");
  CHECK(to_string(FeedKind::price) == "price");
  CHECK(to_string(FeedKind::both) == "both");
}

TEST_CASE("a kind-specific fault key given to another kind is an error") {
  CHECK(first_error(one_fault("kind: outage, target: erp, processed: false")) ==
        "t.yaml:11:68: faults[0].processed: 'processed' applies only to a fault of kind timeout");
  CHECK(first_error(one_fault("kind: outage, target: erp, rate_limit: {rate: 1/s}")) ==
        "t.yaml:11:69: faults[0].rate_limit: 'rate_limit' applies only to a fault of kind "
        "rate_limit");
  CHECK(first_error(one_fault("kind: webhook_delay, target: shop, per: event")) ==
        "t.yaml:11:70: faults[0].per: 'per' applies only to a fault of kind webhook_drop");
  CHECK(first_error(one_fault("kind: webhook_drop, target: shop, delay: 1s")) ==
        "t.yaml:11:71: faults[0].delay: 'delay' applies only to a fault of kind "
        "webhook_duplicate or webhook_delay");
  CHECK(first_error(one_fault("kind: outage, target: erp, feed: stock")) ==
        "t.yaml:11:63: faults[0].feed: 'feed' applies only to a fault of kind stale_feed");
  CHECK(first_error(one_fault("kind: outage, target: erp, catch_up: false")) ==
        "t.yaml:11:67: faults[0].catch_up: 'catch_up' applies only to a fault of kind "
        "stale_feed");
  CHECK(first_error(one_fault("kind: stale_feed, target: erp, remove: [x]")) ==
        "t.yaml:11:69: faults[0].remove: 'remove' applies only to a fault of kind "
        "mapping_regression");
  CHECK(first_error(one_fault("kind: stale_feed, target: erp, rename: {a: b}")) ==
        "t.yaml:11:69: faults[0].rename: 'rename' applies only to a fault of kind "
        "mapping_regression");
  CHECK(first_error(one_fault("kind: consumer_stall, target: ingest, max_attempts: 3")) ==
        "t.yaml:11:82: faults[0].max_attempts: 'max_attempts' applies only to a fault of kind "
        "retry_storm");
}

TEST_CASE("a fault with an unknown kind reports no kind-specific key errors") {
  LoadResult r =
      load_scenario_text(one_fault("kind: outge, target: erp, delay: 1s, per: x"), "t.yaml");
  CHECK(messages(r) ==
        "t.yaml:11:36: faults[0].kind: unknown fault kind 'outge' (did you mean 'outage'?)\n");
}

TEST_CASE("kind-specific fault key values are validated") {
  CHECK(first_error(one_fault("kind: rate_limit, target: shop")) ==
        "t.yaml:11:5: faults[0]: missing required key 'rate_limit'");
  CHECK(first_error(one_fault("kind: rate_limit, target: shop, rate_limit: {kind: token_bucket, "
                              "rate: 2/s, capacity: 3}")) ==
        "t.yaml:11:116: faults[0].rate_limit.capacity: 'capacity' applies to a leaky_bucket; use "
        "'burst'");
  CHECK(first_error(one_fault("kind: webhook_drop, target: shop, per: events")) ==
        "t.yaml:11:69: faults[0].per: unknown drop scope 'events' (did you mean 'event'?)");
  CHECK(first_error(one_fault("kind: stale_feed, target: erp, feed: inventory")) ==
        "t.yaml:11:67: faults[0].feed: unknown feed 'inventory' (expected one of: stock, price, "
        "both)");
  CHECK(first_error(one_fault("kind: stale_feed, target: erp, catch_up: maybe")) ==
        "t.yaml:11:71: faults[0].catch_up: expected true or false, got 'maybe'");
  CHECK(first_error(one_fault("kind: timeout, target: erp, processed: 1")) ==
        "t.yaml:11:69: faults[0].processed: expected true or false, got '1'");
  CHECK(first_error(one_fault("kind: webhook_delay, target: shop, delay: soon")) ==
        "t.yaml:11:72: faults[0].delay: expected a duration like 250ms or a distribution like "
        "lognormal(p50=200ms, p95=2s), got 'soon'");
  CHECK(first_error(one_fault("kind: retry_storm, target: ingest, max_attempts: 0")) ==
        "t.yaml:11:79: faults[0].max_attempts: expected a whole number between 1 and 1000000, "
        "got '0'");
  CHECK(first_error(one_fault("kind: retry_storm, target: ingest, max_attempts: 1000001")) ==
        "t.yaml:11:79: faults[0].max_attempts: expected a whole number between 1 and 1000000, "
        "got '1000001'");
  CHECK(first_error(one_fault("kind: mapping_regression, target: ship, remove: []")) ==
        "t.yaml:11:78: faults[0].remove: expected at least one state name");
  CHECK(first_error(one_fault("kind: mapping_regression, target: ship, remove: shipped")) ==
        "t.yaml:11:78: faults[0].remove: expected a list, got 'shipped'");
  CHECK(first_error(one_fault("kind: mapping_regression, target: ship, remove: [a, '']")) ==
        "t.yaml:11:82: faults[0].remove[1]: expected a non-empty state name");
  CHECK(first_error(one_fault("kind: mapping_regression, target: ship, remove: [[a]]")) ==
        "t.yaml:11:79: faults[0].remove[0]: expected a state name, got a list");
  CHECK(first_error(one_fault("kind: mapping_regression, target: ship, rename: {}")) ==
        "t.yaml:11:78: faults[0].rename: expected at least one state to rename");
  CHECK(first_error(one_fault("kind: mapping_regression, target: ship, rename: {shipped: ''}")) ==
        "t.yaml:11:88: faults[0].rename.shipped: expected a non-empty status spelling");
}

TEST_CASE("fault targets may name webhook topics, and unknown topics get a suggestion") {
  LoadResult r = load_faults(
      "  - {id: a, kind: webhook_drop, target: [shop/orders/create, shop/orders/updated], at: 1m, "
      "for: 1m}\n"
      "  - {id: b, kind: event_drop, target: shop/returns/create, at: 1m, for: 1m}\n");
  INFO(messages(r));
  REQUIRE(r.ok());
  CHECK(r.scenario->faults[1].targets == std::vector<std::string>{"shop/returns/create"});

  CHECK(first_error(one_fault("kind: webhook_drop, target: shop/orders/creat")) ==
        "t.yaml:11:58: faults[0].target: unknown target 'shop/orders/creat' (did you mean "
        "'shop/orders/create'?)");
  CHECK(first_error(one_fault("kind: webhook_drop, target: [shop, shop/order/updated]")) ==
        "t.yaml:11:65: faults[0].target[1]: unknown target 'shop/order/updated' (did you mean "
        "'shop/orders/updated'?)");
  // Without a '/', a target is still checked as a name.
  CHECK(first_error(one_fault("kind: outage, target: Erp")) ==
        "t.yaml:11:52: faults[0].target: expected a name of lowercase letters, digits, '_' and "
        "'-' (like erp-main), got 'Erp'");
}

TEST_CASE("each fault kind accepts the targets it can act on") {
  struct Case {
    std::string_view kind;
    std::vector<std::string_view> targets;
  };
  const std::vector<Case> cases{
      {"latency", {"shop", "erp", "oms", "ingest"}},
      {"timeout", {"shop", "wms", "ship"}},
      {"error_burst", {"shop", "erp", "stock"}},
      {"outage", {"shop", "oms", "prices"}},
      {"malformed_payload", {"shop", "erp", "ingest"}},
      {"rate_limit", {"shop", "erp"}},
      {"webhook_drop", {"shop", "shop/orders/create"}},
      {"webhook_duplicate", {"shop", "shop/orders/updated"}},
      {"webhook_delay", {"shop", "shop/returns/create"}},
      {"event_drop", {"shop", "shop/returns/create"}},
      {"consumer_stall", {"ingest", "ship"}},
      {"retry_storm", {"stock"}},
      {"stale_feed", {"stock", "prices", "shop", "erp"}},
      {"mapping_regression", {"ship", "shop"}},
      {"peak_traffic", {"shop"}},
  };
  for (const Case& c : cases) {
    const std::string extra = c.kind == "rate_limit" ? ", rate_limit: {rate: 1/s}"
                              : c.kind == "latency"  ? ", latency: 1s"
                                                     : std::string();
    const std::string text = one_fault(
        fmt::format("kind: {}, target: [{}]{}", c.kind, fmt::join(c.targets, ", "), extra));
    LoadResult r = load_scenario_text(text, "t.yaml");
    INFO(c.kind);
    CHECK(messages(r) == "");
  }
}

TEST_CASE("a flap has at most 100,000 cycles in its window") {
  CHECK(load_faults("  - {id: f, kind: consumer_stall, target: ingest, at: 1m, for: 50m,\n"
                    "     flap: {on: 15ms, off: 15ms}}\n")
            .ok());
  const LoadResult many = load_faults(
      "  - {id: f, kind: consumer_stall, target: ingest, at: 1m, for: 50m,\n"
      "     flap: {on: 10ms, off: 10ms}}\n");
  REQUIRE_FALSE(many.ok());
  const std::string message = format_diagnostic(many.errors.front());
  CHECK(message.substr(0, message.find('\n')) ==
        "t.yaml:12:12: faults[0].flap: expected at most 100000 on/off cycles in the fault's "
        "window, got 150000 (50m / (10ms + 10ms))");
}

TEST_CASE("a stale feed's `feed` must match a sync connector it targets") {
  CHECK(load_faults("  - {id: f, kind: stale_feed, target: prices, at: 1m, for: 1m, feed: price}\n")
            .ok());
  CHECK(first_error(one_fault("kind: stale_feed, target: [prices, stock], feed: price")) ==
        "t.yaml:11:79: faults[0].feed: feed price does not apply to stock, a stock_sync "
        "connector");
}

TEST_CASE("a target the fault kind cannot act on is an error at the target") {
  CHECK(first_error(one_fault("kind: consumer_stall, target: shop")) ==
        "t.yaml:11:60: faults[0].target: fault kind consumer_stall cannot target shop (a "
        "channel); expected a connector");
  CHECK(first_error(one_fault("kind: retry_storm, target: [ingest, erp]")) ==
        "t.yaml:11:66: faults[0].target[1]: fault kind retry_storm cannot target erp (an erp "
        "system); expected a connector");
  CHECK(first_error(one_fault("kind: rate_limit, target: ingest, rate_limit: {rate: 1/s}")) ==
        "t.yaml:11:56: faults[0].target: fault kind rate_limit cannot target ingest (an "
        "order_ingest connector); expected a channel or a system");
  CHECK(first_error(one_fault("kind: webhook_drop, target: oms")) ==
        "t.yaml:11:58: faults[0].target: fault kind webhook_drop cannot target oms (an oms "
        "system); expected a channel or a webhook topic");
  CHECK(first_error(one_fault("kind: outage, target: shop/orders/create")) ==
        "t.yaml:11:52: faults[0].target: fault kind outage cannot target shop/orders/create (a "
        "webhook topic); expected a channel, a system, or a connector");
  CHECK(first_error(one_fault("kind: stale_feed, target: ship")) ==
        "t.yaml:11:56: faults[0].target: fault kind stale_feed cannot target ship (a "
        "fulfillment connector); expected a stock_sync or price_sync connector, a channel, or an "
        "erp system");
  CHECK(first_error(one_fault("kind: stale_feed, target: wms")) ==
        "t.yaml:11:56: faults[0].target: fault kind stale_feed cannot target wms (a wms system); "
        "expected a stock_sync or price_sync connector, a channel, or an erp system");
  CHECK(first_error(one_fault("kind: mapping_regression, target: stock")) ==
        "t.yaml:11:64: faults[0].target: fault kind mapping_regression cannot target stock (a "
        "stock_sync connector); expected a fulfillment connector or a channel");
  CHECK(first_error(one_fault("kind: peak_traffic, target: erp")) ==
        "t.yaml:11:58: faults[0].target: fault kind peak_traffic cannot target erp (an erp "
        "system); expected a channel");

  // Every unsuitable target of every fault is reported together.
  LoadResult r = load_faults(
      "  - {id: a, kind: consumer_stall, target: [shop, ingest, erp], at: 1m, for: 1m}\n"
      "  - {id: b, kind: peak_traffic, target: [ship], at: 1m, for: 1m}\n");
  CHECK(messages(r) ==
        "t.yaml:11:44: faults[0].target[0]: fault kind consumer_stall cannot target shop (a "
        "channel); expected a connector\n"
        "t.yaml:11:58: faults[0].target[2]: fault kind consumer_stall cannot target erp (an erp "
        "system); expected a connector\n"
        "t.yaml:12:42: faults[1].target[0]: fault kind peak_traffic cannot target ship (a "
        "fulfillment connector); expected a channel\n");
}

TEST_CASE("a fault window may run past the end, and a flap as long as its window") {
  LoadResult r = load_faults(
      "  - {id: a, kind: outage, target: erp, at: 50m, for: 2h}\n"
      "  - {id: b, kind: outage, target: oms, at: 1m, for: 5m, flap: {on: 10m, off: 1m}}\n");
  INFO(messages(r));
  REQUIRE(r.ok());
  CHECK(r.scenario->faults[0].length == hours(2));
  CHECK(r.scenario->faults[1].flap->on == minutes(10));
}

TEST_CASE("a directory named as the scenario is reported as a directory") {
  const std::string dir = std::string(SYNCDRILL_TEST_DATA_DIR) + "/scenarios";
  LoadResult r = load_scenario_file(dir);
  REQUIRE(r.errors.size() == 1);
  CHECK(format_diagnostic(r.errors[0]) ==
        fmt::format("{}:1:1: cannot read '{}': it is a directory, expected a scenario file", dir,
                    dir));
  r = load_scenario_file(dir + "/no-such.yaml");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message.find("no such file") != std::string::npos);
}

TEST_CASE("after the error cap no more work is done on suggestions, and messages stay short") {
  // 300 channels (1,200 fault-target candidates with their webhook topics) and 900 unknown
  // targets of 66 letters: each error's list of candidates is cut to 20 names.
  std::string text = "name: many\nduration: 1h\nchannels:\n";
  for (int i = 0; i < 300; ++i)
    text += fmt::format("  - {{name: c{:03d}{}, kind: shopify_like}}\n", i, std::string(40, 'a'));
  text += "faults:\n";
  for (int f = 0; f < 3; ++f) {
    text += fmt::format("  - {{id: f{}, kind: outage, at: 1m, for: 1m, target: [", f);
    for (int j = 0; j < 300; ++j)
      text += fmt::format("{}x{}_{:03d}{}", j == 0 ? "" : ", ", f, j, std::string(60, 'b'));
    text += "]}\n";
  }
  const LoadResult r = load_scenario_text(text, "many.yaml");
  REQUIRE(r.errors.size() == 51);
  CHECK(r.errors.back().message == "too many errors, stopping");
  CHECK(r.errors[0].message.find("' (expected one of: c000") != std::string::npos);
  CHECK(r.errors[0].message.find(", and 1180 more)") != std::string::npos);
  CHECK(r.errors[0].message.find("... (66 bytes)") != std::string::npos);
  CHECK(r.errors[0].message.size() < 1200);
}

namespace fault_table {
using namespace scenario;

// ---- The fault-kind table's keys and targets, as the loader applies them ----------------------

const std::vector<std::string> kCandidateTargets{
    "shop", "oms", "erp", "ingest", "stock", "ship", "shop/orders/create"};

// A valid value for every kind-specific key. A key the table gains without a value here fails
// "each row's keys are the keys the loader accepts for its kind".
const std::map<std::string_view, std::string>& key_values() {
  static const std::map<std::string_view, std::string> values{
      {"latency", "50ms"},   {"processed", "false"},  {"rate_limit", "{rate: 2/s}"},
      {"per", "event"},      {"delay", "5s"},         {"feed", "both"},
      {"catch_up", "false"}, {"remove", "[SHIPPED]"}, {"rename", "{delivered: Delivered}"},
      {"max_attempts", "5"}, {"multiplier", "3"}};
  return values;
}

// One fault of `row`'s kind on the first candidate it may target, with `keys` at test values.
LoadResult load_one(const FaultKindRow& row, const std::vector<std::string_view>& keys) {
  const LoadResult world = load_scenario_text(kFaultWorld + "  []\n", "t.yaml");
  REQUIRE(world.ok());
  std::string target;
  for (const std::string& t : kCandidateTargets) {
    if (may_target(row.kind, *world.scenario, t)) {
      target = t;
      break;
    }
  }
  REQUIRE_MESSAGE(!target.empty(), "no candidate target for ", row.name);
  std::string fault =
      fmt::format("  - {{id: f, kind: {}, target: {}, at: 1m, for: 1m", row.name, target);
  for (std::string_view key : keys) {
    const auto value = key_values().find(key);
    REQUIRE_MESSAGE(value != key_values().end(), "no test value for key ", key);
    fault += fmt::format(", {}: {}", key, value->second);
  }
  return load_scenario_text(kFaultWorld + fault + "}\n", "t.yaml");
}

TEST_CASE("each row's keys are the keys the loader accepts for its kind") {
  std::vector<std::string_view> all_keys;
  for (const FaultKindRow& row : fault_kind_rows()) {
    CHECK((row.read_settings != nullptr) == !row.keys.empty());
    for (std::string_view key : row.keys) {
      if (std::find(all_keys.begin(), all_keys.end(), key) == all_keys.end()) {
        all_keys.push_back(key);
      }
    }
  }
  CHECK(all_keys.size() == key_values().size());
  for (const FaultKindRow& row : fault_kind_rows()) {
    INFO(row.name);
    // Its own keys, all at once: accepted, and read into the kind's settings.
    const LoadResult own = load_one(row, {row.keys.begin(), row.keys.end()});
    INFO(messages(own));
    REQUIRE(own.ok());
    CHECK(std::holds_alternative<std::monostate>(own.scenario->faults[0].settings) ==
          row.keys.empty());
    // Every other kind's key: refused as belonging to another kind.
    for (std::string_view key : all_keys) {
      if (std::find(row.keys.begin(), row.keys.end(), key) != row.keys.end()) continue;
      std::vector<std::string_view> keys(row.keys.begin(), row.keys.end());
      keys.push_back(key);
      const LoadResult other = load_one(row, keys);
      INFO(key);
      CHECK(messages(other).find(fmt::format("'{}' applies only to a fault of kind", key)) !=
            std::string::npos);
    }
  }
  // A key no row has is unknown to every kind.
  const LoadResult unknown = load_scenario_text(
      kFaultWorld + "  - {id: f, kind: outage, target: oms, at: 1m, for: 1m, bogus: 1}\n",
      "t.yaml");
  CHECK(messages(unknown).find("unknown key 'bogus'") != std::string::npos);
}

TEST_CASE("each row's target bits and their wording agree, and the loader applies them") {
  const std::vector<std::pair<uint8_t, std::string_view>> words{
      {kTargetChannel, "a channel"},
      {kTargetSystem, "a system"},
      {kTargetErp, "an erp system"},
      {kTargetConnector, "a connector"},
      {kTargetSyncConnector, "a stock_sync or price_sync connector"},
      {kTargetFulfillmentConnector, "a fulfillment connector"},
      {kTargetTopic, "a webhook topic"}};
  const LoadResult world = load_scenario_text(kFaultWorld + "  []\n", "t.yaml");
  REQUIRE(world.ok());
  for (const FaultKindRow& row : fault_kind_rows()) {
    INFO(row.name);
    CHECK(row.targets != 0);
    CHECK(allowed_targets(row.kind) == row.targets_text);
    for (const auto& [bit, word] : words) {
      CHECK(((row.targets & bit) != 0) == (row.targets_text.find(word) != std::string::npos));
    }
    // A channel, a system, any connector, the ERP, a sync and a fulfillment connector, a topic.
    CHECK(may_target(row.kind, *world.scenario, "shop") == ((row.targets & kTargetChannel) != 0));
    CHECK(may_target(row.kind, *world.scenario, "oms") == ((row.targets & kTargetSystem) != 0));
    CHECK(may_target(row.kind, *world.scenario, "erp") ==
          ((row.targets & (kTargetSystem | kTargetErp)) != 0));
    CHECK(may_target(row.kind, *world.scenario, "ingest") ==
          ((row.targets & kTargetConnector) != 0));
    CHECK(may_target(row.kind, *world.scenario, "stock") ==
          ((row.targets & (kTargetConnector | kTargetSyncConnector)) != 0));
    CHECK(may_target(row.kind, *world.scenario, "ship") ==
          ((row.targets & (kTargetConnector | kTargetFulfillmentConnector)) != 0));
    CHECK(may_target(row.kind, *world.scenario, "shop/orders/create") ==
          ((row.targets & kTargetTopic) != 0));
  }
}

}  // namespace fault_table

}  // namespace
}  // namespace syncdrill
