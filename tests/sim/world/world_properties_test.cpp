// Properties of the world over many small randomized scenarios that stress the edges: tiny
// connector and endpoint queues, one to three workers, slow systems behind short timeouts, every
// backoff kind, budgets, breakers, rate limits, concurrency limits, webhooks off or with few
// retries, backup polls, interval stock sync, compare-and-set, thin stock, returns, fulfillment
// with and without a (sometimes incomplete) mapping table, reconciliation with small repair
// rates and ERP batch import. Whatever the settings, the ground truth must add up, stock must be
// conserved, the run must reach its end, every job and request must be accounted for, and the
// same scenario and seed must give the same outcome.
//
// The scenarios are drawn from a fixed-seed stream and written as YAML, so the loader checks that
// each one is valid input: a failure here is the world's bug, not the generator's. (Raise
// kScenarios to hunt: 1,000 scenarios take about 8 s in Release.)
//
// After the properties, one scenario per bug the review found (each failed before its fix), and
// a liveness check: with room everywhere nothing is lost, duplicated or stuck.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/engine/random.hpp"
#include "core/scenario/loader.hpp"
#include "sim/world/world.hpp"
#include "tests/lookups.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::connector;
using testing::from_text;

constexpr uint32_t kScenarios = 60;

// What the generator chose, for the properties that depend on it.
struct Drawn {
  std::string yaml;
  bool ingest_keyed = false;  // every ingest connector's policy uses idempotency keys
  bool reconciliation = false;
};

class Gen {
 public:
  explicit Gen(uint32_t index) : rng_(20261127, fmt::format("world-properties/{}", index)) {}

  uint32_t between(uint32_t lo, uint32_t hi) {
    return lo + static_cast<uint32_t>(rng_.below(uint64_t{hi} - lo + 1));
  }
  bool chance(double p) { return rng_.uniform01() < p; }
  template <typename T, size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[rng_.below(N)];
  }

  std::string endpoint(uint32_t p50_max_ms) {
    const uint32_t p50 = between(2, p50_max_ms);
    const uint32_t p95 = p50 * between(2, 10);
    std::string out =
        fmt::format("{{workers: {}, queue_max: {}, service_time: \"lognormal(p50={}ms, p95={}ms)\"",
                    between(1, 4), chance(0.6) ? between(0, 5) : 1000, p50, p95);
    if (chance(0.25)) {
      if (chance(0.5)) {
        out += fmt::format(", rate_limit: {{kind: token_bucket, rate: {}/s, burst: {}}}",
                           between(1, 20), between(1, 10));
      } else {
        out += fmt::format(", rate_limit: {{kind: leaky_bucket, rate: {}/s, capacity: {}}}",
                           between(1, 20), between(1, 10));
      }
    }
    return out + "}";
  }

  std::string policy(const std::string& name, bool keyed) {
    static constexpr std::array<const char*, 6> kBackoffs{
        "none", "constant", "exponential", "full_jitter", "equal_jitter", "decorrelated_jitter"};
    const uint32_t base = between(5, 500);
    std::string out = fmt::format(
        "  - {{name: {}, timeout: {}ms, idempotency_keys: {}, webhook_dedupe: {},\n"
        "     retry: {{max_attempts: {}, backoff: {}, base: {}ms, cap: {}ms, "
        "honour_retry_after: {}}}",
        name, pick(std::array<uint32_t, 6>{50, 100, 250, 500, 1000, 3000}),
        keyed ? "true" : "false", chance(0.5) ? "true" : "false", between(1, 6), pick(kBackoffs),
        base, base * between(1, 40), chance(0.7) ? "true" : "false");
    if (chance(0.3)) {
      if (chance(0.5)) {
        out +=
            fmt::format(",\n     budget: {{kind: token_bucket, max_tokens: {}, token_ratio: 0.{}}}",
                        between(1, 20), between(1, 9));
      } else {
        out += fmt::format(",\n     budget: {{kind: ratio, ratio: {}%}}", between(0, 50));
      }
    }
    if (chance(0.3)) {
      out += fmt::format(
          ",\n     breaker: {{failure_rate: {}%, window: {}s, minimum_calls: {}, open_wait: {}s, "
          "half_open_calls: {}}}",
          between(10, 90), between(1, 30), between(1, 10), between(1, 20), between(1, 3));
    }
    return out + "}\n";
  }

  Drawn scenario() {
    Drawn d;
    const uint32_t channels = between(1, 2);
    const bool thin = chance(0.6);
    // A quarter of the runs last 2-3 hours at low rates, so orders ship and come back.
    const bool long_run = chance(0.25);
    const uint32_t skus = chance(0.1) ? 1 : between(3, 100);
    std::string y = fmt::format(
        "name: property\nduration: {}m\ncatalog: {{skus: {}, stock_per_sku: {}}}\nchannels:\n",
        long_run ? between(120, 180) : between(30, 60), skus, thin ? between(0, 20) : 1000);
    std::vector<std::string> kinds;
    for (uint32_t c = 0; c < channels; ++c) {
      const bool amazon = chance(0.5);
      kinds.push_back(amazon ? "amazon_like" : "shopify_like");
      y += fmt::format(
          "  - name: ch{}\n    kind: {}\n    endpoint: {}\n    safety_buffer: {}\n"
          "    inventory_cas: {}\n    webhooks: {{enabled: {}, retries: {}, backoff: {}, base: "
          "{}s, cap: {}s}}\n",
          c, kinds.back(), endpoint(300), between(0, 2), chance(0.4) ? "true" : "false",
          chance(0.8) ? "true" : "false", between(0, 3),
          pick(std::array<const char*, 3>{"constant", "exponential", "full_jitter"}),
          between(1, 20), between(20, 120));
    }
    const bool oms = chance(0.92);
    const bool erp = chance(0.9);
    const bool wms = chance(0.6);
    y += "systems:\n";
    if (oms) {
      y += fmt::format("  - name: oms\n    kind: oms\n    endpoint: {}\n", endpoint(400));
      if (chance(0.3)) y += fmt::format("    concurrency_limit: {}\n", between(1, 4));
    }
    if (erp) {
      y += fmt::format("  - name: erp\n    kind: erp\n    endpoint: {}\n", endpoint(400));
      if (chance(0.3)) y += fmt::format("    concurrency_limit: {}\n", between(1, 4));
      if (chance(0.3)) y += fmt::format("    batch_import: {{interval: {}m}}\n", between(1, 10));
      if (chance(0.6)) {
        y += fmt::format("    restocks: {{interval: {}m, units: {}, sku_fraction: {}%}}\n",
                         between(2, 20), between(1, 10), between(10, 100));
      }
      if (chance(0.4)) {
        y += fmt::format(
            "    price_changes: {{interval: {}m, sku_fraction: {}%, change_max: {}%}}\n",
            between(2, 20), between(10, 100), between(1, 30));
      }
    }
    if (wms) y += fmt::format("  - name: wms\n    kind: wms\n    endpoint: {}\n", endpoint(300));
    if (!oms && !erp && !wms) y += "  - {name: oms2, kind: oms}\n";

    y += "traffic:\n";
    for (uint32_t c = 0; c < channels; ++c) {
      const uint32_t lo = chance(0.1) ? between(50, 80) : between(1, 3);   // 64+ lines too
      const uint32_t p50 = long_run ? between(60, 100) : between(20, 40);  // minutes
      y += fmt::format(
          "  - {{channel: ch{}, rate: {}/min, basket_lines: {{min: {}, max: {}}}, sku_skew: {}.{},"
          " returns: {{fraction: {}%, delay: \"lognormal(p50={}m, p95={}m)\"}}}}\n",
          c, long_run ? between(2, 20) : between(5, 150), lo, lo + between(0, 2), between(0, 1),
          between(0, 9), chance(0.6) ? between(10, 100) : 0, p50, p50 + between(1, 60));
    }

    // Idempotency keys on every policy a third of the time, so property (e) gets its cases.
    d.ingest_keyed = chance(0.35);
    y += "policies:\n";
    for (int p = 0; p < 3; ++p)
      y += policy(fmt::format("p{}", p), d.ingest_keyed || chance(0.5));

    const std::string head = std::move(y);
    y.clear();
    const auto small_queue = [&] {
      const uint32_t q = chance(0.75) ? between(1, 5) : 1000;
      return fmt::format("workers: {}, queue_max: {}, dead_letter_max: {}", between(1, 3), q,
                         between(0, q < 5 ? q : 5));
    };
    const auto policy_name = [&] { return fmt::format("p{}", between(0, 2)); };
    for (uint32_t c = 0; c < channels; ++c) {
      if (oms && chance(0.9)) {
        y += fmt::format(
            "  - {{name: ingest{}, flow: order_ingest, from: ch{}, to: oms, policy: {},"
            " {}{}}}\n",
            c, c, policy_name(), small_queue(),
            chance(0.4) ? fmt::format(", poll_interval: {}s", between(10, 300)) : "");
      }
      if (erp && chance(0.7)) {
        y += fmt::format(
            "  - {{name: stock{}, flow: stock_sync, from: erp, to: ch{}, policy: {},"
            " {}, batch_max: {}{}}}\n",
            c, c, policy_name(), small_queue(), chance(0.5) ? 1 : between(2, 5),
            chance(0.5) ? fmt::format(", poll_interval: {}s", between(5, 300)) : "");
      }
      if (erp && chance(0.5)) {
        y += fmt::format(
            "  - {{name: price{}, flow: price_sync, from: erp, to: ch{}, policy: {},"
            " {}, batch_max: {}}}\n",
            c, c, policy_name(), small_queue(), between(1, 3));
      }
      if (oms && chance(0.6)) {
        y += fmt::format(
            "  - {{name: returns{}, flow: returns, from: ch{}, to: oms, policy: {},"
            " {}}}\n",
            c, c, policy_name(), small_queue());
      }
    }
    if (oms && wms && chance(0.8)) {
      std::string mapping;
      switch (between(0, 3)) {
        case 0:
          break;  // no table: canonical names
        case 1:
          mapping = fmt::format(", mapping: {{SHIPPED: {}, CANCELLED: {}}}",
                                kinds[0] == "amazon_like" ? "Shipped" : "CLOSED",
                                kinds[0] == "amazon_like" ? "Canceled" : "CANCELLED");
          break;
        case 2:
          mapping = ", mapping: {DELIVERED: Shipped, CANCELLED: Canceled}";  // misses SHIPPED
          break;
        default:
          mapping = ", mapping: {SHIPPED: NOT_A_STATUS}";
          break;
      }
      y += fmt::format(
          "  - {{name: fulfil, flow: fulfillment, from: oms, to: wms, policy: {}, {}{}}}\n",
          policy_name(), small_queue(), mapping);
    }
    if (oms && erp && chance(0.4)) {
      d.reconciliation = true;
      y += fmt::format(
          "  - {{name: recon, flow: reconciliation, from: erp, to: oms, policy: {},"
          " {}, interval: {}m, repair_rate: {}/min}}\n",
          policy_name(), small_queue(), between(2, 20), between(1, 120));
    }
    y = head + (y.empty() ? "connectors: []\n" : "connectors:\n" + y);
    d.yaml = std::move(y);
    return d;
  }

 private:
  RandomStream rng_;
};

// Every counter of an outcome, as text: equal texts, equal outcomes.
std::string fingerprint(const WorldResult& r) {
  std::string out = fmt::format(
      "status {} events {} sim {}us unmapped {} notcons {} restocked {}"
      " prices {}\n",
      static_cast<int>(r.status), r.events_processed, r.simulated.us, r.unmapped_states,
      r.skus_not_conserved, r.units_restocked, r.price_changes);
  for (const ChannelOutcome& c : r.channels) {
    out += fmt::format(
        "{} placed {} soldout {} once {} dup {} lost {} oversold {} inflight {} dupoms {} pm {} "
        "pmm {} retreq {} retsync {} whfail {} whlost {} polled {} ingest {} {} stock {} {} "
        "price {} {} status {} {}\n",
        c.channel, c.orders_placed, c.orders_sold_out, c.in_oms_once, c.duplicated, c.lost,
        c.oversold, c.in_flight, c.duplicate_oms_orders, c.price_mismatches, c.price_mismatch_minor,
        c.returns_requested, c.returns_synced, c.webhook_deliveries_failed, c.webhook_events_lost,
        c.orders_polled, c.ingest_delay_us.count(), c.ingest_delay_us.max(),
        c.stock_sync_delay_us.count(), c.stock_sync_delay_us.max(), c.price_sync_delay_us.count(),
        c.price_sync_delay_us.max(), c.status_sync_delay_us.count(), c.status_sync_delay_us.max());
  }
  for (const ConnectorOutcome& c : r.connectors) {
    const ConnectorStats& s = c.stats;
    out += fmt::format(
        "{} offered {} ok {} dl {} drop {} dlo {} att {} ret {} denied {} brk {} late {} qmax {} "
        "qend {} busy {} dlsize {} lat {} {} errors",
        c.name, s.jobs_offered, s.jobs_succeeded, s.jobs_dead_lettered, s.jobs_dropped_queue_full,
        s.dead_letter_overflow, s.attempts, s.retries, s.retries_denied_by_budget,
        s.breaker_rejections, s.late_responses, s.queue_depth_max, c.queue_length_at_end,
        c.busy_workers_at_end, c.dead_letter_size, s.job_latency_us.count(),
        s.job_latency_us.max());
    for (uint64_t e : s.errors)
      out += fmt::format(" {}", e);
    out += fmt::format(" series {} {} {}\n", fmt::join(c.queue_depth_series, ","),
                       fmt::join(c.succeeded_series, ","), fmt::join(c.dead_lettered_series, ","));
  }
  for (const PortOutcome& p : r.ports) {
    const EndpointStats& e = p.endpoint;
    out += fmt::format("{} arr {} acc {} rej {} done {} end {} qmax {} rl {} ocl {}\n", p.name,
                       e.arrivals, e.accepted, e.rejected_queue_full, e.completed,
                       p.in_system_at_end, e.queue_depth_max, p.admission.rate_limited,
                       p.admission.over_concurrency_limit);
  }
  for (const ReconciliationRun& run : r.reconciliation) {
    out += fmt::format("recon {} {} {} {} {} {}\n", run.at.us, run.missing_in_oms,
                       run.duplicated_in_oms, run.revenue_mismatched, run.returns_out_of_sync,
                       run.repairs_started);
  }
  return out;
}

struct Case {
  Drawn drawn;
  Scenario scenario;
  WorldResult result;
};

// The scenarios and one run of each, shared by the properties (computed once per process).
const std::vector<Case>& cases() {
  static const std::vector<Case> all = [] {
    std::vector<Case> out;
    for (uint32_t i = 0; i < kScenarios; ++i) {
      Gen gen(i);
      Drawn d = gen.scenario();
      LoadResult loaded = load_scenario_text(d.yaml, fmt::format("property-{}.yaml", i));
      if (!loaded.ok()) {
        FAIL("scenario " << i << " does not load: " << format_diagnostic(loaded.errors.front())
                         << "\n"
                         << d.yaml);
      }
      Scenario s = *loaded.scenario;
      WorldResult r = run_world(s, 1000 + i);
      out.push_back(Case{std::move(d), std::move(s), std::move(r)});
    }
    return out;
  }();
  return all;
}

// Guards the generator: the properties mean little unless the runs reach the edges.
TEST_CASE("the randomized small worlds reach the failure modes they are meant to stress") {
  std::map<std::string, uint32_t> seen;
  for (const Case& c : cases()) {
    std::set<std::string> here;
    for (const ChannelOutcome& ch : c.result.channels) {
      if (ch.duplicated > 0) here.insert("duplicated");
      if (ch.lost > 0) here.insert("lost");
      if (ch.oversold > 0) here.insert("oversold");
      if (ch.in_flight > 0) here.insert("in_flight");
      if (ch.orders_sold_out > 0) here.insert("sold_out");
      if (ch.returns_synced > 0) here.insert("returns_synced");
      if (ch.orders_polled > 0) here.insert("polled");
      if (ch.webhook_events_lost > 0) here.insert("webhook_events_lost");
      if (ch.price_mismatches > 0) here.insert("price_mismatches");
      if (ch.status_sync_delay_us.count() > 0) here.insert("status_synced");
    }
    for (const ConnectorOutcome& out : c.result.connectors) {
      const ConnectorStats& st = out.stats;
      if (st.breaker_rejections > 0) here.insert("breaker_rejections");
      if (st.retries_denied_by_budget > 0) here.insert("retries_denied_by_budget");
      if (st.jobs_dropped_queue_full > 0) here.insert("dropped_queue_full");
      if (st.dead_letter_overflow > 0) here.insert("dead_letter_overflow");
      if (st.late_responses > 0) here.insert("late_responses");
      if (st.errors[static_cast<size_t>(ErrorClass::conflict)] > 0) here.insert("cas_conflicts");
      if (st.errors[static_cast<size_t>(ErrorClass::rate_limited)] > 0) here.insert("429s");
    }
    for (const PortOutcome& p : c.result.ports) {
      if (p.admission.over_concurrency_limit > 0) here.insert("over_concurrency_limit");
      if (p.endpoint.rejected_queue_full > 0) here.insert("endpoint_queue_full");
    }
    for (const ReconciliationRun& run : c.result.reconciliation) {
      if (run.repairs_started > 0) here.insert("repairs");
      if (run.returns_out_of_sync > 0) here.insert("returns_out_of_sync");
    }
    if (c.result.unmapped_states > 0) here.insert("unmapped_states");
    for (const std::string& k : here)
      ++seen[k];
  }
  for (const char* k : {"duplicated",
                        "lost",
                        "oversold",
                        "in_flight",
                        "sold_out",
                        "returns_synced",
                        "polled",
                        "webhook_events_lost",
                        "price_mismatches",
                        "status_synced",
                        "breaker_rejections",
                        "retries_denied_by_budget",
                        "dropped_queue_full",
                        "dead_letter_overflow",
                        "late_responses",
                        "cas_conflicts",
                        "429s",
                        "over_concurrency_limit",
                        "endpoint_queue_full",
                        "repairs",
                        "returns_out_of_sync",
                        "unmapped_states"}) {
    INFO(k);
    CHECK(seen[k] >= 2);
  }
}

TEST_CASE(
    "in randomized small worlds every channel order lands in exactly one ground-truth class") {
  for (const Case& c : cases()) {
    INFO(c.drawn.yaml);
    for (const ChannelOutcome& ch : c.result.channels) {
      INFO("channel " << ch.channel);
      CHECK(ch.orders_placed ==
            ch.in_oms_once + ch.duplicated + ch.lost + ch.oversold + ch.in_flight);
      CHECK(ch.duplicate_oms_orders >= ch.duplicated);
      CHECK(ch.returns_synced <= ch.returns_requested);
      CHECK(ch.webhook_events_lost <= ch.webhook_deliveries_failed);
      CHECK(ch.webhook_events_lost <= ch.orders_placed + ch.returns_requested);
      CHECK(ch.orders_polled <= ch.orders_placed);
      // The ingest delay is recorded once per order, when its first OMS order is created.
      CHECK(ch.ingest_delay_us.count() == ch.in_oms_once + ch.duplicated + ch.oversold);
    }
  }
}

TEST_CASE(
    "reconciliation in randomized small worlds finds no more than exists and repairs within its "
    "rate") {
  for (const Case& c : cases()) {
    INFO(c.drawn.yaml);
    uint64_t placed = 0;
    uint64_t extra_oms_orders = 0;
    uint64_t returns = 0;
    for (const ChannelOutcome& ch : c.result.channels) {
      placed += ch.orders_placed;
      extra_oms_orders += ch.duplicate_oms_orders;
      returns += ch.returns_requested;
    }
    const ConnectorSpec* recon = find_connector(c.scenario, "recon");
    for (const ReconciliationRun& run : c.result.reconciliation) {
      REQUIRE(recon != nullptr);
      CHECK(run.missing_in_oms <= placed);
      CHECK(run.duplicated_in_oms <= extra_oms_orders);  // OMS orders are never deleted
      CHECK(run.revenue_mismatched <= placed);
      CHECK(run.returns_out_of_sync <= returns);
      const Duration every = recon->interval.value_or(hours(1));
      CHECK(run.repairs_started <= static_cast<uint64_t>(recon->repair_per_s * every.seconds()));
    }
  }
}

TEST_CASE("in randomized small worlds stock is conserved for every SKU") {
  for (const Case& c : cases()) {
    INFO(c.drawn.yaml);
    CHECK(c.result.skus_not_conserved == 0);
  }
}

TEST_CASE("randomized small worlds run to their end") {
  for (const Case& c : cases()) {
    INFO(c.drawn.yaml);
    CHECK(c.result.status == RunStatus::reached_time);
    CHECK(c.result.simulated == c.scenario.duration);
    CHECK(c.result.limit_message.empty());
  }
}

TEST_CASE("the same randomized world and seed give the same outcome twice") {
  for (uint32_t i = 0; i < cases().size(); ++i) {
    const Case& c = cases()[i];
    INFO(c.drawn.yaml);
    const WorldResult again = run_world(c.scenario, 1000 + i);
    CHECK(fingerprint(again) == fingerprint(c.result));
  }
}

TEST_CASE("with idempotency keys on every ingest policy no channel order is duplicated") {
  // Reconciliation's repairs carry keys too, so the property holds with it as well.
  uint32_t checked = 0;
  uint32_t with_reconciliation = 0;
  for (const Case& c : cases()) {
    if (!c.drawn.ingest_keyed) continue;
    ++checked;
    if (c.drawn.reconciliation) ++with_reconciliation;
    INFO(c.drawn.yaml);
    for (const ChannelOutcome& ch : c.result.channels) {
      CHECK(ch.duplicated == 0);
      CHECK(ch.duplicate_oms_orders == 0);
    }
  }
  CHECK(checked >= 5);
  CHECK(with_reconciliation >= 2);
}

TEST_CASE(
    "every job a connector was offered succeeded, was dead-lettered or dropped, or is still queued "
    "or in a worker") {
  for (const Case& c : cases()) {
    INFO(c.drawn.yaml);
    for (const ConnectorOutcome& out : c.result.connectors) {
      INFO("connector " << out.name);
      const ConnectorSpec* spec = find_connector(c.scenario, out.name);
      REQUIRE(spec != nullptr);
      const ConnectorStats& s = out.stats;
      CHECK(s.jobs_offered == s.jobs_succeeded + s.jobs_dead_lettered + s.jobs_dropped_queue_full +
                                  out.queue_length_at_end + out.busy_workers_at_end);
      CHECK(out.busy_workers_at_end <= spec->workers);
      CHECK(out.queue_length_at_end <= spec->queue_max);
      CHECK(s.queue_depth_max <= spec->queue_max);
      CHECK(out.dead_letter_size + s.dead_letter_overflow == s.jobs_dead_lettered);
      CHECK(out.dead_letter_size <= spec->dead_letter_max);
      // Every job that started made at least one attempt; retries are attempts after the first.
      CHECK(s.attempts >= s.jobs_succeeded + s.jobs_dead_lettered);
      CHECK(s.retries <= s.attempts);
      uint64_t ok = 0;
      uint64_t dead = 0;
      for (uint32_t v : out.succeeded_series)
        ok += v;
      for (uint32_t v : out.dead_lettered_series)
        dead += v;
      CHECK(ok <= s.jobs_succeeded);
      CHECK(dead <= s.jobs_dead_lettered);
      CHECK(s.job_latency_us.count() == s.jobs_succeeded);
      // One sample a minute from t = 0 through the end.
      const size_t samples = static_cast<size_t>(c.scenario.duration.us / minutes(1).us) + 1;
      CHECK(out.queue_depth_series.size() == samples);
      CHECK(out.succeeded_series.size() == samples);
    }
  }
}

TEST_CASE("every request an endpoint saw is accepted or refused, and served or still inside") {
  for (const Case& c : cases()) {
    INFO(c.drawn.yaml);
    for (const PortOutcome& p : c.result.ports) {
      INFO("endpoint " << p.name);
      const EndpointStats& e = p.endpoint;
      CHECK(e.arrivals == e.accepted + e.rejected_queue_full);
      CHECK(e.accepted == e.completed + p.in_system_at_end);
      CHECK(p.in_system_at_end <= p.workers + p.queue_max);
      CHECK(e.queue_depth_max <= p.queue_max);
      CHECK(e.utilization <= 1.0 + 1e-9);
    }
  }
}

// Edge cases the randomized runs found or the review suspected, one scenario each.

Scenario from_yaml(const std::string& yaml) {
  LoadResult r = load_scenario_text(yaml, "edge.yaml");
  if (!r.ok()) FAIL(format_diagnostic(r.errors.front()));
  return *r.scenario;
}

// The OMS serves one request at a time for 2 s and queues none: about half the creates are
// refused on the spot (503), and with one attempt the job is dead-lettered inside enqueue().
TEST_CASE(
    "an ingest job refused at once on its only attempt leaves its order lost, not in flight") {
  const WorldResult r = run_world(from_text(R"Y(
extends: base.yaml
name: refused-at-once
duration: 30m
catalog: {skus: 50, stock_per_sku: 100000}
channels:
  - {name: shop, webhooks: {retries: 0}}
systems:
  - {name: oms, endpoint: {workers: 1, queue_max: 0, service_time: 2s}}
  - {name: erp, endpoint: {workers: 4, service_time: 50ms}}
traffic:
  - {channel: shop, rate: 60/min}
policies:
  - {name: p, timeout: 5s, idempotency_keys: true, retry: {max_attempts: 1}}
connectors:
  - {name: ingest, policy: p, workers: 3}
)Y"),
                                  7);
  const ChannelOutcome& c = r.channels[0];
  CHECK(c.orders_placed == c.in_oms_once + c.duplicated + c.lost + c.oversold + c.in_flight);
  CHECK(connector(r, "ingest").stats.jobs_dead_lettered > 500);
  CHECK(c.lost == connector(r, "ingest").stats.jobs_dead_lettered);
  CHECK(c.in_flight <= 3);  // at most the jobs in the connector's workers at the end
}

// The connector holds one job and queues one; the OMS takes 1.5 s. Refused deliveries are
// redelivered by the channel after 1-10 s.
TEST_CASE("webhook dedupe does not drop the redelivery of a delivery the connector refused") {
  const WorldResult r = run_world(from_yaml(R"Y(
name: dedupe-refused
duration: 30m
catalog: {skus: 50, stock_per_sku: 100000}
channels:
  - {name: shop, kind: shopify_like, webhooks: {retries: 8, backoff: constant, base: 2s, cap: 2s}}
systems:
  - {name: oms, kind: oms, endpoint: {workers: 4, service_time: 1500ms}}
traffic:
  - {channel: shop, rate: 30/min}
policies:
  - {name: p, timeout: 5s, idempotency_keys: true, webhook_dedupe: true}
connectors:
  - {name: ingest, flow: order_ingest, from: shop, to: oms, policy: p, workers: 1, queue_max: 1}
)Y"),
                                  3);
  const ChannelOutcome& c = r.channels[0];
  CHECK(c.webhook_deliveries_failed > 100);
  CHECK(c.orders_placed == c.in_oms_once + c.duplicated + c.lost + c.oversold + c.in_flight);
  // Every order is either in the OMS, given up after the sender's last retry, or one of the
  // few still on their way at the end.
  CHECK(c.lost == c.webhook_events_lost);
  CHECK(c.in_flight <= 10);
}

// The channel's API always answers after the connector's timeout, so the breaker opens and then
// fails pushes fast; with one attempt a push can end without ever being sent. The ERP restocks
// every SKU every 2 minutes, so there is always a change to push.
TEST_CASE("a stock push failed fast by an open breaker does not stop later pushes of its SKU") {
  const WorldResult r = run_world(from_yaml(R"Y(
name: breaker-sync
duration: 60m
catalog: {skus: 10, stock_per_sku: 100}
channels:
  - {name: shop, kind: shopify_like, endpoint: {workers: 50, service_time: 1s}}
systems:
  - name: erp
    kind: erp
    restocks: {interval: 2m, units: 1, sku_fraction: 100%}
policies:
  - name: p
    timeout: 100ms
    retry: {max_attempts: 1}
    breaker: {failure_rate: 50%, window: 10s, minimum_calls: 1, open_wait: 20s, half_open_calls: 1}
connectors:
  - {name: stock, flow: stock_sync, from: erp, to: shop, policy: p}
)Y"),
                                  5);
  const ConnectorOutcome& stock = connector(r, "stock");
  CHECK(stock.stats.breaker_rejections > 0);
  // 10 SKUs change every 2 minutes: in the last 20 minutes about 100 pushes are offered, and
  // every one fails (fast or by timeout).
  uint64_t last_20m = 0;
  const std::vector<uint32_t>& dead = stock.dead_lettered_series;
  for (size_t i = dead.size() - 20; i < dead.size(); ++i)
    last_20m += dead[i];
  CHECK(last_20m >= 80);
}

TEST_CASE("baskets of more than 64 lines are placed, shipped and returned without a crash") {
  const WorldResult r = run_world(from_text(R"Y(
extends: base.yaml
name: big-baskets
duration: 3h
catalog: {skus: 300, stock_per_sku: 100000}
systems:
  - {name: oms, endpoint: {workers: 4, service_time: 50ms}}
  - {name: erp, endpoint: {workers: 4, service_time: 50ms}}
  - {name: wms, kind: wms}
traffic:
  - channel: shop
    rate: 2/min
    basket_lines: {min: 65, max: 200}
    returns: {fraction: 100%, delay: 150m}
policies:
  - {name: p, idempotency_keys: true}
connectors:
  - {name: ingest, policy: p, workers: 4}
  - {name: returns, flow: returns, from: shop, to: oms, policy: p}
  - {name: fulfil, flow: fulfillment, from: oms, to: wms, policy: p}
)Y"),
                                  2);
  const ChannelOutcome& c = r.channels[0];
  CHECK(c.orders_placed > 200);
  CHECK(c.in_oms_once + c.in_flight == c.orders_placed);
  CHECK(c.returns_requested > 0);
  CHECK(c.returns_synced == c.returns_requested);  // whole orders come back, every line of them
  CHECK(r.skus_not_conserved == 0);
}

TEST_CASE("a breaker with a failure rate below one in a million runs instead of tripping a check") {
  const WorldResult r = run_world(from_yaml(R"Y(
name: tiny-failure-rate
duration: 10m
catalog: {skus: 10, stock_per_sku: 1000}
channels:
  - {name: shop, kind: shopify_like}
systems:
  - {name: oms, kind: oms}
traffic:
  - {channel: shop, rate: 10/min}
policies:
  - {name: p, breaker: {failure_rate: 0.00001%}}
connectors:
  - {name: ingest, flow: order_ingest, from: shop, to: oms, policy: p}
)Y"),
                                  1);
  CHECK(r.status == RunStatus::reached_time);
  CHECK(r.channels[0].in_oms_once > 0);
}

// Webhooks are off: the backup poll is the only path. Orders come for 10 minutes, about 10 a
// poll, and the connector takes only 5 a poll (3 workers, a queue of 2): the rest must wait for
// later polls, which have the whole remaining 50 minutes to catch up.
TEST_CASE("orders the backup poll could not hand over are picked up by a later poll") {
  const WorldResult r = run_world(from_yaml(R"Y(
name: poll-backlog
duration: 60m
catalog: {skus: 50, stock_per_sku: 100000}
channels:
  - {name: shop, kind: shopify_like, webhooks: {enabled: false}}
systems:
  - {name: oms, kind: oms, endpoint: {workers: 8, service_time: 20ms}}
traffic:
  - channel: shop
    rate: 60/min
    shape: [{at: 0m, multiplier: 1}, {at: 10m, multiplier: 1}, {at: 11m, multiplier: 0}]
policies:
  - {name: p, idempotency_keys: true}
connectors:
  - {name: ingest, flow: order_ingest, from: shop, to: oms, policy: p, workers: 3, queue_max: 2,
     poll_interval: 10s}
)Y"),
                                  4);
  const ChannelOutcome& c = r.channels[0];
  CHECK(c.orders_placed > 500);
  CHECK(connector(r, "ingest").stats.jobs_dropped_queue_full > 0);
  CHECK(c.in_oms_once == c.orders_placed);
  CHECK(c.orders_polled == c.orders_placed);
}

// Orders come in the first hour; the warehouse ships most of them within the 4 hours. The
// mapping table lacks SHIPPED, and the channel answers after the connector's timeout, so each
// status update is tried four times and the server rejects every try.
TEST_CASE("a shipment whose state is unmapped counts once however often its update is retried") {
  const WorldResult r = run_world(from_yaml(R"Y(
name: unmapped-retried
duration: 4h
catalog: {skus: 50, stock_per_sku: 100000}
channels:
  - {name: shop, kind: shopify_like, endpoint: {workers: 50, service_time: 1s}}
systems:
  - {name: oms, kind: oms}
  - {name: wms, kind: wms}
traffic:
  - channel: shop
    rate: 10/min
    shape: [{at: 0m, multiplier: 1}, {at: 60m, multiplier: 1}, {at: 61m, multiplier: 0}]
policies:
  - {name: p, idempotency_keys: true}
  - {name: impatient, timeout: 200ms, retry: {max_attempts: 4, backoff: constant, base: 1s}}
connectors:
  - {name: ingest, flow: order_ingest, from: shop, to: oms, policy: p}
  - {name: fulfil, flow: fulfillment, from: oms, to: wms, policy: impatient,
     mapping: {DELIVERED: CLOSED}}
)Y"),
                                  6);
  const ChannelOutcome& c = r.channels[0];
  REQUIRE(c.in_oms_once == c.orders_placed);
  CHECK(r.unmapped_states > c.orders_placed / 2);  // most orders shipped, none mapped
  CHECK(r.unmapped_states <= c.orders_placed);     // one shipment per order
  CHECK(c.status_sync_delay_us.count() == 0);
}

// Orders come in the first hour and most ship within the run; every shipped order comes back
// 150 minutes after it was placed. The returns connector gives up on the OMS after 200 ms, but
// the OMS takes 1 s, so each return is sent three times and the OMS does the work each time.
std::string retried_returns_scenario(bool keys) {
  return fmt::format(R"Y(
extends: base.yaml
name: returns-retried
duration: 4h
catalog: {{skus: 50, stock_per_sku: 100000}}
systems:
  - {{name: oms, endpoint: {{workers: 50, service_time: 1s}}}}
  - {{name: erp, endpoint: {{workers: 4, service_time: 50ms}}}}
  - {{name: wms, kind: wms}}
traffic:
  - channel: shop
    rate: 10/min
    shape: [{{at: 0m, multiplier: 1}}, {{at: 60m, multiplier: 1}}, {{at: 61m, multiplier: 0}}]
    returns: {{fraction: 100%, delay: 150m}}
policies:
  - {{name: p, timeout: 5s, idempotency_keys: true}}
  - {{name: impatient, timeout: 200ms, idempotency_keys: {},
     retry: {{max_attempts: 3, backoff: constant, base: 1s}}}}
connectors:
  - {{name: ingest, policy: p, workers: 4}}
  - {{name: fulfil, flow: fulfillment, from: oms, to: wms, policy: p}}
  - {{name: returns, flow: returns, from: shop, to: oms, policy: impatient}}
)Y",
                     keys ? "true" : "false");
}

TEST_CASE("a return retried after a timeout counts as synced once") {
  for (bool keys : {false, true}) {
    INFO("idempotency keys: " << keys);
    const WorldResult r = run_world(from_text(retried_returns_scenario(keys)), 8);
    const ChannelOutcome& c = r.channels[0];
    CHECK(c.returns_requested > 100);
    CHECK(connector(r, "returns").stats.late_responses > 100);
    CHECK(c.returns_synced <= c.returns_requested);
    CHECK(r.skus_not_conserved == 0);
  }
}

std::string traffic_entries_scenario(int entries) {
  std::string y = R"Y(
name: two-entries
duration: 60m
catalog: {skus: 50, stock_per_sku: 100000}
channels:
  - {name: shop, kind: shopify_like}
systems:
  - {name: oms, kind: oms}
traffic:
)Y";
  for (int i = 0; i < entries; ++i)
    y += "  - {channel: shop, rate: 30/min}\n";
  return y;
}

// Each traffic entry is its own customers: two entries on one channel must not draw the same
// arrival times and baskets from one stream (that would place every order twice, in lockstep).
TEST_CASE("two traffic entries on one channel draw independent arrivals") {
  const WorldResult one = run_world(from_yaml(traffic_entries_scenario(1)), 3);
  const WorldResult two = run_world(from_yaml(traffic_entries_scenario(2)), 3);
  const uint64_t single = one.channels[0].orders_placed;
  const uint64_t both = two.channels[0].orders_placed;
  CHECK(single > 1500);
  CHECK(both != 2 * single);
  CHECK(both > single * 17 / 10);
  CHECK(both < single * 23 / 10);
}

// The loader admits a billion units per SKU and a billion per restock; four restocks would pass
// the ERP's 32-bit counters. The warehouse is full instead: restocks beyond it are cut.
TEST_CASE("restocks that would overflow the ERP's stock counters are cut, not a crash") {
  const WorldResult r = run_world(from_yaml(R"Y(
name: huge-restocks
duration: 10m
catalog: {skus: 3, stock_per_sku: 1000000000}
channels:
  - {name: shop, kind: shopify_like}
systems:
  - name: erp
    kind: erp
    restocks: {interval: 1m, units: 1000000000, sku_fraction: 100%}
traffic:
  - {channel: shop, rate: 10/min}
)Y"),
                                  1);
  CHECK(r.status == RunStatus::reached_time);
  CHECK(r.skus_not_conserved == 0);
  CHECK(r.units_restocked >= 3 * uint64_t{3'000'000'000});
  CHECK(r.units_restocked <= 3 * uint64_t{4'294'967'295});
}

TEST_CASE("a free catalog (price 0.00) survives the ERP's price changes") {
  const WorldResult r = run_world(from_yaml(R"Y(
name: free-catalog
duration: 30m
catalog: {skus: 5, stock_per_sku: 1000, price_min: 0.00, price_max: 0.00}
channels:
  - {name: shop, kind: shopify_like}
systems:
  - name: erp
    kind: erp
    price_changes: {interval: 5m, sku_fraction: 100%, change_max: 10%}
traffic:
  - {channel: shop, rate: 10/min}
)Y"),
                                  1);
  CHECK(r.status == RunStatus::reached_time);
  CHECK(r.price_changes > 0);
}

TEST_CASE("a rate limit of two trillion requests a second is no limit, not a crash") {
  const WorldResult r = run_world(from_yaml(R"Y(
name: huge-rate-limit
duration: 10m
catalog: {skus: 5, stock_per_sku: 100000}
channels:
  - {name: shop, kind: shopify_like}
systems:
  - {name: oms, kind: oms, endpoint: {rate_limit: {rate: 2000000000000/s, burst: 5}}}
traffic:
  - {channel: shop, rate: 60/min}
connectors:
  - {name: ingest, flow: order_ingest, from: shop, to: oms}
)Y"),
                                  1);
  CHECK(r.status == RunStatus::reached_time);
  CHECK(r.channels[0].in_oms_once > 0);
}

// The OMS refuses about half the creates on the spot and the connector has one attempt; the
// webhook sender does not retry. Only the backup poll, every 25 minutes, can still get an order
// in: orders placed after its last look at 24 minutes are waiting for the next poll at the end.
TEST_CASE("a dead-lettered order the backup poll has yet to look at is in flight, not lost") {
  const WorldResult r = run_world(from_yaml(R"Y(
name: poll-pending
duration: 40m
catalog: {skus: 50, stock_per_sku: 100000}
channels:
  - {name: shop, kind: shopify_like, webhooks: {retries: 0}}
systems:
  - {name: oms, kind: oms, endpoint: {workers: 1, queue_max: 0, service_time: 2s}}
traffic:
  - {channel: shop, rate: 60/min}
policies:
  - {name: p, timeout: 5s, idempotency_keys: true, retry: {max_attempts: 1}}
connectors:
  - {name: ingest, flow: order_ingest, from: shop, to: oms, policy: p, workers: 3,
     queue_max: 100000, poll_interval: 25m}
)Y"),
                                  7);
  const ChannelOutcome& c = r.channels[0];
  CHECK(c.orders_placed == c.in_oms_once + c.duplicated + c.lost + c.oversold + c.in_flight);
  // About 16 minutes of orders (~960) were placed after the poll's last look; half of them
  // were dead-lettered and wait for the next poll.
  CHECK(c.in_flight > 300);
  CHECK(c.lost > 300);  // refused before the poll's last look and refused again by it
}

// The ERP restocks all 20 SKUs once, at 30 minutes. The interval sync sends them at the next
// minute, 20 calls at once, but the channel admits one call a second and the connector makes
// one attempt: 19 are refused with a 429. The SKUs do not change again.
TEST_CASE("an interval stock sync sends again at the next interval what it failed to send") {
  const WorldResult r = run_world(from_yaml(R"Y(
name: interval-retry
duration: 59m
catalog: {skus: 20, stock_per_sku: 100}
channels:
  - name: shop
    kind: shopify_like
    endpoint: {workers: 20, rate_limit: {rate: 1/s, burst: 1}}
systems:
  - name: erp
    kind: erp
    restocks: {interval: 30m, units: 5, sku_fraction: 100%}
policies:
  - {name: p, retry: {max_attempts: 1}}
connectors:
  - {name: stock, flow: stock_sync, from: erp, to: shop, policy: p, workers: 20,
     poll_interval: 1m}
)Y"),
                                  2);
  CHECK(connector(r, "stock").stats.errors[static_cast<size_t>(ErrorClass::rate_limited)] >= 19);
  CHECK(r.channels[0].stock_sync_delay_us.count() == 20);  // every SKU's listing caught up
}

// Liveness: with room everywhere (fast systems, deep queues, patient timeouts, retries, keys)
// nothing gets stuck, whatever else varies (rates, baskets, poll, dedupe, sync modes, returns).
std::string healthy_scenario(uint32_t index) {
  RandomStream rng(20261127, fmt::format("world-properties/healthy/{}", index));
  const auto between = [&](uint32_t lo, uint32_t hi) {
    return lo + static_cast<uint32_t>(rng.below(uint64_t{hi} - lo + 1));
  };
  const auto flag = [&] { return rng.below(2) == 0 ? "true" : "false"; };
  return fmt::format(
      R"Y(
name: healthy
duration: {}m
catalog: {{skus: {}, stock_per_sku: 1000000}}
channels:
  - {{name: a, kind: shopify_like, endpoint: {{workers: 8, service_time: {}ms}}}}
  - {{name: b, kind: amazon_like, endpoint: {{workers: 8, service_time: {}ms}}}}
systems:
  - {{name: oms, kind: oms, endpoint: {{workers: 16, service_time: "lognormal(p50={}ms, p95={}ms)"}}}}
  - name: erp
    kind: erp
    endpoint: {{workers: 16, service_time: {}ms}}
    restocks: {{interval: 10m, units: 5, sku_fraction: 50%}}
    price_changes: {{interval: 15m, sku_fraction: 20%}}
  - {{name: wms, kind: wms}}
traffic:
  - {{channel: a, rate: {}/min, basket_lines: {{min: 1, max: {}}}, returns: {{fraction: 30%, delay: 40m}}}}
  - {{channel: b, rate: {}/min}}
policies:
  - {{name: p, timeout: 3s, idempotency_keys: true, webhook_dedupe: {},
     retry: {{max_attempts: 6, backoff: full_jitter, base: 100ms, cap: 2s}}}}
connectors:
  - {{name: ingest-a, flow: order_ingest, from: a, to: oms, policy: p{}}}
  - {{name: ingest-b, flow: order_ingest, from: b, to: oms, policy: p}}
  - {{name: stock-a, flow: stock_sync, from: erp, to: a, policy: p, batch_max: {}{}}}
  - {{name: price-b, flow: price_sync, from: erp, to: b, policy: p}}
  - {{name: returns-a, flow: returns, from: a, to: oms, policy: p}}
  - {{name: fulfil, flow: fulfillment, from: oms, to: wms, policy: p}}
)Y",
      between(30, 90), between(5, 200), between(5, 100), between(5, 100), between(5, 50),
      between(60, 400), between(5, 100), between(10, 200), between(1, 5), between(10, 200), flag(),
      rng.below(2) == 0 ? fmt::format(", poll_interval: {}s", between(20, 120)) : "",
      between(1, 10), rng.below(2) == 0 ? fmt::format(", poll_interval: {}s", between(5, 60)) : "");
}

TEST_CASE("with room everywhere no order is lost, duplicated, oversold or stuck") {
  for (uint32_t i = 0; i < 16; ++i) {
    const std::string yaml = healthy_scenario(i);
    INFO(yaml);
    const WorldResult r = run_world(from_yaml(yaml), 500 + i);
    REQUIRE(r.status == RunStatus::reached_time);
    for (const ChannelOutcome& c : r.channels) {
      INFO("channel " << c.channel);
      CHECK(c.orders_placed > 0);
      CHECK(c.lost == 0);
      CHECK(c.duplicated == 0);
      CHECK(c.oversold == 0);
      CHECK(c.in_flight <= 10);  // placed in the last seconds
      CHECK(c.webhook_deliveries_failed == 0);
    }
    CHECK(r.channels[0].returns_requested - r.channels[0].returns_synced <= 5);
    for (const ConnectorOutcome& c : r.connectors) {
      INFO("connector " << c.name);
      CHECK(c.stats.jobs_dead_lettered == 0);
      CHECK(c.stats.jobs_dropped_queue_full == 0);
    }
    CHECK(r.skus_not_conserved == 0);
  }
}

// A healthy integration into an ERP that imports revenue posts in 30-minute batches: a post can
// wait up to 30 minutes to show, so reconciliation must not "repair" it (the repair would post
// the revenue a second time and leave a real duplicate behind).
TEST_CASE("reconciliation leaves revenue waiting for the ERP's batch import alone") {
  const WorldResult r = run_world(from_text(R"Y(
extends: base.yaml
name: batch-recon
duration: 3h
catalog: {skus: 50, stock_per_sku: 100000}
systems:
  - {name: oms, endpoint: {workers: 4, service_time: 50ms}}
  - {name: erp, endpoint: {workers: 4, service_time: 50ms}, batch_import: {interval: 30m}}
traffic:
  - {channel: shop, rate: 10/min}
policies:
  - {name: p, idempotency_keys: true}
connectors:
  - {name: ingest, policy: p, workers: 4}
  - {name: recon, flow: reconciliation, from: erp, to: oms, interval: 20m, repair_rate: 10/s}
)Y"),
                                  1);
  REQUIRE(r.reconciliation.size() == 9);
  for (const ReconciliationRun& run : r.reconciliation) {
    INFO("run at " << run.at.seconds() << " s");
    CHECK(run.revenue_mismatched == 0);
    CHECK(run.repairs_started == 0);
  }
}

}  // namespace
}  // namespace syncdrill
