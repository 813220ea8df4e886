// syncdrill run SCENARIO [--seed N] [--out DIR] [--telemetry...] [--expect]: runs a drill and
// writes its reports; with --expect, judges it by the scenario's `expect:` block.
#include <unistd.h>
#include <filesystem>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "app/command_line.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/output_folder.hpp"
#include "app/scenario_input.hpp"
#include "reports/atomic_file.hpp"
#include "reports/content_hash.hpp"
#include "reports/expect_check.hpp"
#include "reports/junit_xml.hpp"
#include "reports/report_html.hpp"
#include "reports/report_json.hpp"
#include "reports/report_md.hpp"
#include "reports/scorecard.hpp"
#include "reports/telemetry_jsonl.hpp"
#include "sim/score/detection.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {

namespace po = boost::program_options;

namespace {

struct RunArgs {
  std::string scenario;
  std::optional<uint64_t> seed;
  std::string out_dir;  // empty = out/<scenario name>
  bool quiet = false;
  // The report files to write: "json", "md", "junit" (all by default).
  std::vector<std::string> formats{"json", "md", "junit", "html"};
  bool telemetry = false;  // write DIR/telemetry.jsonl
  TelemetryOptions telemetry_options;
  std::optional<uint64_t> events_max;  // none = run_limits(scenario)
  // Judge the run by the scenario's `expect:` block instead of its tiers (docs/expectations.md).
  bool expect = false;
};

// The engine's own ceiling on events (its sequence-number space).
constexpr uint64_t kEventsCeiling = uint64_t{1} << 40;

// Returns the exit code to stop with, or nothing to go on.
std::optional<int> parse_run_args(const std::vector<std::string>& args, RunArgs& parsed) {
  CommandLine line("run",
                   "usage: syncdrill run SCENARIO [--seed N] [--out DIR] [--telemetry] [--expect]\n"
                   "                     [--telemetry-sample FRACTION] [--telemetry-max-records "
                   "N]\n\noptions");
  // --seed stays boost's own number: its errors and its reading of "-1" are run's since 0.1.
  line.add()("seed", po::value<uint64_t>(), "root seed (default: the scenario's `seed`)");
  line.add_out("report folder (default: out/<scenario name>)", "arg");
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
      "scenario's orders and periodic jobs; docs/scenario-format.md, Limits)");
  line.add()("expect",
             "exit 0 when the run does what the scenario's `expect:` block says (verdict, "
             "checks held or breached, figures in range) and 1 when not, with a line per "
             "difference (docs/expectations.md)");
  line.take_scenarios(1);
  if (auto stop = line.parse(
          args,
          "Runs the scenario in simulated time and writes DIR/report.json. The same\n"
          "scenario, seed and syncdrill version always give the same report bytes.\n"
          "With --telemetry, DIR/telemetry.jsonl holds one JSON object per request and\n"
          "webhook delivery (docs/telemetry.md); it is capped at N records and 256 MiB,\n"
          "and a cap reached is reported. Neither file is written when the run fails.\n")) {
    return stop;
  }
  if (auto stop = line.scenario(parsed.scenario)) return stop;
  if (line.has("seed")) parsed.seed = line.get<uint64_t>("seed");
  parsed.out_dir = line.out_dir();
  parsed.quiet = line.quiet();
  if (auto stop = line.formats(parsed.formats, {"json", "md", "junit", "html"}, false)) {
    return stop;
  }
  parsed.telemetry = line.has("telemetry");
  parsed.expect = line.has("expect");
  if (line.has("telemetry-sample")) {
    const std::string& text = line.text("telemetry-sample");
    const std::optional<double> sample = positive_number(text);
    if (!sample || *sample > 1) {
      return usage_error(fmt::format(
          "--telemetry-sample must be a fraction with 0 < FRACTION <= 1, not '{}'", text));
    }
    parsed.telemetry_options.sample = *sample;
    parsed.telemetry = true;
  }
  if (line.has("telemetry-max-records")) {
    const std::string& text = line.text("telemetry-max-records");
    const std::optional<uint64_t> max = whole_number(text);
    if (!max || *max == 0) {
      return usage_error(
          fmt::format("--telemetry-max-records must be a whole number >= 1, not '{}'", text));
    }
    parsed.telemetry_options.max_records = *max;
    parsed.telemetry = true;
  }
  if (line.has("events-max")) {
    const std::string& text = line.text("events-max");
    const std::optional<uint64_t> max = whole_number(text);
    if (!max || *max == 0 || *max > kEventsCeiling) {
      return usage_error(fmt::format(
          "--events-max must be a whole number between 1 and {}, not '{}'", kEventsCeiling, text));
    }
    parsed.events_max = *max;
  }
  return std::nullopt;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  RunArgs parsed;
  if (auto stop = parse_run_args(args, parsed)) return *stop;
  const std::optional<Scenario> scenario = load_scenario_or_report(parsed.scenario);
  if (!scenario) return kExitUsage;
  if (parsed.expect && !scenario->expect) {
    return usage_error(
        fmt::format("{}: --expect needs an `expect:` block in the scenario (docs/expectations.md)",
                    parsed.scenario));
  }

  const RunIdentity id{parsed.scenario, scenario_hash(*scenario),
                       parsed.seed.value_or(scenario->seed)};
  const std::string out_dir =
      parsed.out_dir.empty() ? fmt::format("out/{}", scenario->name) : parsed.out_dir;
  if (std::string problem = out_folder_problem(out_dir); !problem.empty()) {
    std::cerr << "syncdrill: error: " << problem << "\n";
    return kExitUsage;
  }
  const auto internal_error = [](const std::string& error) {
    std::cerr << "syncdrill: error: " << error << "\n";
    return kExitInternal;
  };

  // Telemetry streams into a temporary file in the report folder while the run goes, so the
  // folder is made first (and removed again if the run fails and it is still empty).
  CreatedFolders created(out_dir);
  std::unique_ptr<TelemetryJsonl> telemetry;
  if (parsed.telemetry) {
    if (std::string error = make_directories(out_dir); !error.empty()) {
      return internal_error(error);
    }
    TelemetryOptions options = parsed.telemetry_options;
    options.seed = id.seed;
    telemetry = std::make_unique<TelemetryJsonl>(out_dir + "/telemetry.jsonl", options);
    if (!telemetry->error().empty()) return internal_error(telemetry->error());
  }

  Engine::Limits limits = run_limits(*scenario);
  if (parsed.events_max) limits.events_max = *parsed.events_max;
  const WorldResult result = run_world(*scenario, id.seed, limits, telemetry.get());
  if (!result.limit_message.empty()) {
    // A run cut short is not a result: write no report rather than a misleading one. The
    // telemetry's temporary file goes with `telemetry` and the folder with `created`, so nothing
    // of this run is left behind.
    std::string why;
    if (result.status == RunStatus::event_limit) {
      why = parsed.events_max ? " (set by --events-max)"
                              : " (derived from the scenario's expected orders and periodic "
                                "jobs: see Limits in docs/scenario-format.md)";
    }
    return usage_error(
        fmt::format("{}: {}{}; no report written (shorten the scenario or lower its traffic)",
                    parsed.scenario, result.limit_message, why));
  }

  const Score score = score_run(*scenario, result);
  print_warnings(score.warnings, parsed.scenario);
  auto wanted = [&](std::string_view format) {
    return std::find(parsed.formats.begin(), parsed.formats.end(), format) != parsed.formats.end();
  };
  std::string error = make_directories(out_dir);
  std::optional<TelemetrySummary> summary;
  if (error.empty() && telemetry) {
    // Committed before report.json, which describes it: a report that names telemetry has it.
    error = telemetry->commit();
    summary = TelemetrySummary{"telemetry.jsonl", telemetry->options(), telemetry->stats()};
  }
  // Each report is written whole or not at all (a temporary file, then a rename), and a run
  // that could not write every report leaves none of this run's.
  std::vector<std::pair<std::string, std::string>> files;
  const TelemetrySummary* t = summary ? &*summary : nullptr;
  std::optional<ExpectResult> expected;
  if (wanted("json") || parsed.expect) {
    const nlohmann::ordered_json report = report_json(*scenario, id, result, t, &score);
    if (parsed.expect) expected = check_expectations(*scenario->expect, report);
    if (wanted("json")) files.emplace_back("report.json", report.dump(2) + "\n");
  }
  if (wanted("md")) files.emplace_back("report.md", report_markdown(*scenario, id, result, score));
  if (wanted("junit")) files.emplace_back("junit.xml", report_junit(*scenario, id, result, score));
  if (wanted("html")) files.emplace_back("report.html", report_html(*scenario, id, result, score));
  std::vector<std::string> written;
  if (error.empty()) error = write_all_or_nothing(out_dir, files, written);
  if (!error.empty() && telemetry) {
    std::error_code ignored;
    std::filesystem::remove(telemetry->path(), ignored);
  }
  if (!error.empty()) return internal_error(error);
  created.dismiss();
  if (!parsed.quiet) {
    // Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org).
    const bool colour = isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
    std::cout << scorecard_text(*scenario, id, result, out_dir, summary ? &*summary : nullptr,
                                &score, colour, written);
  }
  if (expected) {
    // The run is judged by its expectations: a drill that fails by design and does so passes.
    if (!parsed.quiet || !expected->met())
      (parsed.quiet ? std::cerr : std::cout) << expect_summary(*expected);
    return expected->met() ? kExitOk : kExitBreached;
  }
  return score.scored && !score.held() ? kExitBreached : kExitOk;
}

}  // namespace syncdrill
