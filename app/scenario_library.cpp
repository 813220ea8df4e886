#include "app/scenario_library.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <system_error>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "app/command_line.hpp"

namespace syncdrill {

namespace fs = std::filesystem;

namespace {

// Where an installed syncdrill keeps the library, relative to the folder of its binary (the
// layout of the CMake install rules: bin/ and share/syncdrill/scenarios under one prefix).
constexpr const char* kInstalledLibrary = "../share/syncdrill/scenarios";

// The installed library beside the running binary, or empty when there is none (a build tree).
fs::path installed_library() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return {};
  const fs::path dir = (exe.parent_path() / kInstalledLibrary).lexically_normal();
  return fs::is_directory(dir, ec) ? dir : fs::path();
}

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

}  // namespace

std::string scenario_library_dir() {
  if (const char* env = std::getenv("SYNCDRILL_SCENARIO_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  if (fs::path installed = installed_library(); !installed.empty()) return installed.string();
  return SYNCDRILL_SCENARIO_DIR;
}

std::string resolve_scenario_path(const std::string& arg) {
  std::error_code ec;
  const fs::path given(arg);
  // A folder of the same name in the working directory (out/NAME's parent, say) is no scenario.
  const bool present = fs::exists(given, ec) && !fs::is_directory(given, ec);
  if (arg.empty() || present || given.is_absolute()) return arg;
  const fs::path library(scenario_library_dir());
  fs::path candidate;
  if (!given.has_parent_path()) {
    candidate = library / given;
    if (given.extension() != ".yaml") candidate += ".yaml";
  } else if (auto first = given.begin(); *first == "scenarios") {
    candidate = library;
    for (auto part = std::next(first); part != given.end(); ++part)
      candidate /= *part;
  }
  return !candidate.empty() && is_file(candidate) ? candidate.string() : arg;
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
  // A folder is run's batch mode, not a drill: left for the caller.
  if (fs::is_directory(argument, ec)) return std::nullopt;
  argument = resolve_scenario_path(argument);
  const bool file_like = argument.find('/') != std::string::npos || argument.ends_with(".yaml") ||
                         argument.ends_with(".yml") || argument.empty();
  if (file_like || fs::exists(argument, ec)) return std::nullopt;
  const std::string dir = scenario_library_dir();
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
