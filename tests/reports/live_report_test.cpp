// The live drill's report.html (reports/live_report.hpp): the same chart section as a run's
// report.html, drawn from a hand-made LiveResult; what a live drill cannot measure says so.
#include "reports/live_report.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/scenario/loader.hpp"
#include "reports/report_html.hpp"
#include "sim/world/world.hpp"
#include "tests/reports/figure_ids.hpp"
#include "tests/reports/live_fixture.hpp"
#include "tests/reports/xmllint.hpp"

namespace syncdrill {
namespace {

using testing::figure_ids;
using testing::xmllint;

// The fixture's drill (live_fixture.hpp) sampled per second.
LiveResult drill() {
  LiveResult r = testing::live_fixture();
  r.scenario_name = "live-html";
  r.series.step = seconds(1);
  r.series.answers = {LiveAnswers{"erp", {4, 4, 0, 2}, {0, 4, 0, 0}}};
  r.series.stock_delay = {LiveStockDelay{"dtc", {std::nullopt, seconds(2), milliseconds(1500)}}};
  return r;
}

std::string chart(const std::string& id, const std::string& inner) {
  return "//*[@id=\"chart-" + id + "\"]//" + inner;
}

TEST_CASE("live report.html: the same figures as a run's report.html, in the same order") {
  const Scenario scenario =
      *load_scenario_file(std::string(SYNCDRILL_TEST_DATA_DIR) + "/scenarios/valid/live-drill.yaml")
           .scenario;
  WorldResult run;
  run.simulated = minutes(1);
  run.sample_interval = seconds(1);
  const std::vector<std::string> of_run =
      figure_ids(report_html(scenario, RunIdentity{}, run, Score{}));
  REQUIRE(of_run.size() == 5);
  // The run's orders-placed chart is the last; the live drill samples no orders-placed series.
  CHECK(of_run.back() == "figure-orders-placed");
  const std::string live = live_report_html(drill());
  CHECK(figure_ids(live) == std::vector<std::string>(of_run.begin(), of_run.end() - 1));
  // The same page around them: XHTML, the generator, the footer naming what the times are.
  CHECK(live.rfind("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"", 0) == 0);
  CHECK(live.find("<title>Live drill: live-html</title>") != std::string::npos);
  CHECK(live.find("<meta name=\"generator\"") != std::string::npos);
  CHECK(live.find("scenario times since the start of the drill") != std::string::npos);
}

TEST_CASE("live report.html: its charts draw the drill's series, and the queue is not measured") {
  const std::string page = live_report_html(drill());
  const std::vector<std::string> got =
      xmllint(page, {"count(" + chart("timeline", "*[@class=\"fault\"]") + ")",
                     "count(" + chart("timeline", "*[@data-series=\"fault:oms-hang\"]") + ")",
                     "count(" + chart("timeline", "*[@class=\"missed\"]") + ")",
                     "count(" + chart("timeline", "*[@data-series=\"acks\"]") + ")",
                     "string(" + chart("sync-delay", "*[@data-series][1]/@data-series") + ")",
                     "string(" + chart("sync-delay", "*[@data-series][1]/@data-points") + ")",
                     "string(" + chart("error-rate", "*[@data-series][1]/@data-series") + ")",
                     "string(" + chart("error-rate", "*[@data-series][1]/@data-points") + ")",
                     "string(" + chart("queue-depth", "*[@class=\"no-data\"]") + ")",
                     "count(" + chart("queue-depth", "*[@data-series]") + ")",
                     "count(" + chart("error-rate", "*[@class=\"fault-window\"]") + ")"});
  CHECK(got.at(0) == "2");
  CHECK(got.at(1) == "3");  // the window, the ack (detected) and the recovery
  CHECK(got.at(2) == "1");  // erp-burst acted and no ack caught it
  CHECK(got.at(3) == "1");
  CHECK(got.at(4) == "dtc/stock_sync");
  CHECK(got.at(5) == "2");  // the intervals with an ended episode
  CHECK(got.at(6) == "erp");
  CHECK(got.at(7) == "3");  // interval 2 had no answer: a gap
  CHECK(got.at(8) == "not measured in a live drill");
  CHECK(got.at(9) == "0");
  CHECK(got.at(10) == "2");  // both fault windows shaded
  CHECK(page.find("pager &lt;OMS&gt;") != std::string::npos);
  // The timeline reads the faults as the simulation's incidents: detected at the ack.
  CHECK(page.find("oms-hang detected at 15s, MTTD 5s") != std::string::npos);
  CHECK(page.find("oms-hang recovered at 22s, MTTR 12s") != std::string::npos);
}

TEST_CASE("live report.html: a drill with nothing sampled says so in each chart, never 0") {
  LiveResult r = drill();
  r.series = LiveSeries{};
  r.faults.clear();
  r.acks.clear();
  const std::string page = live_report_html(r);
  const std::vector<std::string> got =
      xmllint(page, {"count(//*[@class=\"no-data\"])",
                     "string(" + chart("sync-delay", "*[@class=\"no-data\"]") + ")",
                     "string(" + chart("error-rate", "*[@class=\"no-data\"]") + ")",
                     "count(//*[@data-series])"});
  CHECK(got.at(0) == "4");  // the timeline's and three line charts'
  CHECK(got.at(1) == "no stale listing came back in sync in this drill");
  CHECK(got.at(2) == "no request reached the mock systems in this drill");
  CHECK(got.at(3) == "0");
}

}  // namespace
}  // namespace syncdrill
