#include "reports/compare_html.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "reports/compare_report.hpp"
#include "reports/format.hpp"
#include "reports/html_style.hpp"
#include "reports/report_json.hpp"
#include "reports/svg_chart.hpp"

namespace syncdrill {

namespace {

constexpr size_t kLabelChars = 22;  // longer names (sweep points) are shown by number: P1, P2

// The bar label of variant v: its name, or "P<v+1>" when any name is too long to fit (the
// ranking table gives each number its name).
bool numbered_labels(const Comparison& c) {
  return std::any_of(c.variants.begin(), c.variants.end(),
                     [](const Variant& v) { return v.name.size() > kLabelChars; });
}

// One horizontal bar per variant: the mean, and its 95% interval as a whisker. Bars start at
// zero; the scale ends at the largest interval end (or mean). Green marks the lowest mean, when
// the policies differ at all.
std::string bar_chart(const Comparison& c, const std::vector<VariantSummary>& s,
                      const CompareMetricInfo& m) {
  const size_t i = static_cast<size_t>(m.metric);
  double lowest = 0, highest = 0;
  bool any = false;
  for (const VariantSummary& v : s) {
    const MeanInterval& f = v.figures[i];
    if (f.n == 0) continue;
    lowest = any ? std::min(lowest, f.mean) : f.mean;
    highest = any ? std::max(highest, f.mean) : f.mean;
    any = true;
  }
  svg::BarChart chart;
  chart.id = m.key;
  chart.title = fmt::format("{} ({})", m.label, m.unit);
  chart.aria_label = fmt::format("{} per policy, mean and 95% interval", m.label);
  chart.empty_text = kAbsent;
  for (size_t v = 0; v < c.variants.size(); ++v) {
    const MeanInterval& f = s[v].figures[i];
    svg::Bar bar;
    bar.label = numbered_labels(c) ? fmt::format("P{}", v + 1) : c.variants[v].name;
    if (f.n > 0) {
      bar.value = f.mean;
      if (f.n >= 2 && std::isfinite(f.high())) bar.reach = f.high();
      bar.whisker = f.n >= 2 && std::isfinite(f.half_width) && f.half_width > 0;
      bar.low = f.low();
      bar.high = f.high();
      bar.value_text = figure_text(f, m.unit);
      bar.data_value = plain_number(f.mean, 6);
      bar.best = lowest < highest && f.mean == lowest;
    }
    chart.bars.push_back(std::move(bar));
  }
  return svg::bar_chart_svg(chart);
}

// Every check that failed in at least one run, per policy in rank order (`order`).
std::string breaches_html(const Comparison& c, const std::vector<VariantSummary>& s,
                          const std::vector<size_t>& order) {
  if (c.tiers.empty()) return "";
  std::string out =
      "<h2>Why tiers did not hold</h2>\n<p>Every check that failed in at least one run. The mean "
      "is over the runs that breached it with an actual; a missed or unrecovered fault has none "
      "and is counted apart. - marks a figure no run had.</p>\n";
  std::vector<std::string> clean;
  std::string rows;
  for (size_t v : order) {
    if (s[v].breaches.empty()) clean.push_back(c.variants[v].name);
    for (const BreachSummary& b : s[v].breaches) {
      rows += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{} of {} runs</td>"
          "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
          xml_text(c.variants[v].name), xml_text(b.tier_name), xml_text(check_label(b.check)),
          b.runs_breached, b.runs,
          xml_text(b.mean_actual ? check_value(*b.mean_actual, b.check.unit) : kAbsent),
          xml_text(check_value(b.check.limit, b.check.unit)), xml_text(without_actual_text(b)));
    }
  }
  if (!rows.empty()) {
    out +=
        "<table id=\"breaches\"><tr><th>Policy</th><th>Tier</th><th>Check</th><th>Breached</th>"
        "<th>Mean actual</th><th>Limit</th><th>Without an actual</th></tr>\n" +
        rows + "</table>\n";
  }
  if (!clean.empty()) {
    out += fmt::format("<p>Every check held in every run of: {}.</p>\n",
                       xml_text(fmt::format("{}", fmt::join(clean, ", "))));
  }
  return out;
}

// The variants' indexes in rank order.
std::vector<size_t> rank_order(const std::vector<VariantSummary>& s) {
  std::vector<size_t> order(s.size());
  for (size_t v = 0; v < order.size(); ++v)
    order[v] = v;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s[a].rank < s[b].rank; });
  return order;
}

// The ranking table, its rule, and the note on policies within chance of the best.
std::string ranking_html(const Comparison& c, const std::vector<VariantSummary>& s,
                         const std::vector<size_t>& order) {
  const bool numbered = numbered_labels(c);
  const bool objective = c.rank_by.has_value();
  const bool required = !c.requirements.empty();
  std::string out = fmt::format(
      "<h2>Ranking</h2>\n<table id=\"ranking\"><tr><th>Rank</th>{}<th>Policy</th>"
      "<th>Settings</th><th>Runs with every tier held</th>{}{}</tr>\n",
      numbered ? "<th>Chart label</th>" : "",
      objective ? fmt::format("<th>{} (objective)</th>",
                              xml_text(compare_metrics()[static_cast<size_t>(*c.rank_by)].label))
                : "",
      required ? "<th>Requirements</th>" : "");
  for (size_t v : order) {
    out += fmt::format(
        "<tr{}><td class=\"num\">{}</td>{}<td>{}</td><td>{}</td><td class=\"num\">{}</td>",
        required && !s[v].meets_requirements() ? " class=\"broken\"" : "",
        xml_text(rank_text(s[v])), numbered ? fmt::format("<td>P{}</td>", v + 1) : "",
        xml_text(c.variants[v].name), xml_text(c.variants[v].settings),
        xml_text(held_text(c, s[v], v)));
    if (objective) {
      out += fmt::format("<td class=\"num\">{}</td>", xml_text(objective_text(c, s[v])));
    }
    if (required) out += fmt::format("<td>{}</td>", xml_text(requirements_text(c, s[v])));
    out += "</tr>\n";
  }
  out += fmt::format("</table>\n<p>{}</p>\n", xml_text(ranking_rule(c)));
  if (std::any_of(s.begin(), s.end(),
                  [](const VariantSummary& v) { return !v.distinct_from_best; }))
    out += fmt::format("<p>{}</p>\n", xml_text(within_chance_text(c)));
  for (const std::string& line : objective_verdict(c, s))
    out += fmt::format("<p class=\"objective\"><strong>{}</strong></p>\n", xml_text(line));
  return out;
}

// A bar chart per figure, and how to read the MTTD and MTTR means.
std::string figures_html(const Comparison& c, const std::vector<VariantSummary>& s) {
  std::string out =
      "<h2>Figures</h2>\n<p>Mean per policy; the whisker is the 95% interval over the seeds "
      "(Student's t). Lower is better for every figure; the lowest mean is green when the means "
      "differ.</p>\n"
      "<div class=\"charts\">\n";
  for (const CompareMetricInfo& m : compare_metrics())
    out += "<figure>" + bar_chart(c, s, m) + "</figure>\n";
  out += "</div>\n";
  out +=
      "<p>MTTD and MTTR are means over the scenario's faults; a missed or unrecovered fault "
      "counts from its onset to the end of the run, so those means are then lower bounds. - "
      "marks a figure no run had.</p>\n";
  return out;
}

// Per policy: the runs in which each tier held, and the faults missed and unrecovered.
std::string verdicts_html(const Comparison& c, const std::vector<VariantSummary>& s) {
  std::string out = "<h2>Verdicts and faults</h2>\n<table id=\"verdicts\"><tr><th>Policy</th>";
  for (const std::string& t : c.tiers)
    out += fmt::format("<th>Tier {} held</th>", xml_text(t));
  out += "<th>Faults missed (all runs)</th><th>Faults unrecovered (all runs)</th></tr>\n";
  for (size_t v = 0; v < c.variants.size(); ++v) {
    out += fmt::format("<tr><td>{}</td>", xml_text(c.variants[v].name));
    for (size_t t = 0; t < c.tiers.size(); ++t) {
      out += fmt::format("<td class=\"num\">{} of {}</td>", s[v].tier_held_runs[t],
                         c.variants[v].runs.size());
    }
    out += fmt::format("<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                       s[v].faults_missed, s[v].faults_unrecovered);
  }
  out += "</table>\n";
  return out;
}

// Per figure, each policy's paired difference against the first; "" with one policy.
std::string differences_html(const Comparison& c, const std::vector<VariantSummary>& s) {
  if (c.variants.size() < 2) return "";
  std::string out = fmt::format(
      "<h2>Paired differences against {}</h2>\n<p>Per seed, this policy's figure minus {}'s; "
      "mean and 95% interval. Bold (*): the interval excludes zero.</p>\n"
      "<table id=\"differences\"><tr><th>Figure</th>",
      xml_text(c.variants.front().name), xml_text(c.variants.front().name));
  for (size_t v = 1; v < c.variants.size(); ++v)
    out += fmt::format("<th>{}</th>", xml_text(c.variants[v].name));
  out += "</tr>\n";
  for (const CompareMetricInfo& m : compare_metrics()) {
    const size_t i = static_cast<size_t>(m.metric);
    out += fmt::format("<tr><td>{} ({})</td>", xml_text(m.label), xml_text(m.unit));
    for (size_t v = 1; v < c.variants.size(); ++v) {
      const MeanInterval& d = s[v].vs_first[i];
      out += fmt::format("<td class=\"num{}\">{}</td>", d.excludes_zero() ? " significant" : "",
                         xml_text(difference_text(d, m.unit)));
    }
    out += "</tr>\n";
  }
  out += "</table>\n";
  return out;
}

}  // namespace

std::string compare_html(const Comparison& c, const std::vector<VariantSummary>& s) {
  std::string out =
      "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
      "<meta charset=\"utf-8\"/>\n";
  out += fmt::format("<title>syncdrill {}: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
                     xml_text(c.command), xml_text(c.scenario_name), html_style(HtmlPage::compare));
  out += fmt::format("<h1>syncdrill {}: {}</h1>\n", xml_text(c.command), xml_text(c.scenario_name));
  out += fmt::format(
      "<p>Scenario <code>{}</code> (hash <code>{}</code>), {}. Every policy ran on the same seeds "
      "(common random numbers), swapped onto: {}.</p>\n",
      xml_text(scenario_file(c.scenario_path)), xml_text(c.scenario_hash),
      xml_text(seeds_text(c.seeds)), xml_text(fmt::format("{}", fmt::join(c.connectors, ", "))));

  if (!c.policies_file.empty())
    out += fmt::format("<p>Policies also from <code>{}</code>.</p>\n", xml_text(c.policies_file));
  if (!c.notes.empty()) {
    out += "<ul class=\"notes\">\n";
    for (const std::string& note : c.notes)
      out += fmt::format("<li><strong>Note:</strong> {}</li>\n", xml_text(note));
    out += "</ul>\n";
  }
  const std::vector<size_t> order = rank_order(s);
  out += ranking_html(c, s, order);
  out += figures_html(c, s);
  out += verdicts_html(c, s);
  out += breaches_html(c, s, order);
  out += differences_html(c, s);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace syncdrill
