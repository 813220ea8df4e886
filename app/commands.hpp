// The handlers of the subcommand table; each parses its own arguments.
#pragma once

#include <string>
#include <vector>

namespace syncdrill {

int run_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int list_command(const std::vector<std::string>& args);
int compare_command(const std::vector<std::string>& args);
int sweep_command(const std::vector<std::string>& args);
int merge_command(const std::vector<std::string>& args);
int serve_command(const std::vector<std::string>& args);
int connect_command(const std::vector<std::string>& args);

}  // namespace syncdrill
