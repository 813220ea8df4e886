// report.json: everything a run produced, for machines (CI, dashboards, diffing two runs).
//
// The document holds no wall-clock values, host names or absolute paths of its own making, so
// the same scenario bytes, seed and version give the same bytes (QA gates on that). Its shape
// is versioned by `schema_version`; docs/report-json.md documents every field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The declaration alone: nlohmann/json.hpp costs every includer about 2 s of compile time,
// so only the files that build or read the JSON include it.
#include <nlohmann/json_fwd.hpp>

#include "core/scenario/scenario.hpp"
#include "reports/telemetry_jsonl.hpp"
#include "sim/score/score.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {

struct LiveResult;

inline constexpr int kReportSchemaVersion = 2;

// What identifies a run besides its result: how to replay it.
struct RunIdentity {
  // As given on the command line; the reports write it relative to its own folder
  // (scenario_relative), so they do not depend on the working directory.
  std::string scenario_path;
  std::string scenario_hash;  // content_hash() of every file read, base first, then the --set flags
  uint64_t seed = 0;
};

// `path` relative to the folder of the scenario file `scenario_path`: the scenario's own file is
// its name ("black-friday-peak.yaml"), a base "base/topology.yaml". The same scenario run from any
// working directory gives the same text.
std::string scenario_relative(const std::string& path, const std::string& scenario_path);

// The scenario file as every report names it: scenario_relative(scenario_path, scenario_path).
std::string scenario_file(const std::string& scenario_path);

// The replay command for a run, run from the scenario's folder, with the scenario's --set flags
// (Scenario::overrides), every word shell-quoted where it needs to be:
// "syncdrill run x.yaml --seed 42 --set 'traffic[shop].load=3'".
std::string replay_command(const RunIdentity& id, const std::vector<std::string>& overrides = {});

// `word` as one POSIX shell word: as it is when it holds only safe characters, else in single
// quotes (a ' inside written '\'').
std::string shell_quoted(std::string_view word);

// Totals over channels, as the scorecard and report.json's `impact` show them.
struct Impact {
  uint64_t orders_placed = 0;
  uint64_t orders_sold_out = 0;
  uint64_t in_oms_once = 0;
  uint64_t duplicated = 0;
  uint64_t duplicate_oms_orders = 0;
  uint64_t lost = 0;
  uint64_t oversold = 0;
  uint64_t in_flight = 0;
  uint64_t price_mismatches = 0;
  int64_t price_mismatch_minor = 0;
  uint64_t returns_requested = 0;
  uint64_t returns_synced = 0;
  uint64_t unmatched_entries = 0;  // at the last reconciliation run
  uint64_t jobs_dropped = 0;       // connector jobs dropped on a full queue, every flow
};
Impact total_impact(const WorldResult& result);

// Jobs dropped on a full queue per flow, flows with none left out, in connector order.
std::vector<std::pair<FlowKind, uint64_t>> dropped_by_flow(const WorldResult& result);

// The business impact as the reports' tables show it: a measure, its count, a note (plain text;
// each writer escapes it for its format).
struct ImpactRow {
  std::string measure;
  std::optional<uint64_t> count;  // none: not measured (a live drill's row, noted so)
  std::string note;
};
// `result`: the run's; nullptr for a live drill, which measures only the order figures of
// `impact` (its other rows say "not measured in a live drill", with no count).
std::vector<ImpactRow> impact_rows(const Impact& impact, const WorldResult* result,
                                   const std::string& currency);
inline std::vector<ImpactRow> impact_rows(const Impact& impact, const WorldResult& result,
                                          const std::string& currency) {
  return impact_rows(impact, &result, currency);
}
// A row's count for a table cell: "1,234", or "-" when not measured.
std::string impact_count_text(const ImpactRow& row);

// What report.json and the scorecard say of a run's telemetry.jsonl, when one was written.
struct TelemetrySummary {
  std::string file = "telemetry.jsonl";  // relative to the report folder
  TelemetryOptions options;
  TelemetryStats stats;
};

// telemetry: null when the run wrote no telemetry (the report then has no `telemetry` key).
// score: the drill's verdict (none: not scored).
nlohmann::ordered_json report_json(const Scenario& scenario, const RunIdentity& id,
                                   const WorldResult& result,
                                   const TelemetrySummary* telemetry = nullptr,
                                   const Score* score = nullptr);

// A live drill's report.json (`syncdrill serve`, docs/live-drill.md#reportjson): the same
// document as a run's, with "mode": "live" after schema_version; the sections a live drill has
// (scenario, seed, verdict, faults with their incidents, tiers, impact) written by the same
// code, what it cannot measure null (`run`, `monitors`, `causes`, `flows`, `damage_series`,
// `channels`, `connectors`, `endpoints`, `reconciliation`, `repairs`, `erp`, each fault's
// `damage`, the impact's figures beyond orders), and its own figures in a last `live` section.
nlohmann::ordered_json live_report_json(const Scenario& scenario, const LiveResult& live);

}  // namespace syncdrill
