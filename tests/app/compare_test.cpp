// syncdrill compare and sweep as a user runs them: identical files for any --jobs, clear errors
// (exit 2, nothing written) for bad policies, files and grids.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/app/cli_run.hpp"

namespace syncdrill {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::read_file;
using testing::Scratch;
using testing::source_path;

// A small drill (an OMS outage against a one-attempt ingest) and a policies file with a patient
// policy; a run takes a fraction of a second.
const std::string kDrill = source_path("tests/scenarios/valid/breached-drill.yaml");

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

const char* kPolicies = R"(policies:
  - name: patient
    timeout: 2s
    retry: {max_attempts: 6, backoff: full_jitter, base: 500ms, cap: 1m}
    budget: {kind: token_bucket, max_tokens: 100, token_ratio: 0.1}
    idempotency_keys: true
)";

TEST_CASE("compare writes the same files whatever the number of jobs") {
  Scratch s("compare-jobs");
  write(s / "policies.yaml", kPolicies);
  const std::string args = fmt::format(
      "compare '{}' --policy once --policy patient --policies policies.yaml --seeds 4", kDrill);
  const CliRun one = s.run(args + " --jobs 1 --out one");
  REQUIRE(one.exit_code == 0);
  const CliRun two = s.run(args + " --jobs 2 --out two");
  REQUIRE(two.exit_code == 0);
  for (const char* file : {"compare.json", "compare.md", "compare.html"}) {
    CAPTURE(file);
    const std::string a = read_file(s / (std::string("one/") + file));
    CHECK(a.size() > 500);
    CHECK(a == read_file(s / (std::string("two/") + file)));
  }
  // The terminal table: the ranking, then the paired differences.
  CHECK(one.out.find("syncdrill compare: breached-drill, 2 policies x 4 seeds (3..6) = 8 runs") ==
        0);
  CHECK(one.out.find("patient - once") != std::string::npos);
  CHECK(one.err.empty());  // no progress when stderr is not a terminal
  const auto j = nlohmann::json::parse(read_file(s / "one/compare.json"));
  CHECK(j["seeds"] == nlohmann::json::array({3, 4, 5, 6}));
  CHECK(j["connectors"] == nlohmann::json::array({"ingest", "stock"}));
  REQUIRE(j["variants"].size() == 2);
  CHECK(j["variants"][1]["settings"].get<std::string>().find("full_jitter") != std::string::npos);
  // Runs of one seed differ between seeds: the seeds are really different.
  CHECK(j["variants"][0]["runs"][0]["calls"] != j["variants"][0]["runs"][1]["calls"]);
}

TEST_CASE("compare shows progress on stderr when it is a terminal, and only then") {
  // script(1) (util-linux, in every Debian) runs the command on a pseudo-terminal; stdout goes
  // to a file, so what the terminal shows is stderr alone.
  Scratch s("compare-progress");
  write(s / "policies.yaml", kPolicies);
  const CliRun r = s.shell(fmt::format(
      "script -qec \"'{}' compare '{}' --policy once --policy patient --policies policies.yaml "
      "--seeds 2 --out c >table.txt\" /dev/null",
      SYNCDRILL_BINARY, kDrill));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\rsyncdrill: 1/4 runs") != std::string::npos);
  CHECK(r.out.find("\rsyncdrill: 4/4 runs") != std::string::npos);
  CHECK(read_file(s / "table.txt").find("runs") != std::string::npos);
  CHECK(read_file(s / "table.txt").find("\r") == std::string::npos);
}

TEST_CASE("compare's first seed run equals syncdrill run on that seed with the policy swapped") {
  // The baseline policy is the drill's own, so its run on the first seed is `run --seed`.
  Scratch s("compare-replay");
  write(s / "policies.yaml", kPolicies);
  REQUIRE(s.run(fmt::format("compare '{}' --policy once --policy patient --policies "
                            "policies.yaml --seeds 2 --seed 9 --out c -q",
                            kDrill))
              .exit_code == 0);
  REQUIRE(s.run(fmt::format("run '{}' --seed 9 --out r -q --format json", kDrill)).exit_code == 1);
  const auto c = nlohmann::json::parse(read_file(s / "c/compare.json"));
  const auto r = nlohmann::json::parse(read_file(s / "r/report.json"));
  const auto& first = c["variants"][0]["runs"][0];
  CHECK(first["seed"] == 9);
  CHECK(r["impact"]["lost"].get<uint64_t>() > 0);
  CHECK(first["lost"].get<double>() == r["impact"]["lost"].get<double>());
  CHECK(first["oversold"].get<double>() == r["impact"]["oversold"].get<double>());
  CHECK(first["held"] == (r["verdict"] == "pass"));
}

TEST_CASE("compare refuses bad input with exit 2 and writes nothing") {
  Scratch s("compare-errors");
  auto refused = [&](const std::string& args, const std::string& message) {
    CAPTURE(args);
    const CliRun r = s.run(args + " --out out");
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find(message) != std::string::npos, r.err);
    CHECK_FALSE(fs::exists(s / "out"));
  };
  refused(fmt::format("compare '{}' --policy once --policy nope", kDrill),
          "--policy: no policy 'nope' in");
  refused(fmt::format("compare '{}' --policy once", kDrill), "at least two --policy");
  refused(fmt::format("compare '{}' --policy once --policy once", kDrill), "given twice");
  refused(fmt::format("compare '{}' --policy once --policy once --seeds 1", kDrill),
          "--seeds must be 2 to 1000");
  refused(fmt::format("compare '{}' --policy a --policy b --jobs 0", kDrill), "--jobs must be");
  refused(fmt::format("compare '{}' --policy once --policy once --connectors nope", kDrill),
          "--connectors: no connector 'nope'");
  // A policies file may hold only policies, and its errors point into it.
  write(s / "extra.yaml", "policies: []\nduration: 1h\n");
  refused(fmt::format("compare '{}' --policy a --policy b --policies extra.yaml", kDrill),
          "extra.yaml:2:1: unknown key 'duration': a policies file holds only `policies`");
  write(s / "bad.yaml", "policies:\n  - name: p\n    retry: {max_attempts: 0}\n");
  refused(fmt::format("compare '{}' --policy once --policy p --policies bad.yaml", kDrill),
          "bad.yaml:3:");
  refused(fmt::format("compare '{}' --policy once --policy p --policies missing.yaml", kDrill),
          "cannot read policies file 'missing.yaml'");
  // A YAML syntax error is placed in the file as written.
  write(s / "broken.yaml", "policies:\n  - {name: p, timeout: 2s\n");
  refused(fmt::format("compare '{}' --policy once --policy p --policies broken.yaml", kDrill),
          "broken.yaml:3:1: invalid YAML");
  refused(fmt::format("compare '{}' --policy once --policy once --seed -1", kDrill),
          "--seed takes a whole number from 0 to 18446744073709550615, not '-1'");
  refused(fmt::format("compare '{}' --policy once --policy once --seeds -3", kDrill),
          "--seeds must be 2 to 1000");
}

TEST_CASE("compare with --out naming a file exits 2 before running any variant") {
  Scratch s("compare-out-file");
  write(s / "policies.yaml", kPolicies);
  write(s / "taken", "a file");
  const CliRun r = s.run(fmt::format(
      "compare '{}' --policy once --policy patient --policies policies.yaml --seeds 2 --out taken",
      kDrill));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--out 'taken' is a file, expected a folder") != std::string::npos);
  CHECK(read_file(s / "taken") == "a file");
}

TEST_CASE("a compare that cannot write all its files keeps the folder's earlier files") {
  Scratch s("compare-unwritable");
  write(s / "policies.yaml", kPolicies);
  fs::create_directories(s / "out/compare.html");  // a folder where a file must go
  write(s / "out/compare.json", "earlier");
  const CliRun r = s.run(fmt::format(
      "compare '{}' --policy once --policy patient --policies policies.yaml --seeds 2 --out out",
      kDrill));
  CHECK(r.exit_code == 3);
  CHECK(read_file(s / "out/compare.json") == "earlier");
  CHECK_FALSE(fs::exists(s / "out/compare.md"));
  size_t staged = 0;
  for (const auto& entry : fs::directory_iterator(s / "out"))
    staged += entry.path().filename().string().rfind(".compare", 0) == 0 ? 1 : 0;
  CHECK(staged == 0);
}

TEST_CASE("a policies file that redefines a scenario policy is recorded and said") {
  Scratch s("compare-redefine");
  write(s / "policies.yaml", std::string(kPolicies) + "  - {name: once, timeout: 3s}\n");
  const CliRun r = s.run(fmt::format(
      "compare '{}' --policy once --policy patient --policies policies.yaml --seeds 2 --out c "
      "--format json",
      kDrill));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("policies.yaml redefines the scenario's policy once") != std::string::npos);
  const auto j = nlohmann::json::parse(read_file(s / "c/compare.json"));
  CHECK(j["policies_file"] == "policies.yaml");
  REQUIRE(j["notes"].size() == 1);
  CHECK(j["variants"][0]["settings"].get<std::string>().find("timeout 3s") == 0);
}

TEST_CASE("sweep runs every point of the grid, each checked like a scenario") {
  Scratch s("sweep");
  const CliRun r = s.run(fmt::format(
      "sweep '{}' --grid retry.max_attempts=1,3 --grid retry.backoff=none,full_jitter --seeds 2 "
      "--out sw --format json",
      kDrill));
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(read_file(s / "sw/compare.json"));
  CHECK(j["command"] == "sweep");
  REQUIRE(j["variants"].size() == 4);
  CHECK(j["variants"][0]["name"] == "retry.max_attempts=1 retry.backoff=none");
  CHECK(j["variants"][3]["name"] == "retry.max_attempts=3 retry.backoff=full_jitter");
  CHECK(j["variants"][3]["settings"].get<std::string>().find("3 attempts, full_jitter") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(s / "sw/compare.md"));
  // More attempts make more calls on the same seeds.
  CHECK(j["variants"][2]["figures"]["calls"]["mean"].get<double>() >
        j["variants"][0]["figures"]["calls"]["mean"].get<double>());

  const CliRun bad = s.run(fmt::format(
      "sweep '{}' --grid retry.max_attempts=2,2000000 --seeds 2 --out nothing", kDrill));
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--grid point (retry.max_attempts=2000000): policies") != std::string::npos);
  CHECK_FALSE(fs::exists(s / "nothing"));
  const CliRun typo =
      s.run(fmt::format("sweep '{}' --grid retry.max_atempts=2 --seeds 2 --out nothing", kDrill));
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("did you mean 'max_attempts'") != std::string::npos);
  CHECK(s.run(fmt::format("sweep '{}' --grid 'retry.base=1s;x' --out nothing", kDrill)).exit_code ==
        2);
  CHECK(s.run(fmt::format("sweep '{}' --seeds 2 --out nothing", kDrill)).exit_code == 2);
}

}  // namespace
}  // namespace syncdrill

namespace syncdrill {
namespace {

TEST_CASE("on the retry storm, no-backoff is worse than full jitter with a budget, beyond chance") {
  // The claim the retry-storm drill exists to show, with intervals that exclude zero on 5
  // seeds: instant retries lose orders, recover later, delay ingest and amplify load.
  Scratch s("compare-storm");
  const CliRun r = s.run(fmt::format(
      "compare '{}' --policy full-jitter-budget --policy no-backoff --seeds 5 --jobs 2 --out c "
      "--format json,md",
      source_path("scenarios/retry-storm.yaml")));
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(read_file(s / "c/compare.json"));
  REQUIRE(j["variants"].size() == 2);
  CHECK(j["variants"][0]["rank"] == 1);
  CHECK(j["variants"][1]["rank"] == 2);
  const auto& worse = j["variants"][1]["vs_first"];  // no-backoff minus full-jitter-budget
  for (const char* figure : {"lost", "mttr_s", "ingest_delay_p95_s", "calls",
                             "attempts_per_request", "checks_breached"}) {
    CAPTURE(figure);
    CHECK(worse[figure]["n"] == 5);
    CHECK(worse[figure]["excludes_zero"] == true);
    CHECK(worse[figure]["ci95_low"].get<double>() > 0);
  }
  // The sizes the drill's header promises: thousands of orders lost, MTTR ~25 minutes longer,
  // ~0.5 more calls per request.
  CHECK(worse["lost"]["mean"].get<double>() > 2000);
  CHECK(worse["mttr_s"]["mean"].get<double>() > 15 * 60);
  CHECK(worse["attempts_per_request"]["mean"].get<double>() > 0.3);
  CHECK(read_file(s / "c/compare.md").find("| no-backoff |") != std::string::npos);
  // The drill's runbook switches the ingest connectors to full-jitter-budget: left out here, so
  // no-backoff stays in force, never recovers and its MTTR is censored at the end (90 min - 20).
  REQUIRE(j["notes"].size() == 1);
  CHECK(j["notes"][0].get<std::string>().find("4 switch_policy actions") == 0);
  for (const auto& run : j["variants"][1]["runs"])
    CHECK(run["mttr_s"] == 4200.0);
}

// The terminal's "why" lines of one policy: those under its name in the block that follows the
// ranking, up to the next policy's name.
std::vector<std::string> why_lines(const std::string& out, const std::string& policy) {
  const size_t block = out.find("\nWhy tiers did not hold");
  REQUIRE(block != std::string::npos);
  const size_t start = out.find("\n  " + policy + "\n", block);
  REQUIRE_MESSAGE(start != std::string::npos, "no why block for ", policy);
  std::vector<std::string> lines;
  size_t at = out.find('\n', start + 1) + 1;
  while (at < out.size() && out.compare(at, 4, "    ") == 0) {
    const size_t end = out.find('\n', at);
    lines.push_back(out.substr(at + 4, end - at - 4));
    at = end + 1;
  }
  return lines;
}

TEST_CASE("compare on the retry storm says which checks failed for each policy, and how often") {
  // The drill's tier fails under every policy; what differs is why. Two seeds keep it short.
  Scratch s("compare-why");
  const CliRun r = s.run(fmt::format(
      "compare '{}' --policy no-backoff --policy exponential --policy full-jitter-budget "
      "--seeds 2 --jobs 2 --out c --format json",
      source_path("scenarios/retry-storm.yaml")));
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(read_file(s / "c/compare.json"));
  CHECK(j["schema_version"] == 2);
  REQUIRE(j["variants"].size() == 3);
  for (const auto& v : j["variants"]) {
    const std::string name = v["name"];
    CAPTURE(name);
    const auto& breaches = v["breaches"];
    CHECK(v["runs_held"] == 0);
    REQUIRE_FALSE(breaches.empty());
    // Every breach of every run is in the table exactly once: the counts add up to the runs'
    // checks_breached.
    size_t counted = 0;
    for (const auto& b : breaches)
      counted += b["runs_breached"].get<size_t>();
    double per_runs = 0;
    for (const auto& run : v["runs"])
      per_runs += run["checks_breached"].get<double>();
    CHECK(static_cast<double>(counted) == per_runs);
    // The check the drill's header names: the critical tier's 0.5% ingest error rate, in both
    // runs, well above its limit (the trigger's 5 minutes alone give ~3%).
    const auto rate = std::find_if(breaches.begin(), breaches.end(), [](const auto& b) {
      return b["tier"] == "critical" && b["check"] == "error_rate" && b["flow"] == "order_ingest";
    });
    REQUIRE(rate != breaches.end());
    CHECK((*rate)["runs_breached"] == 2);
    CHECK((*rate)["runs"] == 2);
    // Judged per channel: each breaching run names its worst channel.
    size_t channel_runs = 0;
    for (const auto& c : (*rate)["channels"]) {
      const std::string channel = c["channel"];
      CHECK((channel == "dtc" || channel == "amazon-us" || channel == "amazon-eu"));
      channel_runs += c["runs"].get<size_t>();
    }
    CHECK(channel_runs == 2);
    CHECK(((*rate)["channels"].size() == 1) == (*rate)["channel"].is_string());
    CHECK((*rate)["limit"] == 0.005);
    CHECK((*rate)["unit"] == "ratio");
    CHECK((*rate)["mean_actual"].get<double>() > 0.02);
    // The runbook's policy switch is left out: only full jitter with a budget recovers in time.
    const auto mttr = std::find_if(breaches.begin(), breaches.end(), [](const auto& b) {
      return b["check"] == "mttr" && b["subject"] == "oms-slowdown";
    });
    if (name == "full-jitter-budget") {
      CHECK(mttr == breaches.end());
    } else {
      REQUIRE(mttr != breaches.end());
      CHECK((*mttr)["runs_breached"] == 2);
      CHECK((*mttr)["runs_without_actual"] == 2);
      CHECK((*mttr)["without_actual"] == "not recovered");
      CHECK((*mttr)["mean_actual"].is_null());
    }
    // The terminal lists the same breaches, in the same order, with the same counts.
    const std::vector<std::string> lines = why_lines(r.out, name);
    REQUIRE(lines.size() == breaches.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      const auto& b = breaches[i];
      CAPTURE(lines[i]);
      CHECK(lines[i].find(b["tier"].get<std::string>()) == 0);
      CHECK(lines[i].find(b["check"].get<std::string>() + " " + b["flow"].get<std::string>()) !=
            std::string::npos);
      CHECK(lines[i].find(fmt::format("breached in {} of 2 runs", b["runs_breached"].get<int>())) !=
            std::string::npos);
    }
    CHECK(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
      return l.find("error_rate order_ingest") != std::string::npos &&
             l.find("breached in 2 of 2 runs") != std::string::npos &&
             l.find(", mean ") != std::string::npos &&
             l.find("% against 0.5%") != std::string::npos;
    }));
  }
  // The ingest error rate: full jitter fails it on the trigger alone; the retries of the other
  // two turn most calls into errors.
  auto rate_of = [&](size_t v) {
    for (const auto& b : j["variants"][v]["breaches"]) {
      if (b["check"] == "error_rate" && b["flow"] == "order_ingest")
        return b["mean_actual"].get<double>();
    }
    return 0.0;
  };
  CHECK(rate_of(2) < 0.1);
  CHECK(rate_of(0) > 0.5);
  CHECK(rate_of(1) > 0.5);
  CHECK(r.out.find("mttr order_ingest [oms-slowdown]") != std::string::npos);
  CHECK(r.out.find("not recovered in 2, limit 1200 s (20m)") != std::string::npos);
}

TEST_CASE("--keep-policy-switches lets the runbook replace the policy under test, and says so") {
  Scratch s("compare-keep");
  const CliRun r = s.run(
      fmt::format("compare '{}' --policy no-backoff --policy full-jitter-budget --seeds 2 --out c "
                  "--format json --keep-policy-switches",
                  source_path("scenarios/retry-storm.yaml")));
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(read_file(s / "c/compare.json"));
  REQUIRE(j["notes"].size() == 1);
  CHECK(j["notes"][0].get<std::string>().find("only until on-call does") != std::string::npos);
  // The switch ends the storm: no-backoff now recovers. Service is back ~32-35 minutes after
  // the trigger, but the orders the storm lost are back in the OMS only once reconciliation has
  // recreated them: MTTR (damage repaired) ~70 minutes.
  for (const auto& run : j["variants"][0]["runs"]) {
    CHECK(run["mttr_s"].get<double>() < 5400);
    CHECK(run["mttr_s"].get<double>() > 3000);
  }
}

}  // namespace
}  // namespace syncdrill
