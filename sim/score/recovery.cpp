#include "sim/score/recovery.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/scenario/values.hpp"
#include "sim/score/tier_checks.hpp"

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

// The watches of a fault's touched connectors, fixed from before the onset.
std::vector<Watch> watches_of(const Scenario& s, const WorldResult& r, size_t f, size_t onset_k) {
  std::vector<Watch> watches;
  if (f >= r.fault_connectors.size()) return watches;
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
  return watches;
}

// Why sample k is not healthy for watch w, in a sentence; empty when it is.
std::string unhealthy_because(const Watch& w, const WorldResult& r, size_t k) {
  const ConnectorOutcome& c = *w.out;
  if (k < c.dead_letter_size_series.size() && c.dead_letter_size_series[k] > w.dead_letters_max) {
    return fmt::format("connector {} still held {} dead letters ({} before the onset)", c.name,
                       c.dead_letter_size_series[k], w.dead_letters_max);
  }
  if (k < c.dead_lettered_series.size() && c.dead_lettered_series[k] > 0) {
    return fmt::format("connector {} was still dead-lettering jobs ({} in the last minute)", c.name,
                       c.dead_lettered_series[k]);
  }
  if (k < c.queue_depth_series.size() && c.queue_depth_series[k] > w.queue_max) {
    return fmt::format("connector {} still had {} jobs queued (at most {} before the onset)",
                       c.name, c.queue_depth_series[k], w.queue_max);
  }
  if (k < c.attempts_failed_series.size() && k < c.attempts_ok_series.size()) {
    const double e = ratio(c.attempts_failed_series[k], c.attempts_ok_series[k]);
    if (e > w.error_max) {
      return fmt::format(
          "connector {} still failed {:.2f}% of its attempts (healthy: at most "
          "{:.2f}%)",
          c.name, e * 100, w.error_max * 100);
    }
  }
  if (w.freshness >= 0 && k >= 1) {
    for (size_t ch : w.channels) {
      const auto& series = r.channels[ch].delay_p95_ms_series[static_cast<size_t>(w.freshness)];
      if (k - 1 < series.size() && series[k - 1] > w.freshness_max_ms) {
        return fmt::format("the sync delay p95 on {} was still {} ms, over the {} ms target",
                           r.channels[ch].channel, series[k - 1], w.freshness_max_ms);
      }
    }
  }
  return "";
}

size_t stable_samples(const Scenario& s, int64_t step_us) {
  return static_cast<size_t>(
      std::max<int64_t>(1, (s.response.stable_for.us + step_us - 1) / step_us));
}

size_t sample_count(const WorldResult& r) {
  return r.damage.orders_missing.size();
}

// The first sample at or after `from` that starts a run of `stable` samples all passing `ok`.
template <typename Ok>
std::optional<size_t> first_stable(size_t from, size_t samples, size_t stable, Ok ok) {
  size_t run_start = 0;
  size_t run = 0;
  for (size_t k = from; k < samples; ++k) {
    if (!ok(k)) {
      run = 0;
      continue;
    }
    if (run == 0) run_start = k;
    if (++run >= stable) return run_start;
  }
  return std::nullopt;
}

// ---- Damage -------------------------------------------------------------------------------------

// One damage class a fault is answerable for, with its level before the onset.
struct DamageWatch {
  const std::vector<uint64_t>* series = nullptr;
  bool running_total = false;  // cannot go down: judged on its rise per sample
  uint64_t baseline = 0;       // level classes: the most in the samples before the onset;
                               // running totals: the largest rise in one sample before it
  std::string_view what;       // "orders missing from the OMS", ...

  uint64_t at(size_t k) const { return k < series->size() ? (*series)[k] : series->back(); }
  uint64_t rise(size_t k) const { return k == 0 ? at(0) : at(k) - at(k - 1); }
  bool ok(size_t k) const { return (running_total ? rise(k) : at(k)) <= baseline; }
};

std::vector<DamageWatch> damage_watches(const Scenario& s, const WorldResult& r, size_t f,
                                        size_t onset_k) {
  std::vector<DamageWatch> out;
  if (f >= r.fault_connectors.size() || r.damage.orders_missing.empty()) return out;
  bool orders = false;
  bool stock = false;
  bool prices = false;
  bool states = false;
  bool returns = false;
  for (const std::string& name : r.fault_connectors[f]) {
    const ConnectorSpec* c = find_connector(s, name);
    if (c == nullptr) continue;
    orders |= c->flow == FlowKind::order_ingest || c->flow == FlowKind::reconciliation;
    stock |= c->flow == FlowKind::stock_sync;
    prices |= c->flow == FlowKind::price_sync;
    states |= c->flow == FlowKind::fulfillment;
    returns |= c->flow == FlowKind::returns;
  }
  const DamageSeries& d = r.damage;
  const auto add = [&](const std::vector<uint64_t>& series, bool running, std::string_view what) {
    DamageWatch w{&series, running, 0, what};
    const size_t first = onset_k > kBaselineSamples ? onset_k - kBaselineSamples : 0;
    for (size_t k = first; k <= onset_k && k < series.size(); ++k) {
      w.baseline = std::max(w.baseline, running ? (k == first ? 0 : w.rise(k)) : w.at(k));
    }
    out.push_back(w);
  };
  if (orders) {
    add(d.orders_missing, false, "orders missing from the OMS");
    add(d.extra_oms_orders, false, "duplicate OMS orders not cancelled");
  }
  if (returns) add(d.returns_out_of_sync, false, "returns not synced");
  // Not reconciliation's unmatched count: it is a view of the classes above (plus revenue
  // entries) refreshed only when reconciliation runs, so it would hold repair back to its next
  // run. It is reported in FaultDamage.
  if (stock) add(d.oversold, true, "orders oversold");
  if (prices) add(d.stale_price_lines, true, "order lines sold at a stale price");
  if (states) add(d.unmapped_states, true, "shipment states unmapped");
  return out;
}

// The most `series` rose above its level at the onset, from the onset to sample `until`.
uint64_t peak_rise(const std::vector<uint64_t>& series, size_t onset_k, size_t until) {
  if (series.empty()) return 0;
  const uint64_t base = series[std::min(onset_k, series.size() - 1)];
  uint64_t peak = base;
  for (size_t k = onset_k; k <= until && k < series.size(); ++k)
    peak = std::max(peak, series[k]);
  return peak - base;
}
int64_t peak_rise(const std::vector<int64_t>& series, size_t onset_k, size_t until) {
  if (series.empty()) return 0;
  const int64_t base = series[std::min(onset_k, series.size() - 1)];
  int64_t peak = base;
  for (size_t k = onset_k; k <= until && k < series.size(); ++k)
    peak = std::max(peak, series[k]);
  return peak - base;
}

FaultDamage damage_between(const WorldResult& r, size_t onset_k, size_t until) {
  const DamageSeries& d = r.damage;
  FaultDamage out;
  if (d.orders_missing.empty()) return out;
  const size_t last = d.orders_missing.size() - 1;
  until = std::min(until, last);
  onset_k = std::min(onset_k, last);
  out.orders_missing = peak_rise(d.orders_missing, onset_k, until);
  out.extra_oms_orders = peak_rise(d.extra_oms_orders, onset_k, until);
  out.oversold = d.oversold[until] - d.oversold[onset_k];
  out.stale_price_lines = d.stale_price_lines[until] - d.stale_price_lines[onset_k];
  out.returns_out_of_sync = peak_rise(d.returns_out_of_sync, onset_k, until);
  out.unmatched_entries = peak_rise(d.unmatched, onset_k, until);
  out.money_minor = peak_rise(d.orders_missing_minor, onset_k, until) +
                    peak_rise(d.extra_oms_orders_minor, onset_k, until) +
                    (d.oversold_minor[until] - d.oversold_minor[onset_k]) +
                    (d.stale_price_minor[until] - d.stale_price_minor[onset_k]);
  out.orders_missing_at_end = d.orders_missing[last];
  out.extra_oms_orders_at_end = d.extra_oms_orders[last];
  out.returns_out_of_sync_at_end = d.returns_out_of_sync[last];
  out.unmatched_entries_at_end = d.unmatched[last];
  return out;
}

// Restored, repaired, the damage, and why it did not recover; for fault f.
void score_recovery(const Scenario& s, const WorldResult& r, size_t f, FaultIncident& incident) {
  const int64_t step_us = r.sample_interval.us;
  const auto onset_k = static_cast<size_t>(incident.onset.us / step_us);
  const size_t samples = sample_count(r);
  const size_t stable = stable_samples(s, step_us);
  const std::vector<Watch> watches = watches_of(s, r, f, onset_k);
  // Sample k is the state at k x step (and the errors in the step before it); the first that
  // can count is the first at or after the end.
  size_t from = static_cast<size_t>((incident.ended.us + step_us - 1) / step_us);
  if (from == 0) from = 1;
  const auto healthy_at = [&](size_t k) {
    return std::all_of(watches.begin(), watches.end(),
                       [&](const Watch& w) { return healthy(w, r, k); });
  };
  const std::optional<size_t> restored_k = first_stable(from, samples, stable, healthy_at);
  const std::vector<DamageWatch> damage = damage_watches(s, r, f, onset_k);
  const auto repaired_at = [&](size_t k) {
    return std::all_of(damage.begin(), damage.end(), [&](const DamageWatch& d) { return d.ok(k); });
  };
  std::optional<size_t> repaired_k;
  if (restored_k) repaired_k = first_stable(*restored_k, samples, stable, repaired_at);
  const auto time_of = [&](size_t k) {
    return SimTime{} + microseconds(static_cast<int64_t>(k) * step_us);
  };
  if (restored_k) incident.restored = time_of(*restored_k);
  if (repaired_k) incident.repaired = time_of(*repaired_k);
  incident.recovered = incident.repaired;
  if (incident.recovered) incident.mttr = *incident.recovered - incident.onset;
  incident.damage =
      damage_between(r, onset_k, repaired_k ? *repaired_k : (samples == 0 ? 0 : samples - 1));
  if (incident.recovered || samples == 0) return;
  // Not recovered: say what was still wrong at the last sample.
  const size_t last = samples - 1;
  if (!restored_k) {
    for (const Watch& w : watches) {
      const std::string why = unhealthy_because(w, r, last);
      if (!why.empty()) {
        incident.recovery_note = fmt::format("service not restored: at the end {}", why);
        return;
      }
    }
    incident.recovery_note = fmt::format(
        "service not restored: the touched connectors were not healthy for {} in a row before "
        "the run ended",
        scenario::format_duration(s.response.stable_for));
    return;
  }
  std::string open;
  for (const DamageWatch& d : damage) {
    if (d.ok(last)) continue;
    open += open.empty() ? "" : "; ";
    open +=
        d.running_total
            ? fmt::format("{} rose by {} in the last minute (at most {} before the onset)", d.what,
                          d.rise(last), d.baseline)
            : fmt::format("{} {} (at most {} before the onset)", d.at(last), d.what, d.baseline);
  }
  incident.recovery_note =
      open.empty()
          ? fmt::format(
                "service restored at {}, but the damage was not back to its level before "
                "the onset for {} in a row before the run ended",
                scenario::format_duration(*incident.restored - SimTime{}),
                scenario::format_duration(s.response.stable_for))
          : fmt::format("service restored at {}, but damage was not repaired: at the end {}",
                        scenario::format_duration(*incident.restored - SimTime{}), open);
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
    score_recovery(s, r, f, incident);
    fill_response(r, incident);
    for (ActionRecord& a : incident.actions) {
      const ActionSpec& spec = s.response.runbook[static_cast<size_t>(a.action)];
      a.kind = spec.kind;
      a.target = spec.target;
    }
  }
}

}  // namespace syncdrill
