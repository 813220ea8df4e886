#include "reports/scorecard.hpp"

#include <fmt/format.h>

#include "sim/scenario/values.hpp"

namespace syncdrill {

namespace {

std::string ms(int64_t us) {
  return fmt::format("{:.1f}ms", static_cast<double>(us) / 1000.0);
}

std::string p95_or_dash(const LatencyHistogram& h) {
  return h.empty() ? std::string("-") : ms(h.quantile(0.95));
}

void append_orders(std::string& out, const DrillResult& result) {
  out += "\nOrders by channel\n";
  out += fmt::format("  {:<16} {:>10} {:>10} {:>8} {:>10}  {}\n", "channel", "created", "completed",
                     "lost", "in flight", "path");
  for (const ChannelResult& c : result.channels) {
    out += fmt::format("  {:<16} {:>10} {:>10} {:>8} {:>10}  {}\n", c.channel, c.orders_created,
                       c.orders_completed, c.orders_lost, c.orders_in_flight,
                       fmt::join(c.path, " -> "));
  }
}

void append_endpoints(std::string& out, const DrillResult& result) {
  out += "\nEndpoints\n";
  out += fmt::format("  {:<16} {:<8} {:>7} {:>6} {:>9} {:>10} {:>10} {:>12}\n", "endpoint", "role",
                     "workers", "util", "queue max", "rejected", "wait p95", "sojourn p95");
  for (const EndpointResult& e : result.endpoints) {
    const EndpointStats& s = e.stats;
    out += fmt::format("  {:<16} {:<8} {:>7} {:>5.1f}% {:>9} {:>10} {:>10} {:>12}\n", e.name,
                       e.role, e.workers, s.utilization * 100, s.queue_depth_max,
                       s.rejected_queue_full, p95_or_dash(s.wait_us), p95_or_dash(s.sojourn_us));
  }
}

}  // namespace

std::string scorecard_text(const Scenario& scenario, const RunIdentity& id,
                           const DrillResult& result, const std::string& report_dir) {
  std::string out;
  out +=
      fmt::format("syncdrill {}  drill '{}'  seed {}\n", SYNCDRILL_VERSION, scenario.name, id.seed);
  if (!scenario.description.empty()) {
    out += fmt::format("  {}\n", scenario.description.substr(0, scenario.description.find('\n')));
  }
  out += fmt::format("  simulated {} in {} events; scenario {}\n",
                     scenario::format_duration(result.simulated), result.events_processed,
                     id.scenario_hash);
  append_orders(out, result);
  append_endpoints(out, result);
  out += "\nVerdict: not scored (SLA tiers, faults and monitors are not evaluated yet)\n";
  out += fmt::format("Report:  {}/report.json\n", report_dir);
  out += fmt::format("Replay:  {}\n", replay_command(id));
  return out;
}

}  // namespace syncdrill
