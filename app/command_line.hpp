// One subcommand's command line, declared and read the same way by every command (boost's
// program_options underneath). A command states its usage lines and its own options; this file
// owns what they share: --help and its page, the SCENARIO arguments, the error of a malformed line
// ("syncdrill: error: ... (see 'syncdrill COMMAND --help')", exit code 2; an unknown flag gets
// the nearest known one: "did you mean '--seed'?"; a word the command does not take is refused,
// never passed over), the shared options (--out, --quiet, --format, --seed, --progress) and the
// readers of the values several commands take (whole and positive numbers, wall durations,
// --time-scale), each with its error message.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>

#include "app/memory_budget.hpp"
#include "core/engine/time.hpp"
#include "core/scenario/loader.hpp"

namespace syncdrill {

class CommandLine {
 public:
  // `usage`: the first lines of the --help page, ending "\n\noptions"; the options follow it.
  CommandLine(std::string command, const std::string& usage);

  // The command's own options, boost's add_options() chain; --help/-h is declared already.
  boost::program_options::options_description_easy_init add();
  // The positional SCENARIO arguments: `count` of them, -1 for any number; none if never called.
  // Also declares --set PATH=VALUE (repeatable), the scenario overrides: overrides().
  void take_scenarios(int count);
  // Any number of positional FILE arguments instead (no --set): files().
  void take_files();
  std::vector<std::string> files() const;
  // The shared options, each with the command's own description.
  void add_out(const char* description, const char* value_name = "DIR");
  void add_quiet(const char* description);
  void add_formats(const char* description);
  // --seed N, read as a whole number (boost's own reading takes "-3" as 2^64 - 3).
  void add_seed(const char* description);
  // --progress: progress on stderr even when it is not a terminal.
  void add_progress(const char* description);
  // --max-memory SIZE: the memory the runs may take together (app/memory_budget.hpp).
  void add_max_memory(const char* description);

  // Reads `args`. Returns the exit code to stop with (kExitUsage after a malformed line, kExitOk
  // after printing --help: the usage, the options, a blank line, then `about`), or nothing to go
  // on.
  std::optional<int> parse(const std::vector<std::string>& args, std::string_view about);

  bool has(const char* name) const { return values_.count(name) > 0; }
  template <class T>
  const T& get(const char* name) const {
    return values_[name].as<T>();
  }
  const std::string& text(const char* name) const { return get<std::string>(name); }
  const boost::program_options::variables_map& values() const { return values_; }

  // The one SCENARIO argument (a file, or a drill's name as `list` prints it:
  // resolve_scenario, app/scenario_library.hpp), or kExitUsage with "COMMAND needs a scenario
  // file" or why the name names nothing.
  std::optional<int> scenario(std::string& path) const;
  // The --set flags, in order, for the loader (docs/scenario-format.md, Overrides).
  Overrides overrides() const;
  // --out's folder, or `fallback` without it; --quiet.
  std::string out_dir(std::string fallback = {}) const;
  bool quiet() const { return has("quiet"); }
  // --format's comma-separated names, each one of `known`, duplicates dropped, into `formats`
  // (left as it is without --format). Empty names are refused unless `skip_empty`.
  std::optional<int> formats(std::vector<std::string>& formats,
                             std::initializer_list<std::string_view> known, bool skip_empty) const;
  // --seed's value, 0 to `max`, into `seed` (left as it is without --seed), or kExitUsage with
  // "--seed takes a whole number from 0 to MAX, not 'TEXT'".
  std::optional<int> seed(std::optional<uint64_t>& seed, uint64_t max = UINT64_MAX) const;
  // --max-memory's budget, else the machine's (machine_memory_budget), into `budget`; or
  // kExitUsage with "--max-memory takes a size such as 2GiB or 512MiB, not 'TEXT'".
  std::optional<int> memory_budget(std::optional<MemoryBudget>& budget) const;
  // Whether to show progress on stderr: --progress, or stderr is a terminal and not --quiet.
  bool progress() const;

 private:
  std::string command_;
  boost::program_options::options_description visible_;
  boost::program_options::positional_options_description positional_;
  boost::program_options::variables_map values_;
};

// The name of `names` nearest to `word` (a typo away: at most 2 edits, fewer than the word's
// length), or "" when none is that near. Ties go to the first.
std::string closest_name(std::string_view word, const std::vector<std::string>& names);

// Digits only: boost would read "-1" as 2^64 - 1.
std::optional<uint64_t> whole_number(std::string_view text);
// A finite number > 0, written in full ("0.1", "1e-3"); nothing else.
std::optional<double> positive_number(std::string_view text);
// A duration > 0 such as 30s, 5m or 250ms, or kExitUsage with "FLAG takes a positive duration...".
std::optional<int> read_wall_duration(std::string_view flag, std::string_view text,
                                      Duration& duration);
// --time-scale X of the live commands: 0 < X <= 1000000, or kExitUsage.
std::optional<int> read_time_scale(std::string_view text, double& scale);

}  // namespace syncdrill
