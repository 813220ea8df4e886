#include "app/command_line.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>
#include <limits>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
#include "app/scenario_library.hpp"
#include "core/scenario/values.hpp"

namespace syncdrill {

namespace po = boost::program_options;

CommandLine::CommandLine(std::string command, const std::string& usage)
    : command_(std::move(command)), visible_(usage) {
  visible_.add_options()("help,h", "show this help");
}

po::options_description_easy_init CommandLine::add() {
  return visible_.add_options();
}

void CommandLine::take_scenarios(int count) {
  positional_.add("scenario", count);
  add()("set", po::value<std::vector<std::string>>()->value_name("PATH=VALUE"),
        "change one scenario key before loading (repeatable), e.g. seed=7, "
        "traffic[amazon-us].load=3, faults[erp-outage].at=18h; VALUE is YAML "
        "(docs/scenario-format.md, Overrides)");
}

void CommandLine::take_files() {
  positional_.add("scenario", -1);
}

std::vector<std::string> CommandLine::files() const {
  return has("scenario") ? get<std::vector<std::string>>("scenario") : std::vector<std::string>{};
}

Overrides CommandLine::overrides() const {
  Overrides o;
  if (has("set")) o.sets = get<std::vector<std::string>>("set");
  return o;
}

void CommandLine::add_out(const char* description, const char* value_name) {
  add()("out", po::value<std::string>()->value_name(value_name), description);
}

void CommandLine::add_quiet(const char* description) {
  add()("quiet,q", description);
}

void CommandLine::add_formats(const char* description) {
  add()("format", po::value<std::string>()->value_name("LIST"), description);
}

void CommandLine::add_seed(const char* description) {
  add()("seed", po::value<std::string>()->value_name("N"), description);
}

void CommandLine::add_progress(const char* description) {
  add()("progress", description);
}

void CommandLine::add_max_memory(const char* description) {
  add()("max-memory", po::value<std::string>()->value_name("SIZE"), description);
}

std::optional<int> CommandLine::memory_budget(std::optional<MemoryBudget>& budget) const {
  if (!has("max-memory")) {
    budget = machine_memory_budget();
    return std::nullopt;
  }
  const std::string& text = this->text("max-memory");
  const std::optional<uint64_t> bytes = parse_memory_size(text);
  if (!bytes) {
    return usage_error(fmt::format(
        "--max-memory takes a size from 1MiB to 1024TiB such as 2GiB or 512MiB, not '{}'", text));
  }
  budget = MemoryBudget{*bytes, "--max-memory"};
  return std::nullopt;
}

namespace {

// The long names of `options`, for a did-you-mean.
std::vector<std::string> long_names(const po::options_description& options) {
  std::vector<std::string> names;
  for (const auto& option : options.options()) {
    if (!option->long_name().empty()) names.push_back(option->long_name());
  }
  return names;
}

}  // namespace

std::optional<int> CommandLine::parse(const std::vector<std::string>& args,
                                      std::string_view about) {
  // The SCENARIO arguments are an option the --help page does not list, and so are the words
  // beyond them ("stray"), refused below by name: boost would drop them without a positional
  // table, or refuse them with "too many positional options" that names none.
  po::options_description all;
  all.add(visible_);
  const unsigned scenarios_max = positional_.max_total_count();
  if (scenarios_max == 1) {
    all.add_options()("scenario", po::value<std::string>());
  } else if (scenarios_max > 1) {
    all.add_options()("scenario", po::value<std::vector<std::string>>());
  }
  po::positional_options_description positional = positional_;
  if (scenarios_max != std::numeric_limits<unsigned>::max()) {
    all.add_options()("stray", po::value<std::vector<std::string>>());
    positional.add("stray", -1);
  }
  const std::string see = fmt::format("(see 'syncdrill {} --help')", command_);
  try {
    po::command_line_parser parser(args);
    parser.options(all).positional(positional);
    po::store(parser.run(), values_);
    po::notify(values_);
  } catch (const po::unknown_option& e) {
    // "--outt=d" is the flag "--outt" with a value.
    const std::string name = e.get_option_name().substr(0, e.get_option_name().find('='));
    const std::string near =
        name.starts_with("--") ? closest_name(name.substr(2), long_names(visible_)) : "";
    return usage_error(fmt::format(
        "{}{} {}", e.what(), near.empty() ? "" : fmt::format("; did you mean '--{}'?", near), see));
  } catch (const po::error& e) {
    return usage_error(fmt::format("{} {}", e.what(), see));
  }
  if (!has("help") && has("stray")) {
    const std::string& word = get<std::vector<std::string>>("stray").front();
    std::string takes = "no arguments";
    if (scenarios_max == 1) takes = "one scenario";
    if (scenarios_max > 1) takes = fmt::format("{} scenarios at most", scenarios_max);
    return usage_error(
        fmt::format("unexpected argument '{}': {} takes {} {}", word, command_, takes, see));
  }
  if (has("help")) {
    std::cout << visible_ << "\n" << about;
    return kExitOk;
  }
  return std::nullopt;
}

std::optional<int> CommandLine::scenario(std::string& path) const {
  if (!has("scenario")) return usage_error(fmt::format("{} needs a scenario file", command_));
  path = text("scenario");
  return resolve_scenario(path);
}

std::string CommandLine::out_dir(std::string fallback) const {
  return has("out") ? text("out") : fallback;
}

std::optional<int> CommandLine::formats(std::vector<std::string>& formats,
                                        std::initializer_list<std::string_view> known,
                                        bool skip_empty) const {
  if (!has("format")) return std::nullopt;
  std::vector<std::string_view> names(known);
  const std::string all_but_last =
      fmt::format("{}", fmt::join(names.begin(), names.end() - 1, ", "));
  formats.clear();
  std::string_view list = text("format");
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (name.empty() && skip_empty) continue;
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      return usage_error(
          fmt::format("--format takes {} and {}, comma-separated; '{}' is none of them",
                      all_but_last, names.back(), name));
    }
    if (std::find(formats.begin(), formats.end(), name) == formats.end()) {
      formats.emplace_back(name);
    }
  }
  if (formats.empty()) {
    return usage_error(fmt::format("--format needs at least one of {}", fmt::join(names, ", ")));
  }
  return std::nullopt;
}

std::optional<int> CommandLine::seed(std::optional<uint64_t>& seed, uint64_t max) const {
  if (!has("seed")) return std::nullopt;
  const std::string& text = this->text("seed");
  const std::optional<uint64_t> value = whole_number(text);
  if (!value || *value > max) {
    return usage_error(
        fmt::format("--seed takes a whole number from 0 to {}, not '{}'", max, text));
  }
  seed = value;
  return std::nullopt;
}

bool CommandLine::progress() const {
  return has("progress") || (!quiet() && isatty(STDERR_FILENO) != 0);
}

std::string closest_name(std::string_view word, const std::vector<std::string>& names) {
  // Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
  // neighbours each cost 1 ("--sed", "--seeds", "--fromat" are one edit from their flag).
  const auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i)
      d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j)
      d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      for (size_t j = 1; j <= b.size(); ++j) {
        const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
        d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
          d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.size()][b.size()];
  };
  // A word of hundreds of characters is no typo of a flag: no table that size.
  constexpr size_t kWordMax = 64;
  if (word.empty() || word.size() > kWordMax) return {};
  std::string best;
  size_t best_distance = std::min<size_t>(3, word.size());
  for (const std::string& name : names) {
    if (name.size() > kWordMax) continue;
    const size_t d = distance(word, name);
    if (d < best_distance) {
      best = name;
      best_distance = d;
    }
  }
  return best;
}

std::optional<uint64_t> whole_number(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

std::optional<double> positive_number(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || !std::isfinite(value) || value <= 0) return std::nullopt;
  return value;
}

std::optional<int> read_wall_duration(std::string_view flag, std::string_view text,
                                      Duration& duration) {
  const scenario::Parsed<Duration> d = scenario::parse_duration(text);
  if (!d.value || d.value->us <= 0) {
    return usage_error(
        fmt::format("{} takes a positive duration such as 30s, 5m or 250ms, not '{}'", flag, text));
  }
  duration = *d.value;
  return std::nullopt;
}

std::optional<int> read_time_scale(std::string_view text, double& scale) {
  const std::optional<double> x = positive_number(text);
  if (!x || *x > 1e6) {
    return usage_error(
        fmt::format("--time-scale takes a number with 0 < X <= 1000000, not '{}'", text));
  }
  scale = *x;
  return std::nullopt;
}

}  // namespace syncdrill
