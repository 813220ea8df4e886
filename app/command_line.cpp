#include "app/command_line.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"
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

std::optional<int> CommandLine::parse(const std::vector<std::string>& args,
                                      std::string_view about) {
  // The SCENARIO arguments are an option the --help page does not list.
  po::options_description all;
  all.add(visible_);
  if (positional_.max_total_count() == 1) {
    all.add_options()("scenario", po::value<std::string>());
  } else if (positional_.max_total_count() > 1) {
    all.add_options()("scenario", po::value<std::vector<std::string>>());
  }
  try {
    po::command_line_parser parser(args);
    parser.options(all);
    // Without SCENARIO arguments boost drops stray words rather than refusing them (list and
    // connect always have); a positional table, even an empty one, would refuse them.
    if (positional_.max_total_count() > 0) parser.positional(positional_);
    po::store(parser.run(), values_);
    po::notify(values_);
  } catch (const po::error& e) {
    return usage_error(fmt::format("{} (see 'syncdrill {} --help')", e.what(), command_));
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
  return std::nullopt;
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
