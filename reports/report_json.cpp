#include "reports/report_json.hpp"

#include <cmath>

#include <fmt/format.h>

namespace syncdrill {

namespace {

using Json = nlohmann::ordered_json;

// Rounds to a fixed number of decimals: keeps the report readable and free of float noise in
// the last digits, which would otherwise be the first thing to differ between compilers.
double rounded(double x, int decimals = 3) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}

double us_to_ms(double us) {
  return rounded(us / 1000.0);
}

Json latency_ms(const LatencyHistogram& h, double mean_us) {
  Json j;
  j["count"] = h.count();
  j["mean"] = us_to_ms(mean_us);
  if (h.empty()) return j;
  j["p50"] = us_to_ms(static_cast<double>(h.quantile(0.50)));
  j["p95"] = us_to_ms(static_cast<double>(h.quantile(0.95)));
  j["p99"] = us_to_ms(static_cast<double>(h.quantile(0.99)));
  j["max"] = us_to_ms(static_cast<double>(h.max()));
  return j;
}

Json endpoint_json(const EndpointResult& e) {
  const EndpointStats& s = e.stats;
  Json j;
  j["name"] = e.name;
  j["role"] = e.role;
  j["workers"] = e.workers;
  j["queue_max"] = e.queue_max;
  j["arrivals"] = s.arrivals;
  j["accepted"] = s.accepted;
  j["rejected_queue_full"] = s.rejected_queue_full;
  j["completed"] = s.completed;
  j["in_system_at_end"] = e.in_system_at_end;
  j["queue_depth_max"] = s.queue_depth_max;
  j["utilization"] = rounded(s.utilization, 4);
  j["time_avg_queue_length"] = rounded(s.time_avg_queue_length, 4);
  j["time_avg_in_system"] = rounded(s.time_avg_in_system, 4);
  j["wait_ms"] = latency_ms(s.wait_us, s.mean_wait_us);
  j["sojourn_ms"] = latency_ms(s.sojourn_us, s.mean_sojourn_us);
  return j;
}

Json channel_json(const ChannelResult& c) {
  Json j;
  j["channel"] = c.channel;
  j["path"] = c.path;
  j["orders_created"] = c.orders_created;
  j["orders_completed"] = c.orders_completed;
  j["orders_lost"] = c.orders_lost;
  j["orders_in_flight"] = c.orders_in_flight;
  return j;
}

}  // namespace

std::string replay_command(const RunIdentity& id) {
  return fmt::format("syncdrill run {} --seed {}", id.scenario_path, id.seed);
}

Json report_json(const Scenario& scenario, const RunIdentity& id, const DrillResult& result) {
  Json j;
  j["schema_version"] = kReportSchemaVersion;
  j["syncdrill_version"] = SYNCDRILL_VERSION;
  Json files = Json::array();
  for (const SourceFile& f : scenario.sources)
    files.push_back(f.path);
  j["scenario"] = {{"name", scenario.name},
                   {"description", scenario.description},
                   {"path", id.scenario_path},
                   {"hash", id.scenario_hash},
                   {"files", files}};
  j["seed"] = id.seed;
  j["replay"] = replay_command(id);
  // Scoring (tiers, faults, monitors) arrives in a later stage; until then nothing is judged.
  j["verdict"] = "not_scored";
  j["run"] = {{"status", to_string(result.status)},
              {"simulated_duration_s", rounded(result.simulated.seconds(), 6)},
              {"events_processed", result.events_processed}};
  Json channels = Json::array();
  for (const ChannelResult& c : result.channels)
    channels.push_back(channel_json(c));
  j["channels"] = channels;
  Json endpoints = Json::array();
  for (const EndpointResult& e : result.endpoints)
    endpoints.push_back(endpoint_json(e));
  j["endpoints"] = endpoints;
  return j;
}

}  // namespace syncdrill
