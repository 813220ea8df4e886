// Live fault table tests: a manual clock (a plain counter the test moves), so windows, flaps and
// precedence are checked at exact instants without sleeping.
#include "mocks/http/live_faults.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/engine/distribution.hpp"

namespace syncdrill {
namespace {

using Action = HttpFaultDecision::Action;
using WAction = WebhookFaultDecision::Action;

constexpr int64_t kStartUs = 1'000'000'000;  // an arbitrary clock reading: the drill's start

struct Table {
  int64_t now_us = kStartUs;
  LiveFaults faults;

  explicit Table(double time_scale = 1, uint64_t seed = 7)
      : faults(LiveFaults::Options{seed, time_scale, 30'000, 1'000}, [this] { return now_us; }) {}
  void at_ms(int64_t ms) { now_us = kStartUs + ms * 1000; }
};

FaultSpec fault(std::string id, FaultKind kind, std::string target, Duration at, Duration length) {
  FaultSpec f;
  f.id = std::move(id);
  f.kind = kind;
  f.targets = {std::move(target)};
  f.at = at;
  f.length = length;
  return f;
}

LiveFaultSpec adhoc(FaultKind kind, std::string target, std::string id = {}) {
  LiveFaultSpec s;
  s.id = std::move(id);
  s.kind = kind;
  s.targets = {std::move(target)};
  return s;
}

TEST_CASE("live: a scenario fault acts only inside its window, scaled by the time scale") {
  Table t(60);  // 1 scenario minute per wall second
  t.faults.load_scenario({fault("oms-down", FaultKind::outage, "oms", minutes(1), minutes(2))},
                         kStartUs);
  t.at_ms(999);
  CHECK(t.faults.for_request("oms").action == Action::pass);
  t.at_ms(1000);
  const HttpFaultDecision d = t.faults.for_request("oms");
  CHECK(d.action == Action::respond);
  CHECK(d.status == 503);
  CHECK(d.fault_id == "oms-down");
  CHECK(t.faults.for_request("erp").action == Action::pass);  // another target
  t.at_ms(2999);
  CHECK(t.faults.for_request("oms").action == Action::respond);
  t.at_ms(3000);
  CHECK(t.faults.for_request("oms").action == Action::pass);
  const std::vector<LiveFaultView> list = t.faults.list();
  REQUIRE(list.size() == 1);
  CHECK(list[0].hits == 2);
  CHECK(list[0].start_ms == 1000);
  CHECK(list[0].end_ms == 3000);
  CHECK(list[0].from_scenario);
  CHECK_FALSE(list[0].active);
}

TEST_CASE("live: a flapping fault is on and off in scaled phases inside its window") {
  Table t(60);
  FaultSpec f = fault("flaky", FaultKind::error_burst, "erp", Duration{}, minutes(5));
  f.flap = FlapSpec{minutes(1), minutes(1)};  // 1 s on, 1 s off at 60x
  t.faults.load_scenario({f}, kStartUs);
  const std::vector<std::pair<int64_t, bool>> expected{{0, true},     {999, true},  {1000, false},
                                                       {1999, false}, {2000, true}, {4500, true},
                                                       {5000, false}};
  for (const auto& [ms, on] : expected) {
    t.at_ms(ms);
    CAPTURE(ms);
    CHECK((t.faults.for_request("erp").action == Action::respond) == on);
  }
}

TEST_CASE("live: precedence is outage, error burst, malformed, rate limit, timeout, as FaultGate") {
  Table t;
  // Added in reverse order: the table sorts by kind, not by arrival.
  LiveFaultSpec latency = adhoc(FaultKind::latency, "oms", "slow");
  latency.params.latency_ms = 250;
  REQUIRE(t.faults.add(latency).id == "slow");
  LiveFaultSpec timeout = adhoc(FaultKind::timeout, "oms", "hang");
  timeout.params.processed = false;
  REQUIRE_FALSE(t.faults.add(timeout).error);
  LiveFaultSpec limit = adhoc(FaultKind::rate_limit, "oms", "limit");
  limit.params.retry_after_s = 7;
  REQUIRE_FALSE(t.faults.add(limit).error);
  REQUIRE_FALSE(t.faults.add(adhoc(FaultKind::malformed_payload, "oms", "bad")).error);
  LiveFaultSpec burst = adhoc(FaultKind::error_burst, "oms", "burst");
  burst.params.status = 502;
  REQUIRE_FALSE(t.faults.add(burst).error);
  REQUIRE_FALSE(t.faults.add(adhoc(FaultKind::outage, "oms", "down")).error);

  HttpFaultDecision d = t.faults.for_request("oms");
  CHECK((d.action == Action::respond && d.status == 503 && d.fault_id == "down"));
  REQUIRE(t.faults.remove("down"));
  d = t.faults.for_request("oms");
  CHECK((d.action == Action::respond && d.status == 502 && d.fault_id == "burst"));
  REQUIRE(t.faults.remove("burst"));
  d = t.faults.for_request("oms");
  CHECK((d.action == Action::respond && d.status == 422 && d.fault_id == "bad"));
  REQUIRE(t.faults.remove("bad"));
  d = t.faults.for_request("oms");
  CHECK((d.action == Action::respond && d.status == 429 && d.retry_after_s == 7));
  CHECK(d.retry_after_ms == 7000);
  REQUIRE(t.faults.remove("limit"));
  d = t.faults.for_request("oms");
  CHECK(d.action == Action::hang);
  CHECK(d.hang_ms == 30'000);  // the table's default hold
  CHECK_FALSE(d.processed);
  CHECK(d.delay_ms == 0);  // an unanswered request has no latency to add
  REQUIRE(t.faults.remove("hang"));
  d = t.faults.for_request("oms");
  CHECK(d.action == Action::pass);
  CHECK(d.delay_ms == 250);
  CHECK(d.fault_id.empty());
}

TEST_CASE("live: intensity is the fraction of requests a fault takes, within binomial bounds") {
  Table t;
  LiveFaultSpec s = adhoc(FaultKind::error_burst, "shop");
  s.intensity = 0.3;
  REQUIRE_FALSE(t.faults.add(s).error);
  constexpr int kRequests = 10'000;
  int failed = 0;
  for (int i = 0; i < kRequests; ++i) {
    failed += t.faults.for_request("shop").action == Action::respond ? 1 : 0;
  }
  // Mean 3000, sd sqrt(10000 * 0.3 * 0.7) = 45.8; 5 sd either side.
  const double sd = std::sqrt(kRequests * 0.3 * 0.7);
  CHECK(std::abs(failed - 3000) < 5 * sd);
  CHECK(t.faults.list()[0].hits == static_cast<uint64_t>(failed));
}

TEST_CASE("live: the same seed gives the same decisions") {
  std::vector<int> runs[2];
  for (auto& run : runs) {
    Table t(1, 42);
    LiveFaultSpec s = adhoc(FaultKind::error_burst, "shop");
    s.intensity = 0.5;
    REQUIRE_FALSE(t.faults.add(s).error);
    for (int i = 0; i < 64; ++i)
      run.push_back(t.faults.for_request("shop").action == Action::respond);
  }
  CHECK(runs[0] == runs[1]);
}

TEST_CASE("live: a scenario rate-limit fault meters requests with its bucket in scenario time") {
  Table t(60);
  FaultSpec f = fault("tight", FaultKind::rate_limit, "shop", Duration{}, hours(1));
  f.settings =
      RateLimitSettings{{RateLimitSpec::Kind::token_bucket, 60, 2}};  // 60/s = 1 per ms wall
  t.faults.load_scenario({f}, kStartUs);
  CHECK(t.faults.for_request("shop").action == Action::pass);
  CHECK(t.faults.for_request("shop").action == Action::pass);
  const HttpFaultDecision d = t.faults.for_request("shop");
  CHECK(d.action == Action::respond);
  CHECK(d.status == 429);
  CHECK(d.retry_after_s == 1);  // 1/60 s rounded up to a whole second
  // To the millisecond for decimal Retry-After (Shopify): 1/60 scenario s is 1/3600 s of wall
  // time at x60, rounded up to 1 ms.
  CHECK(d.retry_after_ms == 1);
  t.at_ms(1);  // 60 scenario ms: room for 3.6 tokens, capped at the burst of 2
  CHECK(t.faults.for_request("shop").action == Action::pass);
  CHECK(t.faults.for_request("shop").action == Action::pass);
  CHECK(t.faults.for_request("shop").action == Action::respond);
}

TEST_CASE(
    "live: a scenario latency is sampled unscaled, kinds the table does not act on are left") {
  Table t(60);
  FaultSpec slow = fault("slow", FaultKind::latency, "erp", Duration{}, hours(1));
  slow.settings = LatencySettings{Distribution::constant(250'000)};  // microseconds
  FaultSpec stall = fault("stall", FaultKind::consumer_stall, "ingest", Duration{}, hours(1));
  const std::vector<std::string> left = t.faults.load_scenario({slow, stall}, kStartUs);
  CHECK(left == std::vector<std::string>{"stall"});
  CHECK(t.faults.for_request("erp").delay_ms == 250);
}

TEST_CASE("live: webhook faults delay, drop and duplicate deliveries by channel and topic") {
  Table t(60);
  FaultSpec delay =
      fault("late", FaultKind::webhook_delay, "shop/orders/create", Duration{}, minutes(1));
  delay.settings = WebhookDelaySettings{Distribution::constant(30'000'000)};  // 30 s: 500 ms at 60x
  FaultSpec drop = fault("lost", FaultKind::webhook_drop, "shop", minutes(1), minutes(1));
  drop.settings = WebhookDropSettings{DropScope::event};
  FaultSpec copy = fault("twice", FaultKind::webhook_duplicate, "shop", minutes(2), minutes(1));
  copy.settings = WebhookDelaySettings{Distribution::constant(6'000'000)};
  t.faults.load_scenario({copy, drop, delay}, kStartUs);

  WebhookFaultDecision d = t.faults.for_webhook({"shop", "orders/create", false, false});
  CHECK((d.action == WAction::delay && d.delay_ms == 500 && d.fault_id == "late"));
  CHECK(t.faults.for_webhook({"shop", "orders/create", true, false}).action == WAction::pass);
  CHECK(t.faults.for_webhook({"shop", "returns/create", false, false}).action == WAction::pass);
  CHECK(t.faults.for_webhook({"market", "orders/create", false, false}).action == WAction::pass);
  t.at_ms(1000);
  CHECK(t.faults.for_webhook({"shop", "returns/create", false, false}).action ==
        WAction::drop_event);
  t.at_ms(2000);
  d = t.faults.for_webhook({"shop", "orders/updated", false, false});
  CHECK((d.action == WAction::duplicate && d.delay_ms == 100));
  CHECK(t.faults.for_webhook({"shop", "orders/updated", true, true}).action == WAction::pass);
  // Webhook faults never touch HTTP requests to the channel.
  CHECK(t.faults.for_request("shop").action == Action::pass);
}

TEST_CASE("live: ad-hoc faults start when added and end after their duration or when removed") {
  Table t;
  t.at_ms(5000);
  LiveFaultSpec s = adhoc(FaultKind::error_burst, "oms");
  s.duration_ms = 2000;
  const LiveFaultAdded first = t.faults.add(s);
  CHECK(first.id == "adhoc-1");
  CHECK(t.faults.add(adhoc(FaultKind::outage, "erp", "erp-down")).id == "erp-down");
  t.at_ms(6999);
  CHECK(t.faults.for_request("oms").action == Action::respond);
  t.at_ms(7000);
  CHECK(t.faults.for_request("oms").action == Action::pass);
  CHECK(t.faults.for_request("erp").action == Action::respond);  // open-ended
  t.at_ms(60'000);
  CHECK(t.faults.for_request("erp").action == Action::respond);
  CHECK(t.faults.remove("erp-down"));
  CHECK_FALSE(t.faults.remove("erp-down"));
  CHECK_FALSE(t.faults.remove("nope"));
  CHECK(t.faults.for_request("erp").action == Action::pass);
  const std::vector<LiveFaultView> list = t.faults.list();
  REQUIRE(list.size() == 2);
  CHECK(list[0].id == "erp-down");  // outages rank first
  CHECK(list[0].removed);
  CHECK(list[0].hits == 2);
  CHECK(list[0].end_ms == 60'000);
  CHECK((list[1].start_ms == 5000 && list[1].end_ms == 7000 && list[1].hits == 1));
  // Ids are unique for the table's life, removed ones included.
  const LiveFaultAdded again = t.faults.add(adhoc(FaultKind::outage, "erp", "erp-down"));
  REQUIRE(again.error);
  CHECK(again.error->field == "id");
}

TEST_CASE("live: reset ends every fault, scenario ones included, and keeps their hits") {
  Table t;
  t.faults.load_scenario({fault("down", FaultKind::outage, "oms", Duration{}, hours(1))}, kStartUs);
  REQUIRE_FALSE(t.faults.add(adhoc(FaultKind::error_burst, "erp")).error);
  CHECK(t.faults.for_request("oms").action == Action::respond);
  CHECK(t.faults.for_request("erp").action == Action::respond);
  t.at_ms(10);
  CHECK(t.faults.reset() == 2);
  CHECK(t.faults.reset() == 0);
  CHECK(t.faults.for_request("oms").action == Action::pass);
  CHECK(t.faults.for_request("erp").action == Action::pass);
  for (const LiveFaultView& v : t.faults.list()) {
    CHECK(v.removed);
    CHECK(v.hits == 1);
    CHECK(v.end_ms == 10);
  }
}

TEST_CASE("live: an invalid ad-hoc fault is refused naming the field") {
  Table t;
  const auto field_of = [&](const LiveFaultSpec& s) {
    const LiveFaultAdded r = t.faults.add(s);
    return r.error ? r.error->field : std::string("(accepted)");
  };
  CHECK(field_of(adhoc(FaultKind::consumer_stall, "oms")) == "kind");
  CHECK(field_of(adhoc(FaultKind::outage, "")) == "target");
  CHECK(field_of(adhoc(FaultKind::outage, "oms", "bad id!")) == "id");
  LiveFaultSpec s = adhoc(FaultKind::error_burst, "oms");
  s.intensity = 1.5;
  CHECK(field_of(s) == "intensity");
  s = adhoc(FaultKind::error_burst, "oms");
  s.duration_ms = 0;
  CHECK(field_of(s) == "for");
  s = adhoc(FaultKind::error_burst, "oms");
  s.params.status = 200;
  CHECK(field_of(s) == "status");
  CHECK(field_of(adhoc(FaultKind::latency, "oms")) == "latency_ms");
  CHECK(field_of(adhoc(FaultKind::webhook_delay, "shop")) == "delay_ms");
  CHECK(t.faults.list().empty());
}

}  // namespace
}  // namespace syncdrill
