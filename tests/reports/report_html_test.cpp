// report.html: checked on a small real run (20 simulated minutes, two channels, two faults) with
// its real Score (score_run), and with a hand-made Score whose times are known. xmllint (package
// libxml2-utils, installed by scripts/install-deps) parses every page as strict XML, so an
// unclosed tag or a stray '&' fails, and counts the charts and their data elements with XPath.
// tests/browser/ opens the same kind of page in headless Chromium.
#include "reports/report_html.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "reports/format.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/score/detection.hpp"
#include "tests/reports/xmllint.hpp"

namespace syncdrill {
namespace {

namespace fs = std::filesystem;
using testing::xmllint;

constexpr const char* kScenario = R"(
name: drill-html
description: Two channels, an ERP outage and a bad ingest release.
seed: 11
duration: 20m
currency: EUR
catalog: {skus: 60, stock_per_sku: 80}
channels:
  - {name: dtc, kind: shopify_like}
  - {name: market, kind: amazon_like}
systems:
  - {name: oms, kind: oms}
  - name: erp
    kind: erp
    price_changes: {interval: 5m, sku_fraction: 20%, change_max: 10%}
traffic:
  - {channel: dtc, rate: 60/min}
  - {channel: market, rate: 40/min}
connectors:
  - {name: ingest-dtc, flow: order_ingest, from: dtc, to: oms}
  - {name: ingest-market, flow: order_ingest, from: market, to: oms}
  - {name: stock-dtc, flow: stock_sync, from: erp, to: dtc}
  - {name: price-dtc, flow: price_sync, from: erp, to: dtc}
faults:
  - {id: erp-down, kind: outage, target: erp, at: 4m, for: 3m}
  - {id: bad-release, kind: error_burst, target: ingest-dtc, at: 12m, for: 2m, cause: release}
sla_tiers:
  - {name: critical, flows: [order_ingest, stock_sync], freshness_p95: 30s, error_rate_max: 1%}
monitors:
  - {name: erp-errors, kind: threshold, signal: error_rate, target: erp, above: 0.05}
  - {name: ingest-errors, kind: threshold, signal: error_rate, flow: order_ingest, above: 0.05}
)";

Scenario scenario() {
  LoadResult r = load_scenario_text(kScenario, "drills/drill-html.yaml");
  if (!r.ok()) FAIL(format_diagnostic(r.errors.front()));
  return *r.scenario;
}

const WorldResult& world() {
  static const WorldResult result = run_world(scenario(), 11);
  return result;
}

const Score& real_score() {
  static const Score s = score_run(scenario(), world());
  return s;
}

RunIdentity identity() {
  return RunIdentity{"drills/drill-html.yaml", "sha256:00ff", 11};
}

SimTime at_s(int64_t s) {
  return SimTime{s * 1'000'000};
}

// A hand-made Score with known times: erp-down detected, acknowledged, one action, recovered;
// bad-release missed; one attributed firing and one false positive.
Score hand_score() {
  Score s;
  s.scored = true;
  TierCheck held;
  held.check = "freshness_p95";
  held.flow = FlowKind::stock_sync;
  held.actual = 12.5;
  held.limit = 30;
  held.unit = "s";
  TierCheck breached = held;
  breached.flow = FlowKind::order_ingest;
  breached.actual = 95.25;
  breached.held = false;
  breached.reason = "order ingest p95 freshness was 95.25 s, over the 30 s target";
  s.tiers.push_back({"critical", {held, breached}});
  FaultIncident erp;
  erp.fault_id = "erp-down";
  erp.onset = at_s(240);
  erp.ended = at_s(420);
  erp.detected = at_s(300);
  erp.detected_by = {"erp-errors"};
  erp.mttd = seconds(60);
  erp.acknowledged = at_s(360);
  erp.actions = {{ActionKind::replay_dead_letter, "ingest-dtc", at_s(480)}};
  erp.recovered = at_s(540);
  erp.mttr = seconds(300);
  FaultIncident release;
  release.fault_id = "bad-release";
  release.onset = at_s(720);
  release.ended = at_s(840);
  s.incidents = {erp, release};
  MonitorOutcome errors;
  errors.name = "erp-errors";
  errors.firings = {{at_s(300), at_s(450), 0.4, {"erp-down"}}, {at_s(1000), std::nullopt, 0.1, {}}};
  errors.false_positives = 1;
  MonitorOutcome ingest;
  ingest.name = "ingest-errors";
  s.monitors = {errors, ingest};
  return s;
}

// ---- xmllint ------------------------------------------------------------------------------------

// XPath: the elements named `name` (any namespace) inside the chart `chart`.
std::string in_chart(const std::string& chart, const std::string& what) {
  return fmt::format("//*[local-name()=\"svg\"][@data-chart=\"{}\"]//{}", chart, what);
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size()))
    ++n;
  return n;
}

// A tick label: ">NUMBER" + unit + "</text>", e.g. ">250 ms</text>", ">20%</text>".
bool has_tick(const std::string& page, const std::string& unit) {
  const std::string tail = unit + "</text>";
  for (size_t at = page.find(tail); at != std::string::npos; at = page.find(tail, at + 1)) {
    size_t start = at;
    while (start > 0 && (std::isdigit(static_cast<unsigned char>(page[start - 1])) != 0 ||
                         page[start - 1] == '.'))
      --start;
    if (start < at && start > 0 && page[start - 1] == '>') return true;
  }
  return false;
}

// What the run's charts should hold, computed from the WorldResult itself.
size_t delay_series(const WorldResult& r) {
  size_t n = 0;
  for (const ChannelOutcome& c : r.channels) {
    for (const std::vector<int64_t>& s : c.delay_p95_ms_series) {
      for (int64_t v : s) {
        if (v >= 0) {
          ++n;
          break;
        }
      }
    }
  }
  return n;
}

size_t error_series(const WorldResult& r) {
  size_t n = 0;
  for (const ConnectorOutcome& c : r.connectors) {
    for (size_t i = 1; i < c.attempts_ok_series.size(); ++i) {
      if (c.attempts_ok_series[i] + c.attempts_failed_series[i] > 0) {
        ++n;
        break;
      }
    }
  }
  return n;
}

// ---- Tests --------------------------------------------------------------------------------------

TEST_CASE(
    "report.html: xmllint parses it as XML, with four charts and one line per series present") {
  const WorldResult& r = world();
  const std::string page = report_html(scenario(), identity(), r, real_score());
  REQUIRE(page.rfind("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"", 0) == 0);
  // The run must give every chart something to draw, or the counts below prove little.
  REQUIRE(delay_series(r) >= 3);  // ingest on both channels, stock and price on dtc
  REQUIRE(error_series(r) >= 2);
  REQUIRE(r.connectors.size() == 4);

  const std::vector<std::string> got = xmllint(
      page,
      {"count(//*[local-name()=\"svg\"])",
       "count(//*[local-name()=\"svg\"]/*[1][local-name()=\"title\"])",
       "count(" + in_chart("sync-delay", "*[local-name()=\"path\"][@data-series]") + ")",
       "count(" + in_chart("queue-depth", "*[local-name()=\"path\"][@data-series]") + ")",
       "count(" + in_chart("error-rate", "*[local-name()=\"path\"][@data-series]") + ")",
       "count(" + in_chart("timeline", "*[@class=\"fault\"]") + ")",
       "count(" + in_chart("timeline", "*[@class=\"fault\"][@data-series=\"fault:erp-down\"]") +
           ")",
       "count(" + in_chart("timeline", "*[@class=\"fault\"][@data-series=\"fault:bad-release\"]") +
           ")",
       "count(" + in_chart("queue-depth", "*[@class=\"fault-window\"]") + ")",
       "count(//*[local-name()=\"table\"][@class=\"tiers\"]//*[local-name()=\"tr\"])",
       "string(" + in_chart("queue-depth", "*[@data-series][1]/@data-series") + ")",
       "string(" + in_chart("queue-depth", "*[@data-series][1]/@data-points") + ")"});
  CHECK(got.at(0) == "4");
  CHECK(got.at(1) == "4");  // each <svg> starts with its <title>
  CHECK(got.at(2) == std::to_string(delay_series(r)));
  CHECK(got.at(3) == "4");
  CHECK(got.at(4) == std::to_string(error_series(r)));
  CHECK(got.at(5) == "2");
  CHECK(got.at(6) == "1");
  CHECK(got.at(7) == "1");
  CHECK(got.at(8) == "2");  // both fault windows shaded
  CHECK(got.at(9) == std::to_string(1 + real_score().tiers.at(0).checks.size()));
  CHECK(got.at(10) == "ingest-dtc");
  CHECK(got.at(11) == std::to_string(r.connectors[0].queue_depth_series.size()));

  // The stock sync line of dtc is there, named CHANNEL/FLOW.
  CHECK(page.find("data-series=\"dtc/stock_sync\"") != std::string::npos);
  CHECK(page.find("data-series=\"dtc/order_ingest\"") != std::string::npos);
  CHECK(page.find("data-series=\"market/order_ingest\"") != std::string::npos);
  // Nothing external and no script.
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("http://") == page.find("http://www.w3.org/"));
  CHECK(page.find("https://") == std::string::npos);
  CHECK(page.find(" src=") == std::string::npos);
  CHECK(page.find("<link") == std::string::npos);
}

TEST_CASE("report.html: header, verdict, replay, tier failures and business impact") {
  const std::string page = report_html(scenario(), identity(), world(), hand_score());
  CHECK(page.find("<title>Drill drill-html: FAIL</title>") != std::string::npos);
  CHECK(page.find("<h1>Drill drill-html <span class=\"verdict fail\">FAIL</span></h1>") !=
        std::string::npos);
  CHECK(page.find("<code>sha256:00ff</code>") != std::string::npos);
  CHECK(page.find("<td>11</td>") != std::string::npos);  // the seed
  CHECK(page.find("syncdrill run drills/drill-html.yaml --seed 11") != std::string::npos);
  CHECK(page.find("1 of 1 SLA tier breached (1 of 2 checks failed). Faults: 1 of 2 detected, 1 "
                  "missed.") != std::string::npos);
  CHECK(page.find("<tr class=\"breached\"><td>critical</td><td>freshness_p95</td><td>order_ingest"
                  "</td><td>-</td><td>-</td><td class=\"num\">95.25 s (1m35s)</td><td class=\"num\">30 s"
                  "</td><td><strong>breached</strong></td><td>order ingest p95 freshness was "
                  "95.25 s, over the 30 s target</td></tr>") != std::string::npos);
  CHECK(page.find("<td>Orders placed</td>") != std::string::npos);
  CHECK(page.find("<td>Lost (never reached the OMS)</td>") != std::string::npos);

  Score unscored = hand_score();
  unscored.scored = false;
  unscored.tiers.clear();
  const std::string p2 = report_html(scenario(), identity(), world(), unscored);
  CHECK(p2.find("<span class=\"verdict not-scored\">NOT SCORED</span>") != std::string::npos);
  CHECK(p2.find("No SLA tiers in the scenario") != std::string::npos);

  Score passed = hand_score();
  passed.tiers[0].checks.pop_back();
  const std::string p3 = report_html(scenario(), identity(), world(), passed);
  CHECK(p3.find("<span class=\"verdict pass\">PASS</span>") != std::string::npos);
}

TEST_CASE("report.html: the timeline draws each fault, its markers and each firing in place") {
  const std::string page = report_html(scenario(), identity(), world(), hand_score());
  // 20 minutes across 786 units from x=150: 240 s -> 307.2, 420 s -> 425.1 (width 117.9).
  CHECK(page.find("<rect class=\"fault\" data-series=\"fault:erp-down\" x=\"307.2\" y=\"20.0\" "
                  "width=\"117.9\" height=\"14\"><title>fault erp-down (outage): 4m to "
                  "7m</title></rect>") != std::string::npos);
  const std::vector<std::string> got =
      xmllint(page, {"count(" + in_chart("timeline", "*[@class=\"detected\"]") + ")",
                     "count(" + in_chart("timeline", "*[@class=\"acknowledged\"]") + ")",
                     "count(" + in_chart("timeline", "*[@class=\"action\"]") + ")",
                     "count(" + in_chart("timeline", "*[@class=\"recovered\"]") + ")",
                     "count(" + in_chart("timeline", "*[@class=\"firing\"]") + ")",
                     "count(" + in_chart("timeline", "*[@class=\"firing false-positive\"]") + ")",
                     "string(" + in_chart("timeline", "*[@class=\"detected\"]/@data-series") + ")",
                     "count(" + in_chart("timeline", "*[@class=\"missed\"]") + ")",
                     "count(" + in_chart("timeline", "*[@class=\"row-label\"]") + ")"});
  CHECK(got == std::vector<std::string>{"1", "1", "1", "1", "1", "1", "fault:erp-down", "1", "4"});
  // The detected marker is a diamond centred on 300 s (x 346.5) in the first row (y 27).
  CHECK(page.find("<path class=\"detected\" data-series=\"fault:erp-down\" d=\"M346.5 20.0L352.5 "
                  "27.0 346.5 34.0 340.5 27.0Z\">") != std::string::npos);
  // A firing still open at the end runs to the end of the plot (x 936).
  CHECK(page.find("x=\"805.0\" y=\"73.0\" width=\"131.0\" height=\"12\"><title>erp-errors fired at "
                  "16m40s until the end of the run (value 0.1), a false positive</title>") !=
        std::string::npos);
}

TEST_CASE("report.html: axes carry units, time ticks in simulated minutes") {
  const std::string page = report_html(scenario(), identity(), world(), real_score());
  CHECK(page.find(">simulated time since the start of the run</text>") != std::string::npos);
  for (const char* tick : {">0</text>", ">5m</text>", ">10m</text>", ">15m</text>", ">20m</text>"})
    CHECK_MESSAGE(page.find(tick) != std::string::npos, tick);
  CHECK(page.find(">queue depth (jobs)</text>") != std::string::npos);
  CHECK(page.find(">failed attempts (%)</text>") != std::string::npos);
  CHECK((page.find(">p95 sync delay (ms)</text>") != std::string::npos ||
         page.find(">p95 sync delay (s)</text>") != std::string::npos));
  CHECK((has_tick(page, " ms") || has_tick(page, " s")));  // delay ticks
  CHECK(has_tick(page, "%"));                              // error rate ticks
  // Legends: one entry per line plus the fault window.
  CHECK(page.find(">dtc stock sync<title>") != std::string::npos);
  CHECK(page.find(">ingest-dtc (order_ingest)<title>") != std::string::npos);
  CHECK(count(page, ">fault window<title>") == 4);
}

TEST_CASE("report.html: a gap breaks the line, all-gap series are left out, long series shrink") {
  Scenario sc = scenario();
  WorldResult r;
  r.simulated = minutes(5000);
  r.status = RunStatus::reached_time;
  ChannelOutcome ch;
  ch.channel = "dtc";
  ch.delay_p95_ms_series[0] = {100, 200, -1, 300, 400, -1, 500};  // 3 runs, the last a lone dot
  ch.delay_p95_ms_series[1] = {-1, -1, -1};                       // no data: no line
  r.channels.push_back(ch);
  ConnectorOutcome con;
  con.name = "ingest";
  for (uint32_t i = 0; i < 5001; ++i) {
    con.queue_depth_series.push_back(i % 7);
    con.attempts_ok_series.push_back(i == 0 ? 0 : 9);
    con.attempts_failed_series.push_back(i == 0 ? 0 : i % 2);
  }
  r.connectors.push_back(con);
  const std::string page = report_html(sc, identity(), r, hand_score());
  const std::vector<std::string> got =
      xmllint(page, {"count(" + in_chart("sync-delay", "*[@data-series]") + ")",
                     "string(" + in_chart("sync-delay", "*[@data-series]/@d") + ")",
                     "string(" + in_chart("queue-depth", "*[@data-series]/@data-points") + ")",
                     "string(" + in_chart("error-rate", "*[@data-series]/@data-points") + ")"});
  CHECK(got.at(0) == "1");
  const std::string& d = got.at(1);
  CHECK(count(d, "M") == 3);
  CHECK(count(d, "h0") == 1);
  CHECK(got.at(2) == "1667");  // 5001 samples in buckets of 3
  CHECK(got.at(3) == "1667");
  CHECK(count(page,
              "Downsampled: series longer than 2,000 samples show the highest value of "
              "each bucket of 3 samples (3m).") == 2);
  // The highest per bucket: queue depth peaks at 6 jobs, so the axis ends at 6.
  CHECK(page.find("data-chart=\"queue-depth\" width=\"960.0\"") != std::string::npos);
  CHECK(page.find("data-y-max=\"6\" data-y-unit=\"\"") != std::string::npos);
}

TEST_CASE("report.html: hostile names are escaped and the page still parses") {
  Scenario sc = scenario();
  sc.name = "<script>alert(\"x\")</script> & 'co'";
  sc.description = "a ]]> b <!-- c --> \x01 d";
  Score s = hand_score();
  s.incidents[0].fault_id = "f\"<b>&'x";
  s.monitors[0].name = "m</title><svg onload=\"x\">";
  s.tiers[0].checks[1].reason = "it's <b>bad</b> & worse\r\n";
  const std::string page = report_html(sc, identity(), world(), s);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<b>") == std::string::npos);
  CHECK(page.find("<!--") == std::string::npos);
  CHECK(page.find("\x01") == std::string::npos);
  CHECK(page.find("onload=\"") == std::string::npos);
  CHECK(count(page, "<svg ") == 4);
  const std::vector<std::string> got = xmllint(
      page, {"string(//*[local-name()=\"h1\"])",
             "string(" + in_chart("timeline", "*[@class=\"fault\"][1]/@data-series") + ")",
             "count(//*[local-name()=\"svg\"])",
             "string(" + in_chart("timeline", "*[@class=\"firing\"][1]/@data-series") + ")"});
  CHECK(got.at(0) == "Drill <script>alert(\"x\")</script> & 'co' FAIL");
  CHECK(got.at(1) == "fault:f\"<b>&'x");
  CHECK(got.at(2) == "4");
  CHECK(got.at(3) == "monitor:m</title><svg onload=\"x\">");
}

TEST_CASE("report.html: the same run gives the same bytes, an empty run still has four charts") {
  const std::string a = report_html(scenario(), identity(), world(), real_score());
  const WorldResult again = run_world(scenario(), 11);
  CHECK(report_html(scenario(), identity(), again, score_run(scenario(), again)) == a);
  CHECK(a.size() < 400'000);

  Scenario bare = scenario();
  bare.faults.clear();
  const std::string empty = report_html(bare, identity(), WorldResult{}, Score{});
  CHECK(count(empty, "<svg ") == 4);
  CHECK(count(empty, "data-series=") == 0);
  CHECK(count(empty, ">no data in this run</text>") == 3);
  CHECK(empty.find(">no faults and no monitors in this drill</text>") != std::string::npos);
  const std::vector<std::string> got = xmllint(empty, {"count(//*[local-name()=\"svg\"])"});
  CHECK(got.at(0) == "4");
}

TEST_CASE("report.html: the warnings head the verdict, escaped, and only when there are some") {
  Score s = hand_score();
  s.warnings = {"fault a (outage on erp) touches connector ingest, but no monitor watches it",
                "monitor <b>m</b> & co (no target, every flow) watches no connector"};
  const std::string page = report_html(scenario(), identity(), world(), s);
  const size_t list = page.find("<ul class=\"warning warnings\">");
  REQUIRE(list != std::string::npos);
  // Inside the header, after the verdict's summary and before the identity table.
  CHECK(page.find("<p class=\"summary\">") < list);
  CHECK(list < page.find("<table class=\"identity\">"));
  CHECK(page.find("<b>m</b>") == std::string::npos);
  const std::vector<std::string> got =
      xmllint(page, {"count(//*[@class=\"warning warnings\"]/*[local-name()=\"li\"])",
                     "string(//*[@class=\"warning warnings\"]/*[local-name()=\"li\"][2])"});
  CHECK(got.at(0) == "2");
  CHECK(got.at(1) == "Warning: monitor <b>m</b> & co (no target, every flow) watches no connector");
  CHECK(report_html(scenario(), identity(), world(), hand_score())
            .find("class=\"warning warnings\"") == std::string::npos);
}

}  // namespace
}  // namespace syncdrill
