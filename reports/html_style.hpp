// The stylesheet of syncdrill's HTML pages (report.html, compare.html, the live drill's
// report.html), in one place: each page's <style> text is made of the rules the pages share and
// the page's own. Rules only, no @import or url(): the pages stay self-contained.
#pragma once

#include <string_view>

namespace syncdrill {

enum class HtmlPage {
  report,   // report.html of a simulated run (reports/report_html.cpp)
  compare,  // compare.html (reports/compare_html.cpp)
  live,     // report.html of a live drill (reports/live_report.cpp)
};

// The text between <style> and </style> for `page`: the same bytes on every call.
std::string_view html_style(HtmlPage page);

}  // namespace syncdrill
