// syncdrill compare SCENARIO --policy A --policy B ... and syncdrill sweep SCENARIO --grid ...:
// one scenario, several policies on the connectors under comparison, the same seeds for each
// (common random numbers), summarised with 95% intervals and paired differences.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "app/command_line.hpp"
#include "app/commands.hpp"
#include "app/compare_output.hpp"
#include "app/compare_runner.hpp"
#include "app/compare_variants.hpp"
#include "app/exit_codes.hpp"
#include "app/memory_budget.hpp"
#include "app/output_folder.hpp"
#include "app/parallel.hpp"
#include "app/rank_options.hpp"
#include "app/scenario_input.hpp"
#include "app/shard.hpp"
#include "app/shard_file.hpp"
#include "core/scenario/estimate.hpp"
#include "core/scenario/values.hpp"
#include "reports/atomic_file.hpp"

namespace syncdrill {

namespace po = boost::program_options;

namespace {

constexpr uint64_t kSeedsMax = 1000;
constexpr unsigned kJobsMax = 256;
constexpr size_t kVariantsMax = 100;

struct CompareArgs {
  std::string command;  // "compare" or "sweep"
  std::string scenario;
  std::vector<std::string> policies;
  std::string policies_file;
  std::vector<std::string> connectors;
  std::vector<std::string> grid;
  uint64_t seeds = 10;
  std::optional<uint64_t> seed;
  bool keep_policy_switches = false;
  unsigned jobs = 1;
  std::string out_dir;
  bool quiet = false;
  std::vector<std::string> formats{"json", "md", "html"};
  Overrides overrides;                    // --set
  std::optional<MemoryBudget> memory;     // what the runs may take together
  std::optional<CompareMetric> rank_by;   // --rank-by
  std::vector<Requirement> requirements;  // --require
  ShardChoice shard;                      // --shard: only these runs, into DIR/shard-K-of-N.json
};

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string part =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

unsigned default_jobs() {
  return std::min(machine_cores(), kJobsMax);
}

std::optional<int> parse_compare_args(const std::vector<std::string>& args, CompareArgs& parsed) {
  const bool sweep = parsed.command == "sweep";
  CommandLine line(
      parsed.command,
      sweep ? "usage: syncdrill sweep SCENARIO --grid KEY=V1,V2,... [--grid ...]\n"
              "                       [--policy NAME] [--connectors LIST] [--seeds N]\n"
              "                       [--seed N] [--keep-policy-switches] [--jobs J]\n"
              "                       [--rank-by KEY] [--require KEY=RANGE ...]\n"
              "                       [--max-memory SIZE] [--out DIR] [--format LIST]\n"
              "                       [--quiet] [--shard K/N|auto]\n\noptions"
            : "usage: syncdrill compare SCENARIO --policy NAME --policy NAME [...]\n"
              "                         [--policies FILE] [--connectors LIST] [--seeds N]\n"
              "                         [--seed N] [--keep-policy-switches] [--jobs J]\n"
              "                         [--rank-by KEY] [--require KEY=RANGE ...]\n"
              "                         [--max-memory SIZE] [--out DIR] [--format LIST]\n"
              "                         [--quiet] [--shard K/N|auto]\n\noptions");
  auto add = line.add();
  if (sweep) {
    add("grid", po::value<std::vector<std::string>>()->value_name("KEY=V1,V2,..."),
        "a key of the swept policy (retry.base) or of the scenario (monitors[NAME].above) and "
        "the values to sweep it over (repeatable; the grid is every combination)");
    add("policy", po::value<std::vector<std::string>>()->value_name("NAME"),
        "the policy the grid varies (default: the policy of the first connector compared)");
  } else {
    add("policy", po::value<std::vector<std::string>>()->value_name("NAME"),
        "a policy to run (repeatable, at least two; the first is the baseline of the "
        "differences)");
    add("policies", po::value<std::string>()->value_name("FILE"),
        "more policies: a YAML file with a `policies:` list, merged over the scenario's");
  }
  add("connectors", po::value<std::string>()->value_name("LIST"),
      "the connectors whose policy is swapped, comma-separated (default: those the "
      "scenario's faults touch; all when it has none)");
  add("seeds", po::value<std::string>()->value_name("N"),
      "seeds per policy, 2 to 1000 (default 10)");
  line.add_seed(
      "the first seed, a whole number >= 0; the others follow it (default: the "
      "scenario's `seed`)");
  add("keep-policy-switches",
      "keep the runbook's switch_policy actions on the compared connectors (by default they "
      "are left out, so each policy stays in force for the whole run)");
  add("jobs,j", po::value<unsigned>()->value_name("J"),
      "runs at once, on J threads (default: the number of cores); results do not depend on it");
  line.add_max_memory(
      "memory the runs may take together, e.g. 4GiB (default: what the machine or its "
      "container has free); --jobs is lowered to fit");
  add("rank-by", po::value<std::string>()->value_name("KEY"),
      "rank on the mean of this figure, lower first (mttd_s, false_positives, ...; see "
      "compare.json's metrics)");
  add("require", po::value<std::vector<std::string>>()->value_name("KEY=RANGE"),
      "a requirement on a figure's mean (repeatable): KEY=V, KEY=..V, KEY=V.. or KEY=A..B; "
      "those that break one rank last");
  line.add_out(sweep ? "output folder (default: out/<scenario name>-sweep)"
                     : "output folder (default: out/<scenario name>-compare)");
  line.add_formats("files to write, comma-separated: json, md, html (default: all)");
  line.add_quiet("print nothing on success");
  add("shard", po::value<std::string>()->value_name("K/N"),
      "run only shard K of N of the runs and write DIR/shard-K-of-N.json for 'syncdrill "
      "merge'; auto: K and N from the job's environment (Kubernetes, GitLab, Slurm)");
  line.take_scenarios(1);
  const std::string about =
      std::string(sweep ? "Runs the scenario for every point of the grid, each a copy of the "
                          "policy with\nthe grid's values, on the same seeds; writes "
                          "DIR/compare.json, compare.md and\ncompare.html.\n"
                          "Example: --grid retry.base=100ms,1s --grid retry.max_attempts=2,4,8\n"
                          "Any scenario key: --grid 'monitors[NAME].above=10,50' --rank-by mttd_s\n"
                          "  --require false_positives=0 (docs/compare.md)\n"
                        : "Runs the scenario with each policy on the same seeds (common random "
                          "numbers),\nso the differences come from the policies, not from "
                          "luck; writes\nDIR/compare.json, compare.md and compare.html.\n") +
      "With --shard K/N, runs only that shard's runs and writes DIR/shard-K-of-N.json\n"
      "instead; 'syncdrill merge' joins the shards into the same files.\n"
      "Exit codes: 0 done, 2 bad input, 3 internal error (the runs' verdicts are in\nthe "
      "files).\n";
  if (auto stop = line.parse(args, about)) return stop;
  if (auto stop = line.scenario(parsed.scenario)) return stop;
  parsed.overrides = line.overrides();
  if (line.has("policy")) parsed.policies = line.get<std::vector<std::string>>("policy");
  if (line.has("policies")) parsed.policies_file = line.text("policies");
  if (line.has("grid")) parsed.grid = line.get<std::vector<std::string>>("grid");
  if (line.has("rank-by")) {
    std::string error;
    parsed.rank_by = parse_rank_by(line.text("rank-by"), error);
    if (!parsed.rank_by) return usage_error(fmt::format("--rank-by: {}", error));
  }
  if (line.has("require")) {
    for (const std::string& text : line.get<std::vector<std::string>>("require")) {
      std::string error;
      const std::optional<Requirement> r = parse_requirement(text, error);
      if (!r)
        return usage_error(fmt::format("--require '{}': {}",
                                       scenario::printable(scenario::shown_text(text)), error));
      if (std::any_of(parsed.requirements.begin(), parsed.requirements.end(),
                      [&](const Requirement& q) { return q.metric == r->metric; })) {
        return usage_error(
            fmt::format("--require '{}': a requirement on {} is given twice; give "
                        "one range (A..B)",
                        scenario::printable(scenario::shown_text(text)),
                        compare_metrics()[static_cast<size_t>(r->metric)].key));
      }
      parsed.requirements.push_back(*r);
    }
  }
  if (line.has("connectors")) {
    parsed.connectors = split_commas(line.text("connectors"));
    if (parsed.connectors.empty()) return usage_error("--connectors needs at least one name");
  }
  if (line.has("seeds")) parsed.seeds = whole_number(line.text("seeds")).value_or(0);
  if (parsed.seeds < 2 || parsed.seeds > kSeedsMax) {
    return usage_error(
        fmt::format("--seeds must be 2 to {} (an interval needs at least two runs)", kSeedsMax));
  }
  if (auto stop = line.seed(parsed.seed, UINT64_MAX - kSeedsMax)) return stop;
  parsed.keep_policy_switches = line.has("keep-policy-switches");
  parsed.jobs = line.has("jobs") ? line.get<unsigned>("jobs") : default_jobs();
  if (parsed.jobs < 1 || parsed.jobs > kJobsMax) {
    return usage_error(fmt::format("--jobs must be 1 to {}", kJobsMax));
  }
  if (auto stop = line.memory_budget(parsed.memory)) return stop;
  parsed.out_dir = line.out_dir();
  parsed.quiet = line.quiet();
  if (auto stop = line.formats(parsed.formats, {"json", "md", "html"}, true)) return stop;
  if (line.has("shard")) {
    parsed.shard = read_shard(line.text("shard"), process_environment());
    if (!parsed.shard.error.empty()) return usage_error(parsed.shard.error);
    if (line.has("format")) {
      return usage_error(
          "--format is for 'syncdrill merge': a shard writes only DIR/shard-K-of-N.json");
    }
  }
  if (sweep) {
    if (parsed.grid.empty()) return usage_error("sweep needs at least one --grid KEY=V1,V2,...");
    if (parsed.policies.size() > 1) return usage_error("sweep varies one --policy");
  } else if (parsed.policies.size() < 2) {
    return usage_error("compare needs at least two --policy NAME (see 'syncdrill compare --help')");
  }
  return std::nullopt;
}

// The variants to run, or the exit code to stop with.
struct Plan {
  Comparison comparison;
  RunGrid grid;
};

std::optional<int> plan_compare(const CompareArgs& args, const Scenario& scenario, Plan& plan) {
  for (const std::string& name : args.policies) {
    const PolicySpec* policy = find_policy(scenario, name);
    if (policy == nullptr) {
      std::vector<std::string> names;
      for (const PolicySpec& p : scenario.policies)
        names.push_back(p.name);
      return usage_error(fmt::format(
          "--policy: no policy '{}' in {}{} (it has: {})", name, args.scenario,
          args.policies_file.empty() ? "" : " or " + args.policies_file, fmt::join(names, ", ")));
    }
    if (std::any_of(plan.comparison.variants.begin(), plan.comparison.variants.end(),
                    [&](const Variant& v) { return v.name == name; })) {
      return usage_error(fmt::format("--policy '{}' is given twice", name));
    }
    plan.comparison.variants.push_back({name, policy_line(*policy), {}});
    plan.grid.names.push_back(name);
    plan.grid.variants.push_back(with_policy(scenario, *policy, plan.comparison.connectors));
  }
  return std::nullopt;
}

// The grid's points as variants: the scenario with each point's policy swapped in, or, when the
// grid sets scenario keys, each point's own scenario prepared as the scenario was (its policy
// switches left out unless kept) with the policy swapped in (none when `base` is empty).
void add_sweep_points(const CompareArgs& args, const Scenario& scenario, const std::string& base,
                      const std::vector<GridAxis>& axes, const std::vector<SweepPoint>& points,
                      Plan& plan) {
  std::vector<std::string> scenario_keys;
  for (const GridAxis& a : axes) {
    if (a.scenario_key) scenario_keys.push_back(a.key);
  }
  if (!scenario_keys.empty()) {
    plan.comparison.notes.push_back(fmt::format(
        "The grid sets scenario keys ({}), not only the policy's: each point is the scenario with "
        "its keys set (the scenario hash is that of the scenario they are set on), run on the same "
        "seeds as every other point (common random numbers).",
        fmt::join(scenario_keys, ", ")));
  }
  for (const SweepPoint& p : points) {
    plan.comparison.variants.push_back(
        {p.name, base.empty() ? "the scenario's own policies" : policy_line(p.policy), {}});
    plan.grid.names.push_back(p.name);
    if (!p.scenario) {
      plan.grid.variants.push_back(with_policy(scenario, p.policy, plan.comparison.connectors));
      continue;
    }
    // A whole variant of the scenario: prepared as the scenario itself was (its policy switches
    // left out unless kept), then the point's policy swapped in.
    Scenario variant = *p.scenario;
    if (!args.keep_policy_switches) {
      variant = without_actions(variant, policy_switches_on(variant, plan.comparison.connectors));
    }
    plan.grid.variants.push_back(base.empty()
                                     ? std::move(variant)
                                     : with_policy(variant, p.policy, plan.comparison.connectors));
  }
}

std::optional<int> plan_sweep(const CompareArgs& args, const Scenario& scenario, Plan& plan) {
  std::vector<GridAxis> axes;
  for (const std::string& g : args.grid) {
    std::optional<GridAxis> axis = parse_grid_axis(g);
    if (!axis) return kExitUsage;
    if (std::any_of(axes.begin(), axes.end(),
                    [&](const GridAxis& a) { return a.key == axis->key; }))
      return usage_error(fmt::format("--grid '{}' is given twice", axis->key));
    axes.push_back(std::move(*axis));
  }
  const bool policy_keys =
      std::any_of(axes.begin(), axes.end(), [](const GridAxis& a) { return !a.scenario_key; });
  std::string base = args.policies.empty() ? "" : args.policies.front();
  if (base.empty()) {
    base = find_connector(scenario, plan.comparison.connectors.front())->policy;
    // A grid of scenario keys alone needs no policy: the connectors keep their own.
    if (base.empty() && policy_keys) {
      return usage_error(
          fmt::format("connector '{}' has no named policy to sweep; name one with "
                      "--policy",
                      plan.comparison.connectors.front()));
    }
  }
  if (!base.empty() && find_policy(scenario, base) == nullptr) {
    return usage_error(fmt::format("--policy: no policy '{}' in {}", base, args.scenario));
  }
  if (base.empty()) {
    plan.comparison.notes.push_back(
        "No policy is swapped: the grid sets only scenario keys, and every connector keeps its "
        "own policy.");
  }
  const auto points = sweep_points(args.scenario, base, axes, kVariantsMax, args.overrides);
  if (!points) return kExitUsage;
  add_sweep_points(args, scenario, base, axes, *points, plan);
  return std::nullopt;
}

// A shard's runs (those run_grid ran) into DIR/shard-K-of-N.json, written atomically.
int write_shard(Comparison header, const Shard& shard, const GridResult& runs,
                const std::string& source, const std::string& out_dir, bool quiet) {
  ShardFile file;
  file.syncdrill_version = SYNCDRILL_VERSION;
  file.shard = shard;
  const size_t variants = header.variants.size();
  const size_t total = variants * header.seeds.size();
  for (size_t k = shard.index - 1; k < total; k += shard.count)
    file.runs.push_back({k % variants, k / variants, runs.figures[k % variants][k / variants]});
  file.header = std::move(header);
  const std::string path = (std::filesystem::path(out_dir) / shard.file_name()).string();
  const std::string text = shard_file_text(file);
  if (text.size() > kShardFileBytesMax) {  // merge would refuse it: say so now
    return usage_error(
        fmt::format("{} would be {} MiB, more than merge reads ({} MiB); nothing "
                    "written: split the runs into more shards",
                    path, text.size() >> 20, kShardFileBytesMax >> 20));
  }
  CreatedFolders created(out_dir);
  std::string error = make_directories(out_dir);
  if (error.empty()) error = write_file_atomically(path, text);
  if (!error.empty()) {
    std::cerr << "syncdrill: error: " << error << "\n";
    return kExitInternal;
  }
  created.dismiss();
  if (!quiet) {
    std::cout << fmt::format("syncdrill {}: {}, shard {} of {}{}: {} of {} runs\nwrote {}\n",
                             file.header.command, file.header.scenario_name, shard.index,
                             shard.count, source == "--shard" ? "" : " (from " + source + ")",
                             file.runs.size(), total, path);
  }
  return kExitOk;
}

}  // namespace

int compare_or_sweep(const std::string& command, const std::vector<std::string>& args) {
  CompareArgs parsed;
  parsed.command = command;
  if (auto stop = parse_compare_args(args, parsed)) return *stop;
  std::optional<Scenario> scenario = load_scenario_or_report(parsed.scenario, parsed.overrides);
  if (!scenario) return kExitUsage;
  std::vector<std::string> notes;
  if (!parsed.policies_file.empty()) {
    std::optional<MergedPolicies> merged =
        with_policies_file(parsed.scenario, parsed.policies_file, *scenario, parsed.overrides);
    if (!merged) return kExitUsage;
    if (!merged->redefined.empty()) {
      notes.push_back(
          fmt::format("{} redefines the scenario's polic{} {}: the scenario's own "
                      "definition is not the one compared.",
                      parsed.policies_file, merged->redefined.size() == 1 ? "y" : "ies",
                      fmt::join(merged->redefined, ", ")));
    }
    scenario = std::move(merged->scenario);
  }

  Plan plan;
  Comparison& c = plan.comparison;
  c.command = command;
  c.scenario_path = parsed.scenario;
  c.policies_file = parsed.policies_file;
  c.scenario_name = scenario->name;
  c.scenario_hash = scenario_hash(*scenario);
  c.overrides = scenario->overrides;
  c.rank_by = parsed.rank_by;
  c.requirements = parsed.requirements;
  for (const SlaTierSpec& t : scenario->sla_tiers)
    c.tiers.push_back(t.name);
  const auto connectors = compared_connectors(*scenario, parsed.connectors);
  if (!connectors) return kExitUsage;
  c.connectors = *connectors;
  plan.grid.connectors = c.connectors;
  // A runbook that switches a compared connector's policy would replace the policy under test
  // partway through each run: by default those actions are left out, and either way it is said.
  const std::vector<size_t> switches = policy_switches_on(*scenario, c.connectors);
  if (!switches.empty()) {
    std::vector<std::string> targets;
    for (size_t i : switches) {
      const ActionSpec& a = scenario->response.runbook[i];
      targets.push_back(
          fmt::format("{} to {}", a.target.empty() ? "every connector" : a.target, a.policy));
    }
    if (parsed.keep_policy_switches) {
      notes.push_back(fmt::format(
          "the runbook switches compared connectors' policies ({}): each policy is in force "
          "only until on-call does (--keep-policy-switches).",
          fmt::join(targets, ", ")));
    } else {
      scenario = without_actions(*scenario, switches);
      notes.push_back(fmt::format(
          "{} switch_policy action{} of the runbook ({}) left out, so each policy stays in force "
          "for the whole run; --keep-policy-switches keeps them.",
          switches.size(), switches.size() == 1 ? "" : "s", fmt::join(targets, ", ")));
    }
  }
  c.notes = notes;
  if (auto stop = command == "sweep" ? plan_sweep(parsed, *scenario, plan)
                                     : plan_compare(parsed, *scenario, plan)) {
    return *stop;
  }
  const std::string out_dir =
      parsed.out_dir.empty() ? fmt::format("out/{}-{}", scenario->name, command) : parsed.out_dir;
  if (std::string problem = out_folder_problem(out_dir); !problem.empty()) {
    return usage_error(problem);
  }
  const uint64_t first_seed = parsed.seed.value_or(scenario->seed);
  for (uint64_t i = 0; i < parsed.seeds; ++i)
    c.seeds.push_back(first_seed + i);
  plan.grid.seeds = c.seeds;
  if (parsed.shard.shard) plan.grid.shard = *parsed.shard.shard;

  // Progress only for a person watching: a terminal on stderr.
  const bool show_progress = !parsed.quiet && isatty(STDERR_FILENO) != 0;
  GridProgress progress;
  if (show_progress) {
    progress = [](size_t done, size_t total) {
      std::cerr << fmt::format("\r{}: {}/{} runs", "syncdrill", done, total)
                << (done == total ? "\n" : "") << std::flush;
    };
  }
  double run_bytes = 0;
  for (const Scenario& v : plan.grid.variants)
    run_bytes = std::max(run_bytes, estimated_run_bytes(v));
  const JobsFit fit = jobs_within_memory(parsed.jobs, run_bytes, scenario->name, parsed.memory);
  if (!fit.note.empty() && !parsed.quiet) std::cerr << "syncdrill: note: " << fit.note << "\n";
  GridResult runs = run_grid(plan.grid, fit.jobs, progress);
  if (runs.exception) std::rethrow_exception(runs.exception);  // cli_main: exit 3
  if (!runs.error.empty()) {
    if (show_progress) std::cerr << "\n";  // the progress line stopped midway
    return usage_error(
        fmt::format("{}: {}; nothing written (shorten the scenario or lower its "
                    "traffic)",
                    parsed.scenario, runs.error));
  }
  if (parsed.shard.shard) {
    return write_shard(std::move(c), *parsed.shard.shard, runs, parsed.shard.source, out_dir,
                       parsed.quiet);
  }
  for (size_t v = 0; v < c.variants.size(); ++v)
    c.variants[v].runs = std::move(runs.figures[v]);
  return write_comparison(c, parsed.formats, out_dir, parsed.quiet);
}

int compare_command(const std::vector<std::string>& args) {
  return compare_or_sweep("compare", args);
}

int sweep_command(const std::vector<std::string>& args) {
  return compare_or_sweep("sweep", args);
}

}  // namespace syncdrill
