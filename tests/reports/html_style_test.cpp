// reports/html_style: each page's stylesheet is well-formed CSS rules only (balanced braces, no
// import or URL, nothing that could close the <style> element), names the classes its page's
// markup uses, and is the same text on every call.
#include "reports/html_style.hpp"

#include <string>
#include <string_view>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

bool has_rule(std::string_view style, std::string_view selector) {
  const std::string line = "\n" + std::string(selector) + "{";
  return style.find(line) != std::string_view::npos;
}

TEST_CASE("html_style: every page's rules are balanced, self-contained and one per line") {
  for (HtmlPage page : {HtmlPage::report, HtmlPage::compare, HtmlPage::live}) {
    const std::string_view style = html_style(page);
    CAPTURE(static_cast<int>(page));
    REQUIRE(!style.empty());
    CHECK(style.front() == '\n');
    CHECK(style.back() == '\n');
    int depth = 0;
    for (const char c : style) {
      if (c == '{') ++depth;
      if (c == '}') --depth;
      CHECK(depth >= 0);
      CHECK(depth <= 1);
      if (c == '\n') CHECK(depth == 0);  // a rule never spans lines
    }
    CHECK(depth == 0);
    CHECK(style.find("url(") == std::string_view::npos);
    CHECK(style.find("@import") == std::string_view::npos);
    CHECK(style.find('<') == std::string_view::npos);  // cannot end the <style> element
    CHECK(html_style(page).data() == style.data());    // built once
  }
}

TEST_CASE("html_style: each page styles the classes its markup uses") {
  const std::string_view report = html_style(HtmlPage::report);
  CHECK(has_rule(report, ".verdict.fail"));
  CHECK(has_rule(report, "tr.breached td"));
  CHECK(has_rule(report, "svg.chart .fault-window"));
  CHECK(has_rule(report, "svg.chart .no-data"));

  const std::string_view compare = html_style(HtmlPage::compare);
  CHECK(has_rule(compare, "svg.chart .bar.best"));
  CHECK(has_rule(compare, "svg.chart .whisker"));
  CHECK(has_rule(compare, "td.significant"));
  CHECK(has_rule(compare, "svg.chart .no-data"));

  // The live drill's page: report.html's rules, then its own class names.
  const std::string_view live = html_style(HtmlPage::live);
  CHECK(live.substr(0, report.size()) == report);
  CHECK(has_rule(live, "tr.fail td"));
  CHECK(has_rule(live, ".verdict.fail-v"));
}

TEST_CASE("html_style: the shared rules are the same text on every page") {
  for (std::string_view rule : {"h1{font-size:1.6em;margin:0 0 .3em}", "th{background:#f6f8fa}",
                                "td.num{text-align:right;font-variant-numeric:tabular-nums}",
                                "svg.chart .no-data{fill:#57606a;font-style:italic}"}) {
    CAPTURE(rule);
    CHECK(html_style(HtmlPage::report).find(rule) != std::string_view::npos);
    CHECK(html_style(HtmlPage::compare).find(rule) != std::string_view::npos);
    CHECK(html_style(HtmlPage::live).find(rule) != std::string_view::npos);
  }
}

}  // namespace
}  // namespace syncdrill
