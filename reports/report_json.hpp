// report.json: everything a run produced, for machines (CI, dashboards, diffing two runs).
//
// The document holds no wall-clock values, host names or absolute paths of its own making, so
// the same scenario bytes, seed and version give the same bytes (QA gates on that). Its shape
// is versioned by `schema_version`; docs/report-json.md documents every field.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/scenario.hpp"
#include "sim/world/drill.hpp"

namespace syncdrill {

inline constexpr int kReportSchemaVersion = 1;

// What identifies a run besides its result: how to replay it.
struct RunIdentity {
  std::string scenario_path;  // as given on the command line
  std::string scenario_hash;  // content_hash() of every file read, base first
  uint64_t seed = 0;
};

// The replay command for a run, e.g. "syncdrill run scenarios/x.yaml --seed 42".
std::string replay_command(const RunIdentity& id);

nlohmann::ordered_json report_json(const Scenario& scenario, const RunIdentity& id,
                                   const DrillResult& result);

}  // namespace syncdrill
