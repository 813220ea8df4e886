#include "app/compare_variants.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <span>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "app/cli.hpp"
#include "app/scenario_input.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/values.hpp"
#include "sim/world/fault_reach.hpp"

namespace syncdrill {

namespace fs = std::filesystem;

namespace {

// A path as a double-quoted YAML scalar.
std::string yaml_quoted(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

bool read_text(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

bool plain_token(const std::string& s, std::string_view extra) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           extra.find(ch) != std::string_view::npos;
  });
}

}  // namespace

// The overrides, set to change the scenario file at `scenario_path` under a child of it.
static Overrides under_child(const std::string& scenario_path, Overrides overrides) {
  overrides.file = fs::absolute(scenario_path).lexically_normal().string();
  return overrides;
}

std::optional<MergedPolicies> with_policies_file(const std::string& scenario_path,
                                                 const std::string& policies_path,
                                                 const Scenario& scenario,
                                                 const Overrides& overrides) {
  std::string text;
  if (!read_text(policies_path, text)) {
    usage_error(fmt::format("cannot read policies file '{}'", policies_path));
    return std::nullopt;
  }
  // Only `policies` may be set: anything else would silently change the drill being compared.
  std::vector<std::string> names;  // the policies the file defines
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root.IsMap() || !root["policies"]) {
      usage_error(fmt::format("{}:1:1: a policies file is a mapping with one key, `policies`",
                              policies_path));
      return std::nullopt;
    }
    for (const auto& entry : root) {
      const std::string key = entry.first.as<std::string>();
      if (key != "policies") {
        const YAML::Mark mark = entry.first.Mark();
        usage_error(fmt::format("{}:{}:{}: unknown key '{}': a policies file holds only `policies`",
                                policies_path, mark.line + 1, mark.column + 1, key));
        return std::nullopt;
      }
    }
    if (root["policies"].IsSequence()) {
      for (const auto& item : root["policies"]) {
        if (item.IsMap() && item["name"] && item["name"].IsScalar())
          names.push_back(item["name"].as<std::string>());
      }
    }
  } catch (const YAML::Exception& e) {
    // Reported here, at its place in the file: the loader would see the appended line too.
    usage_error(fmt::format("{}:{}:{}: invalid YAML: {}", policies_path, e.mark.line + 1,
                            e.mark.column + 1, e.msg));
    return std::nullopt;
  }
  // Merged as a child of the scenario: `extends` goes last so every line keeps its number.
  const std::string written = text;
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += "extends: " + yaml_quoted(fs::absolute(scenario_path).lexically_normal().string()) + "\n";
  std::optional<Scenario> merged = scenario_or_report(
      load_scenario_text(text, policies_path, {}, under_child(scenario_path, overrides)),
      policies_path);
  if (!merged) return std::nullopt;
  for (SourceFile& f : merged->sources) {
    if (f.path == policies_path) f.content = written;
  }
  MergedPolicies out{std::move(*merged), {}};
  for (const std::string& name : names) {
    if (find_policy(scenario, name) != nullptr) out.redefined.push_back(name);
  }
  return out;
}

std::optional<std::vector<std::string>> compared_connectors(
    const Scenario& scenario, const std::vector<std::string>& requested) {
  std::vector<std::string> out;
  if (!requested.empty()) {
    for (const std::string& name : requested) {
      if (find_connector(scenario, name) == nullptr) {
        std::vector<std::string> names;
        for (const ConnectorSpec& c : scenario.connectors)
          names.push_back(c.name);
        usage_error(fmt::format("--connectors: no connector '{}' in {} (it has: {})", name,
                                scenario.name, fmt::join(names, ", ")));
        return std::nullopt;
      }
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
    return out;
  }
  for (const ConnectorSpec& c : scenario.connectors) {
    bool touched = scenario.faults.empty();
    for (const FaultSpec& f : scenario.faults) {
      const std::vector<std::string> reach = connectors_touched(scenario, f);
      touched |= std::find(reach.begin(), reach.end(), c.name) != reach.end();
    }
    if (touched) out.push_back(c.name);
  }
  if (out.empty()) {
    usage_error(
        fmt::format("{}: no connector to compare policies on (its faults touch none; "
                    "name some with --connectors)",
                    scenario.name));
    return std::nullopt;
  }
  return out;
}

Scenario with_policy(const Scenario& scenario, const PolicySpec& policy,
                     const std::vector<std::string>& connectors) {
  Scenario out = scenario;
  std::erase_if(out.policies, [&](const PolicySpec& p) { return p.name == policy.name; });
  out.policies.push_back(policy);
  for (ConnectorSpec& c : out.connectors) {
    if (std::find(connectors.begin(), connectors.end(), c.name) != connectors.end()) {
      c.policy = policy.name;
    }
  }
  return out;
}

std::vector<size_t> policy_switches_on(const Scenario& scenario,
                                       const std::vector<std::string>& connectors) {
  std::vector<size_t> out;
  for (size_t i = 0; i < scenario.response.runbook.size(); ++i) {
    const ActionSpec& a = scenario.response.runbook[i];
    if (a.kind != ActionKind::switch_policy) continue;
    if (a.target.empty() ||
        std::find(connectors.begin(), connectors.end(), a.target) != connectors.end()) {
      out.push_back(i);
    }
  }
  return out;
}

Scenario without_actions(const Scenario& scenario, const std::vector<size_t>& indices) {
  Scenario out = scenario;
  std::vector<ActionSpec> kept;
  for (size_t i = 0; i < scenario.response.runbook.size(); ++i) {
    if (std::find(indices.begin(), indices.end(), i) == indices.end()) {
      kept.push_back(scenario.response.runbook[i]);
    }
  }
  out.response.runbook = std::move(kept);
  return out;
}

namespace {

// The policy format's keys (docs/scenario-format.md, policies[]): a --grid key whose first word
// is one of them sets the swept policy's key.
constexpr std::string_view kPolicyKeys[] = {"timeout",
                                            "retry",
                                            "budget",
                                            "breaker",
                                            "idempotency_keys",
                                            "webhook_dedupe",
                                            "retry_request_limited"};
// The scenario's top-level keys a point may set (as --set does).
constexpr std::string_view kScenarioKeys[] = {
    "duration",        "currency",   "catalog", "channels",  "systems",  "traffic",
    "policies",        "connectors", "faults",  "sla_tiers", "monitors", "evaluation_interval",
    "series_interval", "response"};
// Top-level keys that set nothing a sweep could compare, and why.
constexpr std::pair<std::string_view, std::string_view> kUnsweepable[] = {
    {"name", "it names the scenario (or a policy) and changes no run"},
    {"description", "it changes no run"},
    {"seed",
     "every point runs on the same seeds (common random numbers): choose them with --seed and "
     "--seeds"},
    {"extends", "a point is the scenario with keys set; sweep the keys of the base instead"},
    {"expect", "only `run --expect` reads it; it changes no figure"},
};

bool listed(std::string_view word, std::span<const std::string_view> list) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// Why `key` cannot be a --grid key; empty when it can. Sets `scenario_key`.
std::string grid_key_problem(const std::string& key, bool& scenario_key) {
  if (key.size() > kGridKeyCharsMax) {
    return fmt::format("the key is {} characters, over the limit of {}", key.size(),
                       kGridKeyCharsMax);
  }
  const std::string first = key.substr(0, key.find_first_of(".["));
  for (const auto& [word, why] : kUnsweepable) {
    if (first == word) return fmt::format("'{}' cannot be swept: {}", word, why);
  }
  if (listed(first, kPolicyKeys)) {
    scenario_key = false;
    if (!plain_token(key, "_.") || key.back() == '.' || key.find("..") != std::string::npos ||
        std::count(key.begin(), key.end(), '.') > 1) {
      return "a policy key is a key of the policy format or one inside it: timeout, retry.base, "
             "budget.token_ratio, breaker.failure_rate, ...";
    }
    return "";
  }
  if (listed(first, kScenarioKeys)) {
    scenario_key = true;
    // Keys and names are lower case; '#' numbers a channel's second traffic entry.
    const bool plain = std::all_of(key.begin(), key.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
             std::string_view("_-.#[]").find(ch) != std::string_view::npos;
    });
    if (!plain) {
      return "a scenario key is a path as --set spells it (letters a-z, digits, _ - . # [ ]), "
             "e.g. monitors[ingest-lag].above, traffic[dtc].load, connectors[erp-sync].workers";
    }
    if (key.back() == ']') {
      return "a scenario key names one value, not a whole item: add the item's key, e.g. "
             "monitors[ingest-lag].above";
    }
    return "";
  }
  std::vector<std::string_view> known(std::begin(kPolicyKeys), std::end(kPolicyKeys));
  known.insert(known.end(), std::begin(kScenarioKeys), std::end(kScenarioKeys));
  return fmt::format(
      "unknown key '{}'{}: expected a key of the swept policy (timeout, retry.base, "
      "budget.token_ratio, ...) or a scenario path as --set spells it (monitors[NAME].above, "
      "sla_tiers[NAME].mttd_max, traffic[CHANNEL].load, connectors[NAME].workers, ...)",
      scenario::printable(scenario::shown_text(first)), scenario::did_you_mean(first, known));
}

}  // namespace

std::optional<GridAxis> parse_grid_axis(const std::string& text) {
  const size_t eq = text.find('=');
  GridAxis axis;
  axis.key = text.substr(0, eq);
  const auto fail = [&](const std::string& why) {
    usage_error(
        fmt::format("--grid '{}': {}", scenario::printable(scenario::shown_text(text)), why));
    return std::nullopt;
  };
  if (eq == std::string::npos) return fail("expected KEY=VALUE,VALUE,... e.g. retry.base=100ms,1s");
  if (std::string problem = grid_key_problem(axis.key, axis.scenario_key); !problem.empty()) {
    return fail(problem);
  }
  std::string_view rest = std::string_view(text).substr(eq + 1);
  while (true) {
    const size_t comma = rest.find(',');
    const std::string value(rest.substr(0, comma));
    // Only plain scalars: a value can never open a mapping, a list or a new line of YAML.
    if (!plain_token(value, "._%/-")) {
      return fail(fmt::format("'{}' is not a plain value (letters, digits, . _ % / -)",
                              scenario::printable(scenario::shown_text(value))));
    }
    if (value.size() > kGridValueCharsMax) {
      return fail(fmt::format("a value of {} characters, over the limit of {}", value.size(),
                              kGridValueCharsMax));
    }
    if (axis.values.size() == kGridValuesMax) {
      return fail(fmt::format("more than {} values", kGridValuesMax));
    }
    if (std::find(axis.values.begin(), axis.values.end(), value) != axis.values.end()) {
      return fail(fmt::format("'{}' is listed twice", value));
    }
    axis.values.push_back(value);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return axis;
}

namespace {

// A point's errors: in its child text (its policy keys), in the --set of one of its scenario keys
// (the files after the command line's own --set flags), or in the scenario itself.
void report_point_errors(const LoadResult& loaded, const std::string& display,
                         const Overrides& overrides,
                         const std::vector<std::string>& scenario_sets) {
  for (const Diagnostic& d : loaded.errors) {
    size_t n = 0;
    if (d.file == display) {
      usage_error(fmt::format("{}: {}{}", display, d.path.empty() ? "" : d.path + ": ", d.message));
    } else if (std::sscanf(d.file.c_str(), "--set #%zu", &n) == 1 && n > overrides.sets.size() &&
               n - overrides.sets.size() <= scenario_sets.size()) {
      // The key names the path already; the loader's own path may be shorter ("monitors").
      const std::string& set = scenario_sets[n - overrides.sets.size() - 1];
      // A grid cannot add an item, so the --set advice on adding one is left out.
      const std::string message = d.message.substr(0, d.message.find("; to add one, set"));
      usage_error(fmt::format("{}: --grid {}: {}", display, set.substr(0, set.find('=')), message));
    } else {
      usage_error(format_diagnostic(d));
    }
  }
}

}  // namespace

std::optional<std::vector<SweepPoint>> sweep_points(const std::string& scenario_path,
                                                    const std::string& base_policy,
                                                    const std::vector<GridAxis>& axes,
                                                    size_t points_max, const Overrides& overrides) {
  size_t total = 1;
  for (const GridAxis& a : axes) {
    total *= a.values.size();
    if (total > points_max) {
      usage_error(fmt::format("the grid has more than {} points; sweep fewer values", points_max));
      return std::nullopt;
    }
    // The swept policy is set by its own keys; a path to it would race them.
    const std::string own = fmt::format("policies[{}]", base_policy);
    if (!base_policy.empty() && a.scenario_key && a.key.rfind(own, 0) == 0) {
      usage_error(fmt::format(
          "--grid '{}': sets the swept policy '{}': give its key alone, e.g. --grid {}=...", a.key,
          base_policy, a.key.size() > own.size() + 1 ? a.key.substr(own.size() + 1) : "timeout"));
      return std::nullopt;
    }
  }
  const std::string extends = yaml_quoted(fs::absolute(scenario_path).lexically_normal().string());
  std::vector<SweepPoint> points;
  std::vector<size_t> at(axes.size(), 0);  // the current value of each axis, odometer order
  for (size_t k = 0; k < total; ++k) {
    // The point as a child scenario that deep-merges into the base policy, so the loader checks
    // every value exactly as it checks a scenario file; its scenario keys are --set flags on the
    // scenario under it (after the command line's), checked the same way.
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> nested;
    std::vector<std::pair<std::string, std::string>> top;
    std::vector<std::string> parts;
    std::vector<std::string> scenario_sets;
    for (size_t a = 0; a < axes.size(); ++a) {
      const std::string& key = axes[a].key;
      const std::string& value = axes[a].values[at[a]];
      parts.push_back(key + "=" + value);
      if (axes[a].scenario_key) {
        scenario_sets.push_back(key + "=" + value);
        continue;
      }
      const size_t dot = key.find('.');
      if (dot == std::string::npos) {
        top.emplace_back(key, value);
      } else {
        nested[key.substr(0, dot)].emplace_back(key.substr(dot + 1), value);
      }
    }
    std::string text;
    if (!top.empty() || !nested.empty()) {
      text = fmt::format("policies:\n  - name: {}\n", yaml_quoted(base_policy));
      for (const auto& [key, value] : top)
        text += fmt::format("    {}: {}\n", key, value);
      for (const auto& [section, entries] : nested) {
        text += fmt::format("    {}:\n", section);
        for (const auto& [key, value] : entries)
          text += fmt::format("      {}: {}\n", key, value);
      }
    }
    text += "extends: " + extends + "\n";
    const std::string name = fmt::format("{}", fmt::join(parts, " "));
    const std::string display = fmt::format("--grid point ({})", name);
    Overrides point_overrides = under_child(scenario_path, overrides);
    point_overrides.sets.insert(point_overrides.sets.end(), scenario_sets.begin(),
                                scenario_sets.end());
    LoadResult loaded = load_scenario_text(text, display, {}, point_overrides);
    if (!loaded.ok()) {
      report_point_errors(loaded, display, overrides, scenario_sets);
      return std::nullopt;
    }
    const PolicySpec no_policy;  // a grid of scenario keys alone swaps none
    const PolicySpec* policy =
        base_policy.empty() ? &no_policy : find_policy(*loaded.scenario, base_policy);
    if (policy == nullptr) {
      usage_error(fmt::format("no policy '{}' in {}", base_policy, scenario_path));
      return std::nullopt;
    }
    points.push_back({name, *policy, std::nullopt});
    points.back().policy.name = fmt::format("{} [{}]", base_policy, name);
    if (!scenario_sets.empty()) points.back().scenario = std::move(*loaded.scenario);
    for (size_t a = axes.size(); a-- > 0;) {
      if (++at[a] < axes[a].values.size()) break;
      at[a] = 0;
    }
  }
  return points;
}

}  // namespace syncdrill
