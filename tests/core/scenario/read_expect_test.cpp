// The loader's `expect:` block and `series_interval`: what they read, and every mistake located
// at its value with the names that exist.
#include <string>

#include <doctest/doctest.h>

#include "core/scenario/expect_figures.hpp"
#include "core/scenario/loader.hpp"

namespace syncdrill {
namespace {

const std::string kPath = std::string(SYNCDRILL_TEST_DATA_DIR) + "/scenarios/valid/e.yaml";

LoadResult load(const std::string& tail, const LoadLimits& limits = {}) {
  return load_scenario_text("extends: breached-drill.yaml\nname: e\n" + tail, kPath, limits);
}

// The one error of a load, without the path prefix.
std::string error_of(const std::string& tail, const LoadLimits& limits = {}) {
  const LoadResult r = load(tail, limits);
  REQUIRE(r.errors.size() == 1);
  const std::string text = format_diagnostic(r.errors[0]);
  REQUIRE(text.starts_with(kPath + ":"));
  return text.substr(kPath.size() + 1);
}

TEST_CASE("expect: a block is read into the scenario, each expectation located") {
  const LoadResult r = load(
      "expect:\n"
      "  verdict: fail\n"
      "  breached: [orders.data_loss, orders]\n"
      "  held: [stock.mttd]\n"
      "  figures:\n"
      "    - orders.lost >= 1\n"
      "    - orders.duplicated == 0\n"
      "    - faults[oms-down].mttd_s <= 300\n"
      "    - {figure: \"channels[dtc].orders.placed\", min: 10, max: 1e9}\n"
      "    - {path: /run/simulated_duration_s, min: 3600}\n");
  for (const Diagnostic& d : r.errors)
    INFO(format_diagnostic(d));
  REQUIRE(r.ok());
  REQUIRE(r.scenario->expect.has_value());
  const ExpectSpec& e = *r.scenario->expect;
  CHECK(e.pass == false);
  CHECK(e.verdict_where == kPath + ":4:12");
  REQUIRE(e.checks.size() == 3);
  CHECK(e.checks[0].tier == "stock");  // held first, then breached
  CHECK(e.checks[0].check == "mttd");
  CHECK(e.checks[0].held);
  CHECK(e.checks[1].check == "data_loss");
  CHECK(!e.checks[1].held);
  CHECK(e.checks[2].tier == "orders");
  CHECK(e.checks[2].check.empty());
  CHECK(e.checks[1].where == kPath + ":5:14");
  REQUIRE(e.figures.size() == 5);
  CHECK(e.figures[0].pointer == "/impact/lost");
  CHECK(e.figures[0].min == 1);
  CHECK(!e.figures[0].max);
  CHECK(e.figures[1].min == 0);
  CHECK(e.figures[1].max == 0);
  CHECK(e.figures[2].pointer == "/faults/0/mttd_s");
  CHECK(e.figures[2].max == 300);
  CHECK(e.figures[3].pointer == "/channels/0/orders/placed");
  CHECK(e.figures[3].figure == "channels[dtc].orders.placed");
  CHECK(e.figures[4].pointer == "/run/simulated_duration_s");
  CHECK(e.figures[4].where == kPath + ":12:7");
}

TEST_CASE("expect: a scenario without the block has none, and loads as before") {
  const LoadResult r = load("");
  REQUIRE(r.ok());
  CHECK(!r.scenario->expect.has_value());
}

TEST_CASE("expect: unknown tiers, checks and figures say which exist") {
  CHECK(error_of("expect: {breached: [order.data_loss]}\n") ==
        "3:21: expect.breached[0]: unknown tier 'order' (did you mean 'orders'?)");
  CHECK(error_of("expect: {breached: [orders.dataloss]}\n") ==
        "3:21: expect.breached[0]: unknown check 'dataloss' (did you mean 'data_loss'?) (tier "
        "'orders' checks: mttd, data_loss, dropped)");
  CHECK(error_of("expect: {held: [orders.freshness_p95]}\n") ==
        "3:17: expect.held[0]: tier 'orders' sets no freshness_p95 check (its checks: mttd, "
        "data_loss, dropped)");
  CHECK(error_of("expect: {figures: [orders.lst <= 3]}\n") ==
        "3:20: expect.figures[0]: unknown figure 'orders.lst' (did you mean 'orders.lost'?); the "
        "figures are orders.placed, orders.sold_out, orders.in_oms_once, orders.lost, "
        "orders.duplicated, orders.duplicate_oms_orders, orders.oversold, orders.in_flight, "
        "price.mismatches, price.mismatch_amount, returns.requested, returns.out_of_sync, "
        "states.unmapped, reconciliation.unmatched, skus.not_conserved, "
        "jobs.dropped_queue_full, run.events, faults[ID].{hits,onset_s,detected_s,"
        "acknowledged_s,restored_s,repaired_s,recovered_s,mttd_s,mttr_s}, "
        "channels[NAME].{orders.placed,orders.sold_out,orders.in_oms_once,orders.duplicated,"
        "orders.lost,orders.oversold,orders.in_flight,price_mismatches,returns.requested,"
        "returns.out_of_sync} (or give a JSON pointer into report.json as `path`)");
  CHECK(error_of("expect: {figures: [\"faults[oms-dwn].mttd_s <= 3\"]}\n") ==
        "3:20: expect.figures[0]: unknown fault 'oms-dwn' (did you mean 'oms-down'?)");
  CHECK(error_of("expect: {figures: [\"faults[oms-down].mtd_s <= 3\"]}\n") ==
        "3:20: expect.figures[0]: unknown fault figure 'mtd_s' (did you mean 'mttd_s'?)");
  CHECK(error_of("expect: {figures: [\"channels[web].orders.lost <= 3\"]}\n") ==
        "3:20: expect.figures[0]: unknown channel 'web' (expected one of: dtc)");
}

TEST_CASE("expect: malformed values are refused at the value") {
  CHECK(error_of("expect: {verdict: failed}\n") ==
        "3:19: expect.verdict: expected pass or fail, got 'failed'");
  CHECK(error_of("expect: {verdict: [fail]}\n") ==
        "3:19: expect.verdict: expected pass or fail, got a list");
  CHECK(error_of("expect: {}\n") ==
        "3:9: expect: expected at least one of verdict, held, breached, figures");
  CHECK(error_of("expect: {verdikt: fail}\n") ==
        "3:10: expect.verdikt: unknown key 'verdikt' (did you mean 'verdict'?)");
  CHECK(error_of("expect: {figures: [orders.lost < 3]}\n") ==
        "3:20: expect.figures[0]: expected FIGURE <= N, FIGURE >= N or FIGURE == N (like "
        "'orders.lost <= 10'), got 'orders.lost < 3'");
  CHECK(
      error_of("expect: {figures: [orders.lost <= nan]}\n").ends_with("got 'orders.lost <= nan'"));
  CHECK(error_of("expect: {figures: [orders.lost <= 1e999]}\n")
            .ends_with("got 'orders.lost <= 1e999'"));
  CHECK(error_of("expect: {figures: [{figure: orders.lost}]}\n") ==
        "3:20: expect.figures[0]: expected `min`, `max` or both");
  CHECK(error_of("expect: {figures: [{figure: orders.lost, min: 5, max: 1}]}\n") ==
        "3:55: expect.figures[0].max: expected max >= min");
  CHECK(error_of("expect: {figures: [{figure: orders.lost, path: /impact/lost, min: 1}]}\n") ==
        "3:20: expect.figures[0]: expected either `figure` or `path` (a JSON pointer into "
        "report.json)");
  CHECK(error_of("expect: {figures: [{path: impact/lost, min: 1}]}\n") ==
        "3:27: expect.figures[0].path: expected a JSON pointer like /impact/lost, got "
        "'impact/lost'");
  CHECK(error_of("expect: {figures: [{path: /a~2b, min: 1}]}\n") ==
        "3:27: expect.figures[0].path: '/a~2b': '~' must be followed by 0 or 1 in a JSON pointer");
  CHECK(error_of("expect: {held: [{orders: x}]}\n") ==
        "3:17: expect.held[0]: expected TIER or TIER.CHECK, got a mapping");
  CHECK(error_of("expect: [fail]\n") == "3:9: expect: expected a mapping, got a list");
}

TEST_CASE("expect: a scenario without tiers cannot expect checks of one") {
  const LoadResult r = load_scenario_text(
      "name: t\nduration: 1h\nchannels: [{name: dtc, kind: shopify_like}]\n"
      "expect: {held: [critical]}\n",
      "t.yaml");
  REQUIRE(r.errors.size() == 1);
  CHECK(format_diagnostic(r.errors[0]) ==
        "t.yaml:4:17: expect.held[0]: the scenario has no sla_tiers to expect anything of");
}

TEST_CASE("series_interval: at least 1 s, default 1 minute, at most series_samples_max samples") {
  CHECK(load("").scenario->series_interval == minutes(1));
  const LoadResult fine = load("series_interval: 5s\n");
  REQUIRE(fine.ok());
  CHECK(fine.scenario->series_interval == seconds(5));
  CHECK(error_of("series_interval: 500ms\n") ==
        "3:18: series_interval: expected a duration of at least 1s, got '500ms'");
  LoadLimits few;
  few.series_samples_max = 100;
  CHECK(error_of("series_interval: 10s\n", few) ==
        "3:18: series_interval: 10s over 1h is 361 samples, more than the limit of 100 (use at "
        "least 37s)");
  CHECK(load("series_interval: 37s\n", few).ok());
  CHECK(!load("series_interval: 36s\n", few).ok());
}

}  // namespace
}  // namespace syncdrill
