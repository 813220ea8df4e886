// syncdrill list: the shipped scenario library, one line per drill.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "app/command_line.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/scenario_library.hpp"
#include "core/scenario/loader.hpp"

namespace syncdrill {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

std::string first_line(const std::string& text) {
  const size_t end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

}  // namespace

int list_command(const std::vector<std::string>& args) {
  CommandLine line("list", "usage: syncdrill list [--dir DIR]\n\noptions");
  line.add()("dir", po::value<std::string>()->default_value(scenario_library_dir()),
             "scenario folder (also $SYNCDRILL_SCENARIO_DIR)");
  if (auto stop =
          line.parse(args, "Lists the drills in the scenario folder (not its base files).\n")) {
    return *stop;
  }
  const std::string dir = line.text("dir");
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry);
  }
  if (ec)
    return usage_error(fmt::format("cannot read scenario folder '{}': {}", dir, ec.message()));
  std::sort(files.begin(), files.end());
  int exit_code = kExitOk;
  std::vector<std::pair<std::string, std::string>> rows;  // name, what to say of it
  for (const fs::path& file : files) {
    const LoadResult result = load_scenario_file(file.string());
    if (result.ok()) {
      rows.emplace_back(result.scenario->name, first_line(result.scenario->description));
    } else {
      rows.emplace_back(file.stem().string(),
                        fmt::format("invalid: run 'syncdrill validate {}'", file.string()));
      exit_code = kExitUsage;
    }
  }
  size_t width = 0;
  for (const auto& row : rows)
    width = std::max(width, row.first.size());
  for (const auto& [name, text] : rows)
    std::cout << fmt::format("{:<{}}  {}\n", name, width, text);
  if (files.empty()) std::cout << fmt::format("no scenarios in {}\n", dir);
  return exit_code;
}

}  // namespace syncdrill
