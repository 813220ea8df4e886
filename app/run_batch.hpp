// `syncdrill run A.yaml B.yaml ...` and `syncdrill run DIR`: several drills in one command, on
// up to --jobs threads. Each drill writes its reports into OUT/<scenario name>/ as a run of it
// alone would; OUT/junit.xml combines their verdicts (one <testsuite> per scenario and tier);
// stdout gets a summary table. The exit code is the worst of the drills' (3 > 2 > 1 > 0).
//
// With --expect, each drill is judged by its own `expect:` block (docs/expectations.md): its exit
// code is 0 when every expectation is met and 1 when not, and a drill without a block is an
// ERROR (exit code 2) like a scenario that does not load.
//
// A scenario that does not load (or whose run hits a limit) is reported, gets an ERROR row and
// an errored <testsuite>, and makes the exit code 2; the other drills still run and write their
// reports, so one broken file does not hide the verdicts of the rest. A bad command line, an
// unreadable folder, an unknown name or two drills of one name stop everything before any run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/run_drill.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/scenario.hpp"

namespace syncdrill {

struct BatchDrill {
  std::string path;                  // as the command line (or its folder) spells it
  std::string name;                  // the scenario's name, else the file's stem
  std::optional<Scenario> scenario;  // none: it did not load (its errors are printed)
  DrillOutcome outcome;
};

struct BatchOptions {
  RunOptions run;
  std::string out_root;  // OUT: the drills' folders and the combined junit.xml
  unsigned jobs = 1;     // threads, >= 1
  bool progress = false;
  bool progress_terminal = false;  // redraw one line rather than print lines
};

// The drills the SCENARIO arguments name (a file, a folder's drills, a library name), each
// loaded, in argument order (a folder's sorted by file name). Prints every load error; returns
// kExitUsage for a problem that stops the whole command (see above).
std::optional<int> batch_drills(const std::vector<std::string>& arguments,
                                const Overrides& overrides, std::vector<BatchDrill>& drills);

// Runs the drills that loaded, writes their reports and the combined junit.xml, prints the
// summary table (unless quiet). Returns the exit code.
int run_batch(const BatchOptions& options, std::vector<BatchDrill>& drills);

// The combined junit.xml: every drill's suites, each renamed "<scenario>/<suite>", and one
// errored suite for a drill that has no report. With `expect` (run --expect), a drill's suites
// are replaced by one, "<scenario>/expect": a test case per expectation, failed when not met.
std::string combined_junit(const std::vector<BatchDrill>& drills, bool expect = false);

// The summary table: scenario, verdict, exit code, (with `expect`: expectations met,) breached
// checks.
std::string summary_table(const std::vector<BatchDrill>& drills, const std::string& out_root,
                          bool junit_written, bool expect = false);

}  // namespace syncdrill
