#include "app/compare_variants.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "app/cli.hpp"
#include "app/scenario_input.hpp"
#include "app/scenario_library.hpp"
#include "core/scenario/loader.hpp"
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

std::optional<MergedPolicies> with_policies_file(const std::string& scenario_path,
                                                 const std::string& policies_path,
                                                 const Scenario& scenario) {
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
  const fs::path base = fs::absolute(resolve_scenario_path(scenario_path)).lexically_normal();
  text += "extends: " + yaml_quoted(base.string()) + "\n";
  std::optional<Scenario> merged =
      scenario_or_report(load_scenario_text(text, policies_path), policies_path);
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

std::optional<GridAxis> parse_grid_axis(const std::string& text) {
  const size_t eq = text.find('=');
  GridAxis axis;
  axis.key = text.substr(0, eq);
  const auto fail = [&](const std::string& why) {
    usage_error(fmt::format("--grid '{}': {}", text, why));
    return std::nullopt;
  };
  if (eq == std::string::npos) return fail("expected KEY=VALUE,VALUE,... e.g. retry.base=100ms,1s");
  if (!plain_token(axis.key, "_.") || axis.key.front() == '.' || axis.key.back() == '.' ||
      axis.key.find("..") != std::string::npos ||
      std::count(axis.key.begin(), axis.key.end(), '.') > 1) {
    return fail(
        "the key is a policy key, or a key inside one: timeout, retry.base, "
        "budget.token_ratio, breaker.failure_rate, ...");
  }
  std::string_view rest = std::string_view(text).substr(eq + 1);
  while (true) {
    const size_t comma = rest.find(',');
    const std::string value(rest.substr(0, comma));
    if (!plain_token(value, "._%/-")) {
      return fail(fmt::format("'{}' is not a plain value (letters, digits, . _ % / -)", value));
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

std::optional<std::vector<SweepPoint>> sweep_points(const std::string& scenario_path,
                                                    const std::string& base_policy,
                                                    const std::vector<GridAxis>& axes,
                                                    size_t points_max) {
  size_t total = 1;
  for (const GridAxis& a : axes) {
    total *= a.values.size();
    if (total > points_max) {
      usage_error(fmt::format("the grid has more than {} points; sweep fewer values", points_max));
      return std::nullopt;
    }
  }
  const std::string extends =
      yaml_quoted(fs::absolute(resolve_scenario_path(scenario_path)).lexically_normal().string());
  std::vector<SweepPoint> points;
  std::vector<size_t> at(axes.size(), 0);  // the current value of each axis, odometer order
  for (size_t k = 0; k < total; ++k) {
    // The point as a child scenario that deep-merges into the base policy, so the loader checks
    // every value exactly as it checks a scenario file.
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> nested;
    std::vector<std::pair<std::string, std::string>> top;
    std::vector<std::string> parts;
    for (size_t a = 0; a < axes.size(); ++a) {
      const std::string& key = axes[a].key;
      const std::string& value = axes[a].values[at[a]];
      parts.push_back(key + "=" + value);
      const size_t dot = key.find('.');
      if (dot == std::string::npos) {
        top.emplace_back(key, value);
      } else {
        nested[key.substr(0, dot)].emplace_back(key.substr(dot + 1), value);
      }
    }
    std::string text = fmt::format("policies:\n  - name: {}\n", yaml_quoted(base_policy));
    for (const auto& [key, value] : top)
      text += fmt::format("    {}: {}\n", key, value);
    for (const auto& [section, entries] : nested) {
      text += fmt::format("    {}:\n", section);
      for (const auto& [key, value] : entries)
        text += fmt::format("      {}: {}\n", key, value);
    }
    text += "extends: " + extends + "\n";
    const std::string name = fmt::format("{}", fmt::join(parts, " "));
    const std::string display = fmt::format("--grid point ({})", name);
    LoadResult loaded = load_scenario_text(text, display);
    if (!loaded.ok()) {
      for (const Diagnostic& d : loaded.errors) {
        usage_error(d.file == display ? fmt::format("{}: {}{}", display,
                                                    d.path.empty() ? "" : d.path + ": ", d.message)
                                      : format_diagnostic(d));
      }
      return std::nullopt;
    }
    const PolicySpec* policy = find_policy(*loaded.scenario, base_policy);
    if (policy == nullptr) {
      usage_error(fmt::format("no policy '{}' in {}", base_policy, scenario_path));
      return std::nullopt;
    }
    points.push_back({name, *policy});
    points.back().policy.name = fmt::format("{} [{}]", base_policy, name);
    for (size_t a = axes.size(); a-- > 0;) {
      if (++at[a] < axes[a].values.size()) break;
      at[a] = 0;
    }
  }
  return points;
}

}  // namespace syncdrill
