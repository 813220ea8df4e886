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
  line.add()("dir", po::value<std::string>()->value_name("DIR"),
             "scenario folder (default: $SYNCDRILL_SCENARIO_DIR, else the shipped library)");
  if (auto stop = line.parse(
          args,
          "Lists the drills of the scenario folder, one per line: its *.yaml files, not\n"
          "those of its subfolders (where base files live, as in scenarios/base/).\n"
          "'syncdrill run NAME' (and validate, compare, sweep, serve) takes a drill of the\n"
          "shipped library, or of $SYNCDRILL_SCENARIO_DIR, by the name shown.\n")) {
    return *stop;
  }
  const std::string dir = line.has("dir") ? line.text("dir") : scenario_library_dir();
  std::vector<FolderDrill> drills;
  if (std::string error = drills_in(dir, drills); !error.empty()) return usage_error(error);
  int exit_code = kExitOk;
  std::vector<std::pair<std::string, std::string>> rows;  // name, what to say of it
  for (const FolderDrill& d : drills) {
    if (d.load.ok()) {
      rows.emplace_back(d.load.scenario->name, first_line(d.load.scenario->description));
    } else {
      rows.emplace_back(fs::path(d.path).stem().string(),
                        fmt::format("invalid: run 'syncdrill validate {}'", d.path));
      exit_code = kExitUsage;
    }
  }
  size_t width = 0;
  for (const auto& row : rows)
    width = std::max(width, row.first.size());
  for (const auto& [name, text] : rows)
    std::cout << fmt::format("{:<{}}  {}\n", name, width, text);
  if (drills.empty()) std::cout << fmt::format("no scenarios in {}\n", dir);
  return exit_code;
}

}  // namespace syncdrill
