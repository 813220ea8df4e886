// The ids of an HTML report's <figure>s, in page order: the chart sections of a run's
// report.html and a live drill's are compared by them (tests/reports/live_report_test.cpp,
// tests/app/serve_test.cpp).
#pragma once

#include <regex>
#include <string>
#include <vector>

namespace syncdrill::testing {

inline std::vector<std::string> figure_ids(const std::string& page) {
  std::vector<std::string> out;
  const std::regex figure("<figure id=\"([^\"]+)\"");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), figure);
       it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1].str());
  }
  return out;
}

}  // namespace syncdrill::testing
