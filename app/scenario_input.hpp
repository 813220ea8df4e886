// Loading a scenario for a subcommand: prints every error the loader found, ninja style,
// with the offending line and a caret under the column.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/scenario/loader.hpp"

namespace syncdrill {

// Returns the scenario, or prints its errors to stderr and returns nothing. PATH may also name a
// drill of the library (resolve_scenario_path); messages keep PATH as given.
std::optional<Scenario> load_scenario_or_report(const std::string& path);

// The same for a load already done; `path` names the input in the closing count.
std::optional<Scenario> scenario_or_report(LoadResult result, const std::string& path);

// Prints each warning to stderr as "syncdrill: warning: PATH: ...". Warnings never fail a command.
void print_warnings(const std::vector<std::string>& warnings, const std::string& path);

}  // namespace syncdrill
