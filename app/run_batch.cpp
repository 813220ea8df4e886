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

struct Totals {
  uint64_t tests = 0;
  uint64_t failures = 0;
  uint64_t errors = 0;
  uint64_t skipped = 0;
};

// A drill's junit suites, each renamed "<scenario>/<suite>", counted into `totals`.
std::string renamed_suites(const JunitParts& junit, const std::string& scenario, Totals& totals) {
  for (const JunitSuite& suite : junit.suites) {
    totals.tests += suite.tests;
    totals.failures += suite.failures;
    totals.skipped += suite.skipped;
  }
  return junit_suites_xml(junit, scenario + "/");
}

// One expectation of a block: its test case name and where it is written (its differences start
// with "WHERE: ", reports/expect_check.cpp).
struct ExpectCase {
  std::string name;
  std::string where;
};

std::vector<ExpectCase> expect_cases(const ExpectSpec& expect) {
  std::vector<ExpectCase> cases;
  if (expect.pass) {
    cases.push_back(
        {fmt::format("verdict {}", *expect.pass ? "pass" : "fail"), expect.verdict_where});
  }
  for (const ExpectCheck& c : expect.checks) {
    cases.push_back({fmt::format("{} {}{}{}", c.held ? "held" : "breached", c.tier,
                                 c.check.empty() ? "" : ".", c.check),
                     c.where});
  }
  for (const ExpectRange& f : expect.figures)
    cases.push_back({fmt::format("figure {}", f.figure), f.where});
  return cases;
}

// The suite "<scenario>/expect": a test case per expectation, a <failure> for each one not met
// (its message the difference, located at the expectation).
std::string expect_suite(const BatchDrill& d, Totals& totals) {
  const ExpectResult& r = *d.outcome.expected;
  std::vector<std::string> left = r.differences;  // each matched to its expectation once
  JunitParts parts{{JunitSuite{"expect", 0, 0, 0, {}}}, {}};
  JunitSuite& suite = parts.suites.front();
  const auto add_case = [&](const std::string& name, const std::vector<std::string>& failures) {
    std::string child;
    for (const std::string& f : failures) {
      child +=
          fmt::format("      <failure message=\"{0}\" type=\"expectation_not_met\">{0}</failure>\n",
                      xml_attr(f));
    }
    suite.failures += failures.empty() ? 0 : 1;
    add_junit_case(suite, d.name, name, child);
  };
  for (const ExpectCase& c : expect_cases(*d.scenario->expect)) {
    std::vector<std::string> mine;
    const auto is_mine = [&](const std::string& diff) { return diff.starts_with(c.where + ": "); };
    std::copy_if(left.begin(), left.end(), std::back_inserter(mine), is_mine);
    std::erase_if(left, is_mine);
    add_case(c.name, mine);
  }
  // A difference no expectation claims still fails the suite rather than vanish.
  if (!left.empty()) add_case("expect", left);
  return renamed_suites(parts, d.name, totals);
}

// The summary's expect cell: "all 7 met", "2 of 7 not met", "-" without a judgement.
std::string expect_cell(const DrillOutcome& o) {
  if (!o.expected) return "-";
  if (o.expected->met()) return fmt::format("all {} met", o.expected->expectations);
  return fmt::format("{} of {} not met", o.expected->differences.size(), o.expected->expectations);
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
    BatchDrill& d = drills[i];
    if (d.scenario && options.run.expect && !d.scenario->expect) {
      // Nothing to judge it by: reported like a scenario error, and the others still run.
      d.outcome.exit_code = kExitUsage;
      d.outcome.verdict = "ERROR";
      d.outcome.error = no_expect_block(d.path);
      std::cerr << "syncdrill: error: " << d.outcome.error << "\n";
      continue;
    }
    if (d.scenario) runnable.push_back(i);
  }
  std::vector<std::string> messages(drills.size());  // each drill's stderr, printed in order
  std::atomic<size_t> next{0};
  std::mutex mutex;  // the progress line, `exception`
  std::exception_ptr exception;
  size_t done = 0;
  const auto report_progress = [&](const BatchDrill& d) {
    if (!options.progress) return;
    // With --expect, whether it met its block: a FAIL by design is no failure in a CI log.
    const std::string line = fmt::format(
        "syncdrill: {}/{} drills done ({}: {}{})", ++done, runnable.size(), d.name,
        d.outcome.verdict, d.outcome.expected ? ", expect: " + expect_cell(d.outcome) : "");
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
    const std::string error = write_all_or_nothing(
        options.out_root, {{"junit.xml", combined_junit(drills, options.run.expect)}}, written);
    if (!error.empty()) {
      std::cerr << "syncdrill: error: " << error << "\n";
      return kExitInternal;
    }
    created.dismiss();
  }
  if (!options.run.quiet) {
    std::cout << summary_table(drills, options.out_root, junit, options.run.expect);
  }
  if (options.run.expect) {
    // Every difference, located: on stdout under the table, on stderr alone when quiet.
    std::ostream& out = options.run.quiet ? std::cerr : std::cout;
    for (const BatchDrill& d : drills) {
      if (d.outcome.expected && !d.outcome.expected->met())
        out << d.name << ": " << expect_summary(*d.outcome.expected);
    }
  }
  return exit_code;
}

std::string combined_junit(const std::vector<BatchDrill>& drills, bool expect) {
  Totals totals;
  std::string suites;
  for (const BatchDrill& d : drills) {
    if (expect && d.outcome.expected) {
      suites += expect_suite(d, totals);
      continue;
    }
    if (!expect && d.outcome.junit) {
      suites += renamed_suites(*d.outcome.junit, d.name, totals);
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
        xml_attr(d.name),
        d.scenario && (!expect || d.scenario->expect) ? "run_error" : "scenario_error",
        xml_attr(d.outcome.error));
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"syncdrill\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
      "time=\"0\">\n{}</testsuites>\n",
      totals.tests, totals.failures, totals.errors, totals.skipped, suites);
}

std::string summary_table(const std::vector<BatchDrill>& drills, const std::string& out_root,
                          bool junit_written, bool expect) {
  // The first few breached checks; the drill's report.md has them all.
  constexpr size_t kChecksShown = 3;
  size_t width = std::string_view("scenario").size();
  size_t expect_width = std::string_view("expect").size();
  for (const BatchDrill& d : drills) {
    width = std::max(width, d.name.size());
    expect_width = std::max(expect_width, expect_cell(d.outcome).size());
  }
  // With --expect, a column of expectations met between the exit code and the checks.
  const auto expect_column = [&](const std::string& cell) {
    return expect ? fmt::format("{:<{}}  ", cell, expect_width) : std::string();
  };
  std::string out = fmt::format("\n{:<{}}  {:<10}  {:>4}  {}{}\n", "scenario", width, "verdict",
                                "exit", expect_column("expect"), "breached checks");
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
    out += fmt::format("{:<{}}  {:<10}  {:>4}  {}{}\n", d.name, width, o.verdict, o.exit_code,
                       expect_column(expect_cell(o)), checks);
  }
  out += fmt::format("Reports: {}/<scenario>/{}\n", out_root,
                     junit_written ? fmt::format("; all {} in {}/junit.xml",
                                                 expect ? "expectations" : "verdicts", out_root)
                                   : "");
  return out;
}

}  // namespace syncdrill
