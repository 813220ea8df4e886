// syncdrill run SCENARIO... [--seed N] [--out DIR] [--telemetry...] [--jobs J] [--expect]: runs
// drills and writes their reports; with --expect, judges each by its scenario's `expect:` block.
// One SCENARIO file runs as it always has (app/run_drill.hpp); several, or a folder, run as a
// batch (app/run_batch.hpp).
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "app/command_line.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/parallel.hpp"
#include "app/run_batch.hpp"
#include "app/run_drill.hpp"
#include "app/run_progress.hpp"
#include "app/scenario_input.hpp"
#include "app/scenario_library.hpp"
#include "core/scenario/estimate.hpp"

namespace syncdrill {

namespace po = boost::program_options;

namespace {

struct RunArgs {
  std::vector<std::string> scenarios;
  RunOptions run;
  std::string out_dir;  // empty = out/<scenario name>, or out/ for several
  std::optional<unsigned> jobs;
  std::optional<MemoryBudget> memory;  // what the drills may take together
  bool progress = false;
  Overrides overrides;  // --set
};

// The engine's own ceiling on events (its sequence-number space).
constexpr uint64_t kEventsCeiling = uint64_t{1} << 40;
constexpr unsigned kJobsMax = 256;

// Returns the exit code to stop with, or nothing to go on.
std::optional<int> parse_run_args(const std::vector<std::string>& args, RunArgs& parsed) {
  CommandLine line(
      "run",
      "usage: syncdrill run SCENARIO [--seed N] [--out DIR] [--format LIST] [--quiet]\n"
      "                     [--telemetry] [--telemetry-sample FRACTION]\n"
      "                     [--telemetry-max-records N] [--events-max N] [--progress]\n"
      "                     [--expect]\n"
      "       syncdrill run SCENARIO SCENARIO... | DIR [--jobs J] [--max-memory SIZE]\n"
      "                     [same options]\n\noptions");
  line.add_seed("root seed, a whole number >= 0 (default: the scenario's `seed`)");
  line.add_out(
      "report folder (default: out/<scenario name>); with several scenarios, the folder "
      "that holds DIR/<scenario name>/ and the combined DIR/junit.xml (default: out)");
  line.add_quiet("print nothing on success but warnings (to stderr)");
  line.add_formats("report files to write, comma-separated: json, md, junit, html (default: all)");
  line.add()("telemetry",
             "also write DIR/telemetry.jsonl: one line per request and webhook delivery")(
      "telemetry-sample", po::value<std::string>()->value_name("FRACTION"),
      "keep this fraction of requests, 0 < FRACTION <= 1 (default 1; implies --telemetry)")(
      "telemetry-max-records", po::value<std::string>()->value_name("N"),
      "stop writing telemetry after N records (default 1000000; implies --telemetry)")(
      "events-max", po::value<std::string>()->value_name("N"),
      "stop the run as a runaway after N events, writing no report (default: derived from the "
      "scenario's orders and periodic jobs; docs/scenario-format.md, Limits)")(
      "jobs,j", po::value<std::string>()->value_name("J"),
      "with several scenarios: drills run at once, 1 to 256, at most the number of cores "
      "(default: the number of cores); the reports do not depend on it")(
      "expect",
      "exit 0 when the run does what the scenario's `expect:` block says (verdict, checks held "
      "or breached, figures in range) and 1 when not, with a line per difference; with several "
      "scenarios, each by its own block (docs/expectations.md)");
  line.add_max_memory(
      "with several scenarios: memory the drills may take together, e.g. 4GiB (default: what "
      "the machine or its container has free); --jobs is lowered to fit the largest drill");
  line.add_progress(
      "show progress on stderr (simulated time reached, events per second, time left) even when "
      "stderr is no terminal; on a terminal it shows unless --quiet");
  line.take_scenarios(-1);
  if (auto stop = line.parse(
          args,
          "Runs the scenario in simulated time and writes DIR/report.json, report.md,\n"
          "junit.xml and report.html. The same scenario, seed and syncdrill version always\n"
          "give the same report bytes. SCENARIO is a file, or a drill's name as\n"
          "'syncdrill list' prints it.\n"
          "With --telemetry, DIR/telemetry.jsonl holds one JSON object per request and\n"
          "webhook delivery (docs/telemetry.md); it is capped at N records and 256 MiB,\n"
          "and a cap reached is reported. Neither file is written when the run fails.\n"
          "Several scenarios, or a folder (its *.yaml drills, as 'syncdrill list --dir'\n"
          "shows them), run J at a time: each writes DIR/<scenario name>/,\n"
          "DIR/junit.xml gets a suite per scenario and tier, and a table sums them up.\n"
          "A scenario with errors is reported and the others still run.\n"
          "With --expect, each drill is judged by its `expect:` block instead of its\n"
          "tiers, and the combined junit.xml holds a test case per expectation.\n"
          "Exit codes: 0 every tier held, 1 a tier was breached, 2 bad input or a run\n"
          "stopped by a limit, 3 internal error; with --expect, 0 every expectation met,\n"
          "1 one not met, 2 also a scenario without an `expect:` block; with several\n"
          "scenarios, the worst.\n")) {
    return stop;
  }
  if (!line.has("scenario")) return usage_error("run needs a scenario file");
  parsed.scenarios = line.get<std::vector<std::string>>("scenario");
  parsed.overrides = line.overrides();
  if (auto stop = line.seed(parsed.run.seed)) return stop;
  parsed.out_dir = line.out_dir();
  parsed.run.quiet = line.quiet();
  if (auto stop = line.formats(parsed.run.formats, {"json", "md", "junit", "html"}, false)) {
    return stop;
  }
  parsed.run.telemetry = line.has("telemetry");
  if (line.has("telemetry-sample")) {
    const std::string& text = line.text("telemetry-sample");
    const std::optional<double> sample = positive_number(text);
    if (!sample || *sample > 1) {
      return usage_error(fmt::format(
          "--telemetry-sample must be a fraction with 0 < FRACTION <= 1, not '{}'", text));
    }
    parsed.run.telemetry_options.sample = *sample;
    parsed.run.telemetry = true;
  }
  if (line.has("telemetry-max-records")) {
    const std::string& text = line.text("telemetry-max-records");
    const std::optional<uint64_t> max = whole_number(text);
    if (!max || *max == 0) {
      return usage_error(
          fmt::format("--telemetry-max-records must be a whole number >= 1, not '{}'", text));
    }
    parsed.run.telemetry_options.max_records = *max;
    parsed.run.telemetry = true;
  }
  if (line.has("events-max")) {
    const std::string& text = line.text("events-max");
    const std::optional<uint64_t> max = whole_number(text);
    if (!max || *max == 0 || *max > kEventsCeiling) {
      return usage_error(fmt::format(
          "--events-max must be a whole number between 1 and {}, not '{}'", kEventsCeiling, text));
    }
    parsed.run.events_max = *max;
  }
  if (line.has("jobs")) {
    const std::string& text = line.text("jobs");
    const std::optional<uint64_t> jobs = whole_number(text);
    if (!jobs || *jobs == 0 || *jobs > kJobsMax) {
      return usage_error(
          fmt::format("--jobs takes a whole number from 1 to {}, not '{}'", kJobsMax, text));
    }
    // More threads than cores would only share them: capped, so a pipeline's --jobs works on
    // any machine.
    parsed.jobs = std::min(static_cast<unsigned>(*jobs), machine_cores());
  }
  if (auto stop = line.memory_budget(parsed.memory)) return stop;
  parsed.progress = line.progress();
  parsed.run.expect = line.has("expect");
  // One drill at a time; run_command decides again for several side by side.
  parsed.run.second_core = second_core_free(1, 1);
  return std::nullopt;
}

// `run SCENARIO`: one drill, its folder out/<name> by default, its scorecard on stdout.
int run_one(const RunArgs& parsed) {
  std::string path = parsed.scenarios.front();
  if (auto stop = resolve_scenario(path)) return *stop;
  const std::optional<Scenario> scenario = load_scenario_or_report(path, parsed.overrides);
  if (!scenario) return kExitUsage;
  if (parsed.run.expect && !scenario->expect) return usage_error(no_expect_block(path));
  const std::string out_dir =
      parsed.out_dir.empty() ? fmt::format("out/{}", scenario->name) : parsed.out_dir;
  std::optional<RunProgress> progress;
  if (parsed.progress) progress.emplace(scenario->name, scenario->duration, isatty(STDERR_FILENO));
  // Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org).
  const bool colour = isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
  const DrillOutcome outcome = run_drill(parsed.run, path, *scenario, out_dir, std::cerr,
                                         &std::cout, colour, progress ? &*progress : nullptr);
  if (outcome.expected && (!parsed.run.quiet || !outcome.expected->met())) {
    // Quiet still says why it failed, on stderr.
    (parsed.run.quiet ? std::cerr : std::cout) << expect_summary(*outcome.expected);
  }
  return outcome.exit_code;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  RunArgs parsed;
  if (auto stop = parse_run_args(args, parsed)) return *stop;
  std::error_code ec;
  if (parsed.scenarios.size() == 1 && !std::filesystem::is_directory(parsed.scenarios[0], ec)) {
    return run_one(parsed);
  }
  std::vector<BatchDrill> drills;
  if (auto stop = batch_drills(parsed.scenarios, parsed.overrides, drills)) return *stop;
  BatchOptions options;
  options.run = parsed.run;
  options.out_root = parsed.out_dir.empty() ? "out" : parsed.out_dir;
  options.jobs = parsed.jobs.value_or(machine_cores());
  // Bounded by the largest drill: each thread may be running it.
  double run_bytes = 0;
  std::string largest;
  for (const BatchDrill& d : drills) {
    const double bytes = d.scenario ? estimated_run_bytes(*d.scenario) : 0;
    if (bytes > run_bytes) {
      run_bytes = bytes;
      largest = d.name;
    }
  }
  const JobsFit fit = jobs_within_memory(options.jobs, run_bytes, largest, parsed.memory);
  if (!fit.note.empty() && !parsed.run.quiet) std::cerr << "syncdrill: note: " << fit.note << "\n";
  options.jobs = fit.jobs;
  options.run.second_core = second_core_free(options.jobs, drills.size());
  options.progress = parsed.progress;
  options.progress_terminal = isatty(STDERR_FILENO) != 0;
  return run_batch(options, drills);
}

}  // namespace syncdrill
