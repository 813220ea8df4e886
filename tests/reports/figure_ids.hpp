// The ids of an HTML report's <figure>s, in page order: the chart sections of a run's
// report.html and a live drill's are compared by them (tests/reports/live_report_test.cpp,
// tests/app/serve_test.cpp).
#pragma once

#include <string>
#include <vector>

namespace syncdrill::testing {

// A plain search, not std::regex: GCC 12 reports a false -Wmaybe-uninitialized inside
// std::regex under the sanitize preset, and -Werror stops the build.
inline std::vector<std::string> figure_ids(const std::string& page) {
  static const std::string open = "<figure id=\"";
  std::vector<std::string> out;
  for (size_t at = page.find(open); at != std::string::npos; at = page.find(open, at)) {
    at += open.size();
    const size_t end = page.find('"', at);
    if (end == std::string::npos) break;
    out.push_back(page.substr(at, end - at));
  }
  return out;
}

}  // namespace syncdrill::testing
