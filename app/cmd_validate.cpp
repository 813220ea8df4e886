// syncdrill validate FILE...: loads each scenario and reports every error of every file.
#include <iostream>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/scenario_input.hpp"
#include "sim/world/fault_reach.hpp"

namespace syncdrill {

namespace po = boost::program_options;

int validate_command(const std::vector<std::string>& args) {
  po::options_description visible("usage: syncdrill validate SCENARIO...\n\noptions");
  visible.add_options()("help,h", "show this help");
  po::options_description all;
  all.add(visible).add_options()("scenario", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("scenario", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  } catch (const po::error& e) {
    return usage_error(fmt::format("{} (see 'syncdrill validate --help')", e.what()));
  }
  if (vm.count("help")) {
    std::cout << visible << "\nChecks each scenario file (and the bases it extends) and prints\n"
              << "every error as FILE:LINE:COLUMN: KEY.PATH: MESSAGE. Exit code 2 if any fails.\n"
              << "Warns (stderr, exit code unchanged) of faults no monitor can observe and of\n"
              << "monitors that watch no connector.\n";
    return kExitOk;
  }
  if (!vm.count("scenario")) return usage_error("validate needs at least one scenario file");
  int exit_code = kExitOk;
  for (const std::string& path : vm["scenario"].as<std::vector<std::string>>()) {
    if (auto scenario = load_scenario_or_report(path)) {
      std::cout << fmt::format("ok: {} (scenario '{}')\n", path, scenario->name);
      print_warnings(observability_warnings(*scenario), path);
    } else {
      exit_code = kExitUsage;
    }
  }
  return exit_code;
}

}  // namespace syncdrill
