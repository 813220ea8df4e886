// The strict scenario loader: YAML text in, a typed and validated Scenario out.
//
// Contract:
// - Errors are values. No exception escapes these functions; YAML syntax errors, unreadable
//   files, unknown keys, wrong types, out-of-range values, bad references and exceeded limits
//   all become Diagnostics.
// - Every Diagnostic names the file, the 1-based line and column, the key path and what was
//   expected. All errors of a load are reported together, in file order within a section, up to
//   LoadLimits::errors_max (then a final "too many errors, stopping").
// - `extends: base.yaml` merges a base file under the scenario (see docs/scenario-format.md);
//   errors inside the base point into the base file.
// - Deterministic and self-contained: the only outside access is reading the named files (the
//   scenario, its bases and the replay CSVs, parsed into ReplaySpec::times while validating).
//   Thread-compatible: no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scenario/scenario.hpp"

namespace syncdrill {

struct Diagnostic {
  std::string file;         // as given (the scenario path, or a base path joined to its directory)
  int line = 0;             // 1-based
  int column = 0;           // 1-based
  std::string path;         // key path, e.g. "connectors[0].retry.max_attempts"; empty = the file
  std::string message;      // e.g. "unknown key 'retires' (did you mean 'retry'?)"
  std::string source_line;  // the text of the offending line (no newline), for a caret display
};

// "FILE:LINE:COL: PATH: MESSAGE", or "FILE:LINE:COL: MESSAGE" when the path is empty. No prefix
// and no trailing newline.
std::string format_diagnostic(const Diagnostic& d);

struct LoadResult {
  std::optional<Scenario> scenario;  // set exactly when errors is empty
  std::vector<Diagnostic> errors;
  bool ok() const { return scenario.has_value() && errors.empty(); }
};

struct LoadLimits {
  uint64_t file_bytes_max = 1 << 20;             // each file, checked before parsing (1 MiB)
  int depth_max = 32;                            // YAML nesting depth (mappings and sequences)
  uint64_t nodes_max = 100'000;                  // YAML nodes after alias expansion, all files
  Duration duration_max = days(30);              // scenario `duration`
  uint32_t skus_max = 100'000;                   // catalog.skus
  double expected_orders_max = 10'000'000;       // sum of rate x duration x peak shape multiplier
  double expected_order_lines_max = 50'000'000;  // expected orders x basket_lines.max
  // Periodic jobs' runs x work items per run (core/scenario/estimate.hpp): about 10 s of work.
  double periodic_work_max = 100'000'000;
  // Series points, monitor values and reconciliation runs the report keeps: a memory bound.
  double stored_values_max = 20'000'000;
  uint64_t series_samples_max = 100'000;  // duration / series_interval + 1 (1d at 1 s fits)
  // Request and worker slots allocated when a run starts: every endpoint's queue_max + workers
  // and every connector's workers (24 to 64 bytes each).
  uint64_t reserved_slots_max = 10'000'000;
  uint32_t queue_max = 1'000'000;  // any queue_max / dead_letter_max
  uint32_t workers_max = 10'000;   // any workers / concurrency value
  uint32_t list_max = 1'000;       // items in any list (channels, faults, shape, ...)
  int extends_depth_max = 8;       // bases in one extends chain
  int errors_max = 50;             // diagnostics before "too many errors, stopping"
};

// The command line's --set PATH=VALUE flags (core/scenario/overrides.hpp), applied in order to
// the merged tree before it is read; recorded in Scenario::overrides.
struct Overrides {
  std::vector<std::string> sets;  // "PATH=VALUE" as given; errors name the n-th "--set #n"
  // The file whose merged tree (it and its bases) they change, as its extends chain names it;
  // empty: the scenario loaded. A child that extends the scenario (compare's --policies file, a
  // sweep point) then merges over the changed scenario.
  std::string file;
};

// Loads the scenario at `path` (and its extends chain). Diagnostics name files as `path` spells
// them; bases are named by joining `path`'s directory with the `extends` value.
LoadResult load_scenario_file(const std::string& path, const LoadLimits& limits = {},
                              const Overrides& overrides = {});

// Loads a scenario from text, naming it `display_path` in diagnostics and in Scenario::sources.
// `extends` (and replay CSV paths) resolve relative to display_path's directory.
LoadResult load_scenario_text(std::string_view text, const std::string& display_path,
                              const LoadLimits& limits = {}, const Overrides& overrides = {});

}  // namespace syncdrill
