#include "reports/report_json.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/engine/saturating.hpp"
#include "reports/format.hpp"
#include "reports/live_report.hpp"

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

Json money(int64_t minor, const std::string& currency) {
  return Json{{"amount", rounded(static_cast<double>(minor) / 100.0, 2)}, {"currency", currency}};
}

// count, then (when count > 0) mean, p50, p95, p99 and max, in milliseconds.
Json latency_ms(const LatencyHistogram& h) {
  Json j;
  j["count"] = h.count();
  if (h.empty()) return j;
  j["mean"] = us_to_ms(h.mean());
  j["p50"] = us_to_ms(static_cast<double>(h.quantile(0.50)));
  j["p95"] = us_to_ms(static_cast<double>(h.quantile(0.95)));
  j["p99"] = us_to_ms(static_cast<double>(h.quantile(0.99)));
  j["max"] = us_to_ms(static_cast<double>(h.max()));
  return j;
}

// r: nullptr for a live drill, whose figures beyond the orders are null (not measured).
Json impact_json(const Impact& i, const WorldResult* r, const std::string& currency) {
  Json j;
  j["orders_placed"] = i.orders_placed;
  j["orders_sold_out"] = i.orders_sold_out;
  j["in_oms_once"] = i.in_oms_once;
  j["duplicated"] = i.duplicated;
  j["duplicate_oms_orders"] = i.duplicate_oms_orders;
  j["lost"] = i.lost;
  j["oversold"] = i.oversold;
  const auto measured = [r](auto value) { return r != nullptr ? Json(value) : Json(nullptr); };
  j["in_flight"] = measured(i.in_flight);
  j["price_mismatches"] = measured(i.price_mismatches);
  j["price_mismatch"] = r != nullptr ? money(i.price_mismatch_minor, currency) : Json(nullptr);
  j["returns_requested"] = measured(i.returns_requested);
  j["returns_out_of_sync"] = measured(i.returns_requested - i.returns_synced);
  j["unmapped_states"] = r != nullptr ? Json(r->unmapped_states) : Json(nullptr);
  j["unmatched_entries"] = measured(i.unmatched_entries);
  j["skus_not_conserved"] = r != nullptr ? Json(r->skus_not_conserved) : Json(nullptr);
  j["jobs_dropped_queue_full"] = measured(i.jobs_dropped);
  if (r == nullptr) {
    j["jobs_dropped_by_flow"] = nullptr;
    return j;
  }
  Json dropped = Json::object();
  for (const auto& [flow, n] : dropped_by_flow(*r))
    dropped[std::string(to_string(flow))] = n;
  j["jobs_dropped_by_flow"] = dropped;
  return j;
}

Json channel_json(const ChannelOutcome& c, const std::string& currency, Duration sample_interval) {
  Json j;
  j["channel"] = c.channel;
  j["orders"] = {{"placed", c.orders_placed},
                 {"sold_out", c.orders_sold_out},
                 {"in_oms_once", c.in_oms_once},
                 {"duplicated", c.duplicated},
                 {"duplicate_oms_orders", c.duplicate_oms_orders},
                 {"lost", c.lost},
                 {"oversold", c.oversold},
                 {"in_flight", c.in_flight},
                 {"polled", c.orders_polled}};
  j["price_mismatches"] = c.price_mismatches;
  j["price_mismatch"] = money(c.price_mismatch_minor, currency);
  j["returns"] = {{"requested", c.returns_requested},
                  {"synced", c.returns_synced},
                  {"out_of_sync", c.returns_requested - c.returns_synced}};
  j["webhooks"] = {{"deliveries_failed", c.webhook_deliveries_failed},
                   {"events_lost", c.webhook_events_lost},
                   {"deliveries_dropped", c.webhook_deliveries_dropped},
                   {"events_not_emitted", c.webhook_events_not_emitted},
                   {"deliveries_duplicated", c.webhook_deliveries_duplicated},
                   {"deliveries_delayed", c.webhook_deliveries_delayed}};
  j["freshness_ms"] = {{"order_ingest", latency_ms(c.ingest_delay_us)},
                       {"stock_sync", latency_ms(c.stock_sync_delay_us)},
                       {"price_sync", latency_ms(c.price_sync_delay_us)},
                       {"status_sync", latency_ms(c.status_sync_delay_us)}};
  // Orders placed per interval, on the clock of the connectors' series.
  j["series"] = {{"interval_s", sample_interval.seconds()},
                 {"orders_placed", c.orders_placed_series}};
  return j;
}

Json connector_json(const ConnectorOutcome& c, Duration sample_interval) {
  const ConnectorStats& s = c.stats;
  Json j;
  j["name"] = c.name;
  j["flow"] = to_string(c.flow);
  j["jobs"] = {{"offered", s.jobs_offered},
               {"succeeded", s.jobs_succeeded},
               {"dead_lettered", s.jobs_dead_lettered},
               {"dropped_queue_full", s.jobs_dropped_queue_full},
               {"queued_at_end", c.queue_length_at_end}};
  j["attempts"] = s.attempts;
  j["retries"] = s.retries;
  j["attempts_per_job"] =
      s.jobs_offered == 0 ? 0.0 : rounded(static_cast<double>(s.attempts) / s.jobs_offered, 4);
  j["retries_denied_by_budget"] = s.retries_denied_by_budget;
  j["breaker_rejections"] = s.breaker_rejections;
  j["late_responses"] = s.late_responses;
  Json errors = Json::object();
  for (size_t e = 1; e < kErrorClassCount; ++e) {
    if (s.errors[e] > 0) errors[std::string(to_string(static_cast<ErrorClass>(e)))] = s.errors[e];
  }
  j["errors"] = errors;
  j["dead_letter"] = {{"size", c.dead_letter_size}, {"overflow", s.dead_letter_overflow}};
  j["queue_depth_max"] = s.queue_depth_max;
  j["job_latency_ms"] = latency_ms(s.job_latency_us);
  j["series"] = {{"interval_s", sample_interval.seconds()},
                 {"queue_depth", c.queue_depth_series},
                 {"succeeded", c.succeeded_series},
                 {"dead_lettered", c.dead_lettered_series}};
  return j;
}

Json endpoint_json(const PortOutcome& p) {
  const EndpointStats& s = p.endpoint;
  Json j;
  j["name"] = p.name;
  j["role"] = p.role;
  j["workers"] = p.workers;
  j["queue_max"] = p.queue_max;
  j["arrivals"] = s.arrivals;
  j["rate_limited"] = p.admission.rate_limited;
  j["over_concurrency_limit"] = p.admission.over_concurrency_limit;
  j["refused_by_outage"] = p.admission.refused_by_outage;
  j["failed_by_error_burst"] = p.admission.failed_by_error_burst;
  j["delayed_by_latency"] = p.admission.delayed_by_latency;
  j["rejected_as_malformed"] = p.admission.rejected_as_malformed;
  j["rate_limited_by_fault"] = p.admission.rate_limited_by_fault;
  j["unanswered_by_timeout"] = p.admission.unanswered_by_timeout;
  j["accepted"] = s.accepted;
  j["rejected_queue_full"] = s.rejected_queue_full;
  j["completed"] = s.completed;
  j["in_system_at_end"] = p.in_system_at_end;
  j["queue_depth_max"] = s.queue_depth_max;
  j["utilization"] = rounded(s.utilization, 4);
  j["time_avg_queue_length"] = rounded(s.time_avg_queue_length, 4);
  j["time_avg_in_system"] = rounded(s.time_avg_in_system, 4);
  j["wait_ms"] = latency_ms(s.wait_us);
  j["sojourn_ms"] = latency_ms(s.sojourn_us);
  return j;
}

// hits: how many requests, deliveries, events, jobs or orders the fault acted on.
Json fault_json(const FaultSpec& f, uint64_t hits) {
  Json j;
  j["id"] = f.id;
  j["kind"] = to_string(f.kind);
  j["targets"] = f.targets;
  j["cause"] = to_string(f.cause);
  j["at_s"] = f.at.seconds();
  j["for_s"] = f.length.seconds();
  j["intensity"] = rounded(f.intensity, 6);
  if (f.flap) j["flap"] = {{"on_s", f.flap->on.seconds()}, {"off_s", f.flap->off.seconds()}};
  j["simulated"] = true;  // every kind is applied; kept so consumers need not change
  j["hits"] = hits;
  return j;
}

// A time in seconds, or null.
Json seconds_or_null(const std::optional<SimTime>& t) {
  return t ? Json(rounded(t->seconds(), 6)) : Json(nullptr);
}
Json duration_or_null(const std::optional<Duration>& d) {
  return d ? Json(rounded(d->seconds(), 6)) : Json(nullptr);
}

// What the drill made of a fault: its timeline and scores. damage_measured: false for a live
// drill, which writes `damage` null.
void add_incident(Json& j, const FaultIncident& incident, bool damage_measured = true) {
  j["onset_s"] = rounded(incident.onset.seconds(), 6);
  j["ended_s"] = rounded(incident.ended.seconds(), 6);
  j["detected_s"] = seconds_or_null(incident.detected);
  j["detected_by"] = incident.detected_by;
  j["acknowledged_s"] = seconds_or_null(incident.acknowledged);
  Json actions = Json::array();
  for (const ActionRecord& a : incident.actions) {
    actions.push_back({{"action", to_string(a.kind)},
                       {"target", a.target},
                       {"at_s", rounded(a.at.seconds(), 6)}});
  }
  j["actions"] = actions;
  j["restored_s"] = seconds_or_null(incident.restored);
  j["repaired_s"] = seconds_or_null(incident.repaired);
  j["recovered_s"] = seconds_or_null(incident.recovered);
  j["mttd_s"] = duration_or_null(incident.mttd);
  j["mttr_s"] = duration_or_null(incident.mttr);
  j["missed"] = incident.missed();
  j["recovery_note"] =
      incident.recovery_note.empty() ? Json(nullptr) : Json(incident.recovery_note);
  if (!damage_measured) {
    j["damage"] = nullptr;
    return;
  }
  const FaultDamage& d = incident.damage;
  j["damage"] = {{"orders_missing", d.orders_missing},
                 {"extra_oms_orders", d.extra_oms_orders},
                 {"oversold", d.oversold},
                 {"stale_price_lines", d.stale_price_lines},
                 {"unmapped_states", d.unmapped_states},
                 {"returns_out_of_sync", d.returns_out_of_sync},
                 {"unmatched_entries", d.unmatched_entries},
                 {"amount", rounded(static_cast<double>(d.money_minor) / 100.0, 2)},
                 {"at_end",
                  {{"orders_missing", d.orders_missing_at_end},
                   {"extra_oms_orders", d.extra_oms_orders_at_end},
                   {"returns_out_of_sync", d.returns_out_of_sync_at_end},
                   {"unmatched_entries", d.unmatched_entries_at_end}}}};
}

Json causes_json(const std::vector<CauseSummary>& causes, const std::string& currency) {
  Json out = Json::array();
  for (const CauseSummary& c : causes) {
    out.push_back({{"cause", to_string(c.cause)},
                   {"faults", c.faults},
                   {"errors", c.errors},
                   {"orders_missing", c.orders_missing_peak},
                   {"orders_duplicated", c.orders_duplicated},
                   {"orders_oversold", c.orders_oversold},
                   {"stale_price_lines", c.stale_price_lines},
                   {"money", money(c.money_minor, currency)}});
  }
  return out;
}

// One check; with_scope: its flow, channel and subject too (a tier's check; a live drill's own
// check has none).
Json check_json(const TierCheck& c, bool with_scope) {
  Json cj;
  cj["check"] = c.check;
  if (with_scope) {
    cj["flow"] = to_string(c.flow);
    cj["channel"] = c.channel.empty() ? Json(nullptr) : Json(c.channel);
    cj["subject"] = c.subject.empty() ? Json(nullptr) : Json(c.subject);
  }
  cj["actual"] = c.actual ? Json(rounded(*c.actual, 6)) : Json(nullptr);
  if (c.merged) cj["merged"] = rounded(*c.merged, 6);
  cj["limit"] = rounded(c.limit, 6);
  cj["unit"] = c.unit;
  cj["status"] = c.no_data ? "no_data" : c.held ? "held" : "breached";
  cj["held"] = c.held;
  cj["reason"] = c.reason.empty() ? Json(nullptr) : Json(c.reason);
  return cj;
}

Json tier_json(const TierVerdict& t) {
  Json checks = Json::array();
  for (const TierCheck& c : t.checks)
    checks.push_back(check_json(c, true));
  return Json{{"name", t.tier}, {"held", t.held()}, {"no_data", t.no_data()}, {"checks", checks}};
}

Json monitor_json(const MonitorOutcome& m) {
  Json firings = Json::array();
  for (const MonitorFiring& f : m.firings) {
    firings.push_back({{"start_s", rounded(f.start.seconds(), 6)},
                       {"end_s", seconds_or_null(f.end)},
                       {"value", rounded(f.value, 6)},
                       {"attributed_to", f.attributed_to}});
  }
  return Json{{"name", m.name},
              {"kind", to_string(m.kind)},
              {"firings", firings},
              {"false_positives", m.false_positives}};
}

// Per flow with connectors: what the tiers are judged on, over the whole run.
Json flows_json(const Scenario& s, const WorldResult& r) {
  Json flows = Json::array();
  for (FlowKind flow : {FlowKind::order_ingest, FlowKind::stock_sync, FlowKind::price_sync,
                        FlowKind::fulfillment, FlowKind::returns, FlowKind::reconciliation}) {
    uint64_t ok = 0;
    uint64_t failed = 0;
    uint64_t dead = 0;
    Json names = Json::array();
    for (const ConnectorOutcome& c : r.connectors) {
      if (c.flow != flow) continue;
      names.push_back(c.name);
      ok += c.stats.attempts_ok;
      failed += c.stats.attempts_failed();
      dead += c.stats.jobs_dead_lettered;
    }
    if (names.empty()) continue;
    const SlaTierSpec* tier = nullptr;
    for (const SlaTierSpec& t : s.sla_tiers) {
      if (std::find(t.flows.begin(), t.flows.end(), flow) != t.flows.end()) tier = &t;
    }
    Json f;
    f["flow"] = to_string(flow);
    f["tier"] = tier != nullptr ? Json(tier->name) : Json(nullptr);
    f["connectors"] = names;
    f["attempts"] = ok + failed;
    f["error_ratio"] =
        ok + failed == 0 ? 0.0 : rounded(static_cast<double>(failed) / (ok + failed), 6);
    f["jobs_dead_lettered"] = dead;
    flows.push_back(f);
  }
  return flows;
}

// The damage outstanding each sample (WorldResult::damage): what recovery is judged on.
Json damage_series_json(const DamageSeries& d, Duration interval) {
  Json j;
  j["interval_s"] = interval.seconds();
  j["orders_missing"] = d.orders_missing;
  j["extra_oms_orders"] = d.extra_oms_orders;
  j["oversold"] = d.oversold;
  j["stale_price_lines"] = d.stale_price_lines;
  j["unmapped_states"] = d.unmapped_states;
  j["returns_out_of_sync"] = d.returns_out_of_sync;
  j["unmatched"] = d.unmatched;
  return j;
}

Json telemetry_json(const TelemetrySummary& t) {
  const TelemetryStats& s = t.stats;
  Json j;
  j["file"] = t.file;
  j["sample"] = t.options.sample;
  j["max_records"] = t.options.max_records;
  j["max_bytes"] = t.options.max_bytes;
  j["records_seen"] = s.records_seen;
  j["records_written"] = s.records_written;
  j["records_sampled_out"] = s.records_sampled_out;
  j["records_over_cap"] = s.records_over_cap;
  j["bytes_written"] = s.bytes_written;
  j["cap_hit"] = s.cap_hit;
  return j;
}

Json reconciliation_json(const ReconciliationRun& r) {
  return Json{{"at_s", r.at.seconds()},
              {"missing_in_oms", r.missing_in_oms},
              {"duplicated_in_oms", r.duplicated_in_oms},
              {"revenue_mismatched", r.revenue_mismatched},
              {"returns_out_of_sync", r.returns_out_of_sync},
              {"unmatched", r.unmatched()},
              {"repairs_started", r.repairs_started}};
}

// "fulfillment 170,749, reconciliation 411,882": the jobs dropped, by flow.
std::string dropped_note(const WorldResult& r) {
  std::string out;
  for (const auto& [flow, n] : dropped_by_flow(r))
    out += (out.empty() ? "" : ", ") + fmt::format("{} {}", to_string(flow), grouped(n));
  return out;
}

}  // namespace

std::string scenario_relative(const std::string& path, const std::string& scenario_path) {
  namespace fs = std::filesystem;
  if (path.empty() || scenario_path.empty()) return path;
  const fs::path dir = fs::absolute(fs::path(scenario_path)).lexically_normal().parent_path();
  const fs::path relative = fs::absolute(fs::path(path)).lexically_normal().lexically_relative(dir);
  return relative.empty() ? path : relative.generic_string();
}

std::string scenario_file(const std::string& scenario_path) {
  return scenario_relative(scenario_path, scenario_path);
}

std::string shell_quoted(std::string_view word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_-./:=@%+,").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string replay_command(const RunIdentity& id, const std::vector<std::string>& overrides) {
  std::string out = fmt::format("syncdrill run {} --seed {}",
                                shell_quoted(scenario_file(id.scenario_path)), id.seed);
  for (const std::string& set : overrides)
    out += " --set " + shell_quoted(set);
  return out;
}

Impact total_impact(const WorldResult& r) {
  Impact i;
  for (const ChannelOutcome& c : r.channels) {
    i.orders_placed += c.orders_placed;
    i.orders_sold_out += c.orders_sold_out;
    i.in_oms_once += c.in_oms_once;
    i.duplicated += c.duplicated;
    i.duplicate_oms_orders += c.duplicate_oms_orders;
    i.lost += c.lost;
    i.oversold += c.oversold;
    i.in_flight += c.in_flight;
    i.price_mismatches += c.price_mismatches;
    i.price_mismatch_minor = add_saturating(i.price_mismatch_minor, c.price_mismatch_minor);
    i.returns_requested += c.returns_requested;
    i.returns_synced += c.returns_synced;
  }
  for (const ConnectorOutcome& c : r.connectors)
    i.jobs_dropped += c.stats.jobs_dropped_queue_full;
  if (!r.reconciliation.empty()) {
    const ReconciliationRun& last = r.reconciliation.back();
    i.unmatched_entries = last.unmatched();
  }
  return i;
}

std::vector<std::pair<FlowKind, uint64_t>> dropped_by_flow(const WorldResult& r) {
  std::vector<std::pair<FlowKind, uint64_t>> out;
  for (const ConnectorOutcome& c : r.connectors) {
    if (c.stats.jobs_dropped_queue_full == 0) continue;
    auto it =
        std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == c.flow; });
    if (it == out.end()) it = out.insert(out.end(), {c.flow, 0});
    it->second += c.stats.jobs_dropped_queue_full;
  }
  return out;
}

std::vector<ImpactRow> impact_rows(const Impact& i, const WorldResult* result,
                                   const std::string& currency) {
  std::vector<ImpactRow> rows{
      {"Orders placed", i.orders_placed,
       fmt::format("{} refused at checkout: sold out", grouped(i.orders_sold_out))},
      {"In the OMS exactly once", i.in_oms_once, ""},
      {"Duplicated in the OMS", i.duplicated,
       i.duplicated > 0 ? fmt::format("{} extra OMS orders", grouped(i.duplicate_oms_orders)) : ""},
      {"Lost (never reached the OMS)", i.lost, ""},
      {"Oversold, then cancelled", i.oversold, ""}};
  if (result == nullptr) {
    for (const char* measure :
         {"Still in flight at the end", "Lines sold at a stale price", "Returns not synced",
          "Shipment states unmapped", "Work dropped on a full queue"}) {
      rows.push_back({measure, std::nullopt, kNotMeasuredLive});
    }
    return rows;
  }
  const WorldResult& r = *result;
  rows.insert(
      rows.end(),
      {{"Still in flight at the end", i.in_flight, ""},
       {"Lines sold at a stale price", i.price_mismatches,
        i.price_mismatches > 0 ? money_text(i.price_mismatch_minor, currency) + " off" : ""},
       {"Returns not synced", i.returns_requested - i.returns_synced,
        fmt::format("of {}", grouped(i.returns_requested))},
       {"Shipment states unmapped", r.unmapped_states,
        r.status_updates > 0 ? fmt::format("of {} status updates", grouped(r.status_updates)) : ""},
       {"Work dropped on a full queue", i.jobs_dropped, dropped_note(r)}});
  if (!r.reconciliation.empty()) {
    const ReconciliationRun& last = r.reconciliation.back();
    rows.push_back(
        {"Unmatched at last reconciliation", i.unmatched_entries,
         fmt::format("missing {}, duplicated {}, revenue entries not one {}, returns {}",
                     grouped(last.missing_in_oms), grouped(last.duplicated_in_oms),
                     grouped(last.revenue_mismatched), grouped(last.returns_out_of_sync))});
  }
  return rows;
}

std::string impact_count_text(const ImpactRow& row) {
  return row.count ? grouped(*row.count) : std::string("-");
}

Json report_json(const Scenario& scenario, const RunIdentity& id, const WorldResult& result,
                 const TelemetrySummary* telemetry, const Score* score) {
  Json j;
  j["schema_version"] = kReportSchemaVersion;
  j["syncdrill_version"] = SYNCDRILL_VERSION;
  Json files = Json::array();
  for (const SourceFile& f : scenario.sources)
    files.push_back(scenario_relative(f.path, id.scenario_path));
  j["scenario"] = {{"name", scenario.name},
                   {"description", scenario.description},
                   {"path", scenario_file(id.scenario_path)},
                   {"hash", id.scenario_hash},
                   {"files", files}};
  // Only a run with --set flags has the key, so a plain run's report keeps its bytes.
  if (!scenario.overrides.empty()) j["scenario"]["overrides"] = scenario.overrides;
  j["seed"] = id.seed;
  j["replay"] = replay_command(id, scenario.overrides);
  j["verdict"] = score == nullptr || !score->scored ? "not_scored"
                 : score->held()                    ? "pass"
                                                    : "fail";
  j["warnings"] = score == nullptr ? Json::array() : Json(score->warnings);
  j["run"] = {{"status", to_string(result.status)},
              {"simulated_duration_s", rounded(result.simulated.seconds(), 6)},
              {"events_processed", result.events_processed}};
  Json faults = Json::array();
  for (size_t i = 0; i < scenario.faults.size(); ++i) {
    const uint64_t hits = i < result.fault_hits.size() ? result.fault_hits[i] : 0;
    Json fj = fault_json(scenario.faults[i], hits);
    if (score != nullptr && i < score->incidents.size()) add_incident(fj, score->incidents[i]);
    faults.push_back(fj);
  }
  j["faults"] = faults;
  Json tiers = Json::array();
  Json monitors = Json::array();
  if (score != nullptr) {
    for (const TierVerdict& t : score->tiers)
      tiers.push_back(tier_json(t));
    for (const MonitorOutcome& m : score->monitors)
      monitors.push_back(monitor_json(m));
  }
  j["tiers"] = tiers;
  j["causes"] = score != nullptr ? causes_json(score->causes, scenario.currency) : Json::array();
  j["monitors"] = monitors;
  j["flows"] = flows_json(scenario, result);
  j["impact"] = impact_json(total_impact(result), &result, scenario.currency);
  j["damage_series"] = damage_series_json(result.damage, result.sample_interval);
  Json channels = Json::array();
  for (const ChannelOutcome& c : result.channels)
    channels.push_back(channel_json(c, scenario.currency, result.sample_interval));
  j["channels"] = channels;
  Json connectors = Json::array();
  for (const ConnectorOutcome& c : result.connectors) {
    connectors.push_back(connector_json(c, result.sample_interval));
  }
  j["connectors"] = connectors;
  Json endpoints = Json::array();
  for (const PortOutcome& p : result.ports)
    endpoints.push_back(endpoint_json(p));
  j["endpoints"] = endpoints;
  Json recon = Json::array();
  for (const ReconciliationRun& r : result.reconciliation)
    recon.push_back(reconciliation_json(r));
  j["reconciliation"] = recon;
  j["repairs"] = {{"duplicates_cancelled", result.duplicates_cancelled},
                  {"revenue_entries_reversed", result.revenue_entries_reversed}};
  j["erp"] = {{"units_restocked", result.units_restocked},
              {"price_changes", result.price_changes},
              {"skus_not_conserved", result.skus_not_conserved}};
  if (telemetry != nullptr) j["telemetry"] = telemetry_json(*telemetry);
  return j;
}

// ---- A live drill's report.json ------------------------------------------------------------

namespace {

Json live_fault_json(const Scenario& scenario, const LiveResult& live, const LiveFaultOutcome& f) {
  Json j;
  j["id"] = f.id;
  j["kind"] = f.kind;
  j["targets"] = f.targets;
  const FaultSpec* spec = f.from_scenario ? find_fault(scenario, f.id) : nullptr;
  j["cause"] = spec != nullptr ? Json(to_string(spec->cause)) : Json(nullptr);
  j["at_s"] = rounded(f.start.seconds(), 6);
  j["for_s"] = f.end ? Json(rounded((*f.end - f.start).seconds(), 6)) : Json(nullptr);
  j["hits"] = f.hits;
  j["from_scenario"] = f.from_scenario;
  j["applied"] = f.applied;
  j["exercised"] = f.exercised;
  j["flow"] = to_string(f.flow);
  j["tier"] = f.tier.empty() ? Json(nullptr) : Json(f.tier);
  if (const FaultIncident* incident = live.incident(f.id); incident != nullptr) {
    add_incident(j, *incident, false);
  } else {
    j["mttd_s"] = nullptr;  // not judged: nothing to detect or recover from
    j["mttr_s"] = nullptr;
  }
  return j;
}

Json optional_number(const std::optional<double>& v, int decimals) {
  return v ? Json(rounded(*v, decimals)) : Json(nullptr);
}

// What only a live drill has: how it ran, its own checks, what the connector did under the
// faults, the stock sweeps, the acks and the mock servers' counters.
Json live_section_json(const LiveResult& r) {
  Json j;
  j["drill"] = {{"listen", r.listen}, {"webhook_url", r.webhook_url}, {"time_scale", r.time_scale},
                {"wall_s", r.wall_s}, {"scenario_s", r.scenario_s},   {"ended_by", r.ended_by}};
  Json checks = Json::array();
  for (const TierCheck& c : r.live_checks)
    checks.push_back(check_json(c, false));
  j["checks"] = checks;
  j["orders"] = {{"drain_s", r.orders.drain_s}, {"oms_orders", r.orders.oms_orders}};
  const LiveStock& s = r.stock;
  const auto seconds_of = [](const std::optional<Duration>& d) { return duration_or_null(d); };
  j["stock"] = {{"samples", s.samples},
                {"sample_interval_s", s.sample_interval_s},
                {"listings", s.listings},
                {"stale_episodes", s.stale_episodes},
                {"staleness_p95_s", seconds_of(s.staleness_p95)},
                {"staleness_max_s", seconds_of(s.staleness_max)},
                {"stale_share", optional_number(s.stale_share, 6)},
                {"final_overlisted_units", s.final_overlisted_units}};
  const LiveBehaviour& b = r.behaviour;
  j["behaviour"] = {{"requests", b.requests},
                    {"answered_2xx", b.answered_2xx},
                    {"answered_4xx", b.answered_4xx},
                    {"answered_5xx", b.answered_5xx},
                    {"answered_429", b.answered_429},
                    {"dropped", b.dropped},
                    {"hung", b.hung},
                    {"attempts_in_error_windows", b.attempts_in_error_windows},
                    {"retry_after_sent", b.retry_after_sent},
                    {"retry_after_honoured", b.retry_after_honoured},
                    {"retry_after_early", b.retry_after_early},
                    {"gaps_after_error", b.gaps_after_error},
                    {"gap_after_error_p50_ms", optional_number(b.gap_after_error_p50_ms, 3)},
                    {"gap_after_error_min_ms", optional_number(b.gap_after_error_min_ms, 3)},
                    {"hot_retries", b.hot_retries}};
  // Only when a system's concurrency_limit refused some: reports without one keep their bytes.
  if (b.over_concurrency_limit > 0) {
    j["behaviour"]["over_concurrency_limit"] = b.over_concurrency_limit;
  }
  Json acks = Json::array();
  for (const LiveAck& a : r.acks) {
    acks.push_back({{"at_s", rounded(a.at.seconds(), 6)},
                    {"note", a.note},
                    {"fault_id", a.fault_id.empty() ? Json(nullptr) : Json(a.fault_id)}});
  }
  j["acks"] = acks;
  j["webhooks"] = Json::parse(r.webhooks.dump());
  j["routes"] = Json::parse(r.routes.dump());
  return j;
}

}  // namespace

Json live_report_json(const Scenario& scenario, const LiveResult& r) {
  Json j;
  j["schema_version"] = kReportSchemaVersion;
  j["mode"] = "live";
  j["syncdrill_version"] = r.version;
  Json files = Json::array();
  for (const SourceFile& f : scenario.sources)
    files.push_back(f.path);
  j["scenario"] = {{"name", scenario.name},
                   {"description", scenario.description},
                   {"path", scenario_file(r.id.scenario_path)},
                   {"hash", r.id.scenario_hash},
                   {"files", files}};
  j["seed"] = r.id.seed;
  j["replay"] = nullptr;  // the connector's timing is real: not replayable to the byte
  j["verdict"] = r.failed() ? "fail" : "pass";
  j["warnings"] = r.score.warnings;
  j["run"] = nullptr;
  Json faults = Json::array();
  for (const LiveFaultOutcome& f : r.faults)
    faults.push_back(live_fault_json(scenario, r, f));
  j["faults"] = faults;
  Json tiers = Json::array();
  for (const TierVerdict& t : r.score.tiers)
    tiers.push_back(tier_json(t));
  j["tiers"] = tiers;
  for (const char* key : {"causes", "monitors", "flows"})
    j[key] = nullptr;
  j["impact"] = impact_json(live_impact(r.orders), nullptr, scenario.currency);
  for (const char* key : {"damage_series", "channels", "connectors", "endpoints", "reconciliation",
                          "repairs", "erp"}) {
    j[key] = nullptr;
  }
  j["live"] = live_section_json(r);
  return j;
}

}  // namespace syncdrill
