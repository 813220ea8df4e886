#include "reports/html_style.hpp"

#include <initializer_list>
#include <string>

namespace syncdrill {

namespace {

// ---- Rules more than one page uses, word for word ----------------------------------------------

constexpr std::string_view kFontStack =
    R"(font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif)";
constexpr std::string_view kH1 = "h1{font-size:1.6em;margin:0 0 .3em}";
constexpr std::string_view kH2 =
    "h2{font-size:1.25em;margin:1.6em 0 .5em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}";
constexpr std::string_view kCells =
    "th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}";
constexpr std::string_view kHeaderCells = "th{background:#f6f8fa}";
constexpr std::string_view kNumberCells =
    "td.num{text-align:right;font-variant-numeric:tabular-nums}";
constexpr std::string_view kNoData = "svg.chart .no-data{fill:#57606a;font-style:italic}";

// ---- report.html (and the live drill's report.html) -------------------------------------------

constexpr std::string_view kReportVerdicts =
    R"(.verdict{display:inline-block;padding:.05em .5em;border-radius:4px;color:#fff;font-weight:700}
.verdict.pass{background:#1a7f37}
.verdict.fail{background:#cf222e}
.verdict.not-scored{background:#6e7781})";

constexpr std::string_view kReportBlocks = R"(.description{color:#57606a;font-style:italic}
.warning{background:#fff8c5;border:1px solid #d4a72c;padding:6px 10px}
.table-wrap{max-width:100%;overflow-x:auto;margin:.5em 0 1em}
table{border-collapse:collapse;font-size:.92em})";

constexpr std::string_view kReportCode = R"(table.identity th{width:9em}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.92em}
pre.replay{background:#f6f8fa;border:1px solid #d0d7de;padding:8px 12px;overflow-x:auto;margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
figure{margin:1em 0 2em}
figcaption{font-size:.9em;color:#57606a;margin-top:.3em})";

// The line and timeline charts of reports/svg_chart.hpp.
constexpr std::string_view kReportCharts =
    R"(svg.chart{display:block;max-width:100%;height:auto;background:#fff}
svg.chart text{font-size:12px;fill:#1f2328}
svg.chart .plot-area{fill:none;stroke:#d0d7de}
svg.chart .grid{stroke:#eaeef2}
svg.chart .axis-line,svg.chart .tick{stroke:#57606a}
svg.chart .tick-label{font-size:11px;fill:#57606a}
svg.chart .chart-title{font-size:13px;font-weight:700})";

constexpr std::string_view kReportMarks = R"(svg.chart .fault-window{fill:#e15759;fill-opacity:.09}
svg.chart .line{fill:none;stroke-width:1.6;stroke-linejoin:round;stroke-linecap:round}
svg.chart .points{stroke:#fff;stroke-width:1}
svg.chart .fault{fill:#e15759;fill-opacity:.45;stroke:#b3282d}
svg.chart .firing{fill:#4e79a7;fill-opacity:.75;stroke:#2f4b6e}
svg.chart .firing.false-positive{fill:#a0a7b0;stroke:#6e7781}
svg.chart .detected{fill:#f28e2b;stroke:#8a4a0b}
svg.chart .acknowledged{fill:#edc948;stroke:#7d6608}
svg.chart .action{fill:#b07aa1;stroke:#5e3a55}
svg.chart .recovered{fill:#59a14f;stroke:#2b5a25}
svg.chart .row-band{fill:#f6f8fa}
svg.chart .missed{fill:#b3282d;font-weight:700})";

// ---- compare.html -------------------------------------------------------------------------------

constexpr std::string_view kCompareCode = R"(td.significant{font-weight:700}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.92em}
.charts{display:flex;flex-wrap:wrap;gap:12px}
figure{margin:0 0 1em}
figcaption{font-size:.9em;color:#57606a})";

// The bar charts of reports/svg_chart.hpp.
constexpr std::string_view kCompareCharts = R"(svg.chart{display:block;background:#fff}
svg.chart text{font-size:11px;fill:#1f2328}
svg.chart .title{font-size:12px;font-weight:700}
svg.chart .bar{fill:#4e79a7}
svg.chart .bar.best{fill:#59a14f}
svg.chart .whisker{stroke:#1f2328;stroke-width:1.2}
svg.chart .axis{stroke:#57606a})";

// ---- The live drill's report.html: report.html's rules and its own class names ----------------

// A failed check's row, and the FAIL verdict (class "verdict fail-v").
constexpr std::string_view kLiveVerdicts = ".verdict.fail-v{background:#cf222e}";

// The rules one per line, with a line break before the first and after the last.
std::string stylesheet(std::initializer_list<std::string_view> rules) {
  std::string out = "\n";
  for (std::string_view rule : rules) {
    out += rule;
    out += '\n';
  }
  return out;
}

std::string body(std::string_view extra) {
  return std::string("body{") + std::string(kFontStack) +
         ";color:#1f2328;max-width:1000px;margin:24px auto;padding:0 16px;line-height:1.45" +
         std::string(extra) + "}";
}

std::string report_style(std::initializer_list<std::string_view> more) {
  const std::string page_body = body(";overflow-wrap:break-word");
  std::string out = stylesheet({page_body, kH1, kH2, kReportVerdicts, kReportBlocks, kCells,
                                kHeaderCells, kNumberCells, "tr.breached td{background:#ffebe9}",
                                kReportCode, kReportCharts, kNoData, kReportMarks});
  for (std::string_view rule : more) {
    out += rule;
    out += '\n';
  }
  return out;
}

}  // namespace

std::string_view html_style(HtmlPage page) {
  static const std::string report = report_style({});
  static const std::string compare = stylesheet(
      {body(""), kH1, kH2, "table{border-collapse:collapse;margin:.5em 0 1em;font-size:.92em}",
       kCells, kHeaderCells, kNumberCells, kCompareCode, kCompareCharts, kNoData});
  static const std::string live = report_style({"tr.fail td{background:#ffebe9}", kLiveVerdicts});
  switch (page) {
    case HtmlPage::report:
      return report;
    case HtmlPage::compare:
      return compare;
    case HtmlPage::live:
      return live;
  }
  return report;
}

}  // namespace syncdrill
