#include "sim/score/recovery.hpp"

#include <algorithm>

namespace syncdrill {

namespace {

constexpr size_t kBaselineSamples = 10;
constexpr double kErrorSlack = 0.005;

const SlaTierSpec* tier_of(const Scenario& s, FlowKind flow) {
  for (const SlaTierSpec& t : s.sla_tiers) {
    if (std::find(t.flows.begin(), t.flows.end(), flow) != t.flows.end()) return &t;
  }
  return nullptr;
}

const ConnectorOutcome* connector_named(const WorldResult& r, const std::string& name) {
  for (const ConnectorOutcome& c : r.connectors) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// Index of the freshness series of a flow in ChannelOutcome::delay_p95_ms_series; -1: none.
int freshness_index(FlowKind flow) {
  switch (flow) {
    case FlowKind::order_ingest:
      return 0;
    case FlowKind::stock_sync:
      return 1;
    case FlowKind::price_sync:
      return 2;
    case FlowKind::fulfillment:
      return 3;
    default:
      return -1;
  }
}

double ratio(uint64_t failed, uint64_t ok) {
  return failed + ok == 0 ? 0 : static_cast<double>(failed) / static_cast<double>(failed + ok);
}

// What "healthy" means for one touched connector, fixed from before the onset.
struct Watch {
  const ConnectorOutcome* out = nullptr;
  uint32_t queue_max = 0;
  uint32_t dead_letters_max = 0;
  double error_max = 0;
  std::vector<size_t> channels;  // channel indices whose freshness to check
  int freshness = -1;
  int64_t freshness_max_ms = 0;
};

bool healthy(const Watch& w, const WorldResult& r, size_t k) {
  const ConnectorOutcome& c = *w.out;
  if (k < c.queue_depth_series.size() && c.queue_depth_series[k] > w.queue_max) return false;
  if (k < c.dead_lettered_series.size() && c.dead_lettered_series[k] > 0) return false;
  // Drift cleared: what the fault dead-lettered has been replayed (or was never there).
  if (k < c.dead_letter_size_series.size() && c.dead_letter_size_series[k] > w.dead_letters_max) {
    return false;
  }
  if (k < c.attempts_failed_series.size() && k < c.attempts_ok_series.size() &&
      ratio(c.attempts_failed_series[k], c.attempts_ok_series[k]) > w.error_max) {
    return false;
  }
  if (w.freshness >= 0 && k >= 1) {
    for (size_t ch : w.channels) {
      const auto& series = r.channels[ch].delay_p95_ms_series[static_cast<size_t>(w.freshness)];
      // The channel series start at the first interval: sample k is series[k - 1].
      if (k - 1 < series.size() && series[k - 1] > w.freshness_max_ms) return false;
    }
  }
  return true;
}

std::optional<SimTime> recovery_time(const Scenario& s, const WorldResult& r, size_t f) {
  const FaultSpec& fault = s.faults[f];
  const SimTime onset = SimTime{} + fault.at;
  const SimTime ended = f < r.fault_ended.size() ? r.fault_ended[f] : onset + fault.length;
  const int64_t step_us = r.sample_interval.us;
  const auto onset_k = static_cast<size_t>(onset.us / step_us);
  std::vector<Watch> watches;
  if (f < r.fault_connectors.size()) {
    for (const std::string& name : r.fault_connectors[f]) {
      const ConnectorOutcome* c = connector_named(r, name);
      const ConnectorSpec* spec = find_connector(s, name);
      if (c == nullptr || spec == nullptr) continue;
      Watch w;
      w.out = c;
      uint64_t ok = 0;
      uint64_t failed = 0;
      for (size_t k = onset_k > kBaselineSamples ? onset_k - kBaselineSamples : 0; k <= onset_k;
           ++k) {
        if (k < c->queue_depth_series.size()) {
          w.queue_max = std::max(w.queue_max, c->queue_depth_series[k]);
        }
        if (k < c->dead_letter_size_series.size()) {
          w.dead_letters_max = std::max(w.dead_letters_max, c->dead_letter_size_series[k]);
        }
        if (k < c->attempts_ok_series.size()) ok += c->attempts_ok_series[k];
        if (k < c->attempts_failed_series.size()) failed += c->attempts_failed_series[k];
      }
      const SlaTierSpec* tier = tier_of(s, spec->flow);
      w.error_max = tier != nullptr && tier->error_rate_max ? *tier->error_rate_max
                                                            : ratio(failed, ok) + kErrorSlack;
      if (tier != nullptr && tier->freshness_p95 && freshness_index(spec->flow) >= 0) {
        w.freshness = freshness_index(spec->flow);
        w.freshness_max_ms = tier->freshness_p95->us / 1000;
        for (size_t ch = 0; ch < r.channels.size(); ++ch) {
          const std::string& channel = r.channels[ch].channel;
          if (spec->from == channel || spec->to == channel || spec->flow == FlowKind::fulfillment) {
            w.channels.push_back(ch);
          }
        }
      }
      watches.push_back(w);
    }
  }
  const size_t samples = r.connectors.empty() ? 0 : r.connectors.front().queue_depth_series.size();
  const auto stable =
      static_cast<size_t>(std::max<int64_t>(1, (s.response.stable_for.us + step_us - 1) / step_us));
  // Sample k is the state at k x step (and the errors in the step before it); the first that
  // can count is the first at or after the end.
  size_t k = static_cast<size_t>((ended.us + step_us - 1) / step_us);
  if (k == 0) k = 1;
  size_t run_start = 0;
  size_t run = 0;
  for (; k < samples; ++k) {
    const bool ok = std::all_of(watches.begin(), watches.end(),
                                [&](const Watch& w) { return healthy(w, r, k); });
    if (!ok) {
      run = 0;
      continue;
    }
    if (run == 0) run_start = k;
    if (++run >= stable) {
      return SimTime{} + microseconds(static_cast<int64_t>(run_start) * step_us);
    }
  }
  return std::nullopt;
}

void fill_response(const WorldResult& r, FaultIncident& incident) {
  if (!incident.detected) return;
  const SimTime detected = *incident.detected;
  // Was an acknowledged incident still open when the fault was detected?
  bool acked_open = false;
  for (const ResponseEvent& e : r.response) {
    if (e.at > detected) break;
    if (e.kind == ResponseEvent::Kind::acknowledge) acked_open = true;
    if (e.kind == ResponseEvent::Kind::all_clear) acked_open = false;
  }
  if (acked_open) {
    incident.acknowledged = detected;
  } else {
    for (const ResponseEvent& e : r.response) {
      if (e.kind == ResponseEvent::Kind::acknowledge && e.at >= detected) {
        incident.acknowledged = e.at;
        break;
      }
    }
  }
  if (!incident.acknowledged) return;
  const SimTime until = incident.recovered.value_or(SimTime{} + r.simulated);
  for (const ResponseEvent& e : r.response) {
    if (e.kind != ResponseEvent::Kind::action || e.at < *incident.acknowledged || e.at > until) {
      continue;
    }
    incident.actions.push_back(ActionRecord{ActionKind::run_reconciliation, "", e.at});
    incident.actions.back().action = e.action;
  }
}

}  // namespace

void score_response(const Scenario& s, const WorldResult& r, Score& score) {
  for (size_t f = 0; f < score.incidents.size() && f < s.faults.size(); ++f) {
    FaultIncident& incident = score.incidents[f];
    if (f < r.fault_ended.size()) incident.ended = r.fault_ended[f];
    incident.recovered = recovery_time(s, r, f);
    if (incident.recovered) incident.mttr = *incident.recovered - incident.onset;
    fill_response(r, incident);
    for (ActionRecord& a : incident.actions) {
      const ActionSpec& spec = s.response.runbook[static_cast<size_t>(a.action)];
      a.kind = spec.kind;
      a.target = spec.target;
    }
  }
}

}  // namespace syncdrill
