// One drill of `syncdrill run`: runs a loaded scenario, scores it and writes its reports into
// its folder, all or nothing. `run SCENARIO` calls it once; `run A B ...` and `run DIR` once per
// drill, on several threads (app/run_batch.hpp), each with its own streams.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/scenario/scenario.hpp"
#include "reports/expect_check.hpp"
#include "reports/junit_xml.hpp"
#include "reports/telemetry_jsonl.hpp"

namespace syncdrill {

class RunProgress;

// What run's flags ask of every drill.
struct RunOptions {
  std::optional<uint64_t> seed;  // none = the scenario's `seed`
  bool quiet = false;
  // The report files to write: "json", "md", "junit", "html" (all by default).
  std::vector<std::string> formats{"json", "md", "junit", "html"};
  bool telemetry = false;  // write DIR/telemetry.jsonl
  TelemetryOptions telemetry_options;
  std::optional<uint64_t> events_max;  // none = run_limits(scenario)
  // Judge each drill by its scenario's `expect:` block rather than its tiers
  // (docs/expectations.md); the caller refuses a scenario without one.
  bool expect = false;
  // Draw random samples on another core (run_world's second_core): off when the cores are
  // taken by drills running side by side.
  bool second_core = true;
  bool wants(std::string_view format) const;
};

struct DrillOutcome {
  // exit_codes.hpp; with RunOptions::expect, 0 when every expectation is met and 1 when not.
  int exit_code = 0;
  std::string verdict;  // "PASS", "FAIL", "NOT SCORED", or "ERROR" (no report)
  // "TIER: CHECK" of every check that failed, in report order.
  std::vector<std::string> breached;
  std::optional<JunitParts> junit;  // the junit.xml written, when it was, in parts
  std::string error;                // why an ERROR: one line
  // With RunOptions::expect, the run judged by its `expect:` block (none for an ERROR).
  std::optional<ExpectResult> expected;
};

// Runs `scenario` (read from `path`) and writes its reports into `out_dir`. Warnings and errors
// go to `err` ("syncdrill: warning: ...", "syncdrill: error: ..."); the scorecard to `scorecard`
// unless it is null or options.quiet (`colour`: ANSI colours in it). `progress` (may be null)
// is shown while the run goes.
// Why --expect refuses `path`: "PATH: --expect needs an `expect:` block in the scenario ...".
std::string no_expect_block(const std::string& path);

DrillOutcome run_drill(const RunOptions& options, const std::string& path, const Scenario& scenario,
                       const std::string& out_dir, std::ostream& err, std::ostream* scorecard,
                       bool colour, RunProgress* progress);

}  // namespace syncdrill
