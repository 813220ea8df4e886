#include "reports/report_html.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "reports/format.hpp"
#include "reports/html_style.hpp"
#include "reports/report_html_parts.hpp"

namespace syncdrill {

namespace {

std::string verdict_class(const Score& score) {
  if (!score.scored) return "not-scored";
  return score.held() ? "pass" : "fail";
}

std::string summary(const Score& score) {
  std::string out;
  if (!score.scored) {
    out = "Not scored: the scenario has no SLA tiers, so nothing was judged.";
  } else {
    out = tiers_outcome_text(score, true) + "." + no_data_note(score);
  }
  return out + faults_detected_note(score);
}

void append_header(std::string& out, const Scenario& scenario, const RunIdentity& id,
                   const WorldResult& result, const Score& score) {
  out += fmt::format("<header>\n<h1>Drill {} <span class=\"verdict {}\">{}</span></h1>\n",
                     xml_text(scenario.name), verdict_class(score), verdict_text(score));
  if (!scenario.description.empty()) {
    out += fmt::format("<p class=\"description\">{}</p>\n", xml_text(scenario.description));
  }
  out += fmt::format("<p class=\"summary\">{}</p>\n", xml_text(summary(score)));
  if (!score.warnings.empty()) {
    // What the drill cannot see, next to the verdict that rests on it.
    out += "<ul class=\"warning warnings\">\n";
    for (const std::string& w : score.warnings)
      out += fmt::format("<li>Warning: {}</li>\n", xml_text(w));
    out += "</ul>\n";
  }
  if (result.status != RunStatus::reached_time && result.status != RunStatus::drained) {
    out += fmt::format("<p class=\"warning\">Warning: the run stopped early ({}){}{}.</p>\n",
                       to_string(result.status), result.limit_message.empty() ? "" : ": ",
                       xml_text(result.limit_message));
  }
  out += "<div class=\"table-wrap\"><table class=\"identity\">\n";
  auto row = [&](std::string_view name, const std::string& value_html) {
    out += fmt::format("<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n", name, value_html);
  };
  row("Scenario", "<code>" + xml_text(scenario_file(id.scenario_path)) + "</code>");
  row("Scenario hash", id.scenario_hash.empty()
                           ? std::string("-")
                           : "<code>" + xml_text(id.scenario_hash) + "</code>");
  row("Seed", std::to_string(id.seed));
  row("Simulated", fmt::format("{} in {} events ({})", human_duration(result.simulated),
                               grouped(result.events_processed), run_status_text(result.status)));
  row("syncdrill", SYNCDRILL_VERSION);
  row("Replay",
      "<pre class=\"replay\">" + xml_text(replay_command(id, scenario.overrides)) + "</pre>");
  out += "</table></div>\n</header>\n";
}

}  // namespace

namespace report_html_parts {

void append_page_start(std::string& out, const std::string& title, HtmlPage page) {
  out += "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n";
  out += "<head>\n<meta charset=\"utf-8\"/>\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
  out += fmt::format("<meta name=\"generator\" content=\"syncdrill {}\"/>\n", SYNCDRILL_VERSION);
  out += fmt::format("<title>{}</title>\n", xml_text(title));
  out += fmt::format("<style>{}</style>\n</head>\n<body>\n", html_style(page));
}

void append_page_end(std::string& out, const std::string& times_note) {
  out += fmt::format("<footer>\n<p>syncdrill {}; {}</p>\n</footer>\n", SYNCDRILL_VERSION,
                     xml_text(times_note));
  out += "</body>\n</html>\n";
}

}  // namespace report_html_parts

std::string report_html(const Scenario& scenario, const RunIdentity& id, const WorldResult& result,
                        const Score& score) {
  namespace parts = report_html_parts;
  std::string out;
  parts::append_page_start(out, fmt::format("Drill {}: {}", scenario.name, verdict_text(score)),
                           HtmlPage::report);
  append_header(out, scenario, id, result, score);
  parts::append_tiers(out, score);
  parts::append_faults(out, scenario, score);
  parts::append_impact(out, total_impact(result), result, scenario.currency);
  parts::append_causes(out, score, scenario.currency);
  parts::append_charts(out, scenario, result, score);
  parts::append_monitors(out, score);
  parts::append_page_end(out, "simulated times since the start of the run.");
  return out;
}

}  // namespace syncdrill
