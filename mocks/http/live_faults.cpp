#include "mocks/http/live_faults.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "core/engine/check.hpp"
#include "core/engine/distribution.hpp"
#include "core/scenario/fault_kinds.hpp"
#include "core/scenario/fault_rules.hpp"
#include "mocks/rate_limiter.hpp"
#include "mocks/request_fault.hpp"

namespace syncdrill {
namespace {

// The table keeps its entries in the fault-kind table's live order: the request kinds as the
// simulation's FaultGate admits them, then the webhook kinds as the simulation asks them
// (world_orders.cpp: delay, drop, duplicate). -1: not a live kind.
int rank(FaultKind k) {
  return scenario::live_table_rank(k);
}

bool is_webhook_kind(FaultKind k) {
  return scenario::family_of(k) == scenario::FaultFamily::webhook;
}

// A scenario duration in wall microseconds; at least 1 so a scaled phase never vanishes.
int64_t scale_down_us(Duration d, double time_scale) {
  if (d.us <= 0) return 0;
  return std::max<int64_t>(1, std::llround(static_cast<double>(d.us) / time_scale));
}

bool matches_webhook(const std::string& target, const WebhookAttempt& a) {
  if (target == a.channel) return true;
  return target.size() == a.channel.size() + 1 + a.topic.size() &&
         target.compare(0, a.channel.size(), a.channel) == 0 && target[a.channel.size()] == '/' &&
         target.compare(a.channel.size() + 1, std::string::npos, a.topic) == 0;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

}  // namespace

struct LiveFaults::Entry {
  std::string id;
  FaultKind kind = FaultKind::latency;
  std::vector<std::string> targets;
  double intensity = 1;
  bool from_scenario = false;
  int64_t start_us = 0;
  std::optional<int64_t> end_us;  // exclusive; none = open-ended
  int64_t flap_on_us = 0;         // 0 = no flapping
  int64_t flap_off_us = 0;
  LiveFaultParams params;
  std::optional<Distribution> sampled;  // scenario latency or webhook delay distribution
  std::optional<RateLimiter> limiter;   // rate_limit with a bucket
  double limiter_scale = 1;             // bucket time per wall time
  bool removed = false;
  uint64_t hits = 0;
};

LiveFaults::LiveFaults(Options options, FaultClock clock)
    : options_(options), clock_(std::move(clock)), rng_(options.seed, "faults/live") {
  SD_CHECK(options_.time_scale > 0, "the time scale must be positive");
  SD_CHECK(static_cast<bool>(clock_), "LiveFaults needs a clock");
  start_us_ = clock_();
}

LiveFaults::~LiveFaults() = default;

bool LiveFaults::acts_on(FaultKind kind) {
  return scenario::acts_in_live_table(kind);
}

void LiveFaults::insert(Entry entry) {
  const int r = rank(entry.kind);
  SD_CHECK(r >= 0, "the live fault table holds only the kinds it acts on");
  SD_CHECK(!entry.end_us || *entry.end_us >= entry.start_us, "an entry ends after it starts");
  SD_CHECK((entry.flap_on_us == 0) == (entry.flap_off_us == 0) && entry.flap_on_us >= 0 &&
               entry.flap_off_us >= 0,
           "a flapping entry has both phases");
  SD_CHECK(!entry.limiter || entry.kind == FaultKind::rate_limit,
           "only a rate_limit entry has a bucket");
  SD_CHECK(entries_.size() < options_.entries_max, "the table is full");
  const auto at = std::upper_bound(entries_.begin(), entries_.end(), r,
                                   [](int x, const Entry& e) { return x < rank(e.kind); });
  entries_.insert(at, std::move(entry));
}

std::vector<std::string> LiveFaults::load_scenario(const std::vector<FaultSpec>& faults,
                                                   int64_t start_us) {
  std::lock_guard lock(mu_);
  start_us_ = start_us;
  std::vector<std::string> skipped;
  const double scale = options_.time_scale;
  for (const FaultSpec& f : faults) {
    if (!acts_on(f.kind) || entries_.size() >= options_.entries_max) {
      skipped.push_back(f.id);
      continue;
    }
    Entry e;
    e.id = f.id;
    e.kind = f.kind;
    e.targets = f.targets;
    e.intensity = f.intensity;
    e.from_scenario = true;
    e.start_us = start_us + scale_down_us(f.at, scale);
    e.end_us = e.start_us + scale_down_us(f.length, scale);
    if (f.flap) {
      e.flap_on_us = scale_down_us(f.flap->on, scale);
      e.flap_off_us = scale_down_us(f.flap->off, scale);
    }
    if (const auto* timeout = f.settings_if<TimeoutSettings>()) {
      e.params.processed = timeout->processed;
    }
    if (const auto* drop = f.settings_if<WebhookDropSettings>()) e.params.per = drop->per;
    if (const auto* latency = f.settings_if<LatencySettings>()) e.sampled = latency->latency;
    if (const auto* delay = f.settings_if<WebhookDelaySettings>()) e.sampled = delay->delay;
    if (const auto* bucket = f.settings_if<RateLimitSettings>()) {
      e.params.rate_limit = bucket->bucket;
      e.limiter.emplace(bucket->bucket);
      e.limiter_scale = scale;
    }
    insert(std::move(e));
  }
  return skipped;
}

std::optional<LiveFaultError> LiveFaults::validate(const LiveFaultSpec& s) const {
  if (!acts_on(s.kind)) {
    return LiveFaultError{
        "kind", std::string("kind '") + std::string(to_string(s.kind)) + "' cannot be added live"};
  }
  if (!s.id.empty() && !valid_id(s.id)) {
    return LiveFaultError{"id", "id must be 1-64 characters of [A-Za-z0-9._-]"};
  }
  for (const Entry& e : entries_) {
    if (e.id == s.id) return LiveFaultError{"id", "a fault with id '" + s.id + "' exists"};
  }
  if (entries_.size() >= options_.entries_max) {
    return LiveFaultError{
        "id", "the fault table is full (" + std::to_string(options_.entries_max) + " entries)"};
  }
  if (s.targets.empty() || std::any_of(s.targets.begin(), s.targets.end(),
                                       [](const std::string& t) { return t.empty(); })) {
    return LiveFaultError{"target", "at least one non-empty target is required"};
  }
  // The ranges are core/scenario/fault_rules.hpp's, shared with the scenario loader and the
  // control API (which names the JSON key); they bound ad-hoc values so a typo cannot hold a
  // request for years, overflow a clock or trip the rate limiter's checks.
  using namespace scenario;
  if (!valid_intensity(s.intensity)) {
    return LiveFaultError{"intensity", "intensity must be within [0, 1]"};
  }
  if (s.duration_ms && (*s.duration_ms <= 0 || *s.duration_ms > kFaultLengthMax.us / 1000)) {
    return LiveFaultError{"for", "must be positive and at most a year"};
  }
  const LiveFaultParams& p = s.params;
  if (s.kind == FaultKind::latency && p.latency_ms <= 0) {
    return LiveFaultError{"latency_ms", "a latency fault needs latency_ms > 0"};
  }
  if (p.status != 0 && (p.status < kFaultStatusMin || p.status > kFaultStatusMax)) {
    return LiveFaultError{"status", "status must be a 4xx or 5xx code"};
  }
  if (p.retry_after_s < 0 || p.retry_after_s > kRetryAfterMaxS) {
    return LiveFaultError{"retry_after_s", "must be within [0, 1 day]"};
  }
  if (p.latency_ms < 0 || p.latency_ms > kFaultDelayMaxMs) {
    return LiveFaultError{"latency_ms", "must be within [0, 1 day]"};
  }
  if (p.hang_ms < 0 || p.hang_ms > kFaultDelayMaxMs) {
    return LiveFaultError{"hang_ms", "must be within [0, 1 day]"};
  }
  if (p.delay_ms > kFaultDelayMaxMs) return LiveFaultError{"delay_ms", "must be at most a day"};
  if (p.delay_ms < 0 || (s.kind == FaultKind::webhook_delay && p.delay_ms == 0)) {
    return LiveFaultError{"delay_ms", "a webhook delay needs delay_ms > 0"};
  }
  if (p.rate_limit && !valid_rate(p.rate_limit->rate_per_s)) {
    return LiveFaultError{"rate_per_s", "must be a rate above 0 (requests per second)"};
  }
  if (p.rate_limit && !valid_bucket_size(p.rate_limit->burst)) {
    return LiveFaultError{
        "burst", fmt::format("must be a number from {} to {}", kBucketSizeMin, kBucketSizeMax)};
  }
  return std::nullopt;
}

LiveFaultAdded LiveFaults::add(LiveFaultSpec spec) {
  std::lock_guard lock(mu_);
  if (spec.id.empty()) {
    // Skip numbers a caller already used by hand.
    do {
      spec.id = "adhoc-" + std::to_string(next_adhoc_++);
    } while (std::any_of(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.id == spec.id; }));
  }
  if (auto error = validate(spec)) return {{}, std::move(error)};
  Entry e;
  e.id = spec.id;
  e.kind = spec.kind;
  e.targets = std::move(spec.targets);
  e.intensity = spec.intensity;
  e.start_us = clock_();
  if (spec.duration_ms) e.end_us = e.start_us + *spec.duration_ms * 1000;
  e.params = spec.params;
  if (e.params.rate_limit) e.limiter.emplace(*e.params.rate_limit);  // per wall second
  insert(std::move(e));
  return {spec.id, std::nullopt};
}

bool LiveFaults::remove(std::string_view id) {
  std::lock_guard lock(mu_);
  const int64_t now = clock_();
  for (Entry& e : entries_) {
    if (e.id != id || e.removed) continue;
    e.removed = true;
    if (!e.end_us || *e.end_us > now) e.end_us = std::max(now, e.start_us);
    return true;
  }
  return false;
}

size_t LiveFaults::reset() {
  std::lock_guard lock(mu_);
  const int64_t now = clock_();
  size_t n = 0;
  for (Entry& e : entries_) {
    if (e.removed) continue;
    e.removed = true;
    if (!e.end_us || *e.end_us > now) e.end_us = std::max(now, e.start_us);
    ++n;
  }
  return n;
}

bool LiveFaults::in_force(const Entry& e, int64_t now_us) const {
  if (e.removed || now_us < e.start_us || (e.end_us && now_us >= *e.end_us)) return false;
  if (e.flap_on_us == 0) return true;
  return (now_us - e.start_us) % (e.flap_on_us + e.flap_off_us) < e.flap_on_us;
}

bool LiveFaults::draw(double intensity) {
  // Like FaultGate: a draw only for a fault in force, so the stream moves only under faults.
  return fault_takes(intensity, rng_);
}

LiveFaultView LiveFaults::view(const Entry& e, int64_t now_us) const {
  LiveFaultView v;
  v.id = e.id;
  v.kind = e.kind;
  v.targets = e.targets;
  v.intensity = e.intensity;
  v.from_scenario = e.from_scenario;
  v.start_ms = (e.start_us - start_us_) / 1000;
  if (e.end_us) v.end_ms = (*e.end_us - start_us_) / 1000;
  if (e.flap_on_us > 0) {
    v.flap_on_ms = e.flap_on_us / 1000;
    v.flap_off_ms = e.flap_off_us / 1000;
  }
  v.active = in_force(e, now_us);
  v.removed = e.removed;
  v.hits = e.hits;
  v.params = e.params;
  return v;
}

std::vector<LiveFaultView> LiveFaults::list() const {
  std::lock_guard lock(mu_);
  const int64_t now = clock_();
  std::vector<LiveFaultView> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_)
    out.push_back(view(e, now));
  return out;
}

bool LiveFaults::respond(Entry& e, int64_t now_us, HttpFaultDecision& d) {
  SD_CHECK(now_us >= e.start_us, "an entry acts only once it started");
  // The bucket's time: wall time since the entry started, scaled to the bucket's.
  const double bucket_us = static_cast<double>(now_us - e.start_us) * e.limiter_scale;
  RateLimiter* limiter = e.limiter ? &*e.limiter : nullptr;
  const RequestFaultDecision decision =
      decide_request_fault({e.kind, e.intensity, limiter}, SimTime{std::llround(bucket_us)}, rng_);
  if (!decision.took()) return false;
  ++e.hits;
  const LiveFaultParams& p = e.params;
  d.fault_id = e.id;
  if (decision.act == RequestFaultAct::silence) {
    d.action = HttpFaultDecision::Action::hang;
    d.hang_ms = p.hang_ms > 0 ? p.hang_ms : options_.hang_ms;
    d.processed = p.processed;
    return true;
  }
  int64_t retry_after_s = p.retry_after_s;
  int64_t retry_after_ms = 1000 * p.retry_after_s;
  if (decision.act == RequestFaultAct::limit && retry_after_s == 0) {
    // Retry-After in whole wall seconds, rounded up (never down: the client would be early); at
    // least 1 s, also without a bucket.
    const double wait_s = static_cast<double>(decision.retry_after.us) / e.limiter_scale / 1e6;
    retry_after_s = std::max<int64_t>(1, std::llround(std::ceil(wait_s)));
    // The same wait to the millisecond, for decimal Retry-After (Shopify); a fault without a
    // bucket (no wait) keeps one second.
    const double wait_us = static_cast<double>(decision.retry_after.us) / e.limiter_scale;
    const int64_t wait_ms = std::llround(std::ceil(wait_us / 1000.0));
    retry_after_ms = wait_ms > 0 ? wait_ms : 1000 * retry_after_s;
  }
  SD_CHECK(scenario::fault_kind_row(e.kind).live_status != 0, "an answering kind has a status");
  d.action = HttpFaultDecision::Action::respond;
  d.status = p.status != 0 ? p.status : scenario::fault_kind_row(e.kind).live_status;
  d.retry_after_s = retry_after_s;
  d.retry_after_ms = retry_after_ms;
  return true;
}

int64_t LiveFaults::latency_ms(Entry& e) {
  if (!e.sampled) return e.params.latency_ms;
  return std::llround(static_cast<double>(e.sampled->sample_duration(rng_).us) / 1000.0);
}

int64_t LiveFaults::webhook_delay_ms(const Entry& e) {
  if (!e.sampled) return e.params.delay_ms;
  const auto us = static_cast<double>(e.sampled->sample_duration(rng_).us);
  return std::llround(us / options_.time_scale / 1000.0);
}

HttpFaultDecision LiveFaults::for_request(std::string_view target) {
  std::lock_guard lock(mu_);
  const int64_t now = clock_();
  HttpFaultDecision d;
  const auto aims_at = [&](const Entry& e) {
    return std::find(e.targets.begin(), e.targets.end(), target) != e.targets.end();
  };
  for (Entry& e : entries_) {
    if (is_webhook_kind(e.kind) || e.kind == FaultKind::latency) continue;
    if (!aims_at(e) || !in_force(e, now)) continue;
    if (respond(e, now, d)) return d;
  }
  // Latency delays only an answer the server gives; several latency faults add up.
  for (Entry& e : entries_) {
    if (e.kind != FaultKind::latency || !aims_at(e) || !in_force(e, now)) continue;
    if (!draw(e.intensity)) continue;
    ++e.hits;
    d.delay_ms += latency_ms(e);
  }
  return d;
}

WebhookFaultDecision LiveFaults::for_webhook(const WebhookAttempt& a) {
  std::lock_guard lock(mu_);
  const int64_t now = clock_();
  using Action = WebhookFaultDecision::Action;
  for (Entry& e : entries_) {  // by rank: delay, then drop, then duplicate
    if (!is_webhook_kind(e.kind) || !in_force(e, now)) continue;
    if (e.kind == FaultKind::webhook_delay && a.delayed) continue;
    if (e.kind == FaultKind::webhook_duplicate && a.copy) continue;
    if (std::none_of(e.targets.begin(), e.targets.end(),
                     [&](const std::string& t) { return matches_webhook(t, a); })) {
      continue;
    }
    if (!draw(e.intensity)) continue;
    ++e.hits;
    WebhookFaultDecision d;
    d.fault_id = e.id;
    if (e.kind == FaultKind::webhook_drop) {
      d.action = e.params.per == DropScope::event ? Action::drop_event : Action::drop_attempt;
    } else {
      d.action = e.kind == FaultKind::webhook_delay ? Action::delay : Action::duplicate;
      d.delay_ms = webhook_delay_ms(e);
    }
    return d;
  }
  return {};
}

}  // namespace syncdrill
