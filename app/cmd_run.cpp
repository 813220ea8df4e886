// syncdrill run SCENARIO [--seed N] [--out DIR] [--telemetry...]: runs a drill and writes its
// reports.
#include <unistd.h>
#include <charconv>
#include <cmath>
#include <filesystem>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/output_folder.hpp"
#include "app/scenario_input.hpp"
#include "reports/atomic_file.hpp"
#include "reports/content_hash.hpp"
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
};

// The engine's own ceiling on events (its sequence-number space).
constexpr uint64_t kEventsCeiling = uint64_t{1} << 40;

// A fraction in (0, 1], written in full ("0.1", "1e-3"); nothing else.
std::optional<double> parse_fraction(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || !std::isfinite(value) || value <= 0 || value > 1) {
    return std::nullopt;
  }
  return value;
}

// A whole number >= 1, digits only.
std::optional<uint64_t> parse_count(const std::string& text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || value == 0) return std::nullopt;
  return value;
}

// Returns the exit code to stop with, or nothing to go on.
std::optional<int> parse_run_args(const std::vector<std::string>& args, RunArgs& parsed) {
  po::options_description visible(
      "usage: syncdrill run SCENARIO [--seed N] [--out DIR] [--telemetry]\n"
      "                     [--telemetry-sample FRACTION] [--telemetry-max-records N]\n\noptions");
  visible.add_options()("help,h", "show this help")("seed", po::value<uint64_t>(),
                                                    "root seed (default: the scenario's `seed`)")(
      "out", po::value<std::string>(), "report folder (default: out/<scenario name>)")(
      "quiet,q", "print nothing on success but warnings (to stderr)")(
      "format", po::value<std::string>()->value_name("LIST"),
      "report files to write, comma-separated: json, md, junit, html (default: all)")(
      "telemetry", "also write DIR/telemetry.jsonl: one line per request and webhook delivery")(
      "telemetry-sample", po::value<std::string>()->value_name("FRACTION"),
      "keep this fraction of requests, 0 < FRACTION <= 1 (default 1; implies --telemetry)")(
      "telemetry-max-records", po::value<std::string>()->value_name("N"),
      "stop writing telemetry after N records (default 1000000; implies --telemetry)")(
      "events-max", po::value<std::string>()->value_name("N"),
      "stop the run as a runaway after N events, writing no report (default: derived from the "
      "scenario's orders and periodic jobs; docs/scenario-format.md, Limits)");
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
                 "scenario, seed and syncdrill version always give the same report bytes.\n"
                 "With --telemetry, DIR/telemetry.jsonl holds one JSON object per request and\n"
                 "webhook delivery (docs/telemetry.md); it is capped at N records and 256 MiB,\n"
                 "and a cap reached is reported. Neither file is written when the run fails.\n";
    return kExitOk;
  }
  if (!vm.count("scenario")) return usage_error("run needs a scenario file");
  parsed.scenario = vm["scenario"].as<std::string>();
  if (vm.count("seed")) parsed.seed = vm["seed"].as<uint64_t>();
  if (vm.count("out")) parsed.out_dir = vm["out"].as<std::string>();
  parsed.quiet = vm.count("quiet") > 0;
  if (vm.count("format")) {
    parsed.formats.clear();
    std::string_view list = vm["format"].as<std::string>();
    while (!list.empty()) {
      const size_t comma = list.find(',');
      const std::string_view name = list.substr(0, comma);
      if (name != "json" && name != "md" && name != "junit" && name != "html") {
        return usage_error(fmt::format(
            "--format takes json, md, junit and html, comma-separated; '{}' is none of them",
            name));
      }
      if (std::find(parsed.formats.begin(), parsed.formats.end(), name) == parsed.formats.end()) {
        parsed.formats.emplace_back(name);
      }
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    if (parsed.formats.empty()) {
      return usage_error("--format needs at least one of json, md, junit, html");
    }
  }
  parsed.telemetry = vm.count("telemetry") > 0;
  if (vm.count("telemetry-sample")) {
    const std::string& text = vm["telemetry-sample"].as<std::string>();
    const std::optional<double> sample = parse_fraction(text);
    if (!sample) {
      return usage_error(fmt::format(
          "--telemetry-sample must be a fraction with 0 < FRACTION <= 1, not '{}'", text));
    }
    parsed.telemetry_options.sample = *sample;
    parsed.telemetry = true;
  }
  if (vm.count("telemetry-max-records")) {
    const std::string& text = vm["telemetry-max-records"].as<std::string>();
    const std::optional<uint64_t> max = parse_count(text);
    if (!max) {
      return usage_error(
          fmt::format("--telemetry-max-records must be a whole number >= 1, not '{}'", text));
    }
    parsed.telemetry_options.max_records = *max;
    parsed.telemetry = true;
  }
  if (vm.count("events-max")) {
    const std::string& text = vm["events-max"].as<std::string>();
    const std::optional<uint64_t> max = parse_count(text);
    if (!max || *max > kEventsCeiling) {
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
  if (wanted("json"))
    files.emplace_back("report.json", report_json(*scenario, id, result, t, &score).dump(2) + "\n");
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
  return score.scored && !score.held() ? kExitBreached : kExitOk;
}

}  // namespace syncdrill
