#include "app/run_batch.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <sstream>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "app/output_folder.hpp"
#include "app/parallel.hpp"
#include "app/scenario_input.hpp"
#include "app/scenario_library.hpp"
#include "reports/format.hpp"

namespace syncdrill {

namespace fs = std::filesystem;

namespace {

BatchDrill loaded(const std::string& path, std::optional<Scenario> scenario) {
  BatchDrill d;
  d.path = path;
  d.name = scenario ? scenario->name : fs::path(path).stem().string();
  if (!scenario) {
    d.outcome.exit_code = kExitUsage;
    d.outcome.verdict = "ERROR";
    d.outcome.error = fmt::format("the scenario has errors (syncdrill validate {})", path);
  }
  d.scenario = std::move(scenario);
  return d;
}

// The number in ` NAME="N"` of an XML start tag, 0 without it.
uint64_t attribute_count(std::string_view tag, std::string_view name) {
  const std::string key = fmt::format(" {}=\"", name);
  const size_t at = tag.find(key);
  if (at == std::string_view::npos) return 0;
  uint64_t n = 0;
  for (size_t i = at + key.size(); i < tag.size() && tag[i] >= '0' && tag[i] <= '9'; ++i)
    n = n * 10 + static_cast<uint64_t>(tag[i] - '0');
  return n;
}

struct Totals {
  uint64_t tests = 0;
  uint64_t failures = 0;
  uint64_t errors = 0;
  uint64_t skipped = 0;
};

// A drill's junit.xml (reports/junit_xml.cpp: one suite start tag per line, two spaces in)
// without its XML declaration and <testsuites> element, each suite renamed "<scenario>/<suite>".
std::string renamed_suites(const std::string& junit, const std::string& scenario, Totals& totals) {
  std::string out;
  std::istringstream lines(junit);
  std::string line;
  const std::string suite_start = "  <testsuite name=\"";
  while (std::getline(lines, line)) {
    if (line.starts_with("<?xml") || line.starts_with("</testsuites>")) continue;
    if (line.starts_with("<testsuites")) {
      totals.tests += attribute_count(line, "tests");
      totals.failures += attribute_count(line, "failures");
      totals.errors += attribute_count(line, "errors");
      totals.skipped += attribute_count(line, "skipped");
      continue;
    }
    if (line.starts_with(suite_start)) {
      line.insert(suite_start.size(), xml_attr(scenario) + "/");
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace

std::optional<int> batch_drills(const std::vector<std::string>& arguments,
                                const Overrides& overrides, std::vector<BatchDrill>& drills) {
  for (const std::string& argument : arguments) {
    std::error_code ec;
    if (fs::is_directory(argument, ec)) {
      std::vector<FolderDrill> found;
      if (std::string error = drills_in(argument, found, overrides); !error.empty()) {
        return usage_error(error);
      }
      if (found.empty()) {
        return usage_error(fmt::format(
            "no drills in {} (a folder's drills are its *.yaml files, not its subfolders')",
            argument));
      }
      for (FolderDrill& f : found) {
        drills.push_back(loaded(f.path, scenario_or_report(std::move(f.load), f.path)));
      }
      continue;
    }
    std::string path = argument;
    if (auto stop = resolve_scenario(path)) return stop;
    drills.push_back(loaded(path, load_scenario_or_report(path, overrides)));
  }
  for (size_t i = 0; i < drills.size(); ++i) {
    for (size_t j = i + 1; j < drills.size(); ++j) {
      if (drills[i].name == drills[j].name) {
        return usage_error(fmt::format(
            "{} and {} are both named '{}': their reports would share one folder (run them "
            "apart, or rename one)",
            drills[i].path, drills[j].path, drills[i].name));
      }
    }
  }
  return std::nullopt;
}

int run_batch(const BatchOptions& options, std::vector<BatchDrill>& drills) {
  if (std::string problem = out_folder_problem(options.out_root); !problem.empty()) {
    return usage_error(problem);
  }
  std::vector<size_t> runnable;
  for (size_t i = 0; i < drills.size(); ++i) {
    if (drills[i].scenario) runnable.push_back(i);
  }
  std::vector<std::string> messages(drills.size());  // each drill's stderr, printed in order
  std::atomic<size_t> next{0};
  std::mutex mutex;  // the progress line, `exception`
  std::exception_ptr exception;
  size_t done = 0;
  const auto report_progress = [&](const BatchDrill& d) {
    if (!options.progress) return;
    const std::string line = fmt::format("syncdrill: {}/{} drills done ({}: {})", ++done,
                                         runnable.size(), d.name, d.outcome.verdict);
    if (options.progress_terminal) {
      std::cerr << "\r" << line << "\x1b[K" << (done == runnable.size() ? "\r\x1b[K" : "")
                << std::flush;
    } else {
      std::cerr << line << "\n" << std::flush;
    }
  };
  // Each drill writes only its own slot and folder: the results do not depend on the threads.
  const auto worker = [&] {
    for (size_t k = next.fetch_add(1); k < runnable.size(); k = next.fetch_add(1)) {
      BatchDrill& d = drills[runnable[k]];
      try {
        std::ostringstream err;
        d.outcome = run_drill(options.run, d.path, *d.scenario, options.out_root + "/" + d.name,
                              err, nullptr, false, nullptr);
        messages[runnable[k]] = err.str();
      } catch (...) {
        // Kept for the calling thread: an exception must not escape a worker (std::terminate).
        const std::lock_guard<std::mutex> lock(mutex);
        if (!exception) exception = std::current_exception();
        continue;
      }
      const std::lock_guard<std::mutex> lock(mutex);
      report_progress(d);
    }
  };
  run_workers(options.jobs, runnable.size(), worker);
  if (exception) std::rethrow_exception(exception);  // cli_main: exit 3
  for (const std::string& m : messages)
    std::cerr << m;

  int exit_code = kExitOk;
  for (const BatchDrill& d : drills)
    exit_code = std::max(exit_code, d.outcome.exit_code);
  const bool junit = options.run.wants("junit");
  if (junit) {
    CreatedFolders created(options.out_root);
    std::vector<std::string> written;
    const std::string error =
        write_all_or_nothing(options.out_root, {{"junit.xml", combined_junit(drills)}}, written);
    if (!error.empty()) {
      std::cerr << "syncdrill: error: " << error << "\n";
      return kExitInternal;
    }
    created.dismiss();
  }
  if (!options.run.quiet) std::cout << summary_table(drills, options.out_root, junit);
  return exit_code;
}

std::string combined_junit(const std::vector<BatchDrill>& drills) {
  Totals totals;
  std::string suites;
  for (const BatchDrill& d : drills) {
    if (!d.outcome.junit.empty()) {
      suites += renamed_suites(d.outcome.junit, d.name, totals);
      continue;
    }
    // No report: one suite whose one test case errored, so CI shows the drill as broken.
    totals.tests += 1;
    totals.errors += 1;
    suites += fmt::format(
        "  <testsuite name=\"{0}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" "
        "time=\"0\">\n"
        "    <testcase classname=\"{0}\" name=\"run\" time=\"0\">\n"
        "      <error type=\"{1}\" message=\"{2}\"/>\n"
        "    </testcase>\n"
        "  </testsuite>\n",
        xml_attr(d.name), d.scenario ? "run_error" : "scenario_error", xml_attr(d.outcome.error));
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"syncdrill\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
      "time=\"0\">\n{}</testsuites>\n",
      totals.tests, totals.failures, totals.errors, totals.skipped, suites);
}

std::string summary_table(const std::vector<BatchDrill>& drills, const std::string& out_root,
                          bool junit_written) {
  // The first few breached checks; the drill's report.md has them all.
  constexpr size_t kChecksShown = 3;
  size_t width = std::string_view("scenario").size();
  for (const BatchDrill& d : drills)
    width = std::max(width, d.name.size());
  std::string out = fmt::format("\n{:<{}}  {:<10}  {:>4}  {}\n", "scenario", width, "verdict",
                                "exit", "breached checks");
  for (const BatchDrill& d : drills) {
    const DrillOutcome& o = d.outcome;
    std::string checks;
    if (!o.error.empty()) {
      checks = o.error;
    } else if (o.breached.empty()) {
      checks = "-";
    } else {
      const size_t shown = std::min(o.breached.size(), kChecksShown);
      checks = fmt::format("{}", fmt::join(o.breached.begin(), o.breached.begin() + shown, "; "));
      if (o.breached.size() > shown) {
        checks += fmt::format("; and {} more", o.breached.size() - shown);
      }
    }
    out +=
        fmt::format("{:<{}}  {:<10}  {:>4}  {}\n", d.name, width, o.verdict, o.exit_code, checks);
  }
  out += fmt::format("Reports: {}/<scenario>/{}\n", out_root,
                     junit_written ? fmt::format("; all verdicts in {}/junit.xml", out_root) : "");
  return out;
}

}  // namespace syncdrill
