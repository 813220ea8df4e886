#include "sim/score/recovery.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "core/engine/check.hpp"
#include "core/engine/saturating.hpp"
#include "core/scenario/values.hpp"
#include "sim/score/tier_checks.hpp"

namespace syncdrill {

namespace {

constexpr size_t kBaselineSamples = 10;
constexpr double kErrorSlack = 0.005;

const ConnectorOutcome* connector_named(const WorldResult& r, const std::string& name) {
  for (const ConnectorOutcome& c : r.connectors) {
    if (c.name == name) return &c;
  }
  return nullptr;
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
  std::vector<size_t> channels;        // channel indices whose freshness to check
  std::optional<SyncDelay> freshness;  // the flow's sync delay, when its tier sets a target
  int64_t freshness_max_ms = 0;
};

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
    if (tier != nullptr && tier->freshness_p95 && sync_delay_of(spec->flow)) {
      w.freshness = sync_delay_of(spec->flow);
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
                       count_text(c.dead_letter_size_series[k]), count_text(w.dead_letters_max));
  }
  if (k < c.dead_lettered_series.size() && c.dead_lettered_series[k] > 0) {
    return fmt::format("connector {} was still dead-lettering jobs ({} in the last minute)", c.name,
                       count_text(c.dead_lettered_series[k]));
  }
  if (k < c.queue_depth_series.size() && c.queue_depth_series[k] > w.queue_max) {
    return fmt::format("connector {} still had {} jobs queued (at most {} before the onset)",
                       c.name, count_text(c.queue_depth_series[k]), count_text(w.queue_max));
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
  if (w.freshness && k >= 1) {
    for (size_t ch : w.channels) {
      const auto& series = r.channels[ch].delay_p95_ms_series[*w.freshness];
      if (k - 1 < series.size() && series[k - 1] > w.freshness_max_ms) {
        return fmt::format("the sync delay p95 on {} was still {} ms, over the {} ms target",
                           r.channels[ch].channel, series[k - 1], w.freshness_max_ms);
      }
    }
  }
  return "";
}

bool healthy(const Watch& w, const WorldResult& r, size_t k) {
  return unhealthy_because(w, r, k).empty();
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

// How far back a running total's normal pace is read: an hour of samples before the onset.
constexpr size_t kPaceSamples = 60;

// One damage class a fault is answerable for, with its level (or pace) before the onset.
struct DamageWatch {
  const std::vector<uint64_t>* series = nullptr;
  bool running_total = false;  // cannot go down: judged on how fast it rises
  // Level classes: the most in the 10 samples before the onset. Running totals: the most it
  // rose over any `window` samples in the hour before the onset (one quiet minute is no pace).
  uint64_t baseline = 0;
  size_t window = 1;      // samples a repair must hold for (response.stable_for)
  std::string_view what;  // "orders missing from the OMS", ...

  uint64_t at(size_t k) const {
    SD_CHECK(!series->empty(), "a damage watch over an empty series");
    return k < series->size() ? (*series)[k] : series->back();
  }
  // The rise over the `window` samples starting at k (from sample k - 1 to k + window - 1).
  uint64_t rise_from(size_t k) const {
    SD_CHECK(window >= 1, "a damage window holds at least one sample");
    const uint64_t before = k == 0 ? 0 : at(k - 1);
    SD_CHECK(!running_total || at(k + window - 1) >= before, "a running total went down");
    return at(k + window - 1) - before;
  }
  // Whether the `window` samples starting at k are no worse than before the onset.
  bool ok_from(size_t k) const {
    if (running_total) return rise_from(k) <= baseline;
    for (size_t i = k; i < k + window; ++i) {
      if (at(i) > baseline) return false;
    }
    return true;
  }
};

// The damage classes a fault answers for: those of the flows whose connectors it touched.
struct Answerable {
  bool orders = false;   // order_ingest, reconciliation: missing and duplicated orders
  bool stock = false;    // stock_sync: oversells
  bool prices = false;   // price_sync: stale-price lines
  bool states = false;   // fulfillment: unmapped states
  bool returns = false;  // returns: returns not synced
};

Answerable answerable(const Scenario& s, const WorldResult& r, size_t f) {
  Answerable a;
  if (f >= r.fault_connectors.size()) return a;
  for (const std::string& name : r.fault_connectors[f]) {
    const ConnectorSpec* c = find_connector(s, name);
    if (c == nullptr) continue;
    a.orders |= c->flow == FlowKind::order_ingest || c->flow == FlowKind::reconciliation;
    a.stock |= c->flow == FlowKind::stock_sync;
    a.prices |= c->flow == FlowKind::price_sync;
    a.states |= c->flow == FlowKind::fulfillment;
    a.returns |= c->flow == FlowKind::returns;
  }
  return a;
}

std::vector<DamageWatch> damage_watches(const Scenario& s, const WorldResult& r,
                                        const Answerable& a, size_t onset_k) {
  std::vector<DamageWatch> out;
  if (r.damage.orders_missing.empty()) return out;
  const DamageSeries& d = r.damage;
  const size_t window = stable_samples(s, r.sample_interval.us);
  const auto add = [&](const std::vector<uint64_t>& series, bool running, std::string_view what) {
    DamageWatch w{&series, running, 0, window, what};
    if (!running) {
      const size_t first = onset_k > kBaselineSamples ? onset_k - kBaselineSamples : 0;
      for (size_t k = first; k <= onset_k; ++k)
        w.baseline = std::max(w.baseline, w.at(k));
    } else if (onset_k + 1 >= window + 1) {
      // Every window that ends at or before the onset, in the hour before it.
      const size_t first = onset_k + 1 > kPaceSamples + window ? onset_k + 1 - kPaceSamples : 1;
      for (size_t k = first; k + window - 1 <= onset_k; ++k)
        w.baseline = std::max(w.baseline, w.rise_from(k));
    } else if (onset_k >= 1) {
      w.baseline = w.at(onset_k) - w.at(0);  // less than a window before the onset
    }
    out.push_back(w);
  };
  if (a.orders) {
    add(d.orders_missing, false, "orders missing from the OMS");
    add(d.extra_oms_orders, false, "duplicate OMS orders not cancelled");
  }
  if (a.returns) add(d.returns_out_of_sync, false, "returns not synced");
  // Not reconciliation's unmatched count: it is a view of the classes above (plus revenue
  // entries) refreshed only when reconciliation runs, so it would hold repair back to its next
  // run. It is reported in FaultDamage.
  if (a.stock) add(d.oversold, true, "orders oversold");
  if (a.prices) add(d.stale_price_lines, true, "order lines sold at a stale price");
  if (a.states) add(d.unmapped_states, true, "shipment states unmapped");
  return out;
}

// The most `series` rose above its level at the onset, from the onset to sample `until`.
template <typename T>
T peak_rise(const std::vector<T>& series, size_t onset_k, size_t until) {
  if (series.empty()) return 0;
  const T base = series[std::min(onset_k, series.size() - 1)];
  T peak = base;
  for (size_t k = onset_k; k <= until && k < series.size(); ++k)
    peak = std::max(peak, series[k]);
  if constexpr (std::is_signed_v<T>) {
    return sub_saturating(peak, base);  // money sums saturate; their differences too
  } else {
    return peak - base;
  }
}

// What the fault left in the classes it answers for, from its onset to `until`; the others stay
// 0, so overlapping faults of other flows do not share their damage.
FaultDamage damage_between(const WorldResult& r, const Answerable& a, size_t onset_k,
                           size_t until) {
  const DamageSeries& d = r.damage;
  FaultDamage out;
  if (d.orders_missing.empty()) return out;
  const size_t last = d.orders_missing.size() - 1;
  until = std::min(until, last);
  onset_k = std::min(onset_k, last);
  for (const size_t n : {d.extra_oms_orders.size(), d.oversold.size(), d.oversold_minor.size(),
                         d.stale_price_lines.size(), d.stale_price_minor.size(),
                         d.unmapped_states.size(), d.returns_out_of_sync.size(), d.unmatched.size(),
                         d.orders_missing_minor.size(), d.extra_oms_orders_minor.size()}) {
    SD_CHECK(n == last + 1, "every damage series has one value per sample");
  }
  if (a.orders) {
    out.orders_missing = peak_rise(d.orders_missing, onset_k, until);
    out.extra_oms_orders = peak_rise(d.extra_oms_orders, onset_k, until);
    out.money_minor = add_saturating(
        out.money_minor, add_saturating(peak_rise(d.orders_missing_minor, onset_k, until),
                                        peak_rise(d.extra_oms_orders_minor, onset_k, until)));
    out.orders_missing_at_end = d.orders_missing[last];
    out.extra_oms_orders_at_end = d.extra_oms_orders[last];
  }
  if (a.stock) {
    out.oversold = d.oversold[until] - d.oversold[onset_k];
    out.money_minor = add_saturating(
        out.money_minor, sub_saturating(d.oversold_minor[until], d.oversold_minor[onset_k]));
  }
  if (a.prices) {
    out.stale_price_lines = d.stale_price_lines[until] - d.stale_price_lines[onset_k];
    out.money_minor = add_saturating(
        out.money_minor, sub_saturating(d.stale_price_minor[until], d.stale_price_minor[onset_k]));
  }
  if (a.states) out.unmapped_states = d.unmapped_states[until] - d.unmapped_states[onset_k];
  if (a.returns) {
    out.returns_out_of_sync = peak_rise(d.returns_out_of_sync, onset_k, until);
    out.returns_out_of_sync_at_end = d.returns_out_of_sync[last];
  }
  if (a.orders || a.returns) {
    out.unmatched_entries = peak_rise(d.unmatched, onset_k, until);
    out.unmatched_entries_at_end = d.unmatched[last];
  }
  return out;
}

// Restored, repaired, the damage, and why it did not recover; for fault f.
void score_recovery(const Scenario& s, const WorldResult& r, size_t f, FaultIncident& incident) {
  const int64_t step_us = r.sample_interval.us;
  SD_CHECK(step_us > 0, "the world samples at a positive interval");
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
  const Answerable classes = answerable(s, r, f);
  const std::vector<DamageWatch> damage = damage_watches(s, r, classes, onset_k);
  std::optional<size_t> repaired_k;
  for (size_t k = restored_k.value_or(samples); !repaired_k && k + stable <= samples; ++k) {
    if (std::all_of(damage.begin(), damage.end(),
                    [&](const DamageWatch& d) { return d.ok_from(k); })) {
      repaired_k = k;
    }
  }
  const auto time_of = [&](size_t k) {
    return SimTime{} + microseconds(static_cast<int64_t>(k) * step_us);
  };
  if (restored_k) incident.restored = time_of(*restored_k);
  if (repaired_k) incident.repaired = time_of(*repaired_k);
  incident.recovered = incident.repaired;
  if (incident.recovered) {
    SD_CHECK(*incident.recovered >= incident.onset, "recovery comes after the onset");
    incident.mttr = *incident.recovered - incident.onset;
  }
  incident.damage = damage_between(r, classes, onset_k,
                                   repaired_k ? *repaired_k : (samples == 0 ? 0 : samples - 1));
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
    if (from >= samples || samples - from < stable) {
      incident.recovery_note = fmt::format(
          "the run ended {} after the fault did, too soon to see its connectors healthy for {} "
          "(response.stable_for)",
          scenario::format_duration(
              std::max(Duration{}, r.simulated - (incident.ended - SimTime{}))),
          scenario::format_duration(s.response.stable_for));
      return;
    }
    incident.recovery_note = fmt::format(
        "service not restored: the touched connectors were not healthy for {} in a row before "
        "the run ended",
        scenario::format_duration(s.response.stable_for));
    return;
  }
  // The last window that fits, or what there is after the restoration.
  const size_t tail = samples >= stable ? samples - stable : 0;
  const std::string window_text = scenario::format_duration(s.response.stable_for);
  std::string open;
  for (const DamageWatch& d : damage) {
    if (d.ok_from(tail)) continue;
    open += open.empty() ? "" : "; ";
    open += d.running_total ? fmt::format(
                                  "{} rose by {} in the last {} (at most {} in any {} of the hour "
                                  "before the onset)",
                                  d.what, count_text(d.rise_from(tail)), window_text,
                                  count_text(d.baseline), window_text)
                            : fmt::format("{} {} (at most {} before the onset)",
                                          count_text(d.at(last)), d.what, count_text(d.baseline));
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
      SD_CHECK(a.action >= 0 && static_cast<size_t>(a.action) < s.response.runbook.size(),
               "a response action names a runbook entry");
      const ActionSpec& spec = s.response.runbook[static_cast<size_t>(a.action)];
      a.kind = spec.kind;
      a.target = spec.target;
    }
  }
}

}  // namespace syncdrill
