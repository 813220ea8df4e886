#include "app/shard_file.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/scenario/reader.hpp"

namespace syncdrill {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// A field added to what a shard carries must be written and read below, or the merged reports
// would lose it. These sizes (x86-64, libstdc++) catch most additions at compile time: update
// them together with the writer and reader. (A metric added to compare_metrics() needs neither.)
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(Comparison) == 336,
              "Comparison changed: carry the new field in shard_header_json() and header_of()");
static_assert(sizeof(Variant) == 88, "Variant changed: carry it in shard_header_json()");
static_assert(sizeof(RunFigures) - sizeof(RunFigures::values) == 88,
              "RunFigures changed: carry the new field in figures_json() and figures_of()");
static_assert(sizeof(RunBreach) == 264, "RunBreach changed: carry it in figures_json()");
static_assert(sizeof(TierCheck) == 216, "TierCheck changed: carry it in check_json()");
#endif

// ---- writing ----

ordered_json number_json(double v) {
  if (std::isfinite(v)) return v;
  if (std::isnan(v)) return std::signbit(v) ? "-nan" : "nan";
  return v > 0 ? "inf" : "-inf";
}

ordered_json optional_json(const std::optional<double>& v) {
  return v ? number_json(*v) : ordered_json(nullptr);
}

ordered_json check_json(const TierCheck& c) {
  return {{"check", c.check},
          {"flow", to_string(c.flow)},
          {"channel", c.channel},
          {"subject", c.subject},
          {"actual", optional_json(c.actual)},
          {"merged", optional_json(c.merged)},
          {"limit", number_json(c.limit)},
          {"unit", c.unit},
          {"held", c.held},
          {"no_data", c.no_data},
          {"reason", c.reason}};
}

ordered_json figures_json(const RunFigures& f) {
  ordered_json values = ordered_json::object();
  for (const CompareMetricInfo& m : compare_metrics())
    values[std::string(m.key)] = optional_json(f.values[static_cast<size_t>(m.metric)]);
  ordered_json breaches = ordered_json::array();
  for (const RunBreach& b : f.breaches) {
    breaches.push_back({{"tier", b.tier},
                        {"tier_name", b.tier_name},
                        {"position", b.position},
                        {"check", check_json(b.check)}});
  }
  return {{"seed", f.seed},
          {"values", std::move(values)},
          {"faults", f.faults},
          {"faults_missed", f.faults_missed},
          {"faults_unrecovered", f.faults_unrecovered},
          {"scored", f.scored},
          {"tier_held", f.tier_held},
          {"breaches", std::move(breaches)}};
}

// ---- reading: every field checked, a problem named by its place ("runs[3].figures.seed") ----

struct Malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void malformed(const std::string& where, std::string_view what) {
  throw Malformed(fmt::format("{}: {}", where, what));
}

std::string place(const std::string& where, std::string_view key) {
  return where.empty() ? std::string(key) : fmt::format("{}.{}", where, key);
}

const json& member(const json& object, std::string_view key, const std::string& where) {
  if (!object.is_object()) malformed(where.empty() ? "the file" : where, "expected an object");
  const auto found = object.find(key);
  if (found == object.end()) malformed(place(where, key), "missing");
  return *found;
}

std::string text_of(const json& object, std::string_view key, const std::string& where) {
  const json& v = member(object, key, where);
  if (!v.is_string()) malformed(place(where, key), "expected a string");
  return v.get<std::string>();
}

uint64_t whole_of(const json& object, std::string_view key, const std::string& where,
                  uint64_t max = UINT64_MAX) {
  const json& v = member(object, key, where);
  if (!v.is_number_unsigned() || v.get<uint64_t>() > max) {
    malformed(place(where, key), fmt::format("expected a whole number from 0 to {}", max));
  }
  return v.get<uint64_t>();
}

bool flag_of(const json& object, std::string_view key, const std::string& where) {
  const json& v = member(object, key, where);
  if (!v.is_boolean()) malformed(place(where, key), "expected true or false");
  return v.get<bool>();
}

double number_of(const json& v, const std::string& where) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s == "nan") return std::nan("");
    if (s == "-nan") return -std::nan("");
    if (s == "inf") return HUGE_VAL;
    if (s == "-inf") return -HUGE_VAL;
  }
  malformed(where, "expected a number (or \"nan\", \"-nan\", \"inf\", \"-inf\")");
}

std::optional<double> optional_of(const json& object, std::string_view key,
                                  const std::string& where) {
  const json& v = member(object, key, where);
  if (v.is_null()) return std::nullopt;
  return number_of(v, place(where, key));
}

const json& array_of(const json& object, std::string_view key, const std::string& where) {
  const json& v = member(object, key, where);
  if (!v.is_array()) malformed(place(where, key), "expected an array");
  return v;
}

std::string item(const std::string& where, std::string_view key, size_t i) {
  return fmt::format("{}[{}]", place(where, key), i);
}

std::vector<std::string> texts_of(const json& object, std::string_view key,
                                  const std::string& where) {
  std::vector<std::string> out;
  const json& list = array_of(object, key, where);
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string()) malformed(item(where, key, i), "expected a string");
    out.push_back(list[i].get<std::string>());
  }
  return out;
}

FlowKind flow_of(const json& object, const std::string& where) {
  const std::string name = text_of(object, "flow", where);
  for (const auto& entry : scenario::enum_table<FlowKind>().entries) {
    if (entry.name == name) return entry.value;
  }
  malformed(place(where, "flow"), fmt::format("no flow '{}'", name));
}

TierCheck check_of(const json& j, const std::string& where) {
  TierCheck c;
  c.check = text_of(j, "check", where);
  c.flow = flow_of(j, where);
  c.channel = text_of(j, "channel", where);
  c.subject = text_of(j, "subject", where);
  c.actual = optional_of(j, "actual", where);
  c.merged = optional_of(j, "merged", where);
  c.limit = number_of(member(j, "limit", where), place(where, "limit"));
  c.unit = text_of(j, "unit", where);
  c.held = flag_of(j, "held", where);
  c.no_data = flag_of(j, "no_data", where);
  c.reason = text_of(j, "reason", where);
  return c;
}

RunFigures figures_of(const json& j, const std::string& where, size_t tiers) {
  RunFigures f;
  f.seed = whole_of(j, "seed", where);
  const json& values = member(j, "values", where);
  for (const CompareMetricInfo& m : compare_metrics())
    f.values[static_cast<size_t>(m.metric)] = optional_of(values, m.key, place(where, "values"));
  f.faults = static_cast<uint32_t>(whole_of(j, "faults", where, UINT32_MAX));
  f.faults_missed = static_cast<uint32_t>(whole_of(j, "faults_missed", where, UINT32_MAX));
  f.faults_unrecovered =
      static_cast<uint32_t>(whole_of(j, "faults_unrecovered", where, UINT32_MAX));
  f.scored = flag_of(j, "scored", where);
  const json& held = array_of(j, "tier_held", where);
  // Tiers index the header's tier list in every report.
  if (held.size() != tiers) {
    malformed(place(where, "tier_held"), fmt::format("expected {} entries, one per tier", tiers));
  }
  for (size_t t = 0; t < held.size(); ++t) {
    if (!held[t].is_boolean()) malformed(item(where, "tier_held", t), "expected true or false");
    f.tier_held.push_back(held[t].get<bool>());
  }
  const json& breaches = array_of(j, "breaches", where);
  for (size_t i = 0; i < breaches.size(); ++i) {
    const std::string at = item(where, "breaches", i);
    RunBreach b;
    if (tiers == 0) malformed(at, "a breach, but the comparison has no tiers");
    b.tier = whole_of(breaches[i], "tier", at, tiers - 1);
    b.tier_name = text_of(breaches[i], "tier_name", at);
    b.position = whole_of(breaches[i], "position", at);
    b.check = check_of(member(breaches[i], "check", at), place(at, "check"));
    f.breaches.push_back(std::move(b));
  }
  return f;
}

std::string metric_key(CompareMetric metric) {
  return std::string(compare_metrics()[static_cast<size_t>(metric)].key);
}

CompareMetric metric_of(const std::string& key, const std::string& where) {
  for (const CompareMetricInfo& m : compare_metrics()) {
    if (m.key == key) return m.metric;
  }
  malformed(where, fmt::format("no figure '{}'", key));
}

Comparison header_of(const json& j) {
  const std::string where = "comparison";
  Comparison c;
  c.command = text_of(j, "command", where);
  if (c.command != "compare" && c.command != "sweep") {
    malformed(place(where, "command"), "expected \"compare\" or \"sweep\"");
  }
  c.scenario_path = text_of(j, "scenario_path", where);
  c.scenario_name = text_of(j, "scenario_name", where);
  c.scenario_hash = text_of(j, "scenario_hash", where);
  c.policies_file = text_of(j, "policies_file", where);
  c.overrides = texts_of(j, "overrides", where);
  const json& seeds = array_of(j, "seeds", where);
  for (size_t i = 0; i < seeds.size(); ++i) {
    if (!seeds[i].is_number_unsigned()) malformed(item(where, "seeds", i), "expected a seed");
    c.seeds.push_back(seeds[i].get<uint64_t>());
  }
  c.connectors = texts_of(j, "connectors", where);
  c.tiers = texts_of(j, "tiers", where);
  const json& variants = array_of(j, "variants", where);
  for (size_t i = 0; i < variants.size(); ++i) {
    const std::string at = item(where, "variants", i);
    c.variants.push_back(
        {text_of(variants[i], "name", at), text_of(variants[i], "settings", at), {}});
  }
  c.notes = texts_of(j, "notes", where);
  if (const json& rank_by = member(j, "rank_by", where); !rank_by.is_null()) {
    if (!rank_by.is_string()) malformed(place(where, "rank_by"), "expected a figure's key or null");
    c.rank_by = metric_of(rank_by.get<std::string>(), place(where, "rank_by"));
  }
  const json& require = array_of(j, "require", where);
  for (size_t i = 0; i < require.size(); ++i) {
    const std::string at = item(where, "require", i);
    Requirement r;
    r.metric = metric_of(text_of(require[i], "metric", at), place(at, "metric"));
    r.low = optional_of(require[i], "low", at);
    r.high = optional_of(require[i], "high", at);
    c.requirements.push_back(r);
  }
  if (c.seeds.empty()) malformed(place(where, "seeds"), "expected at least one seed");
  if (c.variants.empty()) malformed(place(where, "variants"), "expected at least one variant");
  return c;
}

// The runs, checked against the grid and the shard: each in the grid, on the header's seed, of
// this shard, once, and every run of this shard present.
std::vector<ShardRun> runs_of(const json& j, const ShardFile& file) {
  const Comparison& c = file.header;
  const size_t variants = c.variants.size();
  const size_t total = variants * c.seeds.size();
  const json& runs = array_of(j, "runs", "");
  std::vector<ShardRun> out;
  std::set<size_t> seen;
  for (size_t i = 0; i < runs.size(); ++i) {
    const std::string at = item("", "runs", i);
    ShardRun r;
    r.variant = whole_of(runs[i], "variant", at, variants - 1);
    r.seed_index = whole_of(runs[i], "seed_index", at, c.seeds.size() - 1);
    const size_t k = r.seed_index * variants + r.variant;
    if (!file.shard.holds(k)) {
      malformed(at,
                fmt::format("run {} (variant {}, seed index {}) is shard {}'s, not shard {}'s", k,
                            r.variant, r.seed_index, k % file.shard.count + 1, file.shard.index));
    }
    if (!seen.insert(k).second) {
      malformed(at,
                fmt::format("variant {} on seed index {} is given twice", r.variant, r.seed_index));
    }
    r.figures = figures_of(member(runs[i], "figures", at), place(at, "figures"), c.tiers.size());
    if (r.figures.seed != c.seeds[r.seed_index]) {
      malformed(place(at, "figures.seed"),
                fmt::format("{} is not the header's seed {} (seed index {})", r.figures.seed,
                            c.seeds[r.seed_index], r.seed_index));
    }
    out.push_back(std::move(r));
  }
  if (out.size() != file.shard.runs_of(total)) {
    malformed("runs",
              fmt::format("{} runs, but shard {} of {} of a {}-run grid has {}", out.size(),
                          file.shard.index, file.shard.count, total, file.shard.runs_of(total)));
  }
  return out;
}

// Where byte `offset` of `text` is, as "line:column" (1-based).
std::string line_column(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return fmt::format("{}:{}", line, column);
}

// The offset of the first bracket nested deeper than kShardDepthMax, if any: refused before
// nlohmann-json builds (and later frees) a tree that deep.
std::optional<size_t> too_deep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_string) {
      if (ch == '\\') {
        ++i;
      } else if (ch == '"') {
        in_string = false;
      }
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '[' || ch == '{') {
      if (++depth > kShardDepthMax) return i;
    } else if (ch == ']' || ch == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

ShardRead failed(std::string error) {
  ShardRead r;
  r.error = std::move(error);
  return r;
}

}  // namespace

ordered_json shard_header_json(const Comparison& c) {
  ordered_json require = ordered_json::array();
  for (const Requirement& r : c.requirements) {
    require.push_back({{"metric", metric_key(r.metric)},
                       {"low", optional_json(r.low)},
                       {"high", optional_json(r.high)}});
  }
  ordered_json variants = ordered_json::array();
  for (const Variant& v : c.variants)
    variants.push_back({{"name", v.name}, {"settings", v.settings}});
  return {{"command", c.command},
          {"scenario_path", c.scenario_path},
          {"scenario_name", c.scenario_name},
          {"scenario_hash", c.scenario_hash},
          {"policies_file", c.policies_file},
          {"overrides", c.overrides},
          {"seeds", c.seeds},
          {"connectors", c.connectors},
          {"tiers", c.tiers},
          {"variants", std::move(variants)},
          {"notes", c.notes},
          {"rank_by", c.rank_by ? ordered_json(metric_key(*c.rank_by)) : ordered_json(nullptr)},
          {"require", std::move(require)}};
}

std::string shard_file_text(const ShardFile& file) {
  ordered_json runs = ordered_json::array();
  for (const ShardRun& r : file.runs) {
    runs.push_back({{"variant", r.variant},
                    {"seed_index", r.seed_index},
                    {"figures", figures_json(r.figures)}});
  }
  const ordered_json j = {{"format", std::string(kShardFormat)},
                          {"format_version", kShardFormatVersion},
                          {"syncdrill_version", file.syncdrill_version},
                          {"shard", {{"index", file.shard.index}, {"count", file.shard.count}}},
                          {"comparison", shard_header_json(file.header)},
                          {"runs", std::move(runs)}};
  return j.dump() + "\n";
}

ShardRead parse_shard_file(std::string_view text, std::string_view version) {
  if (const auto deep = too_deep(text)) {
    return failed(fmt::format("{}: nested deeper than {} levels (a shard file nests 7)",
                              line_column(text, *deep), kShardDepthMax));
  }
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    // e.what(): "[json.exception.parse_error.101] parse error at line 1, column 5: syntax
    // error ..."; the place is said once, as line:column first.
    std::string what = e.what();
    if (const size_t colon = what.find(": ", what.find("column")); colon != std::string::npos) {
      what = what.substr(colon + 2);
    }
    return failed(fmt::format("{}: malformed JSON: {}", line_column(text, e.byte - 1), what));
  } catch (const json::out_of_range& e) {
    // "[json.exception.out_of_range.406] number overflow parsing '1e400'": no place given, so
    // the number is looked up.
    const std::string what = e.what();
    const size_t quote = what.find('\'');
    const std::string number =
        quote == std::string::npos ? "" : what.substr(quote + 1, what.size() - quote - 2);
    const size_t at = number.empty() ? std::string_view::npos : text.find(number);
    return failed(fmt::format("{}: malformed JSON: a number beyond a double ({})",
                              line_column(text, at == std::string_view::npos ? 0 : at), number));
  } catch (const json::exception& e) {
    return failed(fmt::format("malformed JSON: {}", e.what()));
  }
  if (!j.is_object() || !j.contains("format") || j["format"] != std::string(kShardFormat)) {
    return failed(fmt::format("not a shard file (it has no \"format\": \"{}\")", kShardFormat));
  }
  try {
    ShardFile file;
    file.syncdrill_version = text_of(j, "syncdrill_version", "");
    if (file.syncdrill_version != version) {
      return failed(
          fmt::format("written by syncdrill {}, this is syncdrill {}: merge with the "
                      "version that ran the shards",
                      file.syncdrill_version, version));
    }
    const uint64_t format = whole_of(j, "format_version", "");
    if (format != kShardFormatVersion) {
      return failed(fmt::format("shard format version {}; this syncdrill reads version {}", format,
                                kShardFormatVersion));
    }
    const json& shard = member(j, "shard", "");
    file.shard.count = whole_of(shard, "count", "shard", kShardsMax);
    file.shard.index = whole_of(shard, "index", "shard", file.shard.count);
    if (file.shard.count < 1 || file.shard.index < 1) {
      malformed("shard", fmt::format("expected 1 <= index <= count <= {}", kShardsMax));
    }
    file.header = header_of(member(j, "comparison", ""));
    file.runs = runs_of(j, file);
    ShardRead r;
    r.file = std::move(file);
    return r;
  } catch (const Malformed& e) {
    return failed(fmt::format("malformed shard file: {}", e.what()));
  }
}

Comparison join_shards(std::vector<ShardFile> shards) {
  Comparison c = shards.front().header;
  for (Variant& v : c.variants)
    v.runs.resize(c.seeds.size());
  for (ShardFile& f : shards) {
    for (ShardRun& r : f.runs)
      c.variants[r.variant].runs[r.seed_index] = std::move(r.figures);
  }
  return c;
}

ShardRead read_shard_file(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return failed("no such file");
  if (!std::filesystem::is_regular_file(status)) return failed("not a regular file");
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return failed(fmt::format("cannot read: {}", ec.message()));
  if (size > kShardFileBytesMax) {
    return failed(fmt::format("{} bytes, larger than a shard file may be ({} MiB)", size,
                              kShardFileBytesMax >> 20));
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<size_t>(size), '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(size))) return failed("cannot read");
  // A file that grew since its size was taken is read to that size: its JSON ends early.
  return parse_shard_file(text);
}

}  // namespace syncdrill
