#include "app/run_drill.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/exit_codes.hpp"
#include "app/output_folder.hpp"
#include "app/run_progress.hpp"
#include "app/scenario_input.hpp"
#include "reports/format.hpp"
#include "reports/junit_xml.hpp"
#include "reports/report_html.hpp"
#include "reports/report_json.hpp"
#include "reports/report_md.hpp"
#include "reports/scorecard.hpp"
#include "sim/score/detection.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {

bool RunOptions::wants(std::string_view format) const {
  return std::find(formats.begin(), formats.end(), format) != formats.end();
}

namespace {

DrillOutcome failed(std::ostream& err, int exit_code, const std::string& message) {
  err << "syncdrill: error: " << message << "\n";
  DrillOutcome outcome;
  outcome.exit_code = exit_code;
  outcome.verdict = "ERROR";
  outcome.error = message;
  return outcome;
}

}  // namespace

std::string no_expect_block(const std::string& path) {
  return fmt::format("{}: --expect needs an `expect:` block in the scenario (docs/expectations.md)",
                     path);
}

DrillOutcome run_drill(const RunOptions& options, const std::string& path, const Scenario& scenario,
                       const std::string& out_dir, std::ostream& err, std::ostream* scorecard,
                       bool colour, RunProgress* progress) {
  const RunIdentity id{path, scenario_hash(scenario), options.seed.value_or(scenario.seed)};
  if (std::string problem = out_folder_problem(out_dir); !problem.empty()) {
    return failed(err, kExitUsage, problem);
  }

  // Telemetry streams into a temporary file in the report folder while the run goes, so the
  // folder is made first (and removed again if the run fails and it is still empty).
  CreatedFolders created(out_dir);
  std::unique_ptr<TelemetryJsonl> telemetry;
  if (options.telemetry) {
    if (std::string error = make_directories(out_dir); !error.empty()) {
      return failed(err, kExitInternal, error);
    }
    TelemetryOptions telemetry_options = options.telemetry_options;
    telemetry_options.seed = id.seed;
    telemetry = std::make_unique<TelemetryJsonl>(out_dir + "/telemetry.jsonl", telemetry_options);
    if (!telemetry->error().empty()) return failed(err, kExitInternal, telemetry->error());
  }

  Engine::Limits limits = run_limits(scenario);
  if (options.events_max) limits.events_max = *options.events_max;
  if (progress != nullptr) limits = progress->watch(limits);
  const WorldResult result =
      run_world(scenario, id.seed, limits, telemetry.get(), options.second_core);
  if (progress != nullptr) progress->finish(result.simulated, result.events_processed);
  if (!result.limit_message.empty()) {
    // A run cut short is not a result: write no report rather than a misleading one. The
    // telemetry's temporary file goes with `telemetry` and the folder with `created`, so nothing
    // of this run is left behind.
    std::string why;
    if (result.status == RunStatus::event_limit) {
      why = options.events_max ? " (set by --events-max)"
                               : " (derived from the scenario's expected orders and periodic "
                                 "jobs: see Limits in docs/scenario-format.md)";
    }
    return failed(err, kExitUsage,
                  fmt::format("{}: {}{}; no report written (shorten the scenario or lower its "
                              "traffic)",
                              path, result.limit_message, why));
  }

  const Score score = score_run(scenario, result);
  print_warnings(score.warnings, path, err);
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
  if (options.wants("json") || options.expect) {
    // Judged on the very report.json this run writes (or would write): what the file says.
    const nlohmann::ordered_json report = report_json(scenario, id, result, t, &score);
    if (options.expect && scenario.expect) expected = check_expectations(*scenario.expect, report);
    if (options.wants("json")) files.emplace_back("report.json", report.dump(2) + "\n");
  }
  if (options.wants("md"))
    files.emplace_back("report.md", report_markdown(scenario, id, result, score));
  std::optional<JunitParts> junit;
  if (options.wants("junit")) {
    junit = report_junit_parts(scenario, id, result, score);
    files.emplace_back("junit.xml", junit_document("syncdrill", *junit));
  }
  if (options.wants("html"))
    files.emplace_back("report.html", report_html(scenario, id, result, score));
  std::vector<std::string> written;
  if (error.empty()) error = write_all_or_nothing(out_dir, files, written);
  if (!error.empty() && telemetry) {
    std::error_code ignored;
    std::filesystem::remove(telemetry->path(), ignored);
  }
  if (!error.empty()) return failed(err, kExitInternal, error);
  created.dismiss();
  if (scorecard != nullptr && !options.quiet) {
    *scorecard << scorecard_text(scenario, id, result, out_dir, t, &score, colour, written);
  }

  DrillOutcome outcome;
  outcome.exit_code = score.scored && !score.held() ? kExitBreached : kExitOk;
  if (expected) {
    // A drill that fails by design, and does so, passes.
    outcome.exit_code = expected->met() ? kExitOk : kExitBreached;
    outcome.expected = std::move(expected);
  }
  outcome.verdict = std::string(verdict_text(score));
  for (const TierVerdict& tier : score.tiers) {
    for (const TierCheck& c : tier.checks) {
      if (!c.held) outcome.breached.push_back(fmt::format("{}: {}", tier.tier, check_label(c)));
    }
  }
  outcome.junit = std::move(junit);
  return outcome;
}

}  // namespace syncdrill
