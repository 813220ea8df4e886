// The SLA tier checks of a finished run (docs/scenario-format.md, sla_tiers), decided after
// detection and recovery are scored (detection.hpp, recovery.hpp).
//
// Per flow of each tier, in this order:
//   freshness_p95   the sync delay p95 per channel; the worst channel decides (`merged`: over
//                   every channel together); a channel offered work that never got an update
//                   is the stalest, at least the run's length
//   error_rate      failed / attempts of the flow's connectors, per channel they serve; the
//                   worst decides; below 1 / limit attempts a channel stands alone only when
//                   its failures are too many to be chance at the limit (binomial tail < 0.1%),
//                   and the all-channel figure always counts
//   data_loss       order_ingest: orders lost; returns: returns not synced
//   duplicated      order_ingest: channel orders with two or more OMS orders
//   oversold        stock_sync: orders the OMS cancelled for lack of stock
//   stale_price_lines, stale_price_amount   price_sync: lines sold at another price than the
//                   ERP's, and the money (major units of the scenario's currency)
//   unmapped_rate   fulfillment: shipment states the mapping could not translate / status updates
//   unmatched_end, unmatched_peak   reconciliation: unmatched entries at its last and worst run
//   dropped         every flow (limit 0 unless set): jobs dropped on a full connector queue
//   mttd            each fault touching the flow (once per tier); a missed fault breaches it
// then mttr for each fault touching a flow of a tier that sets mttr_max (once per tier).
//
// A check with nothing to measure (no channel saw a sync delay, no connector made an attempt,
// no reconciliation ran) is no_data: it neither holds nor breaches, and says why. Every breach
// carries a sentence computed from the data.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "sim/score/score.hpp"
#include "sim/world/world.hpp"

namespace syncdrill {

void judge_tiers(const Scenario& scenario, const WorldResult& result, Score& score);

// The tier that judges `flow`: the first tier listing it; nullptr when none does. The live drill
// (app/live_observer.cpp) judges its faults by the same tier.
const SlaTierSpec* tier_of(const Scenario& scenario, FlowKind flow);

// A check's frame: its name, flow, limit and unit, neither decided nor without data yet. Every
// check of judge_tiers and of the live drill (app/live_observer.cpp) is built with these three.
TierCheck tier_check(std::string_view check, FlowKind flow, double limit, std::string unit);

// Decides `c` on a measured figure: held when actual <= limit; else `why()` is the breach's
// sentence, computed from the data.
template <typename Why>
TierCheck decided_check(TierCheck c, double actual, Why why) {
  c.actual = actual;
  c.held = actual <= c.limit;
  if (!c.held) c.reason = why();
  return c;
}

// Nothing to measure: neither held nor breached; `why` says why there is no data.
TierCheck no_data_check(TierCheck c, std::string why);

// 1234567 -> "1,234,567", as every reason writes counts.
std::string count_text(uint64_t n);

// The channel a connector serves (its from or to, whichever is a channel); empty when it only
// joins systems (fulfillment, reconciliation).
std::string channel_served(const Scenario& scenario, const ConnectorSpec& c);

}  // namespace syncdrill
