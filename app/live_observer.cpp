#include "app/live_observer.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/engine/check.hpp"
#include "reports/format.hpp"
#include "sim/score/tier_checks.hpp"
#include "sim/world/fault_reach.hpp"

namespace syncdrill {

namespace {

// Successes closer together than this (wall) are kept once: recovery needs the first success
// after a fault, not every one, and the list must stay small over a long drill.
constexpr std::chrono::milliseconds kSuccessThinning{10};
constexpr double kHotRetry_ms = 10;

// Nearest rank: the smallest value with at least p of the sample at or below it; T{} when empty.
template <typename T>
T percentile(std::vector<T> v, double p) {
  if (v.empty()) return T{};
  std::sort(v.begin(), v.end());
  const size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

// The flow a fault on `target` hurts, for the SLA tier that judges it.
FlowKind flow_of(const Scenario& s, FaultKind kind, const std::string& target) {
  if (is_webhook_kind(kind) || target.find('/') != std::string::npos) {
    return FlowKind::order_ingest;  // webhooks carry the orders in
  }
  if (const SystemSpec* sys = find_system(s, target)) {
    return sys->kind == SystemKind::oms   ? FlowKind::order_ingest
           : sys->kind == SystemKind::wms ? FlowKind::fulfillment
                                          : FlowKind::stock_sync;
  }
  return FlowKind::stock_sync;  // a channel: its inventory writes
}

// The system whose first success after a fault marks recovery.
std::string recovery_system(const LiveMocks& mocks, FaultKind kind, const std::string& target) {
  if (is_webhook_kind(kind) || target.find('/') != std::string::npos) {
    return mocks.system_name(SystemKind::oms);
  }
  return target;
}

// Whether any target is something the live drill serves: a channel, a system or a webhook
// topic. A fault aimed only at connectors acts on the simulated connector, which is not here.
bool reaches_live_target(const Scenario& s, const std::vector<std::string>& targets) {
  for (const std::string& t : targets) {
    if (t.find('/') != std::string::npos || find_channel(s, t) || find_system(s, t)) return true;
  }
  return false;
}

std::string secs(Duration d) {
  return plain_number(d.seconds(), 1) + " s";
}

// Each ack detects the earliest uncaught fault in force at it; else the latest that began
// before it. Only faults that acted here can be caught. REQUIRES: faults sorted by start.
void match_acks(std::vector<LiveAck>& acks, std::vector<LiveObserver::ScoredFault>& faults) {
  for (LiveAck& a : acks) {
    LiveObserver::ScoredFault* match = nullptr;
    for (LiveObserver::ScoredFault& s : faults) {
      const LiveFaultOutcome& f = s.outcome;
      if (!s.incident || s.incident->detected || f.start > a.at) continue;
      const bool in_force = !f.end || a.at < *f.end;
      const bool match_in_force = match && (!match->outcome.end || a.at < *match->outcome.end);
      if (match == nullptr || (in_force && !match_in_force) ||
          (in_force == match_in_force && !in_force && f.start > match->outcome.start)) {
        match = &s;
      }
    }
    if (match == nullptr) continue;
    FaultIncident& incident = *match->incident;
    // The ack is how a live drill detects: its time is the detection (there is no monitor, and
    // no separate acknowledgement to time).
    incident.detected = a.at;
    incident.mttd = a.at - incident.onset;
    a.fault_id = match->outcome.id;
  }
}

// A scenario fault the live drill did not apply, listed with its scenario window.
LiveFaultOutcome not_applied_outcome(const FaultSpec& spec) {
  LiveFaultOutcome r;
  r.id = spec.id;
  r.kind = std::string(to_string(spec.kind));
  r.targets = spec.targets;
  r.applied = false;
  r.start = SimTime{} + spec.at;
  r.end = r.start + spec.length;
  return r;
}

// The verdict of the scenario's tiers, as a run's (sim/score): each flow is judged by its first
// tier (tier_of) on what a live drill measures of it.
class TierJudge {
 public:
  TierJudge(const Scenario& s, Score& score) : scenario_(s), score_(score) {
    score_.tiers.clear();
    for (const SlaTierSpec& t : s.sla_tiers)
      score_.tiers.push_back(TierVerdict{t.name, {}});
    score_.scored = !s.sla_tiers.empty();
  }
  const SlaTierSpec* tier(FlowKind flow) const { return tier_of(scenario_, flow); }
  // REQUIRES: tier(c.flow) is not nullptr.
  void add(TierCheck c) {
    const SlaTierSpec* t = tier(c.flow);
    SD_CHECK(t != nullptr, "a live check for a flow no tier judges");
    score_.tiers[static_cast<size_t>(t - scenario_.sla_tiers.data())].checks.push_back(
        std::move(c));
  }

 private:
  const Scenario& scenario_;
  Score& score_;
};

// Orders lost against the order-ingest tier's data_loss_max, when it sets one; the drill's own
// check (none allowed) when it does not.
void judge_lost(TierJudge& tiers, const LiveOrders& o, std::vector<TierCheck>& live) {
  const SlaTierSpec* ingest = tiers.tier(FlowKind::order_ingest);
  const bool tiered = ingest != nullptr && ingest->data_loss_max;
  TierCheck c = tier_check(tiered ? "data_loss" : "orders lost", FlowKind::order_ingest,
                           tiered ? static_cast<double>(*ingest->data_loss_max) : 0, "orders");
  c = decided_check(c, static_cast<double>(o.lost), [&] {
    return fmt::format("{} of {} placed orders never reached the OMS, even after the drain",
                       count_text(o.lost), count_text(o.placed));
  });
  if (tiered) {
    tiers.add(std::move(c));
  } else {
    live.push_back(std::move(c));
  }
}

// Stock staleness p95 against the stock-sync tier's freshness_p95: no episode, no data.
void judge_staleness(TierJudge& tiers, const LiveStock& s) {
  const SlaTierSpec* stock = tiers.tier(FlowKind::stock_sync);
  if (stock == nullptr || !stock->freshness_p95) return;
  const Duration limit = *stock->freshness_p95;
  TierCheck c = tier_check("freshness_p95", FlowKind::stock_sync, limit.seconds(), "s");
  if (!s.staleness_p95) {
    tiers.add(no_data_check(c, s.samples == 0
                                   ? std::string("no stock sweep was taken")
                                   : fmt::format("no listing left the ERP's figure in {} sweeps",
                                                 count_text(s.samples))));
    return;
  }
  tiers.add(decided_check(c, s.staleness_p95->seconds(), [&] {
    return fmt::format("the p95 of {} stale-listing episodes was {}, over the {} target",
                       count_text(s.stale_episodes), secs(*s.staleness_p95), secs(limit));
  }));
}

// MTTD, then MTTR, of each fault that acted, against its flow's tier.
void judge_faults(TierJudge& tiers, const LiveResult& r) {
  for (const bool detection : {true, false}) {
    for (const LiveFaultOutcome& f : r.faults) {
      const FaultIncident* incident = r.incident(f.id);
      const SlaTierSpec* tier = tiers.tier(f.flow);
      if (incident == nullptr || tier == nullptr) continue;
      const std::optional<Duration> target = detection ? tier->mttd_max : tier->mttr_max;
      const std::optional<Duration> actual = detection ? incident->mttd : incident->mttr;
      if (!target) continue;
      TierCheck c = tier_check(detection ? "mttd" : "mttr", f.flow, target->seconds(), "s");
      c.subject = f.id;
      if (actual) {
        tiers.add(decided_check(c, actual->seconds(), [&] {
          return fmt::format("fault {} was {} after {}, over the {} target", f.id,
                             detection ? "acknowledged" : "served again", secs(*actual),
                             secs(*target));
        }));
        continue;
      }
      c.held = false;
      c.reason = detection
                     ? fmt::format(
                           "fault {} was never acknowledged: no ack caught it while "
                           "it acted on {} requests or deliveries",
                           f.id, count_text(f.hits))
                     : fmt::format("fault {} never recovered: {}", f.id, incident->recovery_note);
      tiers.add(std::move(c));
    }
  }
}

// The drill's own checks, which no tier sets: orders duplicated (none allowed) and retries
// before Retry-After (none allowed; no data when no answer carried it).
void judge_live(const LiveResult& r, std::vector<TierCheck>& live) {
  const LiveOrders& o = r.orders;
  live.push_back(decided_check(tier_check("orders duplicated", FlowKind::order_ingest, 0, "orders"),
                               static_cast<double>(o.duplicated), [&] {
                                 return fmt::format(
                                     "{} orders were duplicated in the OMS ({} extra copies)",
                                     count_text(o.duplicated), count_text(o.duplicate_copies));
                               }));
  const LiveBehaviour& b = r.behaviour;
  TierCheck c = tier_check("Retry-After honoured", FlowKind::order_ingest, 0, "retries");
  if (b.retry_after_sent == 0) {
    live.push_back(no_data_check(c, "no answer carried Retry-After"));
    return;
  }
  live.push_back(decided_check(c, static_cast<double>(b.retry_after_early), [&] {
    return fmt::format("{} of {} retries early", b.retry_after_early,
                       b.retry_after_early + b.retry_after_honoured);
  }));
}

// The verdict: the tiers' checks (orders lost, stock staleness, each fault that acted against
// its tier's MTTD and MTTR targets), then the drill's own.
void judge(const Scenario& scenario, LiveResult& r) {
  r.live_checks.clear();
  TierJudge tiers(scenario, r.score);
  judge_lost(tiers, r.orders, r.live_checks);
  judge_staleness(tiers, r.stock);
  judge_faults(tiers, r);
  judge_live(r, r.live_checks);
}

}  // namespace

LiveObserver::LiveObserver(const LiveClock& clock, SteadyTime start, Duration sample_step)
    : clock_(clock), start_(start), sample_step_(sample_step) {}

SimTime LiveObserver::scenario_time(SteadyTime t) const {
  return SimTime{} + clock_.to_simulated(t - start_);
}

std::optional<size_t> LiveObserver::interval_of(SimTime at) const {
  if (sample_step_.us <= 0 || at.us < 0) return std::nullopt;
  const auto i = static_cast<uint64_t>(at.us / sample_step_.us);
  if (i >= kSeriesIntervalsMax) return std::nullopt;
  return static_cast<size_t>(i);
}

void LiveObserver::count_answer(std::string_view system, SimTime at, bool failed) {
  const std::optional<size_t> i = interval_of(at);
  if (!i || system == "-") return;  // "-": no route took it, no system answered
  auto it = answers_.find(system);
  if (it == answers_.end()) {
    it = answers_.emplace(std::string(system), LiveAnswers{}).first;
    it->second.system = it->first;
  }
  LiveAnswers& a = it->second;
  if (a.ok.size() <= *i) {
    a.ok.resize(*i + 1, 0);
    a.failed.resize(*i + 1, 0);
  }
  ++(failed ? a.failed : a.ok)[*i];
}

void LiveObserver::on_order(uint32_t channel, const PlaceResult& placed, SimTime at) {
  std::lock_guard lock(mu_);
  if (!placed.accepted) {
    ++sold_out_;
    return;
  }
  orders_.push_back(PlacedOrder{channel, placed.order, at});
}

void LiveObserver::on_request(const RequestRecord& r, uint64_t key) {
  // A hung request failed the moment it arrived, as far as its client can tell.
  const SteadyTime answered = r.received + std::chrono::microseconds(r.latency_us);
  std::lock_guard lock(mu_);
  LiveBehaviour& b = behaviour_;
  ++b.requests;
  if (r.hung) ++b.hung;
  if (r.status == 0) ++b.dropped;
  if (r.status >= 200 && r.status < 300) ++b.answered_2xx;
  if (r.status >= 400 && r.status < 500 && r.status != 429) ++b.answered_4xx;
  if (r.status >= 500) ++b.answered_5xx;
  if (r.status == 429) ++b.answered_429;
  if (r.retry_after_ms > 0) ++b.retry_after_sent;
  if (r.over_concurrency_limit) ++b.over_concurrency_limit;
  if (r.faulted || error_windows_.find(r.system) != error_windows_.end()) {
    ++b.attempts_in_error_windows;
  }

  // A retry: the same request again, after the failed answer and not long after it. (A copy
  // sent before the failure was answered is a concurrent request, not a retry.)
  if (auto it = failed_.find(key); it != failed_.end() && r.received >= it->second.answered) {
    if (r.received - it->second.answered <= kRetryMemory) {
      const double gap_ms =
          std::chrono::duration<double, std::milli>(r.received - it->second.answered).count();
      ++b.gaps_after_error;
      if (gaps_ms_.size() < kGapsMax) gaps_ms_.push_back(gap_ms);
      b.gap_after_error_min_ms = std::min(b.gap_after_error_min_ms.value_or(gap_ms), gap_ms);
      bool waited = false;
      if (it->second.retry_after_ms > 0) {
        // Retry-After is whole seconds (syncdrill routes) or decimal seconds to the millisecond
        // (Shopify), rounded up by the server: a retry a millisecond short of it is still
        // "waited" (the header cannot say more precisely).
        waited = gap_ms + 1.0 >= static_cast<double>(it->second.retry_after_ms);
        ++(waited ? b.retry_after_honoured : b.retry_after_early);
      }
      // Quick but told to: a retry that waited out a Retry-After of a few milliseconds (Shopify's
      // bucket nearly drained) is not hot. (Whole-second Retry-Afters never meet this.)
      if (gap_ms < kHotRetry_ms && !waited) ++b.hot_retries;
    }
    failed_.erase(it);
  }
  // A NetSuite-style 400 over the concurrency limit failed too: the same request may pass later.
  const bool failed =
      r.hung || r.status == 0 || r.status == 429 || r.status >= 500 || r.over_concurrency_limit;
  count_answer(r.system, scenario_time(r.hung ? r.received : answered), failed);
  if (failed) {
    if (failed_.size() >= kRetryKeysMax) failed_.clear();  // bounded: forget, never grow
    failed_[key] = Failed{r.hung ? r.received : answered, r.retry_after_ms};
  } else if (r.status >= 200 && r.status < 300) {
    auto it = successes_.find(r.system);
    if (it == successes_.end())
      it = successes_.emplace(std::string(r.system), std::vector<SimTime>{}).first;
    std::vector<SimTime>& s = it->second;
    const SimTime at = scenario_time(answered);
    if (s.empty() || at - s.back() >= clock_.to_simulated(kSuccessThinning)) s.push_back(at);
  }
}

void LiveObserver::set_error_windows(std::set<std::string, std::less<>> targets) {
  std::lock_guard lock(mu_);
  error_windows_ = std::move(targets);
}

void LiveObserver::sample_stock(const std::vector<int64_t>& gaps, SimTime now) {
  std::lock_guard lock(mu_);
  if (episodes_.size() != gaps.size()) episodes_.assign(gaps.size(), Episode{});
  last_sample_ = now;
  ++stock_samples_;
  int64_t overlisted = 0;
  for (size_t i = 0; i < gaps.size(); ++i) {
    Episode& e = episodes_[i];
    if (gaps[i] > 0) overlisted += gaps[i];
    if (gaps[i] != 0) {
      ++stale_listing_samples_;
      if (!e.open) e = Episode{now, true};
    } else if (e.open) {
      episode_lengths_.push_back(now - e.since);
      e.open = false;
      const std::optional<size_t> interval = interval_of(now);
      if (interval && episode_ends_.size() < kStockEndsMax)
        episode_ends_.push_back(EpisodeEnd{*interval, i, now - e.since});
    }
  }
  last_overlisted_ = overlisted;
}

bool LiveObserver::ack(const std::string& note, SimTime at) {
  std::lock_guard lock(mu_);
  if (acks_.size() >= kAcksMax) return false;
  acks_.push_back(LiveAck{at, note, ""});
  return true;
}

uint64_t LiveObserver::orders_placed() const {
  std::lock_guard lock(mu_);
  return orders_.size();
}

uint64_t LiveObserver::requests() const {
  std::lock_guard lock(mu_);
  return behaviour_.requests;
}

size_t LiveObserver::acks() const {
  std::lock_guard lock(mu_);
  return acks_.size();
}

void LiveObserver::score_orders(LiveMocks& mocks, LiveOrders& o) const {
  o.placed = orders_.size();
  o.sold_out = sold_out_;
  for (const PlacedOrder& p : orders_) {
    const uint32_t copies = mocks.oms_copies(p.channel, p.order);
    if (copies == 1) ++o.created_once;
    if (copies > 1) {
      ++o.duplicated;
      o.duplicate_copies += copies - 1;
    }
    if (copies == 0) ++o.lost;
  }
  o.oms_orders = mocks.oms_order_count();
  for (uint64_t id = 0; id < o.oms_orders; ++id) {
    const auto v = mocks.oms_order(id);
    if (v && v->state == OmsState::cancelled && v->reason == CancelReason::oversell) ++o.oversells;
  }
}

void LiveObserver::score_stock(LiveStock& s) const {
  s.samples = stock_samples_;
  s.listings = episodes_.size();
  std::vector<Duration> lengths = episode_lengths_;
  for (const Episode& e : episodes_) {
    if (e.open) lengths.push_back(last_sample_ - e.since);
  }
  s.stale_episodes = lengths.size();
  // No episode: nothing to take a p95 of (absent, never 0).
  if (!lengths.empty()) {
    s.staleness_p95 = percentile(lengths, 0.95);
    s.staleness_max = *std::max_element(lengths.begin(), lengths.end());
  }
  if (stock_samples_ > 0 && !episodes_.empty()) {
    s.stale_share = static_cast<double>(stale_listing_samples_) /
                    (static_cast<double>(stock_samples_) * static_cast<double>(episodes_.size()));
  }
  s.final_overlisted_units = last_overlisted_;
}

// A fault's window and flow, and, when it was applied and acted, its incident: recovered at the
// first success of its system after the window (detection comes from the acks, match_acks).
std::optional<LiveObserver::ScoredFault> LiveObserver::fault_outcome(const LiveMocks& mocks,
                                                                     const LiveFaultView& f,
                                                                     SimTime end) const {
  const Scenario& scenario = mocks.scenario();
  ScoredFault scored;
  LiveFaultOutcome& r = scored.outcome;
  r.id = f.id;
  r.kind = std::string(to_string(f.kind));
  r.targets = f.targets;
  r.from_scenario = f.from_scenario;
  r.start = SimTime{} + clock_.to_simulated(std::chrono::milliseconds(f.start_ms));
  if (f.end_ms) r.end = SimTime{} + clock_.to_simulated(std::chrono::milliseconds(*f.end_ms));
  // A window that had not begun when the drill ended never happened.
  if (r.start > end) return std::nullopt;
  if (r.end && *r.end > end) r.end.reset();
  r.hits = f.hits;
  r.exercised = f.hits > 0;
  r.applied = reaches_live_target(scenario, f.targets);
  const std::string first_target = f.targets.empty() ? "" : f.targets.front();
  r.flow = flow_of(scenario, f.kind, first_target);
  if (const SlaTierSpec* tier = tier_of(scenario, r.flow)) r.tier = tier->name;
  if (!r.judged()) return scored;
  FaultIncident& incident = scored.incident.emplace();
  incident.fault_id = r.id;
  incident.onset = r.start;
  incident.ended = r.end.value_or(end);
  const std::string system =
      first_target.empty() ? "" : recovery_system(mocks, f.kind, first_target);
  if (!r.end) {
    incident.recovery_note = "the fault was still in force when the drill ended";
  } else if (const auto it = successes_.find(system); it != successes_.end()) {
    const auto first = std::lower_bound(it->second.begin(), it->second.end(), *r.end);
    if (first != it->second.end()) {
      // The live drill sees service come back, not the backlog cleared: restored is recovered.
      incident.restored = incident.repaired = incident.recovered = *first;
      incident.mttr = *first - r.start;
    }
  }
  if (r.end && !incident.recovered) {
    incident.recovery_note =
        fmt::format("{} answered no request with a 2xx after the fault ended", system);
  }
  return scored;
}

LiveSeries LiveObserver::series(const Scenario& scenario) const {
  LiveSeries out;
  out.step = sample_step_;
  for (const auto& [name, a] : answers_)
    out.answers.push_back(a);
  // Listings are channel-major (LiveMocks::listing_gaps): listing / SKUs is the channel.
  const size_t channels = scenario.channels.size();
  const size_t skus = channels == 0 ? 0 : episodes_.size() / channels;
  if (skus == 0) return out;
  std::map<std::pair<size_t, size_t>, std::vector<Duration>> ended;  // (channel, interval)
  for (const EpisodeEnd& e : episode_ends_)
    ended[{e.listing / skus, e.interval}].push_back(e.length);
  for (size_t c = 0; c < channels; ++c) {
    LiveStockDelay d;
    d.channel = scenario.channels[c].name;
    for (auto it = ended.lower_bound({c, 0}); it != ended.end() && it->first.first == c; ++it) {
      d.p95.resize(it->first.second + 1);
      d.p95[it->first.second] = percentile(it->second, 0.95);
    }
    if (!d.p95.empty()) out.stock_delay.push_back(std::move(d));
  }
  return out;
}

void LiveObserver::score(LiveMocks& mocks, const std::vector<LiveFaultView>& faults,
                         const std::vector<std::string>& not_applied, SimTime end,
                         LiveResult& out) const {
  std::lock_guard lock(mu_);
  const Scenario& scenario = mocks.scenario();
  score_orders(mocks, out.orders);
  score_stock(out.stock);
  out.behaviour = behaviour_;
  if (!gaps_ms_.empty()) out.behaviour.gap_after_error_p50_ms = percentile(gaps_ms_, 0.5);

  // Faults: detection from acks, recovery from the first success after the window.
  std::vector<ScoredFault> scored;
  for (const LiveFaultView& f : faults) {
    if (auto r = fault_outcome(mocks, f, end)) scored.push_back(std::move(*r));
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.outcome.start < b.outcome.start; });
  out.acks = acks_;
  match_acks(out.acks, scored);
  out.faults.clear();
  out.score = Score{};
  for (ScoredFault& f : scored) {
    out.faults.push_back(std::move(f.outcome));
    if (f.incident) out.score.incidents.push_back(std::move(*f.incident));
  }
  for (const std::string& id : not_applied) {
    for (const FaultSpec& spec : scenario.faults) {
      if (spec.id == id) out.faults.push_back(not_applied_outcome(spec));
    }
  }
  judge(scenario, out);
  out.series = series(scenario);
}

}  // namespace syncdrill
