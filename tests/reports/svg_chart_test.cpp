// reports/svg_chart: the pieces checked on the numbers they must draw (coordinates, the time
// axis, downsampling, line paths with gaps and lone samples), and whole charts parsed as XML and
// counted with XPath, with hostile labels.
#include "reports/svg_chart.hpp"

#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/reports/xmllint.hpp"

namespace syncdrill {
namespace {

using std::nullopt;

svg::Series series_of(std::vector<std::optional<double>> values, int64_t step_us = 1'000'000) {
  svg::Series s;
  s.key = "dtc/stock_sync";
  s.label = "dtc stock sync";
  s.step_us = step_us;
  s.values = std::move(values);
  return s;
}

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++n;
  return n;
}

TEST_CASE("svg::num writes one decimal and never a negative zero") {
  CHECK(svg::num(0) == "0.0");
  CHECK(svg::num(-0.0) == "0.0");
  CHECK(svg::num(-0.04) == "0.0");
  CHECK(svg::num(-0.06) == "-0.1");
  CHECK(svg::num(3.14159) == "3.1");
  CHECK(svg::num(960) == "960.0");
}

TEST_CASE("svg::TimeAxis spans the plot and clamps times outside the run") {
  svg::TimeAxis tx;
  tx.end_us = 60'000'000;
  CHECK(tx.x(0) == svg::kLeft);
  CHECK(tx.x(tx.end_us) == svg::kLeft + svg::plot_width());
  CHECK(tx.x(30'000'000) == doctest::Approx(svg::kLeft + svg::plot_width() / 2));
  CHECK(tx.x(-5) == tx.x(0));
  CHECK(tx.x(tx.end_us * 2) == tx.x(tx.end_us));
  // At most eight intervals, each a round span.
  CHECK(svg::time_step_us(60'000'000) == 10'000'000);
  CHECK(svg::time_step_us(8'000'000) == 1'000'000);
  CHECK(svg::time_step_us(3'600'000'000) == 600'000'000);
  for (int64_t end_us : {int64_t{1}, int64_t{999'999}, int64_t{86'400'000'000}}) {
    CHECK(end_us / svg::time_step_us(end_us) <= 8);
  }
}

TEST_CASE("svg::downsample keeps the highest value of each bucket and leaves short series alone") {
  svg::Series s = series_of({1.0, 5.0, nullopt, 2.0, nullopt, nullopt, 7.0});
  CHECK(svg::downsample(s, 7) == 1);
  CHECK(s.values.size() == 7);

  CHECK(svg::downsample(s, 3) == 3);  // ceil(7 / 3) samples a bucket
  REQUIRE(s.values.size() == 3);
  CHECK(s.values[0] == 5.0);  // max of 1, 5, gap
  CHECK(s.values[1] == 2.0);  // max of 2, gap, gap
  CHECK(s.values[2] == 7.0);
  CHECK(s.step_us == 3'000'000);

  svg::Series gaps = series_of({nullopt, nullopt, nullopt, 4.0});
  CHECK(svg::downsample(gaps, 2) == 2);
  CHECK(gaps.values[0] == nullopt);  // a bucket of gaps stays a gap
  CHECK(gaps.values[1] == 4.0);
}

TEST_CASE("svg::path_data breaks at gaps, drops flat middles, and marks lone samples") {
  svg::TimeAxis tx;
  tx.end_us = 10'000'000;
  const ValueAxis vy = linear_axis(10, ValueKind::jobs);
  // Run 1: 1, 1, 1, 2 (the middle 1 is flat); a gap; run 2: the lone 5; a gap; run 3: 3, 4.
  const svg::Series s = series_of({1.0, 1.0, 1.0, 2.0, nullopt, 5.0, nullopt, 3.0, 4.0});
  const std::string d = svg::path_data(s, tx, vy);
  CHECK(count(d, "M") == 3);
  CHECK(count(d, "h0") == 1);
  // Run 1: its first point, then (the middle of three equal 1s left out) the last 1 and the 2.
  const auto point = [&](int64_t t_s, double v) {
    return svg::num(tx.x(t_s * 1'000'000)) + " " + svg::num(svg::value_y(vy, v));
  };
  CHECK(d.substr(0, d.find(" M")) == "M" + point(0, 1) + "L" + point(2, 1) + " " + point(3, 2));
  CHECK(d.find("M" + point(5, 5) + "h0") != std::string::npos);
  CHECK(d.substr(d.rfind('M')) == "M" + point(7, 3) + "L" + point(8, 4));
  CHECK(svg::present_points(s) == 7);

  const std::string dots = svg::point_markers(s, tx, vy, "#4e79a7");
  CHECK(count(dots, "<circle") == 1);  // only the lone 5
  CHECK(dots.find("data-points=\"1\"") != std::string::npos);
  CHECK(svg::point_markers(series_of({1.0, 2.0}), tx, vy, "#4e79a7").empty());
}

TEST_CASE("svg::series_max and series_min_positive look across every series and skip gaps") {
  const std::vector<svg::Series> all = {series_of({nullopt, 0.0, 3.0}),
                                        series_of({0.5, nullopt, 9.0})};
  CHECK(svg::series_max(all) == 9.0);
  CHECK(svg::series_min_positive(all) == 0.5);
  CHECK(svg::series_min_positive({series_of({0.0, nullopt})}) == 0.0);
}

TEST_CASE("svg::line_chart_svg draws a parseable chart with one line per series") {
  svg::TimeAxis tx;
  tx.end_us = 10'000'000;
  svg::LineChart c;
  c.id = "queue-depth";
  c.title = "Queue <depth> & \"more\"";
  c.y_title = "jobs";
  for (int i = 0; i < 12; ++i) {  // past the palette: dashes tell the series apart
    svg::Series s = series_of({1.0, 2.0, nullopt, 3.0});
    s.key = "c" + std::to_string(i) + "&<'\"";
    s.label = "connector " + std::to_string(i);
    c.series.push_back(std::move(s));
  }
  c.axis = linear_axis(svg::series_max(c.series), ValueKind::jobs);
  const std::vector<svg::FaultWindow> windows = {{"erp-down", 2'000'000, 4'000'000}};
  const std::string page = svg::line_chart_svg(c, tx, windows);
  const std::vector<std::string> r =
      testing::xmllint(page, {"count(//*[local-name()=\"path\"][@class=\"line\"])",
                              "count(//*[local-name()=\"path\"][@stroke-dasharray])",
                              "count(//*[local-name()=\"g\"][@class=\"points\"])",
                              "count(//*[local-name()=\"rect\"][@class=\"fault-window\"])",
                              "string(//*[local-name()=\"svg\"]/@data-y-max)"});
  CHECK(r[0] == "12");
  CHECK(r[1] == "2");   // series 11 and 12
  CHECK(r[2] == "12");  // each series' lone 3.0
  CHECK(r[3] == "1");
  CHECK(r[4] == fmt::format("{}", c.axis.max));

  c.series.clear();
  CHECK(svg::line_chart_svg(c, tx, {}).find("no data in this run") != std::string::npos);
}

TEST_CASE("svg::timeline_svg bands every other row and says when it has none") {
  svg::TimeAxis tx;
  tx.end_us = 60'000'000;
  svg::Timeline t;
  t.id = "timeline";
  t.title = "Faults";
  t.empty_text = "nothing & nobody";
  for (int i = 0; i < 5; ++i) {
    t.rows.push_back({svg::row_label("fault ", "f" + std::to_string(i)), "fault", ""});
    t.rows.back().content = svg::row_marker(tx, "fault:f" + std::to_string(i), "detected",
                                            1'000'000, t.rows.size() - 1, "tip <b>");
  }
  t.legend.push_back({"detected", svg::Swatch::marker, "", "", "detected"});
  const std::vector<std::string> r = testing::xmllint(
      svg::timeline_svg(t, tx, {}), {"count(//*[local-name()=\"rect\"][@class=\"row-band\"])",
                                     "count(//*[local-name()=\"path\"][@class=\"detected\"])",
                                     "count(//*[local-name()=\"text\"][@class=\"no-data\"])"});
  CHECK(r[0] == "2");  // rows 1 and 3
  CHECK(r[1] == "5");
  CHECK(r[2] == "0");
  CHECK(svg::row_mid(1) - svg::row_mid(0) == svg::kRowHeight);

  t.rows.clear();
  const std::string empty = svg::timeline_svg(t, tx, {});
  CHECK(empty.find("nothing &amp; nobody") != std::string::npos);
}

TEST_CASE("svg::row_label shortens a long id in the middle to fit left of the plot") {
  const std::string id(80, 'x');
  const std::string label = svg::row_label("fault ", id);
  CHECK(label.rfind("fault ", 0) == 0);
  CHECK(label.size() < id.size());
  CHECK(label.find("\xe2\x80\xa6") != std::string::npos);  // …
  CHECK(svg::row_label("fault ", "db") == "fault db");
}

TEST_CASE("svg::bar_chart_svg scales bars to the longest reach and marks the best") {
  svg::BarChart c;
  c.id = "mttd";
  c.title = "MTTD (s)";
  c.aria_label = "MTTD <per> policy";
  c.empty_text = "-";
  svg::Bar a;
  a.label = "no-backoff & <co>";
  a.value = 50;
  a.reach = 100;  // its interval ends at 100: the scale's end
  a.whisker = true;
  a.low = 0;
  a.high = 100;
  a.value_text = "50 s";
  a.data_value = "50";
  svg::Bar b;
  b.label = "exponential";
  b.value = 25;
  b.value_text = "25 s";
  b.data_value = "25";
  b.best = true;
  svg::Bar none;
  none.label = "never ran";
  c.bars = {a, b, none};
  const std::string chart = svg::bar_chart_svg(c);
  const std::vector<std::string> r =
      testing::xmllint(chart, {"string(//*[local-name()=\"rect\"][@data-variant=\"0\"]/@width)",
                               "string(//*[local-name()=\"rect\"][@data-variant=\"1\"]/@width)",
                               "string(//*[local-name()=\"rect\"][@data-variant=\"1\"]/@class)",
                               "count(//*[local-name()=\"path\"][@class=\"whisker\"])",
                               "count(//*[local-name()=\"rect\"])",
                               "string(//*[local-name()=\"text\"][@class=\"no-data\"])"});
  // The plot is 470 - 150 - 150 = 170 wide and ends at 100: 50 -> 85, 25 -> 42.5.
  CHECK(r[0] == "85.0");
  CHECK(r[1] == "42.5");
  CHECK(r[2] == "bar best");
  CHECK(r[3] == "1");
  CHECK(r[4] == "2");  // no bar for the variant without data
  CHECK(r[5] == "-");
}

}  // namespace
}  // namespace syncdrill
