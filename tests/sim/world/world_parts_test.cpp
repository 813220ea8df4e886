// The world's owned parts on their own: the on-call incident state, the damage tally, a
// channel's order record, the freshness record, the result recorder and typed job payloads.
#include <vector>

#include <doctest/doctest.h>

#include "sim/world/channel_state.hpp"
#include "sim/world/connector.hpp"
#include "sim/world/damage_tally.hpp"
#include "sim/world/monitors/monitor_set.hpp"
#include "sim/world/on_call.hpp"
#include "sim/world/result_recorder.hpp"
#include "sim/world/sync_delay.hpp"

namespace syncdrill::world {
namespace {

std::vector<MonitorSpec> monitors(std::initializer_list<const char*> names) {
  std::vector<MonitorSpec> out;
  for (const char* n : names) {
    MonitorSpec m;
    m.name = n;
    out.push_back(m);
  }
  return out;
}

ActionSpec action_on(std::vector<std::string> on) {
  ActionSpec a;
  a.on = std::move(on);
  return a;
}

TEST_CASE("on-call: one acknowledgement per incident, actions once, all clear resets") {
  const std::vector<MonitorSpec> ms = monitors({"queue", "errors"});
  const ActionSpec on_errors = action_on({"errors"});
  const ActionSpec always = action_on({});
  OnCall oc;
  oc.open(ms.size(), 2);
  CHECK_FALSE(oc.close());  // no incident open: nothing to clear
  CHECK(oc.page(0) == OnCall::PageNext::send_ack);
  CHECK(oc.page(1) == OnCall::PageNext::ack_pending);  // the acknowledgement is on its way
  CHECK(oc.acknowledge());
  CHECK_FALSE(oc.acknowledge());  // once per incident
  CHECK(oc.take_action(0, on_errors, ms));
  CHECK_FALSE(oc.take_action(0, on_errors, ms));  // ran already in this incident
  CHECK(oc.take_action(1, always, ms));
  CHECK(oc.page(0) == OnCall::PageNext::run_actions);  // acknowledged: act at once
  CHECK(oc.close());
  // A new incident: pages and actions start over.
  CHECK(oc.page(0) == OnCall::PageNext::send_ack);
  CHECK(oc.acknowledge());
  CHECK_FALSE(oc.take_action(0, on_errors, ms));  // "errors" did not page in this incident
  CHECK(oc.take_action(1, always, ms));
}

TEST_CASE("on-call: an acknowledgement arriving after the all clear acknowledges nothing") {
  const std::vector<MonitorSpec> ms = monitors({"queue"});
  OnCall oc;
  oc.open(ms.size(), 0);
  CHECK(oc.page(0) == OnCall::PageNext::send_ack);
  CHECK(oc.close());
  CHECK_FALSE(oc.acknowledge());
  CHECK(oc.page(0) == OnCall::PageNext::send_ack);  // still not acknowledged: a new incident
}

TEST_CASE("damage tally: counts and money follow the events, found and cancelled undo them") {
  DamageTally d;
  d.order_missing(1'000);
  d.order_missing(250);
  d.extra_opened(700);
  d.order_oversold(90);
  d.order_found(250);
  d.extra_cancelled(700);
  CHECK(d.missing() == 1);
  CHECK(d.missing_minor() == 1'000);
  CHECK(d.extra_open() == 0);
  CHECK(d.extra_open_minor() == 0);
  CHECK(d.oversold() == 1);
  CHECK(d.oversold_minor() == 90);
}

TEST_CASE("damage tally: money sums saturate instead of overflowing") {
  DamageTally d;
  d.order_missing(INT64_MAX);
  d.order_missing(5);
  CHECK(d.missing() == 2);
  CHECK(d.missing_minor() == INT64_MAX);
}

TEST_CASE("channel state: orders are dense, the first OMS copy is recorded once") {
  ChannelState ch;
  ch.add_order(0, 10);
  ch.add_order(1, 10);  // same microsecond: still in time order
  ch.add_order(2, 30);
  CHECK(ch.orders() == 3);
  CHECK(std::vector<int64_t>(ch.placed_at_us.begin(), ch.placed_at_us.end()) ==
        std::vector<int64_t>{10, 10, 30});
  CHECK(std::vector<uint8_t>(ch.flags.begin(), ch.flags.end()) == std::vector<uint8_t>{0, 0, 0});
  ch.set_oms_order(1, 41);
  CHECK(std::vector<uint32_t>(ch.oms_order.begin(), ch.oms_order.end()) ==
        std::vector<uint32_t>{0, 42, 0});  // id + 1; 0 is none
  ch.add_return(2, 50);
  REQUIRE(ch.returns_made.size() == 1);
  CHECK(ch.returns_made[0].order == 2);
}

TEST_CASE("freshness record: each sync flow has its own slot, the others none") {
  CHECK(sync_delay_of(FlowKind::order_ingest) == SyncDelay::ingest);
  CHECK(sync_delay_of(FlowKind::stock_sync) == SyncDelay::stock);
  CHECK(sync_delay_of(FlowKind::price_sync) == SyncDelay::price);
  CHECK(sync_delay_of(FlowKind::fulfillment) == SyncDelay::status);
  CHECK_FALSE(sync_delay_of(FlowKind::returns).has_value());
  CHECK_FALSE(sync_delay_of(FlowKind::reconciliation).has_value());
  SyncDelays<int> r;
  for (const SyncDelay d : kSyncDelays)
    r[d] = static_cast<int>(d) * 10 + 1;
  CHECK(r.ingest() == 1);
  CHECK(r.stock() == 11);
  CHECK(r.price() == 21);
  CHECK(r.status() == 31);
  std::vector<int> order;
  for (int v : r)
    order.push_back(v);
  CHECK(order == std::vector<int>{1, 11, 21, 31});  // iterates in kSyncDelays order
}

TEST_CASE("result recorder: a sync delay reaches its kind's histogram and the sample window") {
  WorldResult result;
  result.channels.resize(1);
  DamageTally damage;
  MonitorSet monitoring;  // no monitors: the monitors' windows are not fed
  ResultRecorder rec(result, damage, monitoring);
  ChannelState ch;
  ch.outcome = &result.channels[0];
  rec.sync_delay(ch, SyncDelay::stock, 2'000'000);
  rec.sync_delay(ch, SyncDelay::stock, 4'000'000);
  rec.sync_delay(ch, SyncDelay::status, 1'000);
  const ChannelOutcome& out = result.channels[0];
  CHECK(out.stock_sync_delay_us.count() == 2);
  CHECK(out.status_sync_delay_us.count() == 1);
  CHECK(out.ingest_delay_us.count() == 0);
  CHECK(out.price_sync_delay_us.count() == 0);
  CHECK(ch.sample_delay_us[SyncDelay::stock].count() == 2);
  CHECK(ch.sample_delay_us[SyncDelay::status].count() == 1);
  CHECK(ch.window_delay_us[SyncDelay::stock].count() == 0);
  // The flow-kind lookup the scorer reads is the same histogram.
  for (FlowKind f :
       {FlowKind::order_ingest, FlowKind::stock_sync, FlowKind::price_sync, FlowKind::fulfillment})
    CHECK(sync_delays(out, f) == &sync_delays_of(out, *sync_delay_of(f)));
}

TEST_CASE("result recorder: counters, a cancelled duplicate's damage and runs in time order") {
  WorldResult result;
  DamageTally damage;
  MonitorSet monitoring;
  ResultRecorder rec(result, damage, monitoring);
  damage.extra_opened(500);
  damage.extra_opened(700);
  rec.duplicate_cancelled(700);
  CHECK(result.duplicates_cancelled == 1);
  CHECK(damage.extra_open() == 1);
  CHECK(damage.extra_open_minor() == 500);
  rec.revenue_reversed();
  rec.status_update();
  rec.status_update();
  rec.unmapped_state();
  CHECK(result.revenue_entries_reversed == 1);
  CHECK(result.status_updates == 2);
  CHECK(result.unmapped_states == 1);
  ReconciliationRun first;
  first.at = SimTime{} + minutes(20);
  ReconciliationRun second = first;  // the same instant is still in order
  second.missing_in_oms = 3;
  rec.reconciliation_run(first);
  rec.reconciliation_run(second);
  REQUIRE(result.reconciliation.size() == 2);
  CHECK(result.reconciliation[1].missing_in_oms == 3);
}

TEST_CASE("job payloads: a job carries the payload its operation set, by type") {
  Job j;
  CHECK(std::holds_alternative<std::monostate>(j.payload));
  j.payload = DuplicatePayload{1234};
  CHECK(payload_of<DuplicatePayload>(j).oms_order == 1234);
  j.payload = ShippedPayload{SimTime{} + seconds(5)};
  CHECK(payload_of<ShippedPayload>(j).left == SimTime{} + seconds(5));
  CHECK(std::get_if<DuplicatePayload>(&j.payload) == nullptr);
}

}  // namespace
}  // namespace syncdrill::world
