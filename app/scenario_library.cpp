#include "app/scenario_library.hpp"

#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <system_error>

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

}  // namespace syncdrill
