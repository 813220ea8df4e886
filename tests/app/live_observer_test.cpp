// LiveObserver (app/live_observer.*): how a live drill reads the requests it answered, with
// hand-made records on a manual clock, so each rule is pinned without a server or a connector.
#include <doctest/doctest.h>

#include <algorithm>

#include "app/live_observer.hpp"
#include "core/scenario/loader.hpp"
#include "reports/format.hpp"
#include "tests/app/cli_run.hpp"

namespace syncdrill {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

struct ObserverFixture {
  LiveClock clock = LiveClock::manual(1);
  Steady::time_point t0 = Steady::now();
  LiveObserver observer{clock, t0};

  // A request that arrived at `at` and was answered `latency` later.
  void request(std::chrono::milliseconds at, int status, uint64_t key, int64_t retry_after_ms = 0,
               std::chrono::milliseconds latency = 1ms, const char* system = "oms") {
    observer.on_request(
        RequestRecord{system, "POST /oms/orders", status, retry_after_ms, t0 + at,
                      std::chrono::duration_cast<std::chrono::microseconds>(latency).count(), key},
        key);
  }
  void hung(std::chrono::milliseconds at, uint64_t key) {
    observer.on_request(RequestRecord{"oms", "POST /oms/orders", RequestRecord::kHung, 0, t0 + at,
                                      0, key, true, true},
                        key);
  }
};

// tests/scenarios/valid/live-drill.yaml: one channel (dtc) of 50 SKUs, one tier (orders).
const Scenario& live_drill_scenario() {
  static const Scenario scenario =
      *load_scenario_file(testing::source_path("tests/scenarios/valid/live-drill.yaml")).scenario;
  return scenario;
}

LiveResult score(ObserverFixture& f, const std::vector<LiveFaultView>& faults = {},
                 SimTime end = SimTime{} + seconds(60)) {
  LiveMocks mocks(live_drill_scenario(), 1, f.clock);
  LiveResult r;
  f.observer.score(mocks, faults, {}, end, r);
  return r;
}

// The observer with a scenario's mocks, and the listings' gaps while every one is in sync.
struct MocksFixture : ObserverFixture {
  Scenario scenario;
  LiveMocks mocks;
  std::vector<int64_t> gaps;
  explicit MocksFixture(Scenario s = live_drill_scenario())
      : scenario(std::move(s)), mocks(scenario, 1, clock) {
    mocks.listing_gaps(gaps);
  }
  LiveResult score() {
    LiveResult r;
    observer.score(mocks, {}, {}, SimTime{} + seconds(60), r);
    return r;
  }
};

TEST_CASE("live observer: a retry is the same request after its failed answer") {
  ObserverFixture f;
  f.request(0ms, 503, 7, 0, 10ms);  // failed, answered at 10 ms
  f.request(5ms, 201, 7);           // a copy sent before that answer: concurrent, not a retry
  f.request(0ms, 201, 8);           // another request
  f.request(260ms, 201, 7);         // the retry: 250 ms after the failed answer
  f.request(300ms, 201, 7);         // sent again after a success: not a retry
  const LiveBehaviour b = score(f).behaviour;
  CHECK(b.requests == 5);
  CHECK(b.answered_5xx == 1);
  CHECK(b.answered_2xx == 4);
  CHECK(b.gaps_after_error == 1);
  REQUIRE(b.gap_after_error_min_ms);
  CHECK(*b.gap_after_error_min_ms == doctest::Approx(250).epsilon(0.001));
  REQUIRE(b.gap_after_error_p50_ms);
  CHECK(*b.gap_after_error_p50_ms == doctest::Approx(250).epsilon(0.001));
  CHECK(b.hot_retries == 0);
}

TEST_CASE("live observer: a NetSuite-style 400 over a concurrency limit is a failed answer") {
  ObserverFixture f;
  const auto t0 = f.t0;
  // Refused at once over the ERP's concurrency limit, answered at 1 ms.
  f.observer.on_request(
      RequestRecord{"erp", "POST /erp/revenue", 400, 0, t0, 1000, 11, false, false, true}, 11);
  f.observer.on_request(RequestRecord{"erp", "POST /erp/revenue", 200, 0, t0 + 101ms, 1000, 11},
                        11);
  // An ordinary 400 (a bad body) is final: sending it again is not a retry.
  f.request(0ms, 400, 12, 0, 1ms, "erp");
  f.request(200ms, 400, 12, 0, 1ms, "erp");
  const LiveBehaviour b = score(f).behaviour;
  CHECK(b.over_concurrency_limit == 1);
  CHECK(b.answered_4xx == 3);
  CHECK(b.gaps_after_error == 1);  // only the refused one's retry
  REQUIRE(b.gap_after_error_min_ms);
  CHECK(*b.gap_after_error_min_ms == doctest::Approx(100).epsilon(0.001));
}

TEST_CASE("live observer: a hung request fails on arrival, its retry's gap starts there") {
  ObserverFixture f;
  f.hung(100ms, 9);
  f.request(250ms, 201, 9);  // the client timed out at ~150 ms and backed off
  const LiveBehaviour b = score(f).behaviour;
  CHECK(b.hung == 1);
  CHECK(b.gaps_after_error == 1);
  REQUIRE(b.gap_after_error_min_ms);
  CHECK(*b.gap_after_error_min_ms == doctest::Approx(150).epsilon(0.001));
  CHECK(b.attempts_in_error_windows == 1);  // the hung one, which a fault took
}

TEST_CASE("live observer: a decimal Retry-After (Shopify's 0.025) is honoured to the millisecond") {
  // Shopify's 429 at --time-scale 20: a half-second leak is 25 ms of wall time.
  ObserverFixture f;
  f.request(0ms, 429, 1, 25);
  f.request(27ms, 200, 1);  // 26 ms after the answer (1 ms latency): waited
  f.request(0ms, 429, 2, 25);
  f.request(11ms, 200, 2);  // 10 ms after: early
  const LiveResult r = score(f);
  CHECK(r.behaviour.retry_after_sent == 2);
  CHECK(r.behaviour.retry_after_honoured == 1);
  CHECK(r.behaviour.retry_after_early == 1);
  CHECK(r.behaviour.hot_retries == 0);  // 10 ms is not under the 10 ms of a hot retry
}

TEST_CASE("live observer: a retry within 10 ms is hot unless it waited out its Retry-After") {
  ObserverFixture f;
  f.request(0ms, 429, 1, 3);  // Retry-After 0.003: the bucket is nearly drained
  f.request(5ms, 200, 1);     // 4 ms after the answer: waited, not hot
  f.request(0ms, 429, 2, 8);
  f.request(5ms, 200, 2);  // 4 ms after, told 8 ms: early and hot
  f.request(0ms, 503, 3);
  f.request(5ms, 200, 3);  // no Retry-After: hot
  const LiveResult r = score(f);
  CHECK(r.behaviour.retry_after_honoured == 1);
  CHECK(r.behaviour.retry_after_early == 1);
  CHECK(r.behaviour.hot_retries == 2);
}

TEST_CASE("live observer: Retry-After is honoured or early, and old failures are forgotten") {
  ObserverFixture f;
  f.request(0ms, 429, 1, 1000);
  f.request(301ms, 200, 1);  // 300 ms after: early
  f.request(0ms, 429, 2, 1000);
  f.request(1001ms, 200, 2);  // 1 s after: honoured
  f.request(0ms, 503, 3);
  f.request(LiveObserver::kRetryMemory + 2s, 200, 3);  // too late to be its retry
  const LiveResult r = score(f);
  CHECK(r.behaviour.retry_after_sent == 2);
  CHECK(r.behaviour.retry_after_early == 1);
  CHECK(r.behaviour.retry_after_honoured == 1);
  CHECK(r.behaviour.gaps_after_error == 2);
  bool checked = false;
  for (const TierCheck& c : r.live_checks) {
    if (c.check != "Retry-After honoured") continue;
    checked = true;
    CHECK_FALSE(c.held);
    CHECK(c.actual == 1.0);
    CHECK(c.reason == "1 of 2 retries early");
  }
  CHECK(checked);
  CHECK(r.failed());
}

LiveFaultView fault(const std::string& id, int64_t start_ms, std::optional<int64_t> end_ms,
                    uint64_t hits) {
  LiveFaultView v;
  v.id = id;
  v.kind = FaultKind::error_burst;
  v.targets = {"oms"};
  v.start_ms = start_ms;
  v.end_ms = end_ms;
  v.hits = hits;
  return v;
}

TEST_CASE(
    "live observer: an ack catches the fault in force, and a fault that never acted is not "
    "judged") {
  ObserverFixture f;
  f.observer.ack("pager: OMS 5xx", SimTime{} + seconds(25));
  // old: ended before the ack; current: in force at it; idle: in force but never acted.
  const LiveResult r = score(f, {fault("old", 0, 10'000, 5), fault("current", 20'000, {}, 5),
                                 fault("idle", 15'000, {}, 0)});
  REQUIRE(r.acks.size() == 1);
  CHECK(r.acks[0].fault_id == "current");
  for (const LiveFaultOutcome& o : r.faults) {
    const FaultIncident* incident = r.incident(o.id);
    if (o.id == "current") {
      // Integer simulated time: exactly the ack's time minus the fault's start.
      REQUIRE(incident != nullptr);
      REQUIRE(incident->mttd);
      CHECK(*incident->mttd == seconds(5));
      CHECK(incident->detected == SimTime{} + seconds(25));
    } else if (incident != nullptr) {
      CHECK_FALSE(incident->mttd);
    }
    if (o.id == "idle") {
      CHECK_FALSE(o.exercised);
      CHECK(incident == nullptr);  // it never acted: no incident, nothing judged
    }
  }
  // One tier (orders), as the scenario's, with the simulation's check labels.
  REQUIRE(r.score.tiers.size() == 1);
  CHECK(r.score.tiers[0].tier == "orders");
  for (const TierCheck& c : r.score.tiers[0].checks)
    CHECK(c.subject != "idle");
  // The old fault is judged and missed: its tier (orders) has an MTTD target.
  bool old_missed = false;
  for (const TierCheck& c : r.score.tiers[0].checks)
    old_missed |= check_label(c) == "mttd order_ingest [old]" && !c.held;
  CHECK(old_missed);
  CHECK(r.incident("old")->missed());
}

TEST_CASE("live observer: every order the OMS lacks after the drain is lost") {
  MocksFixture f;
  LiveMocks& mocks = f.mocks;
  const std::vector<SkuQuantity> lines{{3, 1}};
  const PlaceResult a = mocks.place_order(0, lines);
  const PlaceResult b = mocks.place_order(0, lines);
  f.observer.on_order(0, a, SimTime{});
  f.observer.on_order(0, b, SimTime{} + seconds(59));  // placed just before the end: still lost
  OmsCreateRequest req{0, a.order, {{3, 1, 100}}, 100, 1};
  REQUIRE(mocks.create_oms_order(req, "").error == ErrorClass::none);
  REQUIRE(mocks.create_oms_order(req, "").error == ErrorClass::none);  // no key: a duplicate
  const LiveResult r = f.score();
  CHECK(r.orders.placed == 2);
  CHECK(r.orders.duplicated == 1);
  CHECK(r.orders.duplicate_copies == 1);
  CHECK(r.orders.lost == 1);
  CHECK(r.orders.created_once == 0);
  // The orders tier sets data_loss_max 0: the lost order breaches its data_loss check; the
  // duplicate, the drill's own check.
  REQUIRE(r.score.tiers.size() == 1);
  REQUIRE_FALSE(r.score.tiers[0].checks.empty());
  const TierCheck& lost = r.score.tiers[0].checks[0];
  CHECK(check_label(lost) == "data_loss order_ingest");
  CHECK(lost.actual == 1.0);
  CHECK_FALSE(lost.held);
  REQUIRE_FALSE(r.live_checks.empty());
  CHECK(r.live_checks[0].check == "orders duplicated");
  CHECK_FALSE(r.live_checks[0].held);
  CHECK(r.failed());
}

TEST_CASE("live observer: without a tier, orders lost is the drill's own check, none allowed") {
  Scenario untiered = live_drill_scenario();
  untiered.sla_tiers.clear();
  MocksFixture f(untiered);
  const std::vector<SkuQuantity> lines{{3, 1}};
  f.observer.on_order(0, f.mocks.place_order(0, lines), SimTime{});
  const LiveResult r = f.score();
  CHECK_FALSE(r.score.scored);
  CHECK(r.score.tiers.empty());
  std::vector<std::string> names;
  for (const TierCheck& c : r.live_checks)
    names.push_back(c.check);
  CHECK(names ==
        std::vector<std::string>{"orders lost", "orders duplicated", "Retry-After honoured"});
  CHECK_FALSE(r.live_checks[0].held);  // the order never reached the OMS
  CHECK(r.live_checks[1].held);
  CHECK(r.live_checks[2].no_data);  // no answer carried Retry-After
  CHECK(r.failed());
}

TEST_CASE("live observer: answers per system and interval of scenario time, for the charts") {
  ObserverFixture f;  // one chart interval per scenario second (the default step)
  f.request(100ms, 503, 1, 0, 1ms, "oms");
  f.request(200ms, 201, 2, 0, 1ms, "oms");
  f.request(300ms, 404, 3, 0, 1ms, "oms");   // a 4xx is an answer, not a failure
  f.request(1500ms, 201, 4, 0, 1ms, "erp");  // interval 1
  f.request(1600ms, 0, 5, 0, 1ms, "erp");    // dropped: failed
  f.request(900ms, 500, 6, 0, 1ms, "-");     // no route took it: no system to chart
  f.hung(2999ms, 7);                         // failed on arrival, interval 2
  const LiveSeries s = score(f).series;
  CHECK(s.step == seconds(1));
  REQUIRE(s.answers.size() == 2);  // by name: erp, oms
  CHECK(s.answers[0].system == "erp");
  CHECK(s.answers[0].ok == std::vector<uint32_t>{0, 1});
  CHECK(s.answers[0].failed == std::vector<uint32_t>{0, 1});
  CHECK(s.answers[1].system == "oms");
  CHECK(s.answers[1].ok == std::vector<uint32_t>{2, 0, 0});
  CHECK(s.answers[1].failed == std::vector<uint32_t>{1, 0, 1});
}

TEST_CASE("live observer: a stale listing's episode counts in the interval where it ended") {
  MocksFixture f;
  const std::vector<int64_t>& gaps = f.gaps;
  REQUIRE(gaps.size() == 50);  // one channel x 50 SKUs
  REQUIRE(std::all_of(gaps.begin(), gaps.end(), [](int64_t g) { return g == 0; }));
  std::vector<int64_t> stale = gaps;
  stale[3] = 2;   // over-listed by 2 units
  stale[7] = -1;  // under-listed
  f.observer.sample_stock(gaps, SimTime{} + milliseconds(500));
  f.observer.sample_stock(stale, SimTime{} + milliseconds(1500));
  stale[7] = 0;  // back in sync after 1 s
  f.observer.sample_stock(stale, SimTime{} + milliseconds(2500));
  stale[3] = 0;  // after 3 s
  f.observer.sample_stock(stale, SimTime{} + milliseconds(4500));
  const LiveResult r = f.score();
  REQUIRE(r.series.stock_delay.size() == 1);
  const LiveStockDelay& d = r.series.stock_delay[0];
  CHECK(d.channel == "dtc");
  REQUIRE(d.p95.size() == 5);
  CHECK_FALSE(d.p95[0]);
  CHECK(d.p95[2] == seconds(1));
  CHECK_FALSE(d.p95[3]);
  CHECK(d.p95[4] == seconds(3));
  CHECK(r.stock.stale_episodes == 2);  // the verdict's figures are the same episodes
}

TEST_CASE("live observer: a drill without a stale listing has no staleness p95, never 0") {
  MocksFixture f;
  // No sweep at all, then sweeps that find every listing right: no episode either way.
  for (const bool swept : {false, true}) {
    if (swept) f.observer.sample_stock(f.gaps, SimTime{} + seconds(1));
    const LiveResult r = f.score();
    CHECK(r.stock.stale_episodes == 0);
    CHECK_FALSE(r.stock.staleness_p95);
    CHECK_FALSE(r.stock.staleness_max);
    CHECK(r.stock.stale_share.has_value() == swept);
    if (swept) CHECK(*r.stock.stale_share == 0.0);
  }
}

TEST_CASE("live observer: a stale episode gives a staleness p95 the stock tier judges") {
  Scenario scenario = live_drill_scenario();
  SlaTierSpec stock;
  stock.name = "stock";
  stock.flows = {FlowKind::stock_sync};
  stock.freshness_p95 = seconds(2);
  scenario.sla_tiers.push_back(stock);
  MocksFixture f(scenario);
  const std::vector<int64_t>& gaps = f.gaps;
  const auto freshness = [&](LiveResult& r) -> const TierCheck* {
    r = f.score();
    REQUIRE(r.score.tiers.size() == 2);
    CHECK(r.score.tiers[1].tier == "stock");
    for (const TierCheck& c : r.score.tiers[1].checks) {
      if (c.check == "freshness_p95") return &c;
    }
    return nullptr;
  };
  {
    // Nothing to measure: no data, neither held nor breached, and no actual.
    LiveResult r;
    const TierCheck* c = freshness(r);
    REQUIRE(c != nullptr);
    CHECK(c->no_data);
    CHECK_FALSE(c->actual);
    CHECK(c->reason == "no stock sweep was taken");
  }
  std::vector<int64_t> stale = gaps;
  stale[0] = 1;
  f.observer.sample_stock(stale, SimTime{} + seconds(1));
  f.observer.sample_stock(gaps, SimTime{} + seconds(4));  // 3 s out of sync: over the 2 s target
  LiveResult r;
  const TierCheck* c = freshness(r);
  REQUIRE(c != nullptr);
  REQUIRE(c->actual);
  CHECK(*c->actual == 3.0);
  CHECK_FALSE(c->held);
  CHECK(r.failed());
  REQUIRE(r.stock.staleness_p95);
  CHECK(*r.stock.staleness_p95 == seconds(3));
}

}  // namespace
}  // namespace syncdrill
