#include "reports/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <numeric>
#include <tuple>

#include <fmt/format.h>

#include "reports/format.hpp"

namespace syncdrill {

namespace {

constexpr size_t idx(CompareMetric m) {
  return static_cast<size_t>(m);
}

double seconds_of(Duration d) {
  return static_cast<double>(d.us) / 1e6;
}

std::optional<double> p95_s(const WorldResult& result, LatencyHistogram ChannelOutcome::*field) {
  LatencyHistogram all;
  for (const ChannelOutcome& c : result.channels)
    all.merge(c.*field);
  if (all.empty()) return std::nullopt;
  return static_cast<double>(all.quantile(0.95)) / 1e6;
}

std::vector<double> present(const std::vector<std::optional<double>>& values) {
  std::vector<double> out;
  for (const auto& v : values) {
    if (v) out.push_back(*v);
  }
  return out;
}

}  // namespace

const std::array<CompareMetricInfo, kCompareMetricCount>& compare_metrics() {
  static const std::array<CompareMetricInfo, kCompareMetricCount> kMetrics = {{
      {CompareMetric::lost, "lost", "Lost", "orders"},
      {CompareMetric::duplicated, "duplicated", "Duplicated", "orders"},
      {CompareMetric::oversold, "oversold", "Oversold", "orders"},
      {CompareMetric::mttd_s, "mttd_s", "MTTD", "s"},
      {CompareMetric::mttr_s, "mttr_s", "MTTR", "s"},
      {CompareMetric::stock_sync_delay_p95_s, "stock_sync_delay_p95_s", "Stock sync p95", "s"},
      {CompareMetric::ingest_delay_p95_s, "ingest_delay_p95_s", "Ingest p95", "s"},
      {CompareMetric::calls, "calls", "Calls", "calls"},
      {CompareMetric::attempts_per_request, "attempts_per_request", "Attempts/request", "x"},
      {CompareMetric::checks_breached, "checks_breached", "Checks breached", "checks"},
      {CompareMetric::false_positives, "false_positives", "False positives", "firings"},
  }};
  return kMetrics;
}

std::optional<CompareMetric> compare_metric(std::string_view key) {
  for (const CompareMetricInfo& m : compare_metrics()) {
    if (m.key == key) return m.metric;
  }
  return std::nullopt;
}

bool Requirement::met_by(const std::optional<double>& mean) const {
  if (!mean) return false;
  return (!low || *mean >= *low) && (!high || *mean <= *high);
}

std::string requirement_text(const Requirement& r) {
  const std::string_view key = compare_metrics()[idx(r.metric)].key;
  if (r.low && r.high && *r.low == *r.high) return fmt::format("{}={}", key, *r.low);
  return fmt::format("{}={}..{}", key, r.low ? fmt::format("{}", *r.low) : "",
                     r.high ? fmt::format("{}", *r.high) : "");
}

bool VariantSummary::meets_requirements() const {
  return std::none_of(breaks.begin(), breaks.end(), [](bool b) { return b; });
}

bool RunFigures::held() const {
  return std::all_of(tier_held.begin(), tier_held.end(), [](bool h) { return h; });
}

RunFigures measure_run(const Scenario& scenario, const WorldResult& result, const Score& score,
                       const std::vector<std::string>& connectors) {
  RunFigures f;
  f.seed = result.seed;
  auto set = [&](CompareMetric m, double v) { f.values[idx(m)] = v; };
  uint64_t lost = 0, duplicated = 0, oversold = 0;
  for (const ChannelOutcome& c : result.channels) {
    lost += c.lost;
    duplicated += c.duplicated;
    oversold += c.oversold;
  }
  set(CompareMetric::lost, static_cast<double>(lost));
  set(CompareMetric::duplicated, static_cast<double>(duplicated));
  set(CompareMetric::oversold, static_cast<double>(oversold));

  // A missed or unrecovered fault is censored at the end of the run: the interval is then a
  // lower bound, and the counts of missed and unrecovered faults say how often that happened.
  const SimTime end = SimTime{} + scenario.duration;
  double mttd_sum = 0, mttr_sum = 0;
  for (const FaultIncident& i : score.incidents) {
    ++f.faults;
    const double censored = seconds_of(std::max(end, i.onset) - i.onset);
    if (i.mttd) {
      mttd_sum += seconds_of(*i.mttd);
    } else {
      ++f.faults_missed;
      mttd_sum += censored;
    }
    if (i.mttr) {
      mttr_sum += seconds_of(*i.mttr);
    } else {
      ++f.faults_unrecovered;
      mttr_sum += censored;
    }
  }
  if (f.faults > 0) {
    set(CompareMetric::mttd_s, mttd_sum / f.faults);
    set(CompareMetric::mttr_s, mttr_sum / f.faults);
  }
  f.values[idx(CompareMetric::stock_sync_delay_p95_s)] =
      p95_s(result, &ChannelOutcome::stock_sync_delay_us);
  f.values[idx(CompareMetric::ingest_delay_p95_s)] =
      p95_s(result, &ChannelOutcome::ingest_delay_us);

  uint64_t calls = 0, jobs = 0;
  for (const ConnectorOutcome& c : result.connectors) {
    if (!connectors.empty() &&
        std::find(connectors.begin(), connectors.end(), c.name) == connectors.end()) {
      continue;
    }
    calls += c.stats.attempts;
    jobs += c.stats.jobs_offered;
  }
  set(CompareMetric::calls, static_cast<double>(calls));
  if (jobs > 0) set(CompareMetric::attempts_per_request, static_cast<double>(calls) / jobs);

  f.scored = score.scored;
  for (size_t t = 0; t < score.tiers.size(); ++t) {
    const TierVerdict& tier = score.tiers[t];
    f.tier_held.push_back(tier.held());
    for (size_t i = 0; i < tier.checks.size(); ++i) {
      if (!tier.checks[i].held) f.breaches.push_back({t, tier.tier, i, tier.checks[i]});
    }
  }
  set(CompareMetric::checks_breached, static_cast<double>(f.breaches.size()));
  // Without monitors nothing could fire: the figure is absent, not a measured zero.
  if (!scenario.monitors.empty()) {
    uint64_t false_positives = 0;
    for (const MonitorOutcome& m : score.monitors)
      false_positives += m.false_positives;
    set(CompareMetric::false_positives, static_cast<double>(false_positives));
  }
  return f;
}

std::vector<BreachSummary> summarize_breaches(const Variant& variant) {
  // The key of a breach: a check of one tier on one flow and fault (whatever channel was worst).
  auto same = [](size_t tier_a, const TierCheck& a, size_t tier_b, const TierCheck& b) {
    return tier_a == tier_b &&
           std::tie(a.check, a.flow, a.subject) == std::tie(b.check, b.flow, b.subject);
  };
  struct Merged {
    BreachSummary summary;
    size_t position = 0;  // the first place the score listed it in, over the runs
    size_t last_run = SIZE_MAX;
    std::vector<double> actuals;
  };
  std::vector<Merged> merged;
  for (size_t r = 0; r < variant.runs.size(); ++r) {
    for (const RunBreach& b : variant.runs[r].breaches) {
      auto found = std::find_if(merged.begin(), merged.end(), [&](const Merged& m) {
        return same(m.summary.tier, m.summary.check, b.tier, b.check);
      });
      if (found == merged.end()) {
        Merged m;
        m.summary.tier = b.tier;
        m.summary.tier_name = b.tier_name;
        m.summary.check = b.check;
        m.summary.check.actual.reset();
        m.summary.check.merged.reset();
        m.summary.check.held = false;
        m.summary.check.no_data = false;
        m.summary.check.reason.clear();
        m.summary.runs = variant.runs.size();
        m.position = b.position;
        merged.push_back(std::move(m));
        found = std::prev(merged.end());
      }
      found->position = std::min(found->position, b.position);
      // A run counts once, should a score ever list one check twice.
      if (found->last_run == r) continue;
      found->last_run = r;
      ++found->summary.runs_breached;
      if (!b.check.channel.empty()) {
        auto& channels = found->summary.channels;
        auto c = std::find_if(channels.begin(), channels.end(),
                              [&](const auto& e) { return e.first == b.check.channel; });
        if (c == channels.end()) c = channels.insert(channels.end(), {b.check.channel, 0});
        ++c->second;
      }
      if (b.check.actual) {
        found->actuals.push_back(*b.check.actual);
      } else {
        ++found->summary.runs_without_actual;
      }
    }
  }
  std::sort(merged.begin(), merged.end(), [](const Merged& a, const Merged& b) {
    const TierCheck& x = a.summary.check;
    const TierCheck& y = b.summary.check;
    return std::tie(a.summary.tier, a.position, x.check, x.flow, x.subject) <
           std::tie(b.summary.tier, b.position, y.check, y.flow, y.subject);
  });
  std::vector<BreachSummary> out;
  for (Merged& m : merged) {
    const auto& channels = m.summary.channels;
    const bool one = channels.size() == 1 && channels.front().second == m.summary.runs_breached;
    m.summary.check.channel = one ? channels.front().first : "";
    if (!m.actuals.empty()) {
      m.summary.mean_actual = std::accumulate(m.actuals.begin(), m.actuals.end(), 0.0) /
                              static_cast<double>(m.actuals.size());
    }
    out.push_back(std::move(m.summary));
  }
  return out;
}

std::vector<VariantSummary> summarize(const Comparison& comparison) {
  std::vector<VariantSummary> out(comparison.variants.size());
  std::vector<std::optional<double>> first[kCompareMetricCount];
  for (size_t v = 0; v < comparison.variants.size(); ++v) {
    const Variant& variant = comparison.variants[v];
    VariantSummary& s = out[v];
    s.tier_held_runs.assign(comparison.tiers.size(), 0);
    for (const RunFigures& run : variant.runs) {
      (run.held() ? s.runs_held : s.runs_breached) += 1;
      for (size_t t = 0; t < run.tier_held.size() && t < s.tier_held_runs.size(); ++t)
        s.tier_held_runs[t] += run.tier_held[t] ? 1 : 0;
      s.faults_missed += run.faults_missed;
      s.faults_unrecovered += run.faults_unrecovered;
    }
    s.breaches = summarize_breaches(variant);
    for (size_t m = 0; m < kCompareMetricCount; ++m) {
      std::vector<double> present;
      std::vector<std::optional<double>> by_seed;
      for (const RunFigures& run : variant.runs) {
        by_seed.push_back(run.values[m]);
        if (run.values[m]) present.push_back(*run.values[m]);
      }
      s.figures[m] = mean_interval(present);
      if (v == 0) first[m] = by_seed;
      s.vs_first[m] = paired_difference(first[m], by_seed);
    }
  }
  for (VariantSummary& v : out) {
    for (const Requirement& r : comparison.requirements) {
      const MeanInterval& f = v.figures[idx(r.metric)];
      v.breaks.push_back(!r.met_by(f.n > 0 ? std::optional<double>(f.mean) : std::nullopt));
    }
  }
  // Ranking keys, smaller first.
  auto mean = [&](size_t v, CompareMetric m) { return out[v].figures[idx(m)].mean; };
  auto default_key = [&](size_t v) {
    return std::make_tuple(out[v].runs_breached,
                           mean(v, CompareMetric::lost) + mean(v, CompareMetric::duplicated),
                           mean(v, CompareMetric::oversold), mean(v, CompareMetric::mttr_s),
                           mean(v, CompareMetric::attempts_per_request),
                           std::string_view(comparison.variants[v].name));
  };
  // The ranking options' key: requirements met first, then the objective (absent last).
  auto objective_key = [&](size_t v) {
    const bool absent = comparison.rank_by && out[v].figures[idx(*comparison.rank_by)].n == 0;
    const double value = comparison.rank_by && !absent ? mean(v, *comparison.rank_by) : 0.0;
    return std::make_tuple(!out[v].meets_requirements(), absent, value);
  };
  std::vector<size_t> order(out.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (comparison.ranked_on_objective() && objective_key(a) != objective_key(b)) {
      return objective_key(a) < objective_key(b);
    }
    return default_key(a) < default_key(b);
  });
  for (size_t r = 0; r < order.size(); ++r)
    out[order[r]].rank = r + 1;
  // Is each variant's place behind the best settled by its paired differences, or could the
  // seeds alone have put it there?
  if (!order.empty()) {
    const size_t best = order.front();
    auto seeds_of = [&](size_t v, CompareMetric m) {
      std::vector<std::optional<double>> by_seed;
      for (const RunFigures& run : comparison.variants[v].runs)
        by_seed.push_back(run.values[idx(m)]);
      return by_seed;
    };
    auto loss = [&](size_t v) {
      std::vector<std::optional<double>> by_seed;
      for (const RunFigures& run : comparison.variants[v].runs) {
        const auto& l = run.values[idx(CompareMetric::lost)];
        const auto& d = run.values[idx(CompareMetric::duplicated)];
        by_seed.push_back(l && d ? std::optional<double>(*l + *d) : std::nullopt);
      }
      return by_seed;
    };
    // Beyond chance and large enough to matter: the interval excludes zero and the mean
    // difference is at least 1% of the larger of the two means (a 0.001x gap in attempts per
    // request is real on identical seeds, but settles nothing).
    auto settles = [](const std::vector<std::optional<double>>& a,
                      const std::vector<std::optional<double>>& b) {
      const MeanInterval d = paired_difference(a, b);
      const MeanInterval ma = mean_interval(present(a));
      const MeanInterval mb = mean_interval(present(b));
      const double scale = std::max(std::fabs(ma.mean), std::fabs(mb.mean));
      return d.excludes_zero() && std::fabs(d.mean) >= 0.01 * scale;
    };
    for (size_t v : order) {
      if (v == best) continue;
      bool distinct =
          out[v].runs_breached != out[best].runs_breached || settles(loss(best), loss(v));
      for (CompareMetric m :
           {CompareMetric::oversold, CompareMetric::mttr_s, CompareMetric::attempts_per_request}) {
        distinct |= settles(seeds_of(best, m), seeds_of(v, m));
      }
      if (comparison.ranked_on_objective()) {
        // The requirements and the objective come first: on them alone is the place settled.
        const bool met = out[v].meets_requirements() != out[best].meets_requirements();
        if (const std::optional<CompareMetric> o = comparison.rank_by) {
          distinct = met ||
                     (out[v].figures[idx(*o)].n == 0) != (out[best].figures[idx(*o)].n == 0) ||
                     settles(seeds_of(best, *o), seeds_of(v, *o));
        } else {
          distinct |= met;
        }
      }
      out[v].distinct_from_best = distinct;
    }
  }
  return out;
}

std::string policy_line(const PolicySpec& p) {
  std::string out = fmt::format("timeout {}", human_duration(p.timeout));
  const RetrySpec& r = p.retry;
  if (r.max_attempts <= 1) {
    out += ", no retries";
  } else {
    out += r.backoff == BackoffKind::none
               ? fmt::format(", {} attempts, no backoff", r.max_attempts)
               : fmt::format(", {} attempts, {} backoff", r.max_attempts, to_string(r.backoff));
    if (r.backoff != BackoffKind::none) {
      out += fmt::format(" {}..{}", human_duration(r.base), human_duration(r.cap));
    }
    if (!r.honour_retry_after) out += ", ignores Retry-After";
  }
  if (p.budget) {
    out +=
        p.budget->kind == BudgetSpec::Kind::token_bucket
            ? fmt::format(", retry budget (token bucket {} tokens, refund {})",
                          plain_number(p.budget->max_tokens), plain_number(p.budget->token_ratio))
            : fmt::format(", retry budget ({}% of first attempts)",
                          plain_number(p.budget->ratio * 100));
  } else if (p.retry.max_attempts > 1) {
    out += ", no retry budget";
  }
  if (p.breaker) {
    out += fmt::format(", breaker at {}% over {}", plain_number(p.breaker->failure_rate * 100),
                       human_duration(p.breaker->window));
  }
  if (p.idempotency_keys) out += ", idempotency keys";
  if (p.webhook_dedupe) out += ", webhook dedupe";
  // Only the non-default: a comparison of two policies that differ only here must say so.
  if (!p.retry_request_limited) out += ", gives up on a request-limit 400";
  return out;
}

}  // namespace syncdrill
