// The CI pipelines of docs/ci.md (examples/ci/github-actions.yml, examples/ci/gitlab-ci.yml):
// each parses, has the fields its engine needs, publishes the junit.xml its command writes and
// the report.html files, and its `syncdrill ...` command lines, run as written with the built
// binary on PATH in a scratch copy of the scenario library, exit as the pipeline relies on: 0
// when every drill meets its expectations, 1 when one does not.
//
// The copy leaves out black-friday-peak, a day of peak traffic (about 30 s): the other drills
// run in a few seconds, and tests/app/cli_test.cpp ("the default drill runs") already judges
// black-friday-peak's report by its expect block.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "tests/app/cli_run.hpp"
#include "tests/app/pipeline_text.hpp"

namespace syncdrill::testing {
namespace {

namespace fs = std::filesystem;

const std::string kGithub = source_path("examples/ci/github-actions.yml");
const std::string kGitlab = source_path("examples/ci/gitlab-ci.yml");

// The junit.xml a `syncdrill run ...` line writes: --out's folder (default out) + /junit.xml.
std::string junit_of(const std::string& command) {
  std::istringstream words(command);
  std::string word;
  std::string out = "out";
  while (words >> word) {
    if (word == "--out") words >> out;
    if (word.starts_with("--out=")) out = word.substr(6);
  }
  while (out.size() > 1 && out.ends_with("/"))
    out.pop_back();
  return out + "/junit.xml";
}

// The report.html files a pipeline publishes: the folder of its junit.xml, then */report.html.
std::string reports_of(const std::string& junit) {
  return junit.substr(0, junit.size() - std::string_view("junit.xml").size()) + "*/report.html";
}

// GitHub Actions: `on`, jobs.<id>.runs-on, steps each with `uses` or `run`; the checkout before
// the drills; upload-artifact after them, also on failure, with junit.xml and the reports.
std::vector<std::string> github_commands() {
  const YAML::Node root = YAML::LoadFile(kGithub);
  REQUIRE(root.IsMap());
  CHECK(root["on"]);  // `on` is a key (YAML 1.2), not the boolean true
  const YAML::Node jobs = root["jobs"];
  REQUIRE((jobs && jobs.IsMap() && jobs.size() > 0));
  std::vector<std::string> commands;
  for (const auto& job : jobs) {
    const std::string id = job.first.as<std::string>();
    CAPTURE(id);
    CHECK((has_scalar(job.second["runs-on"]) || job.second["runs-on"].IsSequence()));
    const YAML::Node steps = job.second["steps"];
    REQUIRE((steps && steps.IsSequence() && steps.size() > 0));
    bool checked_out = false;
    std::vector<std::string> job_commands;
    for (const YAML::Node& step : steps) {
      const bool uses = has_scalar(step["uses"]);
      const bool run = has_scalar(step["run"]);
      CHECK_MESSAGE(uses != run, "a step has `uses` or `run`, not both or neither");
      if (uses) {
        const std::string action = step["uses"].Scalar();
        CHECK_MESSAGE(action.find('@') != std::string::npos, action, " names no version");
        if (action.starts_with("actions/checkout@")) checked_out = true;
        if (action.starts_with("actions/upload-artifact@")) {
          CHECK_MESSAGE(step["if"].as<std::string>("") == "always()",
                        "the reports are published when the drills fail too");
          const std::vector<std::string> paths = path_list(step["with"]["path"]);
          REQUIRE_MESSAGE(!job_commands.empty(), "upload-artifact comes after the drills");
          CHECK(contains(paths, junit_of(job_commands.back())));
          CHECK(contains(paths, reports_of(junit_of(job_commands.back()))));
        }
      }
      if (run) {
        const size_t before = job_commands.size();
        syncdrill_lines(step["run"].Scalar(), job_commands);
        if (job_commands.size() > before) CHECK_MESSAGE(checked_out, "checkout comes first");
      }
    }
    commands.insert(commands.end(), job_commands.begin(), job_commands.end());
  }
  return commands;
}

// GitLab CI: `stages`; every job's stage among them and a `script`; the drills' job publishes
// artifacts.reports.junit = the junit.xml its command writes, also on failure, and the reports.
std::vector<std::string> gitlab_commands() {
  const YAML::Node root = YAML::LoadFile(kGitlab);
  REQUIRE(root.IsMap());
  const YAML::Node stages = root["stages"];
  REQUIRE((stages && stages.IsSequence() && stages.size() > 0));
  std::vector<std::string> stage_names;
  for (const YAML::Node& s : stages)
    stage_names.push_back(s.as<std::string>());
  std::vector<std::string> commands;
  size_t jobs = 0;
  for (const auto& entry : root) {
    const std::string id = entry.first.as<std::string>();
    if (id == "stages" || id == "variables" || id == "default" || id == "workflow" ||
        id == "include" || id.starts_with("."))
      continue;
    CAPTURE(id);
    const YAML::Node job = entry.second;
    REQUIRE(job.IsMap());
    ++jobs;
    CHECK(contains(stage_names, job["stage"].as<std::string>("test")));
    const YAML::Node script = job["script"];
    REQUIRE((script && script.IsSequence() && script.size() > 0));
    std::vector<std::string> job_commands;
    for (const YAML::Node& item : script)
      syncdrill_lines(item.as<std::string>(), job_commands);
    if (job_commands.empty()) continue;
    const YAML::Node artifacts = job["artifacts"];
    REQUIRE(artifacts);
    const std::string junit = junit_of(job_commands.back());
    CHECK(artifacts["reports"]["junit"].as<std::string>("") == junit);
    CHECK(artifacts["when"].as<std::string>("") == "always");
    const std::vector<std::string> paths = path_list(artifacts["paths"]);
    CHECK(contains(paths, junit));
    CHECK(contains(paths, reports_of(junit)));
    commands.insert(commands.end(), job_commands.begin(), job_commands.end());
  }
  CHECK(jobs > 0);
  return commands;
}

// `name` in a <testsuites ...> start tag.
uint64_t total(const std::string& junit, const std::string& name) {
  const size_t root = junit.find("<testsuites ");
  REQUIRE(root != std::string::npos);
  const size_t at = junit.find(fmt::format(" {}=\"", name), root);
  REQUIRE(at != std::string::npos);
  return std::stoull(junit.substr(at + name.size() + 3));
}

// A scratch copy of the shipped library but black-friday-peak (see the top), with the built
// binary as `syncdrill` on PATH; returns the number of drills.
size_t scratch_library(const Scratch& s) {
  fs::copy(source_path("scenarios"), s / "scenarios", fs::copy_options::recursive);
  fs::remove(s / "scenarios/black-friday-peak.yaml");
  fs::create_directories(s / "bin");
  fs::create_symlink(SYNCDRILL_BINARY, s / "bin/syncdrill");
  size_t drills = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(s / "scenarios"))
    drills += e.path().extension() == ".yaml" ? 1 : 0;
  return drills;
}

CliRun run_as_pipeline(const Scratch& s, const std::string& command) {
  fs::remove_all(s / "out");
  return s.shell(fmt::format("PATH='{}':\"$PATH\" {}", (s / "bin").string(), command));
}

size_t html_reports(const fs::path& dir) {
  size_t n = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(dir))
    n += fs::exists(e.path() / "report.html") ? 1 : 0;
  return n;
}

TEST_CASE("the CI pipelines of docs/ci.md have what their engines need and run the same drills") {
  const std::vector<std::string> github = github_commands();
  const std::vector<std::string> gitlab = gitlab_commands();
  REQUIRE(!github.empty());
  // One contract, two engines.
  CHECK_MESSAGE(github == gitlab, "GitHub runs\n  ", fmt::format("{}", fmt::join(github, "\n  ")),
                "\nGitLab runs\n  ", fmt::format("{}", fmt::join(gitlab, "\n  ")));
}

TEST_CASE("the CI pipelines' syncdrill commands exit 0 on the library and 1 on an unmet drill") {
  Scratch s("ci-pipelines");
  const size_t drills = scratch_library(s);
  REQUIRE(drills >= 5);
  std::vector<std::string> commands = github_commands();
  for (const std::string& c : gitlab_commands()) {
    if (!contains(commands, c)) commands.push_back(c);
  }
  for (const std::string& command : commands) {
    CAPTURE(command);
    const std::string junit_path = junit_of(command);
    const CliRun r = run_as_pipeline(s, command);
    INFO(r.out, r.err);
    CHECK(r.exit_code == 0);
    REQUIRE(fs::exists(s / junit_path));
    const std::string junit = read_file(s / junit_path);
    CHECK(total(junit, "tests") >= drills);
    CHECK(total(junit, "failures") == 0);
    CHECK(total(junit, "errors") == 0);
    CHECK(html_reports(fs::path(s / junit_path).parent_path()) == drills);

    // A drill that does not do what its block says fails the pipeline, located in junit.xml.
    std::string text = read_file(s / "scenarios/retry-storm.yaml");
    for (const auto& [from, to] : {std::pair{"\nname: retry-storm\n", "\nname: retry-storm-2\n"},
                                   std::pair{"  verdict: fail\n", "  verdict: pass\n"}}) {
      const size_t at = text.find(from);
      REQUIRE(at != std::string::npos);
      text.replace(at, std::string_view(from).size(), to);
    }
    std::ofstream(s / "scenarios/retry-storm-2.yaml") << text;
    const CliRun unmet = run_as_pipeline(s, command);
    INFO(unmet.out, unmet.err);
    CHECK(unmet.exit_code == 1);
    const std::string failed = read_file(s / junit_path);
    CHECK(total(failed, "failures") == 1);
    CHECK(failed.find("message=\"scenarios/retry-storm-2.yaml:") != std::string::npos);
    fs::remove(s / "scenarios/retry-storm-2.yaml");
  }
}

}  // namespace
}  // namespace syncdrill::testing
