#include "app/scenario_library.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "app/command_line.hpp"

namespace syncdrill {

namespace fs = std::filesystem;

std::string default_scenario_dir() {
  if (const char* env = std::getenv("SYNCDRILL_SCENARIO_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return SYNCDRILL_SCENARIO_DIR;
}

std::string drills_in(const std::string& dir, std::vector<FolderDrill>& drills,
                      const Overrides& overrides) {
  drills.clear();
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry);
  }
  if (ec) return fmt::format("cannot read scenario folder '{}': {}", dir, ec.message());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files)
    drills.push_back(FolderDrill{file.string(), load_scenario_file(file.string(), {}, overrides)});
  return {};
}

std::optional<int> resolve_scenario(std::string& argument) {
  std::error_code ec;
  const bool file_like = argument.find('/') != std::string::npos || argument.ends_with(".yaml") ||
                         argument.ends_with(".yml") || argument.empty();
  if (file_like || fs::exists(argument, ec)) return std::nullopt;
  const std::string dir = default_scenario_dir();
  std::vector<FolderDrill> drills;
  const std::string error = drills_in(dir, drills);
  std::vector<std::string> names;
  for (const FolderDrill& d : drills) {
    // A drill that does not load is listed under its file name; `run` of it shows its errors.
    const std::string name = d.load.ok() ? d.load.scenario->name : fs::path(d.path).stem().string();
    if (name == argument) {
      argument = d.path;
      return std::nullopt;
    }
    names.push_back(name);
  }
  const std::string near = closest_name(argument, names);
  return usage_error(fmt::format(
      "no scenario file or library drill named '{}'{} ({})", argument,
      near.empty() ? "" : fmt::format("; did you mean '{}'?", near),
      error.empty() ? fmt::format("'syncdrill list' shows the drills of {}", dir) : error));
}

}  // namespace syncdrill
