// The variants `compare` and `sweep` run: the scenario with one policy swapped onto the
// connectors under comparison. Errors are printed (file:line:column where there is a file) and
// reported as nothing returned.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/compare_runner.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/scenario.hpp"
#include "reports/comparison.hpp"

namespace syncdrill {

// The scenario with a policies file merged over it: the file holds only `policies:` (the same
// form as a scenario's), each merged by name as `extends` merges (docs/scenario-format.md).
// `redefined`: the file's policies the scenario already had. The merged scenario's sources hold
// the file as written, so its hash does not depend on where the scenario lives.
struct MergedPolicies {
  Scenario scenario;
  std::vector<std::string> redefined;
};
// `overrides`: the --set flags, applied to the scenario under the file.
std::optional<MergedPolicies> with_policies_file(const std::string& scenario_path,
                                                 const std::string& policies_path,
                                                 const Scenario& scenario,
                                                 const Overrides& overrides = {});

// The connectors whose policy each variant replaces: `requested` (checked to exist) or, when
// empty, every connector a fault of the scenario touches, or every connector when it has none.
std::optional<std::vector<std::string>> compared_connectors(
    const Scenario& scenario, const std::vector<std::string>& requested);

// `policy` swapped onto `connectors` (the policy is added to the scenario under `policy.name`).
Scenario with_policy(const Scenario& scenario, const PolicySpec& policy,
                     const std::vector<std::string>& connectors);

// The runbook's switch_policy actions that would replace the policy under comparison on one of
// `connectors` during a run (a target naming one of them, or no target: every connector), by
// index. compare leaves them out unless told to keep them, so each policy stays in force.
std::vector<size_t> policy_switches_on(const Scenario& scenario,
                                       const std::vector<std::string>& connectors);

// The scenario without the runbook actions at `indices`.
Scenario without_actions(const Scenario& scenario, const std::vector<size_t>& indices);

// One --grid axis: a key and the values to sweep it over. The key is either a key of the swept
// policy ("retry.base", as the policy format spells it) or a scenario path as --set spells it
// ("monitors[ingest-lag].above", "traffic[dtc].load"): the first word tells which, since the
// policy's keys and the scenario's top-level keys share none that can be swept.
struct GridAxis {
  std::string key;
  std::vector<std::string> values;
  bool scenario_key = false;  // a scenario path, set as --set KEY=VALUE on each point
};

// At most this many values on one axis, and this many characters in a key or a value.
inline constexpr size_t kGridValuesMax = 100;
inline constexpr size_t kGridKeyCharsMax = 200;
inline constexpr size_t kGridValueCharsMax = 64;

// Parses "retry.base=100ms,500ms" or "monitors[ingest-lag].above=0.05,0.1"; prints the error and
// returns nothing when malformed.
std::optional<GridAxis> parse_grid_axis(const std::string& text);

// Every point of the grid over `base_policy` of the scenario at `scenario_path`, each validated
// by the scenario loader exactly as a scenario file is; the variants are named
// "key=value key=value".
struct SweepPoint {
  std::string name;
  PolicySpec policy;
  // The whole scenario of the point, when the grid sets scenario keys (the policy is then its
  // `base_policy`, not yet swapped onto the compared connectors); none when only policy keys vary.
  std::optional<Scenario> scenario;
};
// `overrides`: the --set flags, applied to the scenario under each point (a point's scenario keys
// are set after them). An empty `base_policy` (a grid of scenario keys alone) names no policy.
std::optional<std::vector<SweepPoint>> sweep_points(const std::string& scenario_path,
                                                    const std::string& base_policy,
                                                    const std::vector<GridAxis>& axes,
                                                    size_t points_max,
                                                    const Overrides& overrides = {});

}  // namespace syncdrill
