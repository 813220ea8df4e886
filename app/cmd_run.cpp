// syncdrill run SCENARIO [--seed N] [--out DIR]: runs a drill and writes its reports.
#include <iostream>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/scenario_input.hpp"
#include "reports/atomic_file.hpp"
#include "reports/content_hash.hpp"
#include "reports/report_json.hpp"
#include "reports/scorecard.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {

namespace po = boost::program_options;

namespace {

struct RunArgs {
  std::string scenario;
  std::optional<uint64_t> seed;
  std::string out_dir;  // empty = out/<scenario name>
  bool quiet = false;
};

// Returns the exit code to stop with, or nothing to go on.
std::optional<int> parse_run_args(const std::vector<std::string>& args, RunArgs& parsed) {
  po::options_description visible(
      "usage: syncdrill run SCENARIO [--seed N] [--out DIR]\n\noptions");
  visible.add_options()("help,h", "show this help")("seed", po::value<uint64_t>(),
                                                    "root seed (default: the scenario's `seed`)")(
      "out", po::value<std::string>(), "report folder (default: out/<scenario name>)")(
      "quiet,q", "print nothing on success");
  po::options_description all;
  all.add(visible).add_options()("scenario", po::value<std::string>());
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  } catch (const po::error& e) {
    return usage_error(fmt::format("{} (see 'syncdrill run --help')", e.what()));
  }
  if (vm.count("help")) {
    std::cout << visible
              << "\nRuns the scenario in simulated time and writes DIR/report.json. The same\n"
                 "scenario, seed and syncdrill version always give the same report bytes.\n";
    return kExitOk;
  }
  if (!vm.count("scenario")) return usage_error("run needs a scenario file");
  parsed.scenario = vm["scenario"].as<std::string>();
  if (vm.count("seed")) parsed.seed = vm["seed"].as<uint64_t>();
  if (vm.count("out")) parsed.out_dir = vm["out"].as<std::string>();
  parsed.quiet = vm.count("quiet") > 0;
  return std::nullopt;
}

std::string scenario_hash(const Scenario& scenario) {
  std::vector<std::string_view> contents;
  for (const SourceFile& f : scenario.sources)
    contents.push_back(f.content);
  return content_hash(contents);
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  RunArgs parsed;
  if (auto stop = parse_run_args(args, parsed)) return *stop;
  const std::optional<Scenario> scenario = load_scenario_or_report(parsed.scenario);
  if (!scenario) return kExitUsage;

  const RunIdentity id{parsed.scenario, scenario_hash(*scenario),
                       parsed.seed.value_or(scenario->seed)};
  const WorldResult result = run_world(*scenario, id.seed);
  if (!result.limit_message.empty()) {
    // A run cut short is not a result: write no report rather than a misleading one.
    return usage_error(
        fmt::format("{}: {}; no report written (shorten the scenario or lower "
                    "its traffic)",
                    parsed.scenario, result.limit_message));
  }

  const std::string out_dir =
      parsed.out_dir.empty() ? fmt::format("out/{}", scenario->name) : parsed.out_dir;
  std::string error = make_directories(out_dir);
  if (error.empty()) {
    error = write_file_atomically(out_dir + "/report.json",
                                  report_json(*scenario, id, result).dump(2) + "\n");
  }
  if (!error.empty()) {
    std::cerr << "syncdrill: error: " << error << "\n";
    return kExitInternal;
  }
  if (!parsed.quiet) std::cout << scorecard_text(*scenario, id, result, out_dir);
  return kExitOk;
}

}  // namespace syncdrill
