// syncdrill validate FILE...: loads each scenario and reports every error of every file.
#include <iostream>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "app/command_line.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/memory_budget.hpp"
#include "app/scenario_input.hpp"
#include "app/scenario_library.hpp"
#include "core/scenario/estimate.hpp"
#include "sim/world/fault_reach.hpp"

namespace syncdrill {

int validate_command(const std::vector<std::string>& args) {
  CommandLine line("validate", "usage: syncdrill validate SCENARIO...\n\noptions");
  line.take_scenarios(-1);
  if (auto stop = line.parse(
          args,
          "Checks each scenario file (and the bases it extends) and prints\n"
          "every error as FILE:LINE:COLUMN: KEY.PATH: MESSAGE. Exit code 2 if any fails.\n"
          "For a valid file it prints the memory one run is estimated to need (what\n"
          "run, compare and sweep bound --jobs by).\n"
          "Warns (stderr, exit code unchanged) of faults no monitor can observe and of\n"
          "monitors that watch no connector.\n")) {
    return *stop;
  }
  if (!line.has("scenario")) return usage_error("validate needs at least one scenario file");
  int exit_code = kExitOk;
  for (std::string path : line.get<std::vector<std::string>>("scenario")) {
    if (resolve_scenario(path)) {
      exit_code = kExitUsage;
    } else if (auto scenario = load_scenario_or_report(path, line.overrides())) {
      std::cout << fmt::format("ok: {} (scenario '{}'): a run needs about {} of memory\n", path,
                               scenario->name, memory_size_text(estimated_run_bytes(*scenario)));
      print_warnings(observability_warnings(*scenario), path);
    } else {
      exit_code = kExitUsage;
    }
  }
  return exit_code;
}

}  // namespace syncdrill
