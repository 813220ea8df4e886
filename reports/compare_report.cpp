#include "reports/compare_report.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/format.hpp"
#include "reports/report_json.hpp"

namespace syncdrill {

namespace {

// Decimals for a figure in its unit: counts and calls 1, seconds 1 (2 below 10 s, where sync
// delays live), ratios 3; more when `scale` (an interval's width, or a mean's size) would
// otherwise round to nothing, so a starred difference never reads "0 [0, 0]". At most 6.
int decimals_for(std::string_view unit, double x, double scale) {
  int d = unit == "x" ? 3 : unit == "s" && std::fabs(x) < 10 ? 2 : 1;
  scale = std::fabs(scale);
  while (d < 6 && scale > 0 && scale < 5 * std::pow(10, -d - 1))
    ++d;
  return d;
}

// x with `decimals` decimals (trailing zeros dropped) and its whole part grouped.
std::string number(double x, int decimals) {
  const double rounded = std::round(x * std::pow(10, decimals)) / std::pow(10, decimals);
  // Beyond any count a run makes, or not finite (a hand-edited shard file can say so): written
  // as it is, since casting it to an integer would be undefined.
  if (!std::isfinite(rounded) || std::fabs(rounded) >= 1e18) return plain_number(x, decimals);
  const double whole = std::trunc(std::fabs(rounded));
  std::string text = plain_number(std::fabs(rounded), decimals);
  // Group the whole part for people: 1234567.5 -> 1,234,567.5.
  const size_t dot = text.find('.');
  const std::string fraction = dot == std::string::npos ? "" : text.substr(dot);
  text = grouped(static_cast<uint64_t>(whole)) + fraction;
  return rounded < 0 ? "-" + text : text;
}

std::string unit_suffix(std::string_view unit) {
  if (unit == "s") return " s";
  if (unit == "x") return "x";
  return "";
}

std::vector<size_t> by_rank(const std::vector<VariantSummary>& s) {
  std::vector<size_t> order(s.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s[a].rank < s[b].rank; });
  return order;
}

std::string pad(std::string_view text, size_t width) {
  // Width in characters, counting a multi-byte UTF-8 sequence (the "±") as one.
  size_t chars = 0;
  for (unsigned char ch : text)
    chars += (ch & 0xC0) != 0x80 ? 1 : 0;
  std::string out(text);
  if (chars < width) out.append(width - chars, ' ');
  return out;
}

size_t width_of(std::string_view text) {
  size_t chars = 0;
  for (unsigned char ch : text)
    chars += (ch & 0xC0) != 0x80 ? 1 : 0;
  return chars;
}

// Rows of cells printed as aligned columns, two spaces apart.
std::string columns(const std::vector<std::vector<std::string>>& rows, std::string_view indent) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], width_of(row[i]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line(indent);
    for (size_t i = 0; i < row.size(); ++i)
      line += i + 1 < row.size() ? pad(row[i], widths[i] + 2) : row[i];
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line + "\n";
  }
  return out;
}

// Words filled into lines of at most `width` characters, each starting with `indent`.
std::string wrapped(std::string_view text, std::string_view indent, size_t width) {
  std::string out;
  std::string line(indent);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(start, end - start);
    if (line.size() > indent.size() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line = std::string(indent);
    }
    if (line.size() > indent.size()) line += ' ';
    line += word;
    start = end + 1;
  }
  return out + line + "\n";
}

double ci_or_null(double x) {
  return std::isfinite(x) ? x : std::nan("");
}

// A figure no run had (n = 0) is null throughout, never a mean of 0 that reads as measured.
nlohmann::ordered_json interval_json(const MeanInterval& m, bool difference) {
  nlohmann::ordered_json j;
  j["n"] = m.n;
  j["mean"] = m.n > 0 ? nlohmann::ordered_json(m.mean) : nullptr;
  if (!difference) j["stddev"] = m.n > 0 ? nlohmann::ordered_json(m.stddev) : nullptr;
  if (m.n >= 2) {
    j["ci95_low"] = ci_or_null(m.low());
    j["ci95_high"] = ci_or_null(m.high());
  } else {
    j["ci95_low"] = nullptr;
    j["ci95_high"] = nullptr;
  }
  if (difference) j["excludes_zero"] = m.excludes_zero();
  return j;
}

// Per policy in rank order, the checks that failed in at least one of its runs: what kept its
// tiers from holding.
std::string why_block(const Comparison& c, const std::vector<VariantSummary>& s) {
  if (c.tiers.empty()) return "";
  std::string out = "\nWhy tiers did not hold (every check that failed in at least one run):\n";
  for (size_t v : by_rank(s)) {
    out += fmt::format("  {}\n", c.variants[v].name);
    if (s[v].breaches.empty()) {
      out += fmt::format("    every check held in all {} runs\n", c.variants[v].runs.size());
      continue;
    }
    std::vector<std::vector<std::string>> rows;
    for (const BreachSummary& b : s[v].breaches)
      rows.push_back({b.tier_name, check_label(b.check), breach_text(b)});
    out += columns(rows, "    ");
  }
  return out;
}

nlohmann::ordered_json breach_json(const BreachSummary& b) {
  auto or_null = [](const std::string& text) {
    return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
  };
  nlohmann::ordered_json j;
  j["tier"] = b.tier_name;
  j["check"] = b.check.check;
  j["flow"] = to_string(b.check.flow);
  j["channel"] = or_null(b.check.channel);
  nlohmann::ordered_json channels = nlohmann::ordered_json::array();
  for (const auto& [name, runs] : b.channels)
    channels.push_back({{"channel", name}, {"runs", runs}});
  j["channels"] = channels;
  j["subject"] = or_null(b.check.subject);
  j["runs_breached"] = b.runs_breached;
  j["runs"] = b.runs;
  j["runs_without_actual"] = b.runs_without_actual;
  j["without_actual"] = b.runs_without_actual > 0 ? nlohmann::ordered_json(check_actual(b.check))
                                                  : nlohmann::ordered_json(nullptr);
  j["mean_actual"] = b.mean_actual ? nlohmann::ordered_json(*b.mean_actual) : nullptr;
  j["limit"] = b.check.limit;
  j["unit"] = b.check.unit;
  return j;
}

}  // namespace

const char* const kAbsent = "-";

std::string figure_text(const MeanInterval& m, std::string_view unit) {
  if (m.n == 0) return kAbsent;
  const int d = decimals_for(unit, m.mean, m.mean);
  std::string out = number(m.mean, d) + unit_suffix(unit);
  if (m.n >= 2) out += " ± " + number(m.half_width, d);
  return out;
}

std::string difference_text(const MeanInterval& d, std::string_view unit) {
  if (d.n == 0) return kAbsent;
  // A difference that excludes zero shows enough decimals to tell its ends from zero.
  const double scale =
      d.excludes_zero() ? std::min(std::fabs(d.low()), std::fabs(d.high())) : d.mean;
  const int decimals = decimals_for(unit, d.mean, scale);
  const std::string mean = number(d.mean, decimals);
  std::string out =
      (mean.front() != '-' && mean.find_first_not_of("0.,") != std::string::npos ? "+" : "") +
      mean + unit_suffix(unit);
  if (d.n >= 2) {
    out += fmt::format(" [{}, {}]", number(d.low(), decimals), number(d.high(), decimals));
  }
  if (d.excludes_zero()) out += " *";
  return out;
}

std::string breach_text(const BreachSummary& b) {
  std::string out = fmt::format("breached in {} of {} runs", b.runs_breached, b.runs);
  if (b.check.channel.empty() && !b.channels.empty()) {
    std::string worst;
    for (const auto& [name, runs] : b.channels)
      worst += fmt::format("{}{} {}", worst.empty() ? "" : ", ", name, runs);
    out += " (worst channel: " + worst + ")";
  }
  const std::string limit = check_value(b.check.limit, b.check.unit);
  const size_t with_actual = b.runs_breached - b.runs_without_actual;
  if (b.runs_without_actual > 0) {
    out += fmt::format(", {} in {}", check_actual(b.check), b.runs_without_actual);
  }
  if (!b.mean_actual) return out + ", limit " + limit;
  const std::string mean = check_value(*b.mean_actual, b.check.unit);
  if (b.runs_without_actual > 0) {
    return out + fmt::format(", mean {} in the other {} against {}", mean, with_actual, limit);
  }
  return out + fmt::format(", mean {} against {}", mean, limit);
}

std::string without_actual_text(const BreachSummary& b) {
  if (b.runs_without_actual == 0) return kAbsent;
  return fmt::format("{} in {}", check_actual(b.check), b.runs_without_actual);
}

const char* const kWithinChance =
    "(≈1): no ranking figure settles its place behind the first-ranked policy: as many runs "
    "held, and every paired difference either includes zero or is under 1% of the figure. More "
    "seeds may reorder them.";

std::string_view ranking_rule() {
  return "Ranked by runs with every SLA tier held (more first), then by the means of lost + "
         "duplicated orders, oversells, MTTR and attempts per request (fewer first).";
}

namespace {

std::string_view noun(const Comparison& c, bool plural = false) {
  if (c.command == "sweep") return plural ? "points" : "point";
  return plural ? "policies" : "policy";
}

std::string requirements_list(const Comparison& c) {
  std::vector<std::string> texts;
  for (const Requirement& r : c.requirements)
    texts.push_back(requirement_text(r));
  return fmt::format("{}", fmt::join(texts, ", "));
}

const CompareMetricInfo& info(CompareMetric m) {
  return compare_metrics()[static_cast<size_t>(m)];
}

}  // namespace

std::string ranking_rule(const Comparison& c) {
  if (!c.ranked_on_objective()) return std::string(ranking_rule());
  const std::string fallback =
      "runs with every SLA tier held (more first), then the means of lost + duplicated orders, "
      "oversells, MTTR and attempts per request (fewer first).";
  std::string out;
  if (c.rank_by) {
    out = fmt::format("Ranked by the mean {} ({}), lower first (a {} without it last)",
                      info(*c.rank_by).label, info(*c.rank_by).key, noun(c));
  }
  if (!c.requirements.empty()) {
    out += fmt::format(
        "{} the {} that meet every requirement on the mean over the seeds ({}) first; a {} that "
        "breaks one ranks after every {} that meets them all",
        c.rank_by ? ", with" : "Ranked with", noun(c, true), requirements_list(c), noun(c),
        noun(c));
  }
  return out + ". Then by " + fallback;
}

std::string within_chance_text(const Comparison& c) {
  if (!c.rank_by) return kWithinChance;
  return fmt::format(
      "(≈1): the paired difference of {} against the first-ranked {} either includes zero or is "
      "under 1% of the figure, and both meet (or both break) the requirements. More seeds may "
      "reorder them.",
      info(*c.rank_by).label, noun(c));
}

std::string objective_text(const Comparison& c, const VariantSummary& v) {
  if (!c.rank_by) return kAbsent;
  return figure_text(v.figures[static_cast<size_t>(*c.rank_by)], info(*c.rank_by).unit);
}

std::string requirements_text(const Comparison& c, const VariantSummary& v) {
  std::vector<std::string> broken;
  for (size_t r = 0; r < c.requirements.size() && r < v.breaks.size(); ++r) {
    if (!v.breaks[r]) continue;
    const CompareMetricInfo& m = info(c.requirements[r].metric);
    const MeanInterval& f = v.figures[static_cast<size_t>(m.metric)];
    broken.push_back(
        fmt::format("{} ({})", requirement_text(c.requirements[r]),
                    f.n == 0 ? std::string("no run had it")
                             : "mean " + number(f.mean, decimals_for(m.unit, f.mean, f.mean)) +
                                   unit_suffix(m.unit)));
  }
  if (broken.empty()) return "met";
  return fmt::format("broken: {}", fmt::join(broken, "; "));
}

std::vector<std::string> objective_verdict(const Comparison& c,
                                           const std::vector<VariantSummary>& s) {
  if (!c.ranked_on_objective() || s.empty()) return {};
  std::vector<std::string> out;
  const std::vector<size_t> order = by_rank(s);
  const size_t best = order.front();
  if (!s[best].meets_requirements()) {
    out.push_back(fmt::format("No {} meets the requirements ({}).", noun(c), requirements_list(c)));
  } else if (c.rank_by) {
    out.push_back(fmt::format("Best under the objective: {} ({} {}{}).", c.variants[best].name,
                              info(*c.rank_by).label, objective_text(c, s[best]),
                              c.requirements.empty() ? "" : ", meeting " + requirements_list(c)));
  } else {
    out.push_back(fmt::format("Best meeting the requirements ({}): {}.", requirements_list(c),
                              c.variants[best].name));
  }
  std::vector<std::string> broke;
  for (size_t v : order) {
    if (!s[v].meets_requirements()) broke.push_back(c.variants[v].name);
  }
  if (!broke.empty() && s[best].meets_requirements()) {
    out.push_back(fmt::format("Broke a requirement ({} of {}, ranked after the others): {}.",
                              broke.size(), s.size(), fmt::join(broke, ", ")));
  }
  return out;
}

std::string seeds_text(const std::vector<uint64_t>& seeds) {
  if (seeds.empty()) return "no seeds";
  if (seeds.size() == 1) return fmt::format("seed {}", seeds.front());
  return fmt::format("{} seeds ({}..{})", seeds.size(), seeds.front(), seeds.back());
}

std::string rank_text(const VariantSummary& v) {
  return v.distinct_from_best ? std::to_string(v.rank) : fmt::format("{} (≈1)", v.rank);
}

std::string held_text(const Comparison& c, const VariantSummary& v, size_t index) {
  if (c.tiers.empty()) return "no tiers";
  return fmt::format("{} of {} runs", v.runs_held, c.variants[index].runs.size());
}

std::string compare_table(const Comparison& c, const std::vector<VariantSummary>& s,
                          const std::string& out_dir, const std::vector<std::string>& files) {
  const auto& metrics = compare_metrics();
  auto fig = [&](size_t v, CompareMetric m) {
    const size_t i = static_cast<size_t>(m);
    return figure_text(s[v].figures[i], metrics[i].unit);
  };
  std::string out =
      fmt::format("syncdrill {}: {}, {} {} x {} = {} runs\n", c.command, c.scenario_name,
                  c.variants.size(), c.command == "sweep" ? "grid points" : "policies",
                  seeds_text(c.seeds), c.variants.size() * c.seeds.size());
  out += fmt::format("  policy swapped on: {}\n", fmt::join(c.connectors, ", "));
  for (const std::string& note : c.notes)
    out += wrapped("Note: " + note, "  ", 96);
  out += "\n";

  std::vector<std::vector<std::string>> rows{{"Rank", "Policy", "Tiers held", "Lost", "Duplicated",
                                              "Oversold", "MTTR", "Attempts/request"}};
  // The objective and the requirements, when ranked on them, after the usual columns.
  const bool objective = c.rank_by.has_value();
  if (objective) rows[0].emplace_back(fmt::format("{} (objective)", info(*c.rank_by).label));
  if (!c.requirements.empty()) rows[0].emplace_back("Requirements");
  for (size_t v : by_rank(s)) {
    rows.push_back({rank_text(s[v]), c.variants[v].name, held_text(c, s[v], v),
                    fig(v, CompareMetric::lost), fig(v, CompareMetric::duplicated),
                    fig(v, CompareMetric::oversold), fig(v, CompareMetric::mttr_s),
                    fig(v, CompareMetric::attempts_per_request)});
    if (objective) rows.back().push_back(objective_text(c, s[v]));
    if (!c.requirements.empty()) rows.back().push_back(requirements_text(c, s[v]));
  }
  out += columns(rows, "  ");
  out += "  Means with 95% intervals over the seeds.\n";
  out += wrapped(ranking_rule(c), "  ", 96);
  if (std::any_of(s.begin(), s.end(),
                  [](const VariantSummary& v) { return !v.distinct_from_best; }))
    out += wrapped(within_chance_text(c), "  ", 96);
  for (const std::string& line : objective_verdict(c, s))
    out += wrapped(line, "  ", 96);
  out += why_block(c, s);

  if (c.variants.size() >= 2 && c.variants.size() <= 3) {
    out += fmt::format("\nEvery figure, and the paired difference against {}:\n",
                       c.variants.front().name);
    std::vector<std::vector<std::string>> detail{{"Figure"}};
    for (size_t v = 0; v < c.variants.size(); ++v)
      detail[0].push_back(c.variants[v].name);
    for (size_t v = 1; v < c.variants.size(); ++v)
      detail[0].push_back(fmt::format("{} - {}", c.variants[v].name, c.variants[0].name));
    for (const CompareMetricInfo& m : metrics) {
      const size_t i = static_cast<size_t>(m.metric);
      std::vector<std::string> row{std::string(m.label)};
      for (size_t v = 0; v < c.variants.size(); ++v)
        row.push_back(figure_text(s[v].figures[i], m.unit));
      for (size_t v = 1; v < c.variants.size(); ++v)
        row.push_back(difference_text(s[v].vs_first[i], m.unit));
      detail.push_back(std::move(row));
    }
    out += columns(detail, "  ");
    out += "  * the 95% interval of the paired difference excludes zero.\n";
  }
  uint64_t missed = 0, unrecovered = 0;
  for (const VariantSummary& v : s) {
    missed += v.faults_missed;
    unrecovered += v.faults_unrecovered;
  }
  if (missed + unrecovered > 0) {
    out += fmt::format(
        "  MTTD and MTTR count a missed or unrecovered fault until the end of the run: {} "
        "missed, {} unrecovered over all runs{}.\n",
        missed, unrecovered,
        std::find(files.begin(), files.end(), "compare.md") != files.end()
            ? " (compare.md has them per policy)"
            : "");
  }
  if (!files.empty()) out += fmt::format("\nWritten to {}/: {}\n", out_dir, fmt::join(files, ", "));
  return out;
}

// The ranking options and what they found: the objective, the requirements, the best variant
// meeting them (null when none does) and the variants that broke one, in rank order.
static nlohmann::ordered_json ranking_json(const Comparison& c,
                                           const std::vector<VariantSummary>& s) {
  nlohmann::ordered_json j;
  j["rank_by"] = c.rank_by ? nlohmann::ordered_json(info(*c.rank_by).key) : nullptr;
  auto& require = j["require"] = nlohmann::ordered_json::array();
  for (const Requirement& r : c.requirements) {
    require.push_back({{"text", requirement_text(r)},
                       {"key", info(r.metric).key},
                       {"min", r.low ? nlohmann::ordered_json(*r.low) : nullptr},
                       {"max", r.high ? nlohmann::ordered_json(*r.high) : nullptr}});
  }
  const std::vector<size_t> order = by_rank(s);
  j["best"] = !order.empty() && s[order.front()].meets_requirements()
                  ? nlohmann::ordered_json(c.variants[order.front()].name)
                  : nullptr;
  auto& broke = j["broke_requirements"] = nlohmann::ordered_json::array();
  for (size_t v : order) {
    if (!s[v].meets_requirements()) broke.push_back(c.variants[v].name);
  }
  return j;
}

nlohmann::ordered_json compare_json(const Comparison& c, const std::vector<VariantSummary>& s) {
  nlohmann::ordered_json j;
  j["schema_version"] = kCompareSchemaVersion;
  j["syncdrill_version"] = SYNCDRILL_VERSION;
  j["command"] = c.command;
  j["scenario"] = {{"path", scenario_file(c.scenario_path)},
                   {"name", c.scenario_name},
                   {"hash", c.scenario_hash}};
  if (!c.overrides.empty()) j["scenario"]["overrides"] = c.overrides;
  j["policies_file"] = c.policies_file.empty() ? nlohmann::ordered_json(nullptr)
                                               : nlohmann::ordered_json(c.policies_file);
  j["seeds"] = c.seeds;
  j["connectors"] = c.connectors;
  j["notes"] = c.notes;
  j["ranking_rule"] = ranking_rule(c);
  if (c.ranked_on_objective()) j["ranking"] = ranking_json(c, s);
  auto& metrics = j["metrics"] = nlohmann::ordered_json::array();
  for (const CompareMetricInfo& m : compare_metrics())
    metrics.push_back({{"key", m.key}, {"label", m.label}, {"unit", m.unit}});
  auto& variants = j["variants"] = nlohmann::ordered_json::array();
  for (size_t v = 0; v < c.variants.size(); ++v) {
    const Variant& variant = c.variants[v];
    nlohmann::ordered_json jv;
    jv["name"] = variant.name;
    jv["settings"] = variant.settings;
    jv["rank"] = s[v].rank;
    jv["distinct_from_best"] = s[v].distinct_from_best;
    if (c.ranked_on_objective()) {
      jv["meets_requirements"] = s[v].meets_requirements();
      auto& broken = jv["broken_requirements"] = nlohmann::ordered_json::array();
      for (size_t r = 0; r < c.requirements.size(); ++r) {
        if (s[v].breaks[r]) broken.push_back(requirement_text(c.requirements[r]));
      }
    }
    jv["runs_held"] = s[v].runs_held;
    jv["runs_breached"] = s[v].runs_breached;
    auto& tiers = jv["tiers"] = nlohmann::ordered_json::array();
    for (size_t t = 0; t < c.tiers.size(); ++t)
      tiers.push_back({{"name", c.tiers[t]}, {"runs_held", s[v].tier_held_runs[t]}});
    jv["faults_missed"] = s[v].faults_missed;
    jv["faults_unrecovered"] = s[v].faults_unrecovered;
    auto& breaches = jv["breaches"] = nlohmann::ordered_json::array();
    for (const BreachSummary& b : s[v].breaches)
      breaches.push_back(breach_json(b));
    auto& figures = jv["figures"] = nlohmann::ordered_json::object();
    auto& diffs = jv["vs_first"] = nlohmann::ordered_json::object();
    for (const CompareMetricInfo& m : compare_metrics()) {
      const size_t i = static_cast<size_t>(m.metric);
      figures[std::string(m.key)] = interval_json(s[v].figures[i], false);
      if (v > 0) diffs[std::string(m.key)] = interval_json(s[v].vs_first[i], true);
    }
    auto& runs = jv["runs"] = nlohmann::ordered_json::array();
    for (const RunFigures& r : variant.runs) {
      nlohmann::ordered_json jr;
      jr["seed"] = r.seed;
      jr["held"] = r.held();
      for (const CompareMetricInfo& m : compare_metrics()) {
        const auto& value = r.values[static_cast<size_t>(m.metric)];
        jr[std::string(m.key)] = value ? nlohmann::ordered_json(*value) : nullptr;
      }
      jr["faults_missed"] = r.faults_missed;
      jr["faults_unrecovered"] = r.faults_unrecovered;
      runs.push_back(std::move(jr));
    }
    variants.push_back(std::move(jv));
  }
  return j;
}

std::string breaches_markdown(const Comparison& c, const std::vector<VariantSummary>& s) {
  if (c.tiers.empty()) return "";
  std::string out =
      "\n## Why tiers did not hold\n\nEvery check that failed in at least one run, per policy in "
      "rank order. The mean is over the runs that breached it with an actual; a missed or "
      "unrecovered fault has none and is counted apart. - marks a figure no run had.\n\n";
  std::vector<std::string> clean;
  std::string table =
      "| Policy | Tier | Check | Breached | Mean actual | Limit | Without an actual "
      "|\n|---|---|---|---:|---:|---:|---:|\n";
  bool any = false;
  for (size_t v : by_rank(s)) {
    if (s[v].breaches.empty()) clean.push_back(c.variants[v].name);
    for (const BreachSummary& b : s[v].breaches) {
      any = true;
      table += fmt::format(
          "| {} | {} | {} | {} of {} runs | {} | {} | {} |\n", md_text(c.variants[v].name),
          md_text(b.tier_name), md_text(check_label(b.check)), b.runs_breached, b.runs,
          md_text(b.mean_actual ? check_value(*b.mean_actual, b.check.unit) : kAbsent),
          md_text(check_value(b.check.limit, b.check.unit)), md_text(without_actual_text(b)));
    }
  }
  if (any) out += table;
  if (!clean.empty()) {
    out += fmt::format("{}Every check held in every run of: {}.\n", any ? "\n" : "",
                       md_text(fmt::format("{}", fmt::join(clean, ", "))));
  }
  return out;
}

std::string compare_markdown(const Comparison& c, const std::vector<VariantSummary>& s) {
  const auto& metrics = compare_metrics();
  std::string out = fmt::format("# syncdrill {}: {}\n\n", c.command, md_text(c.scenario_name));
  out += fmt::format(
      "Scenario `{}` (hash `{}`), {}. Every policy ran on the same seeds (common random "
      "numbers), swapped onto: {}.\n\n",
      scenario_file(c.scenario_path), c.scenario_hash, seeds_text(c.seeds),
      md_text(fmt::format("{}", fmt::join(c.connectors, ", "))));
  if (!c.policies_file.empty()) out += fmt::format("Policies also from `{}`.\n\n", c.policies_file);
  for (const std::string& note : c.notes)
    out += fmt::format("- **Note:** {}\n", md_text(note));
  if (!c.notes.empty()) out += "\n";
  const bool objective = c.rank_by.has_value();
  const bool required = !c.requirements.empty();
  out += fmt::format("## Ranking\n\n| Rank | Policy | Settings | Runs with every tier held |{}{}\n",
                     objective ? fmt::format(" {} (objective) |", info(*c.rank_by).label) : "",
                     required ? " Requirements |" : "");
  out += fmt::format("|---:|---|---|---:|{}{}\n", objective ? "---:|" : "", required ? "---|" : "");
  for (size_t v : by_rank(s)) {
    out +=
        fmt::format("| {} | {} | {} | {} |", md_text(rank_text(s[v])), md_text(c.variants[v].name),
                    md_text(c.variants[v].settings), held_text(c, s[v], v));
    if (objective) out += fmt::format(" {} |", md_text(objective_text(c, s[v])));
    if (required) out += fmt::format(" {} |", md_text(requirements_text(c, s[v])));
    out += "\n";
  }
  out += fmt::format(
      "\n{}\n\n", c.ranked_on_objective() ? md_text(ranking_rule(c)) : std::string(ranking_rule()));
  if (std::any_of(s.begin(), s.end(),
                  [](const VariantSummary& v) { return !v.distinct_from_best; }))
    out += fmt::format("{}\n\n", md_text(within_chance_text(c)));
  for (const std::string& line : objective_verdict(c, s))
    out += fmt::format("**{}**\n\n", md_text(line));

  out += "## Figures\n\nMean ± half-width of the 95% interval (Student's t over the seeds).\n\n";
  out += "| Figure |";
  std::string rule = "|---|";
  for (const Variant& v : c.variants) {
    out += fmt::format(" {} |", md_text(v.name));
    rule += "---:|";
  }
  out += "\n" + rule + "\n";
  for (const CompareMetricInfo& m : metrics) {
    const size_t i = static_cast<size_t>(m.metric);
    out += fmt::format("| {} ({}) |", m.label, m.unit);
    for (size_t v = 0; v < c.variants.size(); ++v)
      out += fmt::format(" {} |", md_text(figure_text(s[v].figures[i], m.unit)));
    out += "\n";
  }
  out += "| Faults missed (all runs) |";
  for (const VariantSummary& v : s)
    out += fmt::format(" {} |", v.faults_missed);
  out += "\n| Faults unrecovered (all runs) |";
  for (const VariantSummary& v : s)
    out += fmt::format(" {} |", v.faults_unrecovered);
  out += "\n";
  for (size_t t = 0; t < c.tiers.size(); ++t) {
    out += fmt::format("| Tier {} held (runs) |", md_text(c.tiers[t]));
    for (size_t v = 0; v < c.variants.size(); ++v)
      out += fmt::format(" {} of {} |", s[v].tier_held_runs[t], c.variants[v].runs.size());
    out += "\n";
  }
  out +=
      "\nMTTD and MTTR are means over the scenario's faults; a missed or unrecovered fault counts "
      "from its onset to the end of the run, so those means are then lower bounds. - marks a "
      "figure no run had.\n";
  out += breaches_markdown(c, s);

  if (c.variants.size() >= 2) {
    out += fmt::format(
        "\n## Paired differences against {}\n\nPer seed, this policy's figure minus {}'s; mean "
        "and 95% interval. * marks an interval that excludes zero: the difference is the "
        "policy's, not the seeds'.\n\n| Figure |",
        md_text(c.variants.front().name), md_text(c.variants.front().name));
    std::string drule = "|---|";
    for (size_t v = 1; v < c.variants.size(); ++v) {
      out += fmt::format(" {} |", md_text(c.variants[v].name));
      drule += "---:|";
    }
    out += "\n" + drule + "\n";
    for (const CompareMetricInfo& m : metrics) {
      const size_t i = static_cast<size_t>(m.metric);
      out += fmt::format("| {} ({}) |", m.label, m.unit);
      for (size_t v = 1; v < c.variants.size(); ++v)
        out += fmt::format(" {} |", md_text(difference_text(s[v].vs_first[i], m.unit)));
      out += "\n";
    }
  }
  return out;
}

}  // namespace syncdrill
