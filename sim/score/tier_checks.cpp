#include "sim/score/tier_checks.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/engine/check.hpp"
#include "core/engine/saturating.hpp"
#include "core/scenario/values.hpp"

namespace syncdrill {

std::string count_text(uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<size_t>(i), ",");
  }
  return digits;
}

namespace {

std::string seconds_text(double s) {
  std::string out = fmt::format("{:.1f} s", s);
  if (s >= 60) out += fmt::format(" ({})", scenario::format_duration(seconds(std::llround(s))));
  return out;
}

std::string percent_text(double ratio) {
  return fmt::format("{:.2f}%", ratio * 100);
}

double p95_s(const LatencyHistogram& h) {
  return static_cast<double>(h.quantile(0.95)) / 1e6;
}

// ---- Per channel -------------------------------------------------------------------------------

// The first series sample of the channel over the target, as "from 3h12m", or empty.
std::string first_over(const ChannelOutcome& c, FlowKind flow, double limit_s, Duration step) {
  const std::optional<SyncDelay> delay = sync_delay_of(flow);
  SD_CHECK(delay.has_value(), "a freshness check of a flow without a sync delay");
  const std::vector<int64_t>& series = c.delay_p95_ms_series[*delay];
  for (size_t k = 0; k < series.size(); ++k) {
    if (series[k] >= 0 && static_cast<double>(series[k]) / 1e3 > limit_s) {
      // Sample k covers the interval ending at (k + 1) x step.
      const Duration start{static_cast<int64_t>(k) * step.us};
      return fmt::format(", deliveries over the target from the minute at {}",
                         scenario::format_duration(start));
    }
  }
  return "";
}

// Jobs the flow's connectors serving `channel` were offered (0: the channel had nothing to sync).
uint64_t jobs_for(const Scenario& s, const WorldResult& r, FlowKind flow,
                  const std::string& channel) {
  uint64_t n = 0;
  for (const ConnectorOutcome& co : r.connectors) {
    const ConnectorSpec* spec = find_connector(s, co.name);
    if (co.flow == flow && spec != nullptr && channel_served(s, *spec) == channel) {
      n += co.stats.jobs_offered;
    }
  }
  return n;
}

TierCheck freshness(const Scenario& s, const WorldResult& r, FlowKind flow, Duration target) {
  TierCheck c = tier_check("freshness_p95", flow, target.seconds(), "s");
  LatencyHistogram merged;
  const ChannelOutcome* worst = nullptr;
  double worst_s = -1;
  const ChannelOutcome* starved = nullptr;  // work offered, nothing ever delivered
  uint64_t starved_jobs = 0;
  for (const ChannelOutcome& ch : r.channels) {
    const LatencyHistogram* h = sync_delays(ch, flow);
    if (h == nullptr) continue;
    if (h->empty()) {
      // A listing stuck for the whole run has no delay to measure: it is the stalest of all.
      const uint64_t jobs = starved == nullptr ? jobs_for(s, r, flow, ch.channel) : 0;
      if (jobs > 0) {
        starved = &ch;
        starved_jobs = jobs;
      }
      continue;
    }
    merged.merge(*h);
    if (p95_s(*h) > worst_s) {
      worst_s = p95_s(*h);
      worst = &ch;
    }
  }
  if (starved != nullptr) {
    c.channel = starved->channel;
    if (!merged.empty()) c.merged = p95_s(merged);
    const double at_least_s = r.simulated.seconds();
    return decided_check(c, at_least_s, [&] {
      return fmt::format(
          "no {} update reached {} in the whole run ({} jobs offered, none "
          "delivered): its data is at least {} old, over the {} target",
          to_string(flow), starved->channel, count_text(starved_jobs), seconds_text(at_least_s),
          seconds_text(c.limit));
    });
  }
  if (worst == nullptr) {
    return no_data_check(
        c, fmt::format("no {} sync delay was measured on any channel", to_string(flow)));
  }
  c.channel = worst->channel;
  c.merged = p95_s(merged);
  return decided_check(c, worst_s, [&] {
    return fmt::format("{} freshness p95 on {} was {}, over the {} target{} (all channels: {})",
                       to_string(flow), worst->channel, seconds_text(worst_s),
                       seconds_text(c.limit), first_over(*worst, flow, c.limit, r.sample_interval),
                       seconds_text(*c.merged));
  });
}

// Below this probability, a small channel's failures are too many to be chance at the limit.
constexpr double kChanceLevel = 0.001;

// P(X >= k) for X ~ Binomial(n, p): the chance of k or more failures in n calls failing at
// rate p each.
double binomial_tail(uint64_t n, uint64_t k, double p) {
  if (k == 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  // Sum P(X = i) for i < k, each term from the one before (no factorials).
  double term = std::pow(1 - p, static_cast<double>(n));
  double below = 0;
  for (uint64_t i = 0; i < k; ++i) {
    below += term;
    term *= static_cast<double>(n - i) / static_cast<double>(i + 1) * p / (1 - p);
  }
  return std::max(0.0, 1 - below);
}

struct Attempts {
  uint64_t ok = 0;
  uint64_t failed = 0;
  std::vector<std::string> connectors;
  double ratio() const {
    return static_cast<double>(failed) / static_cast<double>(std::max<uint64_t>(1, ok + failed));
  }
};

TierCheck error_rate(const Scenario& s, const WorldResult& r, FlowKind flow, double limit) {
  TierCheck c = tier_check("error_rate", flow, limit, "ratio");
  std::vector<std::pair<std::string, Attempts>> by_channel;  // first seen first
  Attempts all;
  for (const ConnectorOutcome& co : r.connectors) {
    if (co.flow != flow) continue;
    const ConnectorSpec* spec = find_connector(s, co.name);
    const std::string channel = spec != nullptr ? channel_served(s, *spec) : "";
    auto it = std::find_if(by_channel.begin(), by_channel.end(),
                           [&](const auto& e) { return e.first == channel; });
    if (it == by_channel.end()) it = by_channel.insert(by_channel.end(), {channel, Attempts{}});
    it->second.ok += co.stats.attempts_ok;
    it->second.failed += co.stats.attempts_failed();
    it->second.connectors.push_back(co.name);
    all.ok += co.stats.attempts_ok;
    all.failed += co.stats.attempts_failed();
    all.connectors.push_back(co.name);
  }
  // One failure in a handful of calls is no rate: a channel is judged on its own from
  // 1 / error_rate_max attempts on (where one failure fits the limit), or below that when it
  // failed too often to be chance at the limit (92 of 92 is a rate at any volume); and always
  // inside the figure over every channel.
  const double min_attempts = limit > 0 ? std::ceil(1 / limit) : 1;
  const std::pair<std::string, Attempts>* worst = nullptr;
  for (const auto& e : by_channel) {
    const uint64_t n = e.second.ok + e.second.failed;
    const bool enough = static_cast<double>(n) >= min_attempts;
    if (!enough && binomial_tail(n, e.second.failed, limit) >= kChanceLevel) continue;
    if (worst == nullptr || e.second.ratio() > worst->second.ratio()) worst = &e;
  }
  if (all.ok + all.failed == 0) {
    return no_data_check(c, fmt::format("the {} connectors made no attempt", to_string(flow)));
  }
  const std::pair<std::string, Attempts> pooled{"", all};
  if (worst == nullptr || all.ratio() > worst->second.ratio()) worst = &pooled;
  if (by_channel.size() == 1) worst = &by_channel.front();
  c.channel = worst->first;
  c.merged = all.ratio();
  const double actual = worst->second.ratio();
  return decided_check(c, actual, [&] {
    std::string names;
    for (const std::string& n : worst->second.connectors)
      names += (names.empty() ? "" : ", ") + n;
    const std::string where = worst == &pooled       ? " (all channels together)"
                              : worst->first.empty() ? ""
                                                     : " on " + worst->first;
    return fmt::format("{} connectors{} ({}) failed {} of their attempts ({} of {}), over {}{}",
                       to_string(flow), where, names, percent_text(actual),
                       count_text(worst->second.failed),
                       count_text(worst->second.ok + worst->second.failed), percent_text(limit),
                       worst != &pooled && by_channel.size() > 1
                           ? fmt::format(" (all channels: {})", percent_text(all.ratio()))
                           : "");
  });
}

// ---- Damage -------------------------------------------------------------------------------------

// "amazon-us 2,500, dtc 63": the channels with a non-zero count, largest first.
template <typename Count>
std::string by_channel_text(const WorldResult& r, Count count) {
  std::vector<std::pair<uint64_t, std::string>> rows;
  for (const ChannelOutcome& c : r.channels) {
    if (count(c) > 0) rows.emplace_back(count(c), c.channel);
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string out;
  for (const auto& [n, name] : rows)
    out += (out.empty() ? "" : ", ") + fmt::format("{} {}", name, count_text(n));
  return out;
}

template <typename Count>
uint64_t total(const WorldResult& r, Count count) {
  uint64_t n = 0;
  for (const ChannelOutcome& c : r.channels)
    n += count(c);
  return n;
}

TierCheck counted(std::string_view name, FlowKind flow, uint64_t limit, std::string unit,
                  uint64_t actual, std::string why) {
  TierCheck c = tier_check(name, flow, static_cast<double>(limit), std::move(unit));
  return decided_check(c, static_cast<double>(actual), [&] { return why; });
}

void data_loss(const WorldResult& r, FlowKind flow, uint64_t limit, TierVerdict& v) {
  if (flow == FlowKind::order_ingest) {
    const auto lost = [](const ChannelOutcome& c) { return c.lost; };
    const uint64_t n = total(r, lost);
    v.checks.push_back(
        counted("data_loss", flow, limit, "orders", n,
                fmt::format("{} orders never reached the OMS ({}), over the limit "
                            "of {}",
                            count_text(n), by_channel_text(r, lost), count_text(limit))));
  } else if (flow == FlowKind::returns) {
    const auto open = [](const ChannelOutcome& c) {
      return c.returns_requested - c.returns_synced;
    };
    const uint64_t n = total(r, open);
    const uint64_t made = total(r, [](const ChannelOutcome& c) { return c.returns_requested; });
    v.checks.push_back(counted(
        "data_loss", flow, limit, "returns", n,
        fmt::format("{} of {} returns were not synced to the OMS and ERP "
                    "({}), over the limit of {}",
                    count_text(n), count_text(made), by_channel_text(r, open), count_text(limit))));
  }
}

void duplicated(const WorldResult& r, uint64_t limit, TierVerdict& v) {
  const auto dup = [](const ChannelOutcome& c) { return c.duplicated; };
  const uint64_t n = total(r, dup);
  const uint64_t extra = total(r, [](const ChannelOutcome& c) { return c.duplicate_oms_orders; });
  const uint64_t open = r.damage.extra_oms_orders.empty() ? 0 : r.damage.extra_oms_orders.back();
  v.checks.push_back(counted(
      "duplicated", FlowKind::order_ingest, limit, "orders", n,
      fmt::format("{} orders were duplicated in the OMS ({}; {} extra OMS orders, {} still not "
                  "cancelled at the end), over the limit of {}",
                  count_text(n), by_channel_text(r, dup), count_text(extra), count_text(open),
                  count_text(limit))));
}

void oversold(const WorldResult& r, uint64_t limit, TierVerdict& v) {
  const auto sold = [](const ChannelOutcome& c) { return c.oversold; };
  const uint64_t n = total(r, sold);
  v.checks.push_back(
      counted("oversold", FlowKind::stock_sync, limit, "orders", n,
              fmt::format("{} orders were oversold and cancelled ({}), over the "
                          "limit of {}",
                          count_text(n), by_channel_text(r, sold), count_text(limit))));
}

void stale_prices(const Scenario& s, const WorldResult& r, const SlaTierSpec& tier,
                  TierVerdict& v) {
  const auto lines = [](const ChannelOutcome& c) { return c.price_mismatches; };
  const uint64_t n = total(r, lines);
  int64_t minor = 0;
  for (const ChannelOutcome& c : r.channels)
    minor = add_saturating(minor, c.price_mismatch_minor);
  if (tier.stale_price_lines_max) {
    v.checks.push_back(counted("stale_price_lines", FlowKind::price_sync,
                               *tier.stale_price_lines_max, "lines", n,
                               fmt::format("{} order lines were sold at a stale price ({}), over "
                                           "the limit of {}",
                                           count_text(n), by_channel_text(r, lines),
                                           count_text(*tier.stale_price_lines_max))));
  }
  if (tier.stale_price_amount_max) {
    const double limit = static_cast<double>(tier.stale_price_amount_max->minor) / 100;
    const double actual = static_cast<double>(minor) / 100;
    TierCheck c = tier_check("stale_price_amount", FlowKind::price_sync, limit, s.currency);
    v.checks.push_back(decided_check(c, actual, [&] {
      return fmt::format(
          "{} order lines sold at a stale price were {:.2f} {} off, over the "
          "limit of {:.2f} {}",
          count_text(n), actual, s.currency, limit, s.currency);
    }));
  }
}

void unmapped(const WorldResult& r, double limit, TierVerdict& v) {
  TierCheck c = tier_check("unmapped_rate", FlowKind::fulfillment, limit, "ratio");
  if (r.status_updates == 0) {
    v.checks.push_back(no_data_check(c, "no shipment state was sent to a channel"));
    return;
  }
  const double rate =
      static_cast<double>(r.unmapped_states) / static_cast<double>(r.status_updates);
  v.checks.push_back(decided_check(c, rate, [&] {
    return fmt::format(
        "{} of {} shipment states ({}) could not be mapped to the channel's "
        "vocabulary, over {}",
        count_text(r.unmapped_states), count_text(r.status_updates), percent_text(rate),
        percent_text(limit));
  }));
}

void unmatched(const WorldResult& r, const SlaTierSpec& tier, TierVerdict& v) {
  const auto check = [&](std::string_view name, uint64_t limit) {
    return tier_check(name, FlowKind::reconciliation, static_cast<double>(limit), "entries");
  };
  const auto detail = [](const ReconciliationRun& run) {
    return fmt::format("missing {}, duplicated {}, revenue entries not one {}, returns {}",
                       count_text(run.missing_in_oms), count_text(run.duplicated_in_oms),
                       count_text(run.revenue_mismatched), count_text(run.returns_out_of_sync));
  };
  if (tier.unmatched_max) {
    TierCheck c = check("unmatched_end", *tier.unmatched_max);
    if (r.reconciliation.empty()) {
      v.checks.push_back(no_data_check(c, "reconciliation never ran"));
    } else {
      const ReconciliationRun& last = r.reconciliation.back();
      v.checks.push_back(decided_check(c, static_cast<double>(last.unmatched()), [&] {
        return fmt::format(
            "the last reconciliation run (at {}) found {} entries unmatched ({}), "
            "over the limit of {}",
            scenario::format_duration(last.at - SimTime{}), count_text(last.unmatched()),
            detail(last), count_text(*tier.unmatched_max));
      }));
    }
  }
  if (tier.unmatched_peak_max) {
    TierCheck c = check("unmatched_peak", *tier.unmatched_peak_max);
    if (r.reconciliation.empty()) {
      v.checks.push_back(no_data_check(c, "reconciliation never ran"));
    } else {
      const ReconciliationRun* worst = &r.reconciliation.front();
      for (const ReconciliationRun& run : r.reconciliation) {
        if (run.unmatched() > worst->unmatched()) worst = &run;
      }
      v.checks.push_back(decided_check(c, static_cast<double>(worst->unmatched()), [&] {
        return fmt::format(
            "reconciliation found {} entries unmatched at its worst run (at {}: "
            "{}), over the limit of {}",
            count_text(worst->unmatched()), scenario::format_duration(worst->at - SimTime{}),
            detail(*worst), count_text(*tier.unmatched_peak_max));
      }));
    }
  }
}

void dropped(const Scenario& s, const WorldResult& r, FlowKind flow, uint64_t limit,
             TierVerdict& v) {
  TierCheck c = tier_check("dropped", flow, static_cast<double>(limit), "jobs");
  uint64_t offered = 0;
  uint64_t n = 0;
  std::string names;
  for (const ConnectorOutcome& co : r.connectors) {
    if (co.flow != flow) continue;
    offered += co.stats.jobs_offered;
    n += co.stats.jobs_dropped_queue_full;
    if (co.stats.jobs_dropped_queue_full == 0) continue;
    const ConnectorSpec* spec = find_connector(s, co.name);
    names +=
        (names.empty() ? "" : ", ") +
        fmt::format("{}: {}, queue_max {}", co.name, count_text(co.stats.jobs_dropped_queue_full),
                    spec != nullptr ? count_text(spec->queue_max) : "?");
  }
  if (offered == 0) {
    v.checks.push_back(
        no_data_check(c, fmt::format("the {} connectors were offered no job", to_string(flow))));
    return;
  }
  v.checks.push_back(decided_check(c, static_cast<double>(n), [&] {
    return fmt::format("{} connectors dropped {} jobs on a full queue ({}), over the limit of {}",
                       to_string(flow), count_text(n), names, count_text(limit));
  }));
}

// ---- Faults -------------------------------------------------------------------------------------

bool touches_flow(const Scenario& s, const WorldResult& r, size_t fault, FlowKind flow) {
  if (fault >= r.fault_connectors.size()) return false;
  for (const std::string& name : r.fault_connectors[fault]) {
    const ConnectorSpec* c = find_connector(s, name);
    if (c != nullptr && c->flow == flow) return true;
  }
  return false;
}

bool has_check(const TierVerdict& v, std::string_view check, const std::string& subject) {
  return std::any_of(v.checks.begin(), v.checks.end(),
                     [&](const TierCheck& c) { return c.check == check && c.subject == subject; });
}

void mttd(const Scenario& s, const WorldResult& r, const Score& score, FlowKind flow,
          Duration target, TierVerdict& v) {
  for (size_t f = 0; f < score.incidents.size(); ++f) {
    const FaultIncident& incident = score.incidents[f];
    if (!touches_flow(s, r, f, flow) || has_check(v, "mttd", incident.fault_id)) continue;
    TierCheck c = tier_check("mttd", flow, target.seconds(), "s");
    c.subject = incident.fault_id;
    if (incident.mttd) {
      v.checks.push_back(decided_check(c, incident.mttd->seconds(), [&] {
        return fmt::format("fault {} was detected after {} (by {}), over the {} target",
                           incident.fault_id, scenario::format_duration(*incident.mttd),
                           incident.detected_by.empty() ? "?" : incident.detected_by.front(),
                           scenario::format_duration(target));
      }));
      continue;
    }
    c.held = false;
    const uint64_t hits = f < r.fault_hits.size() ? r.fault_hits[f] : 0;
    c.reason = fmt::format(
        "fault {} was never detected: no monitor in scope fired while it acted on {} "
        "requests, deliveries or jobs",
        incident.fault_id, count_text(hits));
    v.checks.push_back(c);
  }
}

void mttr(const Scenario& s, const WorldResult& r, const Score& score, const SlaTierSpec& tier,
          TierVerdict& v) {
  for (FlowKind flow : tier.flows) {
    for (size_t f = 0; f < score.incidents.size(); ++f) {
      const FaultIncident& incident = score.incidents[f];
      if (!touches_flow(s, r, f, flow) || has_check(v, "mttr", incident.fault_id)) continue;
      TierCheck c = tier_check("mttr", flow, tier.mttr_max->seconds(), "s");
      c.subject = incident.fault_id;
      if (incident.mttr) {
        v.checks.push_back(decided_check(c, incident.mttr->seconds(), [&] {
          const std::string restored =
              incident.restored ? scenario::format_duration(*incident.restored - incident.onset)
                                : "?";
          return fmt::format(
              "fault {} took {} to recover until its damage was repaired (service was back after "
              "{}), over the {} target",
              incident.fault_id, scenario::format_duration(*incident.mttr), restored,
              scenario::format_duration(*tier.mttr_max));
        }));
        continue;
      }
      c.held = false;
      c.reason = fmt::format("fault {} never recovered: {}", incident.fault_id,
                             incident.recovery_note.empty() ? "no stable recovery before the end"
                                                            : incident.recovery_note);
      v.checks.push_back(c);
    }
  }
}

TierVerdict judge_tier(const Scenario& s, const WorldResult& r, const Score& score,
                       const SlaTierSpec& tier) {
  TierVerdict v;
  v.tier = tier.name;
  for (FlowKind flow : tier.flows) {
    if (tier.freshness_p95 && sync_delay_of(flow)) {
      v.checks.push_back(freshness(s, r, flow, *tier.freshness_p95));
    }
    if (tier.error_rate_max) v.checks.push_back(error_rate(s, r, flow, *tier.error_rate_max));
    if (tier.data_loss_max) data_loss(r, flow, *tier.data_loss_max, v);
    if (flow == FlowKind::order_ingest && tier.duplicated_max) {
      duplicated(r, *tier.duplicated_max, v);
    }
    if (flow == FlowKind::stock_sync && tier.oversold_max) oversold(r, *tier.oversold_max, v);
    if (flow == FlowKind::price_sync) stale_prices(s, r, tier, v);
    if (flow == FlowKind::fulfillment && tier.unmapped_rate_max) {
      unmapped(r, *tier.unmapped_rate_max, v);
    }
    if (flow == FlowKind::reconciliation) unmatched(r, tier, v);
    dropped(s, r, flow, tier.dropped_max, v);
    if (tier.mttd_max) mttd(s, r, score, flow, *tier.mttd_max, v);
  }
  if (tier.mttr_max) mttr(s, r, score, tier, v);
  return v;
}

}  // namespace

TierCheck tier_check(std::string_view check, FlowKind flow, double limit, std::string unit) {
  TierCheck c;
  c.check = std::string(check);
  c.flow = flow;
  c.limit = limit;
  c.unit = std::move(unit);
  return c;
}

TierCheck no_data_check(TierCheck c, std::string why) {
  c.no_data = true;
  c.held = true;
  c.reason = std::move(why);
  return c;
}

const SlaTierSpec* tier_of(const Scenario& s, FlowKind flow) {
  for (const SlaTierSpec& t : s.sla_tiers) {
    if (std::find(t.flows.begin(), t.flows.end(), flow) != t.flows.end()) return &t;
  }
  return nullptr;
}

std::string channel_served(const Scenario& s, const ConnectorSpec& c) {
  if (find_channel(s, c.from) != nullptr) return c.from;
  if (find_channel(s, c.to) != nullptr) return c.to;
  return "";
}

void judge_tiers(const Scenario& s, const WorldResult& r, Score& score) {
  for (const SlaTierSpec& tier : s.sla_tiers)
    score.tiers.push_back(judge_tier(s, r, score, tier));
}

}  // namespace syncdrill
