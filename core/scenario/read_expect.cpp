// Section readers for what the run itself keeps and is expected to do: `series_interval` and
// `expect` (docs/expectations.md). Read last: an expectation names tiers, faults and channels.
#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/scenario/expect_figures.hpp"
#include "core/scenario/sections.hpp"

namespace syncdrill::scenario {
namespace {

// The check names a tier reports (sim/score/tier_checks.cpp), each with whether tier `t` sets it.
std::vector<std::pair<std::string_view, bool>> tier_check_names(const SlaTierSpec& t) {
  return {{"freshness_p95", t.freshness_p95.has_value()},
          {"error_rate", t.error_rate_max.has_value()},
          {"mttd", t.mttd_max.has_value()},
          {"mttr", t.mttr_max.has_value()},
          {"data_loss", t.data_loss_max.has_value()},
          {"duplicated", t.duplicated_max.has_value()},
          {"oversold", t.oversold_max.has_value()},
          {"stale_price_lines", t.stale_price_lines_max.has_value()},
          {"stale_price_amount", t.stale_price_amount_max.has_value()},
          {"unmapped_rate", t.unmapped_rate_max.has_value()},
          {"unmatched_end", t.unmatched_max.has_value()},
          {"unmatched_peak", t.unmatched_peak_max.has_value()},
          {"dropped", true}};
}

std::string where(const Ctx& ctx, Loc loc) {
  return fmt::format("{}:{}:{}", ctx.files[static_cast<size_t>(loc.file)].path, loc.line,
                     loc.column);
}

// "critical" or "critical.mttr": an error message, or empty with `c` filled in.
std::string parse_check(const Scenario& s, std::string_view text, ExpectCheck& c) {
  const size_t dot = text.find('.');
  c.tier = std::string(text.substr(0, dot));
  c.check = dot == std::string_view::npos ? "" : std::string(text.substr(dot + 1));
  const SlaTierSpec* tier = nullptr;
  for (const SlaTierSpec& t : s.sla_tiers) {
    if (t.name == c.tier) tier = &t;
  }
  if (tier == nullptr) {
    if (s.sla_tiers.empty()) return "the scenario has no sla_tiers to expect anything of";
    return unknown_value("tier", c.tier, names_of(s.sla_tiers));
  }
  if (c.check.empty()) return {};
  std::vector<std::string_view> all;
  std::vector<std::string_view> set;
  for (const auto& [name, is_set] : tier_check_names(*tier)) {
    all.push_back(name);
    if (is_set) set.push_back(name);
  }
  if (std::find(set.begin(), set.end(), c.check) != set.end()) return {};
  if (std::find(all.begin(), all.end(), c.check) != all.end()) {
    return fmt::format("tier '{}' sets no {} check (its checks: {})", c.tier, c.check,
                       fmt::join(set, ", "));
  }
  return unknown_value("check", c.check, all) +
         fmt::format(" (tier '{}' checks: {})", c.tier, fmt::join(set, ", "));
}

void read_checks(Ctx& ctx, MapReader& r, const Scenario& s, std::string_view key, bool held,
                 ExpectSpec& e) {
  const YNode* list = r.get(key);
  if (list == nullptr || !check_list(ctx, *list, r.child(key))) return;
  for (size_t i = 0; i < list->items.size(); ++i) {
    const YNode& item = list->items[i];
    const std::string path = fmt::format("{}[{}]", r.child(key), i);
    if (item.kind != YNode::Kind::scalar) {
      ctx.error(item.loc, path, fmt::format("expected TIER or TIER.CHECK, got {}", describe(item)));
      continue;
    }
    ExpectCheck c;
    c.held = held;
    c.where = where(ctx, item.loc);
    if (const std::string error = parse_check(s, item.scalar, c); !error.empty()) {
      ctx.error(item.loc, path, error);
      continue;
    }
    e.checks.push_back(std::move(c));
  }
}

std::optional<double> number(std::string_view text) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return {};
  return v;
}

// "orders.lost <= 10", "orders.placed >= 1000", "faults[x].hits == 0".
std::string parse_comparison(const Scenario& s, std::string_view text, ExpectRange& out) {
  const std::string shape = fmt::format(
      "expected FIGURE <= N, FIGURE >= N or FIGURE == N (like 'orders.lost <= 10'), "
      "got '{}'",
      shown_text(text));
  size_t op = std::string_view::npos;
  for (const std::string_view sign : {"<=", ">=", "=="}) {
    if (const size_t at = text.find(sign); at != std::string_view::npos) op = at;
  }
  if (op == std::string_view::npos) return shape;
  std::string_view name = text.substr(0, op);
  while (!name.empty() && name.back() == ' ')
    name.remove_suffix(1);
  const std::optional<double> value = number(text.substr(op + 2));
  if (!value) return shape;
  const FigurePointer p = resolve_figure(s, name);
  if (!p.error.empty()) return p.error;
  out.figure = std::string(name);
  out.pointer = p.pointer;
  if (text[op] != '>') out.max = value;
  if (text[op] != '<') out.min = value;
  return {};
}

void read_range_mapping(Ctx& ctx, const YNode& item, const std::string& path, const Scenario& s,
                        ExpectRange& range) {
  MapReader m(ctx, item, path);
  std::string figure;
  const bool named = m.text("figure", figure);
  const bool pointed = m.text("path", range.pointer);
  double min = 0;
  double max = 0;
  constexpr double kBig = 1e300;
  if (m.number("min", min, -kBig, kBig)) range.min = min;
  if (m.number("max", max, -kBig, kBig)) range.max = max;
  m.finish();
  if (named == pointed) {
    ctx.error(item.loc, path,
              "expected either `figure` or `path` (a JSON pointer into report.json)");
  } else if (named) {
    const FigurePointer p = resolve_figure(s, figure);
    if (!p.error.empty()) m.error("figure", p.error);
    range.figure = figure;
    range.pointer = p.pointer;
  } else if (const std::string error = check_json_pointer(range.pointer); !error.empty()) {
    m.error("path", error);
  } else {
    range.figure = range.pointer;
  }
  if (!range.min && !range.max) ctx.error(item.loc, path, "expected `min`, `max` or both");
  if (range.min && range.max && *range.min > *range.max) m.error("max", "expected max >= min");
}

void read_figures(Ctx& ctx, MapReader& r, const Scenario& s, ExpectSpec& e) {
  r.list("figures", [&](const YNode& item, const std::string& path) {
    ExpectRange range;
    range.where = where(ctx, item.loc);
    if (item.kind == YNode::Kind::scalar) {
      if (const std::string error = parse_comparison(s, item.scalar, range); !error.empty()) {
        ctx.error(item.loc, path, error);
        return;
      }
    } else {
      read_range_mapping(ctx, item, path, s, range);
    }
    e.figures.push_back(std::move(range));
  });
}

}  // namespace

void read_series_interval(Ctx& ctx, MapReader& top, Scenario& s) {
  if (!top.duration("series_interval", s.series_interval, Need::optional, seconds(1))) return;
  const int64_t samples = s.duration.us / s.series_interval.us + 1;
  const auto max = static_cast<int64_t>(ctx.limits.series_samples_max);
  if (samples > max) {
    // The shortest whole-second interval that fits: duration / interval <= max - 1.
    const int64_t per_s = 1'000'000 * std::max<int64_t>(max - 1, 1);
    const Duration shortest = seconds((s.duration.us + per_s - 1) / per_s);
    top.error("series_interval",
              fmt::format("{} over {} is {} samples, more than the limit of {} (use at least {})",
                          format_duration(s.series_interval), format_duration(s.duration), samples,
                          max, format_duration(shortest)));
    s.series_interval = minutes(1);
  }
}

void read_expect(Ctx& ctx, MapReader& top, Scenario& s) {
  const YNode* n = top.get("expect");
  if (n == nullptr) return;
  ExpectSpec e;
  MapReader r(ctx, *n, "expect");
  if (const YNode* v = r.get("verdict")) {
    e.verdict_where = where(ctx, v->loc);
    if (v->kind == YNode::Kind::scalar && (v->scalar == "pass" || v->scalar == "fail")) {
      e.pass = v->scalar == "pass";
    } else {
      r.error("verdict", fmt::format("expected pass or fail, got {}",
                                     v->kind == YNode::Kind::scalar
                                         ? fmt::format("'{}'", shown_text(v->scalar))
                                         : describe(*v)));
    }
  }
  read_checks(ctx, r, s, "held", true, e);
  read_checks(ctx, r, s, "breached", false, e);
  read_figures(ctx, r, s, e);
  r.finish();
  if (r.is_mapping() && n->entries.empty())
    ctx.error(n->loc, "expect", "expected at least one of verdict, held, breached, figures");
  s.expect = std::move(e);
}

}  // namespace syncdrill::scenario
