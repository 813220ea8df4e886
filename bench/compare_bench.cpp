// `syncdrill compare` on 1 and on 2 threads: the same grid of runs (every policy on every seed),
// timed end to end (best of two alternating rounds), and the figures checked identical. Prints
//   bench compare scenario=NAME runs=N jobs1_s=X jobs2_s=X speedup=X identical=true|false
// Arguments: [SCENARIO] [--seeds N] [--policy NAME ...] [--min-speedup X]; by default the
// retry-storm drill with its two policies (no-backoff, full-jitter-budget) on 8 seeds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/compare_runner.hpp"
#include "app/compare_variants.hpp"
#include "core/scenario/loader.hpp"
#include "reports/compare_report.hpp"

#ifndef SYNCDRILL_SOURCE_DIR
#error "SYNCDRILL_SOURCE_DIR must name the source tree"
#endif

int main(int argc, char** argv) {
  using namespace syncdrill;
  std::string path = std::string(SYNCDRILL_SOURCE_DIR) + "/scenarios/retry-storm.yaml";
  uint64_t seeds = 8;
  double min_speedup = 0;  // --min-speedup X: exit 1 below it (for a quiet machine's check)
  std::vector<std::string> policies;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--seeds" && i + 1 < argc) {
      seeds = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--min-speedup" && i + 1 < argc) {
      min_speedup = std::strtod(argv[++i], nullptr);
    } else if (arg == "--policy" && i + 1 < argc) {
      policies.emplace_back(argv[++i]);
    } else {
      path = arg;
    }
  }
  const LoadResult loaded = load_scenario_file(path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "bench compare: %s does not validate\n", path.c_str());
    return 2;
  }
  const Scenario& scenario = *loaded.scenario;
  if (policies.empty()) {
    for (const char* name : {"no-backoff", "full-jitter-budget"}) {
      if (find_policy(scenario, name) != nullptr) policies.emplace_back(name);
    }
  }
  const auto connectors = compared_connectors(scenario, {});
  if (!connectors) return 2;
  RunGrid grid;
  Comparison c;
  c.command = "compare";
  c.scenario_name = scenario.name;
  c.connectors = *connectors;
  for (const std::string& name : policies) {
    const PolicySpec* p = find_policy(scenario, name);
    if (p == nullptr) {
      std::fprintf(stderr, "bench compare: no policy '%s'\n", name.c_str());
      return 2;
    }
    grid.variants.push_back(with_policy(scenario, *p, *connectors));
    c.variants.push_back({name, policy_line(*p), {}});
  }
  if (grid.variants.empty()) {  // a scenario without those policies: run it as it is
    grid.variants.push_back(scenario);
    c.variants.push_back({"as-is", "", {}});
  }
  for (uint64_t i = 0; i < seeds; ++i)
    grid.seeds.push_back(scenario.seed + i);
  c.seeds = grid.seeds;

  auto timed = [&](unsigned jobs, std::string& json) {
    const auto start = std::chrono::steady_clock::now();
    GridResult r = run_grid(grid, jobs);
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Comparison copy = c;
    for (size_t v = 0; v < copy.variants.size(); ++v)
      copy.variants[v].runs = std::move(r.figures[v]);
    json = compare_json(copy, summarize(copy)).dump();
    return s;
  };
  // Alternated and repeated, best of each: the first grid of a process pays for cold caches
  // and the allocator's growth, which would flatter whichever ran second.
  std::string one, two;
  double jobs1_s = 1e300, jobs2_s = 1e300;
  for (int round = 0; round < 2; ++round) {
    jobs1_s = std::min(jobs1_s, timed(1, one));
    jobs2_s = std::min(jobs2_s, timed(2, two));
  }
  std::printf(
      "bench compare scenario=%s runs=%zu jobs1_s=%.3f jobs2_s=%.3f speedup=%.2f "
      "identical=%s\n",
      scenario.name.c_str(), grid.variants.size() * grid.seeds.size(), jobs1_s, jobs2_s,
      jobs1_s / jobs2_s, one == two ? "true" : "false");
  if (one != two) return 1;
  if (jobs1_s / jobs2_s < min_speedup) {
    std::fprintf(stderr, "bench compare: speedup %.2f is below --min-speedup %.2f\n",
                 jobs1_s / jobs2_s, min_speedup);
    return 1;
  }
  return 0;
}
