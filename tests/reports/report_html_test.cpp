// report.html: checked on a small real run (20 simulated minutes, two channels, two faults) with
// its real Score (score_run), and with a hand-made Score whose times are known. xmllint (package
// libxml2-utils, installed by scripts/install-deps) parses every page as strict XML, so an
// unclosed tag or a stray '&' fails, and counts the charts and their data elements with XPath.
// tests/browser/ opens the same kind of page in headless Chromium.
#include "reports/report_html.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/scenario/loader.hpp"
#include "reports/chart_scale.hpp"
#include "reports/format.hpp"
#include "sim/score/detection.hpp"
#include "tests/reports/report_fixture.hpp"
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

using testing::at_s;

Scenario scenario() {
  return testing::load_drill(kScenario, "drills/drill-html.yaml");
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

// The <svg> of chart `id` in a page.
std::string chart_svg(const std::string& page, const std::string& id) {
  const size_t start = page.find("data-chart=\"" + id + "\"");
  REQUIRE(start != std::string::npos);
  return page.substr(start, page.find("</svg>", start) - start);
}

// The value axis' tick labels of a chart's <svg>, bottom first, with their y.
struct Tick {
  double y = 0;
  std::string label;
};

std::vector<Tick> y_ticks(const std::string& svg) {
  const std::string open = "<text class=\"tick-label\" x=\"142.0\" y=\"";
  std::vector<Tick> out;
  for (size_t at = svg.find(open); at != std::string::npos; at = svg.find(open, at + 1)) {
    const size_t y = at + open.size();
    const size_t text = svg.find('>', y) + 1;
    out.push_back({std::stod(svg.substr(y, svg.find('"', y) - y)),
                   svg.substr(text, svg.find("</text>", text) - text)});
  }
  return out;
}

// A number attribute of the chart's <svg>: data-y-max, data-y-linear.
double svg_number(const std::string& svg, const std::string& attr) {
  const size_t at = svg.find(attr + "=\"");
  REQUIRE_MESSAGE(at != std::string::npos, attr);
  return std::stod(svg.substr(at + attr.size() + 2));
}

// Where a value sits on a symlog line chart (plot from y 14 to 234), computed apart from the
// writer: log(1 + v / linear) over log(1 + max / linear) of the plot's height.
double symlog_y(const std::string& svg, double v) {
  const double max = svg_number(svg, "data-y-max"), linear = svg_number(svg, "data-y-linear");
  return 14 + 220 * (1 - std::log1p(v / linear) / std::log1p(max / linear));
}

// A coordinate as the page writes it: one decimal.
std::string num_text(double x) {
  return fmt::format("{:.1f}", x);
}

// A run of one hour sampled every minute, with no connector and no channel yet.
WorldResult hour_run() {
  WorldResult r;
  r.simulated = minutes(60);
  r.sample_interval = minutes(1);
  r.status = RunStatus::reached_time;
  return r;
}

// The section with id `id`, from its start tag to its end tag.
std::string section(const std::string& page, const std::string& id) {
  const size_t start = page.find("<section id=\"" + id + "\">");
  REQUIRE_MESSAGE(start != std::string::npos, id);
  return page.substr(start, page.find("</section>", start) + 10 - start);
}

// ---- Tests --------------------------------------------------------------------------------------

TEST_CASE(
    "report.html: xmllint parses it as XML, with five charts and one line per series present") {
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
       "string(" + in_chart("queue-depth", "*[@data-series][1]/@data-points") + ")",
       "count(" + in_chart("orders-placed", "*[local-name()=\"path\"][@data-series]") + ")",
       "string(" + in_chart("orders-placed", "*[@data-series][1]/@data-series") + ")",
       "string(" + in_chart("orders-placed", "*[@data-series][1]/@data-points") + ")"});
  CHECK(got.at(0) == "5");
  CHECK(got.at(1) == "5");  // each <svg> starts with its <title>
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
  // Orders placed: one line per channel that took orders, a point per interval after the first
  // sample (which has no interval before it).
  REQUIRE(r.channels.size() == 2);
  CHECK(got.at(12) == "2");
  CHECK(got.at(13) == "orders:dtc");
  CHECK(got.at(14) == std::to_string(r.channels[0].orders_placed_series.size() - 1));

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
  CHECK(page.find("syncdrill run drill-html.yaml --seed 11") != std::string::npos);
  CHECK(page.find("1 of 1 SLA tier breached (1 of 2 checks failed). Faults: 1 of 2 detected, 1 "
                  "missed.") != std::string::npos);
  CHECK(page.find(
            "<tr class=\"breached\"><td>critical</td><td>freshness_p95</td><td>order_ingest"
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
  CHECK(page.find(">queue depth (jobs, log scale)</text>") != std::string::npos);
  CHECK(page.find(">failed attempts (%)</text>") != std::string::npos);
  CHECK(page.find(">p95 sync delay (log scale)</text>") != std::string::npos);
  CHECK((has_tick(page, "ms") || has_tick(page, "s")));  // delay ticks, as durations
  CHECK(has_tick(page, "%"));                            // error rate ticks
  // Legends: one entry per line plus the fault window.
  CHECK(page.find(">dtc stock sync<title>") != std::string::npos);
  CHECK(page.find(">ingest-dtc (order_ingest)<title>") != std::string::npos);
  CHECK(count(page, ">fault window<title>") == 5);
}

TEST_CASE("report.html: a gap breaks the line, all-gap series are left out, long series shrink") {
  Scenario sc = scenario();
  WorldResult r;
  r.simulated = minutes(5000);
  r.status = RunStatus::reached_time;
  ChannelOutcome ch;
  ch.channel = "dtc";
  ch.delay_p95_ms_series[SyncDelay::ingest] = {100, 200, -1, 300,
                                               400, -1,  500};  // 3 runs, the last a lone dot
  ch.delay_p95_ms_series[SyncDelay::stock] = {-1, -1, -1};      // no data: no line
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
  const std::vector<std::string> got = xmllint(
      page, {"count(" + in_chart("sync-delay", "*[local-name()=\"path\"][@data-series]") + ")",
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
  // The highest per bucket: queue depth peaks at 6 jobs, so the log axis ends at the next round
  // value, 10 (it would end at 5 if the buckets' lowest or first values were drawn).
  CHECK(page.find("data-chart=\"queue-depth\" width=\"960.0\"") != std::string::npos);
  CHECK(page.find("data-y-max=\"10\" data-y-unit=\"\" data-y-scale=\"symlog\"") !=
        std::string::npos);
}

TEST_CASE("report.html: a sample with no neighbour is drawn as a circle in its series' colour") {
  WorldResult r = hour_run();
  ChannelOutcome dtc;
  dtc.channel = "dtc";
  std::vector<int64_t> ingest(60, 250), price(60, -1);
  ingest[40] = -1;
  ingest[42] = -1;        // sample 41 stands alone
  price[29] = 8'000'000;  // one breach of 2h13m20s in a flow with nothing else
  dtc.delay_p95_ms_series[SyncDelay::ingest] = ingest;
  dtc.delay_p95_ms_series[SyncDelay::price] = price;
  ChannelOutcome market;
  market.channel = "market";
  market.delay_p95_ms_series[SyncDelay::ingest] =
      std::vector<int64_t>(60, 300);  // no gap: a line, no circle
  r.channels = {dtc, market};
  const std::string page = report_html(scenario(), identity(), r, hand_score());
  const std::string svg = chart_svg(page, "sync-delay");
  auto of = [](const std::string& series, const std::string& what) {
    return in_chart("sync-delay", "*[@data-series=\"" + series + "\"]" + what);
  };
  const std::vector<std::string> got =
      xmllint(page, {"count(" + in_chart("sync-delay", "*[local-name()=\"circle\"]") + ")",
                     "string(" + of("dtc/price_sync", "[@class=\"points\"]/@fill") + ")",
                     "string(" + of("dtc/price_sync", "[@class=\"line\"]/@stroke") + ")",
                     "string(" + of("dtc/price_sync", "[@class=\"points\"]/@data-points") + ")",
                     "string(" + of("dtc/price_sync", "/*[local-name()=\"circle\"]/@cx") + ")",
                     "string(" + of("dtc/price_sync", "/*[local-name()=\"circle\"]/@cy") + ")",
                     "string(" + of("dtc/price_sync", "/*[local-name()=\"circle\"]/@r") + ")",
                     "string(" + of("dtc/price_sync", "/*[local-name()=\"circle\"]/*") + ")",
                     "string(" + of("dtc/order_ingest", "[@class=\"points\"]/@fill") + ")",
                     "string(" + of("dtc/order_ingest", "[@class=\"line\"]/@stroke") + ")",
                     "string(" + of("dtc/order_ingest", "/*[local-name()=\"circle\"]/@cx") + ")",
                     "count(" + of("market/order_ingest", "[@class=\"points\"]") + ")",
                     "count(" + of("market/order_ingest", "[@class=\"line\"]") + ")"});
  CHECK(got.at(0) == "2");
  CHECK(!got.at(1).empty());
  CHECK(got.at(1) == got.at(2));  // the circle has its line's colour
  CHECK(got.at(3) == "1");
  // The breach is the p95 of the 30th minute, plotted at its end: 30m of 60m, x 150 + 786 / 2.
  CHECK(got.at(4) == "543.0");
  CHECK(std::fabs(std::stod(got.at(5)) - symlog_y(svg, 8e6)) <= 0.051);
  CHECK(std::stod(got.at(6)) >= 3);
  CHECK(got.at(7) == "dtc price sync: 2h13m20s at 30m");
  CHECK(got.at(8) == got.at(9));
  CHECK(got.at(8) != got.at(1));  // two series, two colours
  CHECK(got.at(10) == num_text(150 + 786.0 * 42 / 60));
  CHECK(got.at(11) == "0");
  CHECK(got.at(12) == "1");
}

TEST_CASE("report.html: queue depth and delays on a log scale, tick labels readable and apart") {
  WorldResult r = hour_run();
  ConnectorOutcome big, small;
  big.name = "ingest-dtc";
  small.name = "stock-dtc";
  for (uint32_t i = 0; i < 60; ++i) {
    big.queue_depth_series.push_back(i < 30 ? 0 : 183'412 * (i - 29) / 31);
    small.queue_depth_series.push_back(3);
  }
  r.connectors = {big, small};
  ChannelOutcome dtc;
  dtc.channel = "dtc";
  dtc.delay_p95_ms_series[SyncDelay::stock] = std::vector<int64_t>(60, 150);
  dtc.delay_p95_ms_series[SyncDelay::stock][50] = 7'964'000;
  r.channels = {dtc};
  const std::string page = report_html(scenario(), identity(), r, hand_score());

  const std::string queue = chart_svg(page, "queue-depth");
  CHECK(queue.find("data-y-max=\"200000\" data-y-unit=\"\" data-y-scale=\"symlog\"") !=
        std::string::npos);
  const std::vector<Tick> ticks = y_ticks(queue);
  REQUIRE(ticks.size() >= 5);
  CHECK(ticks.front().label == "0");
  CHECK(ticks.back().label == "200,000");
  for (size_t i = 0; i < ticks.size(); ++i) {
    INFO("tick ", ticks[i].label);
    std::string digits;
    for (char c : ticks[i].label) {
      if (c != ',') digits += c;
    }
    CHECK(ticks[i].label == grouped(std::stoull(digits)));  // grouped digits
    if (i > 0) CHECK(ticks[i - 1].y - ticks[i].y >= 16);    // upwards, 16 px apart at least
  }
  // The queue of 3 jobs sits where the log scale puts it, 20 px and more above the floor (a
  // linear axis to 200,000 would draw it 0.003 px above).
  const std::vector<std::string> got = xmllint(
      page, {"string(" +
             in_chart("queue-depth", "*[@data-series=\"stock-dtc\"][@class=\"line\"]/@d") + ")"});
  const std::string& d = got.at(0);
  REQUIRE(d.rfind("M150.0 ", 0) == 0);
  const double y = std::stod(d.substr(7));
  CHECK(std::fabs(y - symlog_y(queue, 3)) <= 0.051);
  CHECK(y < 234 - 20);

  const std::vector<Tick> delay = y_ticks(chart_svg(page, "sync-delay"));
  REQUIRE(delay.size() >= 5);
  CHECK(delay.front().label == "0");
  CHECK(delay.back().label == "3h");
  std::vector<std::string> labels;
  for (size_t i = 0; i < delay.size(); ++i) {
    labels.push_back(delay[i].label);
    if (i > 0) CHECK(delay[i - 1].y - delay[i].y >= 16);
  }
  for (const char* want : {"100ms", "1s", "1m"}) {
    INFO(want);
    CHECK(std::find(labels.begin(), labels.end(), want) != labels.end());
  }
}

TEST_CASE("report.html: the faults table follows the verdict, with detection, restore and repair") {
  Score s = hand_score();
  s.incidents[0].restored = at_s(500);
  s.incidents[0].repaired = at_s(540);
  s.incidents[1].restored = at_s(900);
  s.incidents[1].recovery_note = "12 orders still missing from the OMS at the end of the run";
  const std::string page = report_html(scenario(), identity(), world(), s);
  // Header and verdict, the SLA tiers, then the faults, before impact and charts.
  const size_t faults_at = page.find("<section id=\"faults\">");
  REQUIRE(faults_at != std::string::npos);
  CHECK(page.find("<section", page.find("<section id=\"tiers\">") + 1) == faults_at);
  CHECK(faults_at < page.find("<section id=\"impact\">"));
  CHECK(faults_at < page.find("<section id=\"charts\">"));

  const std::string faults = section(page, "faults");
  CHECK(faults.find("<th>Fault</th><th>Kind</th><th>Cause</th><th>Onset</th><th>Detected "
                    "(MTTD)</th><th>Service restored</th><th>Damage repaired (MTTR)</th>"
                    "<th>Reason</th>") != std::string::npos);
  CHECK(faults.find("<tr><td>erp-down</td><td>outage</td><td>third_party</td><td "
                    "class=\"num\">4m</td><td>5m (MTTD 1m) by erp-errors</td><td "
                    "class=\"num\">8m20s</td><td>9m (MTTR 5m)</td><td>-</td><td>acknowledged at "
                    "6m<br/>replay_dead_letter ingest-dtc at 8m</td></tr>") != std::string::npos);
  CHECK(faults.find("<tr class=\"breached\"><td>bad-release</td><td>error_burst</td><td>release"
                    "</td><td class=\"num\">12m</td><td><strong>missed</strong></td><td "
                    "class=\"num\">15m</td><td><strong>not recovered</strong></td><td>12 orders "
                    "still missing from the OMS at the end of the run</td><td>-</td></tr>") !=
        std::string::npos);

  // Detected, never restored nor repaired: "-" and "not recovered", tinted, the note escaped.
  Score open = hand_score();
  open.incidents[0].recovered.reset();
  open.incidents[0].mttr.reset();
  open.incidents[0].recovery_note = "a <b>stalled</b> worker & 3 jobs";
  const std::string p2 = section(report_html(scenario(), identity(), world(), open), "faults");
  CHECK(p2.find("<tr class=\"breached\"><td>erp-down</td>") != std::string::npos);
  CHECK(p2.find("<td class=\"num\">-</td><td><strong>not recovered</strong></td><td>a "
                "&lt;b&gt;stalled&lt;/b&gt; worker &amp; 3 jobs</td>") != std::string::npos);
}

TEST_CASE("report.html: a tier check with no data reads \"no data\" in the tier table") {
  Score s = hand_score();
  TierCheck none;
  none.check = "freshness_p95";
  none.flow = FlowKind::price_sync;
  none.limit = 300;
  none.unit = "s";
  none.no_data = true;
  none.held = true;
  none.reason = "no price change was delivered in the run";
  s.tiers.push_back({"standard", {none}});
  const std::string tiers = section(report_html(scenario(), identity(), world(), s), "tiers");
  CHECK(tiers.find("<tr class=\"no-data\"><td>standard</td><td>freshness_p95</td><td>price_sync"
                   "</td><td>-</td><td>-</td><td class=\"num\">no data</td><td class=\"num\">300 "
                   "s (5m)</td><td>no data</td><td>no price change was delivered in the run</td>"
                   "</tr>") != std::string::npos);
  CHECK(tiers.find("<li><strong>standard</strong>: " + tier_summary(s.tiers[1]) + "</li>") !=
        std::string::npos);
  CHECK(tier_summary(s.tiers[1]).rfind("no data", 0) == 0);
  // Neither held nor breached: the row says so, not "held".
  CHECK(count(tiers, "<td>no data</td>") == 1);
}

TEST_CASE("report.html: long timeline labels are shortened in the middle, in full on hover") {
  Scenario sc = scenario();
  const std::string id = "governance-price-feed-delay-eu-marketplace";
  sc.faults[0].id = id;
  Score s = hand_score();
  s.incidents[0].fault_id = id;
  s.monitors[1].name = "ingest-errors-per-channel-and-connector";
  const std::string page = report_html(sc, identity(), world(), s);
  auto label = [](int row, const std::string& what) {
    return "string(" +
           in_chart("timeline", fmt::format("*[@class=\"row-label\"][{}]{}", row, what)) + ")";
  };
  const std::vector<std::string> got =
      xmllint(page, {label(1, "/text()"), label(1, "/*[local-name()=\"title\"]"),
                     label(2, "/text()"), label(2, "/*[local-name()=\"title\"]"),
                     label(4, "/text()"), label(4, "/*[local-name()=\"title\"]")});
  INFO(got.at(0), " | ", got.at(4));
  // The label's beginning and end around "…" are the full label's; it fits left of the plot.
  auto shortened = [](const std::string& drawn, const std::string& full) {
    const std::string ellipsis = "\xE2\x80\xA6";
    const size_t cut = drawn.find(ellipsis);
    if (cut == std::string::npos) return false;
    const std::string head = drawn.substr(0, cut), tail = drawn.substr(cut + ellipsis.size());
    return head.size() >= 8 && tail.size() >= 4 && full.rfind(head, 0) == 0 &&
           full.compare(full.size() - tail.size(), tail.size(), tail) == 0;
  };
  CHECK(shortened(got.at(0), "fault " + id));
  CHECK(text_width_px(got.at(0), 12) <= 150 - 8);
  CHECK(got.at(1) == "fault " + id);
  CHECK(got.at(2) == "fault bad-release");  // short: whole
  CHECK(got.at(3) == "fault bad-release");
  CHECK(shortened(got.at(4), "alert ingest-errors-per-channel-and-connector"));
  CHECK(got.at(5) == "alert ingest-errors-per-channel-and-connector");
}

TEST_CASE("report.html: every table scrolls inside its own container, never the page") {
  const std::string page = report_html(scenario(), identity(), world(), hand_score());
  CHECK(count(page, "<table") >= 5);
  CHECK(count(page, "<table") == count(page, "<div class=\"table-wrap\"><table"));
  CHECK(count(page, "</table></div>") == count(page, "<table"));
  CHECK(page.find(".table-wrap{max-width:100%;overflow-x:auto") != std::string::npos);
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
  CHECK(count(page, "<svg ") == 5);
  const std::vector<std::string> got = xmllint(
      page, {"string(//*[local-name()=\"h1\"])",
             "string(" + in_chart("timeline", "*[@class=\"fault\"][1]/@data-series") + ")",
             "count(//*[local-name()=\"svg\"])",
             "string(" + in_chart("timeline", "*[@class=\"firing\"][1]/@data-series") + ")"});
  CHECK(got.at(0) == "Drill <script>alert(\"x\")</script> & 'co' FAIL");
  CHECK(got.at(1) == "fault:f\"<b>&'x");
  CHECK(got.at(2) == "5");
  CHECK(got.at(3) == "monitor:m</title><svg onload=\"x\">");
}

TEST_CASE("report.html: the same run gives the same bytes, an empty run still has five charts") {
  const std::string a = report_html(scenario(), identity(), world(), real_score());
  const WorldResult again = run_world(scenario(), 11);
  CHECK(report_html(scenario(), identity(), again, score_run(scenario(), again)) == a);
  CHECK(a.size() < 400'000);

  Scenario bare = scenario();
  bare.faults.clear();
  const std::string empty = report_html(bare, identity(), WorldResult{}, Score{});
  CHECK(count(empty, "<svg ") == 5);
  CHECK(count(empty, "data-series=") == 0);
  CHECK(count(empty, ">no data in this run</text>") == 4);
  CHECK(empty.find(">no faults and no monitors in this drill</text>") != std::string::npos);
  const std::vector<std::string> got = xmllint(empty, {"count(//*[local-name()=\"svg\"])"});
  CHECK(got.at(0) == "5");
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
