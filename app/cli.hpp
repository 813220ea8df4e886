// The command line: a table of subcommands (name, one-line help, handler), as ninja does it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace syncdrill {

struct Command {
  std::string_view name;
  std::string_view summary;
  // Receives the arguments after the subcommand's name; returns an exit code (exit_codes.hpp).
  int (*handler)(const std::vector<std::string>& args);
};

// The subcommands, in the order `syncdrill --help` lists them.
const std::vector<Command>& commands();

// main() in a function: parses argv, dispatches, maps uncaught exceptions to kExitInternal.
int cli_main(int argc, char** argv);

// Prints "syncdrill: error: <message>" to stderr and returns kExitUsage.
int usage_error(std::string_view message);

}  // namespace syncdrill
