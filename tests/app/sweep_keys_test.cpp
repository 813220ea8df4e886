// sweep over any scenario key, and ranking on an objective with requirements: the grid's key
// syntax and its refusals, a monitor threshold tuned for MTTD with no false positives, and the
// reports that say which point is best and which broke a requirement.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "app/compare_variants.hpp"
#include "tests/app/cli_run.hpp"

namespace syncdrill {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::read_file;
using testing::Scratch;
using testing::source_path;

const std::string kThresholdDrill = source_path("tests/scenarios/valid/threshold-drill.yaml");
const std::string kBreachedDrill = source_path("tests/scenarios/valid/breached-drill.yaml");

TEST_CASE("a --grid key is the swept policy's key or a scenario path, told by its first word") {
  const auto policy = parse_grid_axis("retry.base=100ms,1s");
  REQUIRE(policy);
  CHECK_FALSE(policy->scenario_key);
  CHECK(policy->key == "retry.base");
  CHECK(policy->values == std::vector<std::string>{"100ms", "1s"});
  CHECK_FALSE(parse_grid_axis("timeout=1s")->scenario_key);
  for (const char* key :
       {"monitors[ingest-lag].above", "sla_tiers[gold].mttd_max", "connectors[erp-sync].workers",
        "connectors[recon].interval", "traffic[dtc].rate", "traffic[dtc#2].load",
        "traffic[dtc].shape[2].multiplier", "faults[erp-down].intensity",
        "systems[erp].endpoint.queue_max", "evaluation_interval", "response.stable_for"}) {
    CAPTURE(key);
    const auto axis = parse_grid_axis(std::string(key) + "=1,2");
    REQUIRE(axis);
    CHECK(axis->scenario_key);
    CHECK(axis->key == key);
  }
}

TEST_CASE("a --grid axis refuses what a sweep cannot set, and hostile text, before any run") {
  for (const char* text : {"seed=1,2",
                           "name=a,b",
                           "description=x",
                           "extends=a",
                           "expect.lost=1",  // nothing to compare
                           "retyr.base=1s",
                           "Monitors[x].above=1",
                           "monitor[x].above=1",  // unknown first word
                           "monitors[x]=1",
                           "retry..base=1s",
                           "retry.base.x=1s",
                           "retry.=1s",  // malformed paths
                           "monitors[x].above 1",
                           "monitors[x].above",
                           "=1",  // no key or no '='
                           "monitors[x].above=1}\nfoo: bar",
                           "monitors[x].above={a: 1}",  // YAML injection
                           "monitors[x].above=\"1\"",
                           "monitors[x].above=1 #c",
                           "monitors[x].above=a:b",
                           "monitors[x].above=[1]",
                           "monitors[x].above=&a",
                           "monitors[x].above=*a",
                           "monitors[x].above=!!str",
                           "monitors[x].above=",
                           "monitors[x].above=1,,2",
                           "monitors[x].above=1,1",
                           "monitors[x\n].above=1",
                           "monitors['x'].above=1"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_grid_axis(text));
  }
  // Huge: a key, a value, and more values than any grid may hold.
  CHECK_FALSE(parse_grid_axis("monitors[" + std::string(300, 'a') + "].above=1"));
  CHECK_FALSE(parse_grid_axis("monitors[x].above=" + std::string(100, '1')));
  std::string many = "monitors[x].above=0";
  for (int i = 1; i <= 100; ++i)
    many += fmt::format(",{}", i);
  CHECK_FALSE(parse_grid_axis(many));
  CHECK(parse_grid_axis(many.substr(0, many.rfind(','))));  // exactly 100 values pass
  // Deep: a path of many keys is refused by the loader's depth limit when the point loads.
}

TEST_CASE("sweep refuses a bad scenario key or value at the point, exit 2, nothing written") {
  Scratch s("sweep-keys");
  auto refused = [&](const std::string& grid, const std::string& message) {
    CAPTURE(grid);
    const CliRun r =
        s.run(fmt::format("sweep '{}' --grid '{}' --seeds 2 --out out", kThresholdDrill, grid));
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find(message) != std::string::npos, r.err);
    CHECK(r.err.find("\n", r.err.find('\n') + 1) == std::string::npos);  // one line
    CHECK_FALSE(fs::exists(s / "out"));
  };
  refused("monitors[ingest-backlg].above=10,20",
          "--grid point (monitors[ingest-backlg].above=10): --grid "
          "monitors[ingest-backlg].above: unknown monitor 'ingest-backlg' (did you mean "
          "'ingest-backlog'?)");
  refused("monitors[ingest-backlog].abve=10", "unknown key 'abve' (did you mean 'above'?)");
  refused("monitors[ingest-backlog].above=10,1e400",
          "--grid point (monitors[ingest-backlog].above=1e400): --grid "
          "monitors[ingest-backlog].above: number too large");
  refused("monitors[ingest-backlog].above=nan", "expected a number, got 'nan'");
  refused("monitors[ingest-backlog].window=1m,-5m", "monitors[ingest-backlog].window");
  refused("traffic[dtc].load=0", "--grid traffic[dtc].load: expected a multiplier above 0");
  refused("connectors[ingest].workers=4,100000", "connectors[ingest].workers");
  refused("monitors.above=1", "expected a mapping to set 'above' in, got a list");
  refused("monitors[ingest-backlog.above=1", "unbalanced '['");
  // Deeper than the loader's depth limit (32 keys).
  std::string deep = "response";
  for (int i = 0; i < 40; ++i)
    deep += ".a";
  refused(deep + "=1", "deeper than 32 keys");
  refused("seed=1,2", "'seed' cannot be swept");
  refused("monitors[ingest-backlog].above=1}\nfoo: bar", "'1}\\x0Afoo: bar' is not a plain value");
  // A grid that varies a policy key needs a policy; one of scenario keys alone does not.
  refused("timeout=1s,2s", "connector 'ingest' has no named policy to sweep");
}

double figure(const nlohmann::json& variant, const char* key) {
  return variant["figures"][key]["mean"].get<double>();
}

// The threshold of a point named "monitors[ingest-backlog].above=N".
double threshold_of(const nlohmann::json& variant) {
  const std::string name = variant["name"];
  return std::stod(name.substr(name.find('=') + 1));
}

TEST_CASE("a sweep over a monitor threshold ranks by MTTD with no false positives") {
  Scratch s("sweep-threshold");
  const std::string sweep = fmt::format(
      "sweep '{}' --grid 'monitors[ingest-backlog].above=20,50,100,300,1000' --seeds 3 --jobs 2 "
      "--rank-by mttd_s",
      kThresholdDrill);
  const CliRun r = s.run(sweep + " --require false_positives=0 --out req");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(read_file(s / "req/compare.json"));
  const auto& variants = j["variants"];
  REQUIRE(variants.size() == 5);

  // From the figures themselves: the lowest threshold without a false positive in any run.
  const nlohmann::json* clean = nullptr;
  for (const auto& v : variants) {
    CAPTURE(v["name"]);
    const double fp = figure(v, "false_positives");
    if (fp == 0 && (clean == nullptr || threshold_of(v) < threshold_of(*clean))) clean = &v;
  }
  REQUIRE(clean != nullptr);
  CHECK((*clean)["rank"] == 1);
  CHECK(j["ranking"]["best"] == (*clean)["name"]);
  CHECK((*clean)["meets_requirements"] == true);
  // The drill has the trade-off it promises: the lowest threshold fires on the surge, the best
  // clean one is not the lowest, and the highest misses the fault (censored at the end: 30 min).
  CHECK(threshold_of(*clean) > 20);
  CHECK(figure(variants[0], "false_positives") > 0);
  CHECK(figure(variants[4], "mttd_s") == 1800.0);
  CHECK(figure(*clean, "mttd_s") < figure(variants[4], "mttd_s"));

  // Every point with a false positive breaks the requirement, is said to, and ranks after every
  // point that meets it; the points that meet it are in MTTD order.
  size_t meeting = 0;
  for (const auto& v : variants)
    meeting += figure(v, "false_positives") == 0 ? 1 : 0;
  std::vector<std::string> broke;
  for (const auto& v : variants) {
    CAPTURE(v["name"]);
    const bool breaks = figure(v, "false_positives") > 0;
    CHECK(v["meets_requirements"] == !breaks);
    if (breaks) {
      broke.push_back(v["name"]);
      CHECK(v["rank"].get<size_t>() > meeting);
      CHECK(v["broken_requirements"] == nlohmann::json::array({"false_positives=0"}));
      CHECK(threshold_of(v) < threshold_of(*clean));
    } else {
      CHECK(v["rank"].get<size_t>() <= meeting);
      for (const auto& w : variants) {
        if (figure(w, "false_positives") == 0 && figure(w, "mttd_s") < figure(v, "mttd_s"))
          CHECK(w["rank"] < v["rank"]);
      }
    }
  }
  CHECK_FALSE(broke.empty());
  for (const auto& name : j["ranking"]["broke_requirements"])
    CHECK(std::find(broke.begin(), broke.end(), name) != broke.end());
  CHECK(j["ranking"]["broke_requirements"].size() == broke.size());
  CHECK(j["ranking"]["rank_by"] == "mttd_s");
  CHECK(j["ranking"]["require"][0]["key"] == "false_positives");
  CHECK(j["ranking"]["require"][0]["max"] == 0.0);

  // The points share seeds: a threshold changes what the monitor says, not the run, so every
  // point made the same calls on each seed (common random numbers).
  for (size_t k = 0; k < 3; ++k) {
    for (const auto& v : variants)
      CHECK(v["runs"][k]["calls"] == variants[0]["runs"][k]["calls"]);
  }
  CHECK(j["notes"].dump().find("sets scenario keys (monitors[ingest-backlog].above)") !=
        std::string::npos);

  // The terminal, compare.md and compare.html say which is best and which broke it.
  const std::string best = (*clean)["name"];
  CHECK(r.out.find("Best under the objective: " + best) != std::string::npos);
  CHECK(r.out.find("broken: false_positives=0 (mean ") != std::string::npos);
  CHECK(r.out.find(", 5 grid points x 3 seeds (3..5) = 15 runs") != std::string::npos);
  const std::string md = read_file(s / "req/compare.md");
  std::string md_best;  // Markdown escapes the brackets of the name
  for (char ch : best)
    md_best += ch == '[' || ch == ']' ? std::string("\\") + ch : std::string(1, ch);
  CHECK(md.find("**Best under the objective: " + md_best) != std::string::npos);
  CHECK(md.find("Broke a requirement (" + std::to_string(broke.size()) + " of 5") !=
        std::string::npos);
  const std::string html = read_file(s / "req/compare.html");
  CHECK(html.find("<tr class=\"broken\">") != std::string::npos);
  CHECK(html.find("Best under the objective: " + best) != std::string::npos);

  // Without the requirement, MTTD alone ranks: the lowest threshold wins, false positives and all.
  REQUIRE(s.run(sweep + " --out free --format json").exit_code == 0);
  const auto f = nlohmann::json::parse(read_file(s / "free/compare.json"));
  CHECK(f["variants"][0]["rank"] == 1);
  CHECK(f["ranking"]["best"] == f["variants"][0]["name"]);
  CHECK(f["ranking"]["best"] != j["ranking"]["best"]);
  CHECK(f["ranking"]["broke_requirements"].empty());
}

TEST_CASE("the false_positives figure of a point is the run's, and absent without monitors") {
  Scratch s("sweep-false-positives");
  REQUIRE(s.run(fmt::format("sweep '{}' --grid 'monitors[ingest-backlog].above=20,100' --seeds 2 "
                            "--seed 3 --out sw --format json -q",
                            kThresholdDrill))
              .exit_code == 0);
  REQUIRE(s.run(fmt::format("run '{}' --set 'monitors[ingest-backlog].above=20' --seed 3 --out r "
                            "--format json -q",
                            kThresholdDrill))
              .exit_code == 0);
  const auto sw = nlohmann::json::parse(read_file(s / "sw/compare.json"));
  const auto run = nlohmann::json::parse(read_file(s / "r/report.json"));
  const auto& first = sw["variants"][0]["runs"][0];
  REQUIRE(first["seed"] == 3);
  CHECK(run["monitors"][0]["false_positives"].get<double>() > 0);
  CHECK(first["false_positives"].get<double>() ==
        run["monitors"][0]["false_positives"].get<double>());
  CHECK(first["mttd_s"].get<double>() == run["faults"][0]["mttd_s"].get<double>());
  // A scenario without monitors has no false positives to count: null, not 0.
  REQUIRE(s.run(fmt::format("sweep '{}' --grid 'faults[oms-slow].latency=1s,2s' --seeds 2 --out "
                            "nomon --format json -q --set 'monitors=[]'",
                            kThresholdDrill))
              .exit_code == 0);
  const auto nomon = nlohmann::json::parse(read_file(s / "nomon/compare.json"));
  CHECK(nomon["variants"][0]["figures"]["false_positives"]["mean"].is_null());
  CHECK(nomon["variants"][0]["runs"][0]["false_positives"].is_null());
}

TEST_CASE(
    "without ranking options a sweep ranks and writes as before, and policy keys still work") {
  Scratch s("sweep-default");
  const CliRun r = s.run(
      fmt::format("sweep '{}' --grid retry.max_attempts=1,3 --seeds 2 --out sw --format json,md",
                  kBreachedDrill));
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(read_file(s / "sw/compare.json"));
  CHECK_FALSE(j.contains("ranking"));
  CHECK_FALSE(j["variants"][0].contains("meets_requirements"));
  CHECK(j["ranking_rule"].get<std::string>().find("Ranked by runs with every SLA tier held") == 0);
  CHECK(j["notes"].empty());
  CHECK(r.out.find("(objective)") == std::string::npos);
  CHECK(read_file(s / "sw/compare.md").find("Requirements") == std::string::npos);
  // A policy key and a scenario key in one grid: every combination, the policy in each.
  const CliRun both = s.run(fmt::format(
      "sweep '{}' --grid retry.max_attempts=1,3 --grid 'monitors[ingest-errors].above=0.05,0.5' "
      "--seeds 2 --out both --format json",
      kBreachedDrill));
  REQUIRE(both.exit_code == 0);
  const auto b = nlohmann::json::parse(read_file(s / "both/compare.json"));
  REQUIRE(b["variants"].size() == 4);
  CHECK(b["variants"][3]["name"] == "retry.max_attempts=3 monitors[ingest-errors].above=0.5");
  CHECK(b["variants"][3]["settings"].get<std::string>().find("3 attempts") != std::string::npos);
  // The policy key's points equal the policy-only sweep's on the same seeds.
  CHECK(b["variants"][0]["runs"][0]["calls"] == j["variants"][0]["runs"][0]["calls"]);
  CHECK(b["variants"][2]["runs"][1]["calls"] == j["variants"][1]["runs"][1]["calls"]);
  // The swept policy is set by its own keys, not by a path to it.
  const CliRun own = s.run(fmt::format(
      "sweep '{}' --grid 'policies[once].timeout=1s,2s' --seeds 2 --out none", kBreachedDrill));
  CHECK(own.exit_code == 2);
  CHECK(own.err.find("sets the swept policy 'once': give its key alone, e.g. --grid timeout=") !=
        std::string::npos);
}

TEST_CASE("--rank-by and --require refuse what they cannot read, exit 2") {
  Scratch s("rank-options");
  auto refused = [&](const std::string& args, const std::string& message) {
    CAPTURE(args);
    const CliRun r =
        s.run(fmt::format("sweep '{}' --grid retry.max_attempts=1,3 --seeds 2 {} "
                          "--out out",
                          kBreachedDrill, args));
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find(message) != std::string::npos, r.err);
    CHECK_FALSE(fs::exists(s / "out"));
  };
  refused("--rank-by mttd", "--rank-by: unknown figure 'mttd' (did you mean 'mttd_s'?)");
  refused("--require false_positive=0", "(did you mean 'false_positives'?)");
  refused("--require false_positives", "expected KEY=RANGE");
  refused("--require 'lost=5..1'", "the range is empty: 5 is above 1");
  refused("--require lost=..", "expected at least one end of the range");
  refused("--require lost=nan", "expected a number (in orders), got 'nan'");
  refused("--require lost=1e400", "expected a number");
  refused("--require lost=0 --require lost=..3", "a requirement on lost is given twice");
  refused("--require \"$(printf 'lost=1\\nfoo: bar')\"", "got '1\\x0Afoo: bar'");
}

}  // namespace
}  // namespace syncdrill
