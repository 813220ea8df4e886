#include "app/cli.hpp"

#include <exception>
#include <iostream>

#include <fmt/format.h>

#include "app/command_line.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"

namespace syncdrill {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"run", "run drills (files, names list shows, a folder) and write reports", run_command},
      {"validate", "check scenario files and report every error", validate_command},
      {"list", "list the drills of the scenario library", list_command},
      {"compare", "compare retry policies on the same seeds", compare_command},
      {"sweep", "run a grid over policy parameters", sweep_command},
      {"merge", "join the shard files of a compare or sweep into its reports", merge_command},
      {"serve", "serve the mocks over HTTP for a live drill of a real connector", serve_command},
      {"connect", "run the reference connector against a live drill", connect_command},
  };
  return table;
}

int usage_error(std::string_view message) {
  std::cerr << "syncdrill: error: " << message << "\n";
  return kExitUsage;
}

namespace {

void print_help() {
  std::cout << "syncdrill " SYNCDRILL_VERSION
               " - chaos and failure drills for ecommerce integrations\n\n"
               "usage: syncdrill COMMAND [ARGS...]\n"
               "       syncdrill --help | --version\n\ncommands:\n";
  for (const Command& c : commands())
    std::cout << fmt::format("  {:<10} {}\n", c.name, c.summary);
  std::cout << "\n'syncdrill COMMAND --help' describes a command.\n"
               "exit codes: 0 every SLA tier held, 1 a tier was breached, 2 bad input or usage,\n"
               "            3 internal error (compare and sweep: 0 done; the verdicts are in\n"
               "            their files)\n";
}

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    print_help();
    return kExitUsage;
  }
  const std::string_view first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    print_help();
    return kExitOk;
  }
  if (first == "--version") {
    std::cout << "syncdrill " SYNCDRILL_VERSION "\n";
    return kExitOk;
  }
  std::vector<std::string> names;
  for (const Command& c : commands()) {
    if (c.name == first) return c.handler(std::vector<std::string>(argv + 2, argv + argc));
    names.emplace_back(c.name);
  }
  const std::string near = closest_name(first, names);
  return usage_error(fmt::format("unknown command '{}'{} (see 'syncdrill --help' for the commands)",
                                 first,
                                 near.empty() ? "" : fmt::format("; did you mean '{}'?", near)));
}

}  // namespace

int cli_main(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "syncdrill: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}

}  // namespace syncdrill
