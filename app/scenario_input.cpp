#include "app/scenario_input.hpp"

#include <iostream>

#include <fmt/format.h>

#include "app/scenario_library.hpp"

namespace syncdrill {

namespace {

void print_diagnostic(const Diagnostic& d) {
  std::cerr << "syncdrill: error: " << format_diagnostic(d) << "\n";
  if (d.source_line.empty()) return;
  std::cerr << "  " << d.source_line << "\n";
  // The caret keeps tabs as tabs so it lines up under the column in a terminal.
  std::string pad;
  for (int i = 1; i < d.column && static_cast<size_t>(i - 1) < d.source_line.size(); ++i) {
    pad += d.source_line[static_cast<size_t>(i - 1)] == '\t' ? '\t' : ' ';
  }
  std::cerr << "  " << pad << "^\n";
}

}  // namespace

std::optional<Scenario> load_scenario_or_report(const std::string& path) {
  return scenario_or_report(load_scenario_file(resolve_scenario_path(path)), path);
}

std::optional<Scenario> scenario_or_report(LoadResult result, const std::string& path) {
  if (result.ok()) return std::move(result.scenario);
  for (const Diagnostic& d : result.errors)
    print_diagnostic(d);
  std::cerr << fmt::format("syncdrill: {} error{} in {}\n", result.errors.size(),
                           result.errors.size() == 1 ? "" : "s", path);
  return std::nullopt;
}

void print_warnings(const std::vector<std::string>& warnings, const std::string& path) {
  for (const std::string& w : warnings)
    std::cerr << fmt::format("syncdrill: warning: {}: {}\n", path, w);
}

}  // namespace syncdrill
