// The loader's top level: reading files, following `extends`, merging, the top-level keys and
// the whole-scenario limits.
#include "core/scenario/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/scenario/estimate.hpp"
#include "core/scenario/merge.hpp"
#include "core/scenario/overrides.hpp"
#include "core/scenario/sections.hpp"

namespace syncdrill {

std::string format_diagnostic(const Diagnostic& d) {
  if (d.line == 0) {  // a --set flag: no line to name
    return d.path.empty() ? fmt::format("{}: {}", d.file, d.message)
                          : fmt::format("{}: {}: {}", d.file, d.path, d.message);
  }
  if (d.path.empty()) {
    return fmt::format("{}:{}:{}: {}", d.file, d.line, d.column, d.message);
  }
  return fmt::format("{}:{}:{}: {}: {}", d.file, d.line, d.column, d.path, d.message);
}

namespace scenario {
namespace {

namespace fs = std::filesystem;

// Reads `path` into a new Ctx file. On failure reports at `from` (the extends line) or, for the
// top-level file, at 1:1 of an empty stand-in. Returns the file index or -1.
int read_file(Ctx& ctx, const std::string& path, std::optional<Loc> from) {
  auto report = [&](std::string message) {
    if (from) {
      ctx.error(*from, "extends", std::move(message));
    } else {
      ctx.files.push_back({path, ""});
      ctx.error({static_cast<int>(ctx.files.size()) - 1, 1, 1}, "", std::move(message));
    }
    return -1;
  };
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    return report(fmt::format("cannot read '{}': no such file", path));
  }
  if (fs::is_directory(status)) {
    return report(
        fmt::format("cannot read '{}': it is a directory, expected a scenario file", path));
  }
  if (!fs::is_regular_file(status)) {
    return report(fmt::format("cannot read '{}': not a regular file", path));
  }
  const uintmax_t size = fs::file_size(path, ec);
  if (ec || size > ctx.limits.file_bytes_max) {
    return report(fmt::format("'{}' is {} bytes, over the limit of {} bytes", path, size,
                              ctx.limits.file_bytes_max));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    return report(fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  }
  ctx.files.push_back({path, text.str()});
  return static_cast<int>(ctx.files.size()) - 1;
}

struct Chain {
  std::vector<std::string> paths;  // files of the current extends chain, outermost first
  std::vector<int> order;          // file indexes, base first
  const Overrides* overrides = nullptr;
  std::string overrides_at;  // the normalised path of the file whose merged tree they change
  bool overrides_applied = false;
};

std::optional<YNode> load_tree(Ctx& ctx, int file, Chain& chain);

// Loads the base named by `root`'s `extends` and merges `root` over it.
std::optional<YNode> load_base(Ctx& ctx, int file, YNode& root, Chain& chain) {
  const YNode& ext = *root.find("extends");
  if (ext.kind != YNode::Kind::scalar || ext.scalar.empty()) {
    ctx.error(ext.loc, "extends", fmt::format("expected a file path, got {}", describe(ext)));
    return std::nullopt;
  }
  const fs::path dir = fs::path(ctx.files[static_cast<size_t>(file)].path).parent_path();
  const std::string base = (dir / ext.scalar).lexically_normal().string();
  if (std::find(chain.paths.begin(), chain.paths.end(), base) != chain.paths.end()) {
    ctx.error(ext.loc, "extends",
              fmt::format("extends cycle: {} -> {}", fmt::join(chain.paths, " -> "), base));
    return std::nullopt;
  }
  if (static_cast<int>(chain.paths.size()) > ctx.limits.extends_depth_max) {
    ctx.error(ext.loc, "extends",
              fmt::format("extends chain deeper than {} files", ctx.limits.extends_depth_max));
    return std::nullopt;
  }
  const int base_file = read_file(ctx, base, ext.loc);
  if (base_file < 0) {
    return std::nullopt;
  }
  chain.paths.push_back(base);
  std::optional<YNode> merged = load_tree(ctx, base_file, chain);
  chain.paths.pop_back();
  if (!merged) {
    return std::nullopt;
  }
  // Expectations describe the file that states them: a drill extending another changes what it
  // does (faults removed, load raised), so it states its own or none (docs/expectations.md).
  std::erase_if(merged->entries, [](const YEntry& e) { return e.key == "expect"; });
  std::erase_if(root.entries, [](const YEntry& e) { return e.key == "extends"; });
  merge_over(ctx, *merged, std::move(root), "");
  return merged;
}

// Applies the --set flags to `tree` when `file` is the one they change.
void apply_overrides_at(Ctx& ctx, int file, std::optional<YNode>& tree, Chain& chain) {
  if (chain.overrides == nullptr || chain.overrides->sets.empty() || !tree) return;
  const std::string path =
      fs::path(ctx.files[static_cast<size_t>(file)].path).lexically_normal().string();
  if (path != chain.overrides_at) return;
  apply_overrides(ctx, *tree, chain.overrides->sets);
  chain.overrides_applied = true;
}

std::optional<YNode> load_tree(Ctx& ctx, int file, Chain& chain) {
  std::optional<YNode> root = parse_yaml(ctx, file);
  if (!root) {
    return std::nullopt;
  }
  drop_duplicate_keys(ctx, *root, "");
  if (root->kind != YNode::Kind::mapping || root->find("extends") == nullptr) {
    chain.order.push_back(file);
    apply_overrides_at(ctx, file, root, chain);
    return root;
  }
  std::optional<YNode> merged = load_base(ctx, file, *root, chain);
  chain.order.push_back(file);
  apply_overrides_at(ctx, file, merged, chain);
  return merged;
}

bool is_currency(std::string_view c) {
  return c.size() == 3 &&
         std::all_of(c.begin(), c.end(), [](char x) { return x >= 'A' && x <= 'Z'; });
}

// The node at a key path like "systems[1].restocks.interval", or nullptr when any step is
// missing.
const YNode* node_at(const YNode& root, std::string_view path) {
  const YNode* n = &root;
  while (n != nullptr && !path.empty()) {
    const size_t end = path.find_first_of(".[");
    const std::string_view key = path.substr(0, end);
    path = end == std::string_view::npos ? std::string_view() : path.substr(end);
    if (!key.empty()) {
      n = n->kind == YNode::Kind::mapping ? n->find(key) : nullptr;
    }
    if (n != nullptr && !path.empty() && path.front() == '[') {
      const size_t close = path.find(']');
      size_t index = 0;
      std::from_chars(path.data() + 1, path.data() + close, index);
      n = n->kind == YNode::Kind::sequence && index < n->items.size() ? &n->items[index] : nullptr;
      path = path.substr(close + 1);
    }
    if (!path.empty() && path.front() == '.') path.remove_prefix(1);
  }
  return n;
}

// Sum over traffic of rate x duration x the peak of its shape (replayed entries: their rows
// inside the duration), plus what peak_traffic faults add on their channels in their windows;
// and those orders' lines. NaN-safe: a figure that is not a number is over any limit.
void check_expected_orders(Ctx& ctx, MapReader& top, const Scenario& s) {
  const double orders = expected_orders(s);
  if (!(orders <= ctx.limits.expected_orders_max)) {
    top.error("traffic", fmt::format("about {:.0f} orders expected (rate x duration x peak "
                                     "shape, and peak_traffic faults), over the limit of {:.0f}",
                                     orders, ctx.limits.expected_orders_max));
    return;
  }
  const double lines = expected_order_lines(s);
  if (!(lines <= ctx.limits.expected_order_lines_max)) {
    top.error("traffic",
              fmt::format("about {:.0f} order lines expected (expected orders x basket_lines.max), "
                          "over the limit of {:.0f}",
                          lines, ctx.limits.expected_order_lines_max));
  }
}

// The periodic jobs' work and what they store, against their limits; reported at the setting of
// the job that contributes most (its interval when the scenario spells it out).
void check_periodic_work(Ctx& ctx, const YNode& root, const Scenario& s) {
  const std::vector<PeriodicJob> jobs = periodic_jobs(s);
  const auto check = [&](double PeriodicJob::*figure, double limit, std::string_view what) {
    double total = 0;
    const PeriodicJob* largest = nullptr;
    for (const PeriodicJob& j : jobs) {
      total += j.*figure;
      if (largest == nullptr || j.*figure > largest->*figure) largest = &j;
    }
    if (total <= limit || largest == nullptr) return;
    const YNode* at = &root;
    std::string path;
    for (const std::string& p : largest->paths) {
      if (const YNode* n = node_at(root, p)) {
        at = n;
        path = p;
        break;
      }
    }
    ctx.error(at->loc, path,
              fmt::format("about {:.0f} {} in the run's periodic jobs, over the limit of {:.0f} "
                          "(see Limits in docs/scenario-format.md); the largest: {} ({:.0f})",
                          total, what, limit, largest->what, largest->*figure));
  };
  check(&PeriodicJob::work, ctx.limits.periodic_work_max, "work items");
  check(&PeriodicJob::stored, ctx.limits.stored_values_max, "stored values");
}

// The slots the world allocates up front (an endpoint's queue is a ring of queue_max requests;
// workers are tables), against reserved_slots_max: many large queues would otherwise take
// gigabytes before the first event. Reported at the largest one.
void check_reserved_slots(Ctx& ctx, const YNode& root, const Scenario& s) {
  uint64_t total = 0;
  uint64_t largest = 0;
  std::string largest_path;
  const auto add = [&](uint64_t slots, std::string path) {
    total += slots;
    if (slots > largest) {
      largest = slots;
      largest_path = std::move(path);
    }
  };
  for (size_t i = 0; i < s.channels.size(); ++i) {
    const EndpointSpec& e = s.channels[i].endpoint;
    add(uint64_t{e.queue_max} + e.workers, fmt::format("channels[{}].endpoint", i));
  }
  for (size_t i = 0; i < s.systems.size(); ++i) {
    const EndpointSpec& e = s.systems[i].endpoint;
    add(uint64_t{e.queue_max} + e.workers, fmt::format("systems[{}].endpoint", i));
  }
  for (size_t i = 0; i < s.connectors.size(); ++i) {
    add(s.connectors[i].workers, fmt::format("connectors[{}].workers", i));
  }
  if (total <= ctx.limits.reserved_slots_max) return;
  // A default endpoint has no node of its own: its channel or system is named instead.
  const YNode* at = node_at(root, largest_path);
  std::string path = largest_path;
  if (at == nullptr) {
    path = largest_path.substr(0, largest_path.rfind('.'));
    at = node_at(root, path);
  }
  ctx.error(at != nullptr ? at->loc : root.loc, path,
            fmt::format("{} request and worker slots allocated when the run starts "
                        "(queue_max + workers of every endpoint, workers of every connector), "
                        "over the limit of {}; the largest: {} ({})",
                        total, ctx.limits.reserved_slots_max, largest_path, largest));
}

void read_top(Ctx& ctx, const YNode& root, Scenario& s) {
  MapReader top(ctx, root, "");
  if (!top.is_mapping()) {
    return;
  }
  top.get("extends");  // consumed by load_tree; known here
  top.name("name", s.name, Need::required);
  top.text("description", s.description);
  top.u64("seed", s.seed);
  if (top.duration("duration", s.duration, Need::required, microseconds(1)) &&
      s.duration > ctx.limits.duration_max) {
    top.error("duration",
              fmt::format("expected at most {} (the duration limit), got '{}'",
                          format_duration(ctx.limits.duration_max), root.find("duration")->scalar));
  }
  if (top.text("currency", s.currency) && !is_currency(s.currency)) {
    top.error("currency",
              fmt::format("expected a three-letter currency code like EUR, got '{}'", s.currency));
    s.currency = "USD";
  }
  read_catalog(ctx, top, s);
  read_channels(ctx, top, s);
  read_systems(ctx, top, s);
  read_policies(ctx, top, s);
  read_connectors(ctx, top, s);
  read_traffic(ctx, top, s);
  read_faults(ctx, top, s);
  read_sla_tiers(ctx, top, s);
  read_monitors(ctx, top, s);
  top.duration("evaluation_interval", s.evaluation_interval, Need::optional, kPeriodMin);
  read_response(ctx, top, s);
  read_series_interval(ctx, top, s);
  read_expect(ctx, top, s);
  top.finish();
  if (s.channels.empty() && s.systems.empty() && root.find("channels") == nullptr &&
      root.find("systems") == nullptr) {
    ctx.error(root.loc, "", "a scenario needs at least one channel or system");
  }
  check_expected_orders(ctx, top, s);
  check_periodic_work(ctx, root, s);
  check_reserved_slots(ctx, root, s);
}

LoadResult load(Ctx& ctx, int file, const Overrides& overrides) {
  LoadResult result;
  Chain chain;
  chain.paths.push_back(
      fs::path(ctx.files[static_cast<size_t>(file)].path).lexically_normal().string());
  chain.overrides = &overrides;
  chain.overrides_at = overrides.file.empty()
                           ? chain.paths.front()
                           : fs::path(overrides.file).lexically_normal().string();
  std::optional<YNode> root = load_tree(ctx, file, chain);
  if (root && !overrides.sets.empty() && !chain.overrides_applied) {
    ctx.error(root->loc, "",
              fmt::format("--set: '{}' is not in the extends chain", overrides.file));
  }
  Scenario s;
  if (root) {
    ctx.tree = &*root;
    read_top(ctx, *root, s);
  }
  result.errors = ctx.take_errors();
  if (!root || !result.errors.empty()) {
    return result;
  }
  for (int f : chain.order) {
    s.sources.push_back(ctx.files[static_cast<size_t>(f)]);
  }
  s.overrides = overrides.sets;
  // Replayed traffic is part of what was run: its CSV goes into the sources (and so into the
  // report's scenario hash), after the YAML files.
  for (const TrafficSpec& t : s.traffic) {
    if (!t.replay) continue;
    std::ifstream in(t.replay->csv, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    s.sources.push_back(SourceFile{t.replay->csv, text.str()});
  }
  result.scenario = std::move(s);
  return result;
}

}  // namespace
}  // namespace scenario

LoadResult load_scenario_file(const std::string& path, const LoadLimits& limits,
                              const Overrides& overrides) {
  try {
    scenario::Ctx ctx(limits);
    const int file = scenario::read_file(ctx, path, std::nullopt);
    if (file < 0) {
      return LoadResult{std::nullopt, ctx.take_errors()};
    }
    return scenario::load(ctx, file, overrides);
  } catch (const std::exception& e) {
    return LoadResult{
        std::nullopt,
        {Diagnostic{path, 1, 1, "", fmt::format("internal error: {}", e.what()), ""}}};
  }
}

LoadResult load_scenario_text(std::string_view text, const std::string& display_path,
                              const LoadLimits& limits, const Overrides& overrides) {
  try {
    scenario::Ctx ctx(limits);
    ctx.files.push_back({display_path, std::string(text)});
    if (text.size() > limits.file_bytes_max) {
      ctx.error({0, 1, 1}, "",
                fmt::format("'{}' is {} bytes, over the limit of {} bytes", display_path,
                            text.size(), limits.file_bytes_max));
      return LoadResult{std::nullopt, ctx.take_errors()};
    }
    return scenario::load(ctx, 0, overrides);
  } catch (const std::exception& e) {
    return LoadResult{
        std::nullopt,
        {Diagnostic{display_path, 1, 1, "", fmt::format("internal error: {}", e.what()), ""}}};
  }
}

}  // namespace syncdrill
