// The fault-kind table: one row per FaultKind, holding what every layer needs to know about a
// kind (docs/fault-kinds.md). The loader reads a kind's keys and targets from it, the reach
// computation and the world its family and the flows it hurts, the scorecard its unit, the live
// fault table and the control API whether and in which order it acts live.
//
// Adding a kind: its enum value (scenario.hpp, with its settings struct if it has keys), its row
// and settings reader (fault_kinds.cpp), the file where it acts, and its tests. The table's
// tests (tests/core/scenario/fault_kinds_test.cpp) check that every kind has exactly one row.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/scenario/scenario.hpp"

namespace syncdrill::scenario {

class MapReader;
class Ctx;

// Where a kind acts, which decides who applies it.
enum class FaultFamily : uint8_t {
  request,    // on requests, at a port's or a connector's FaultGate (sim/faults/fault_gate.hpp)
  webhook,    // on webhook events and deliveries at their channel (sim/world/world_orders.cpp)
  connector,  // on a connector's workers or policy, at the fault's on/off edges
  feed,       // on the ERP's change feed to the sync flows (sim/world/world_sync.cpp)
  mapping,    // on the fulfillment flow's status mapping (sim/world/world_fulfillment.cpp)
  load,       // adds customers to a channel's traffic (sim/world/traffic/peak.cpp)
};

// What a kind may name as a target, as bits.
enum FaultTarget : uint8_t {
  kTargetChannel = 1 << 0,
  kTargetSystem = 1 << 1,                // any system
  kTargetErp = 1 << 2,                   // an erp system only
  kTargetConnector = 1 << 3,             // any connector
  kTargetSyncConnector = 1 << 4,         // a stock_sync or price_sync connector
  kTargetFulfillmentConnector = 1 << 5,  // a fulfillment connector
  kTargetTopic = 1 << 6,                 // a webhook topic, "<channel>/<topic>"
};

// How a kind is run in a live drill.
enum class LiveAct : uint8_t {
  none,     // simulation only: the live fault table skips it
  request,  // the live fault table answers HTTP requests (mocks/http/live_faults.hpp)
  webhook,  // the live fault table decides webhook delivery attempts
  traffic,  // the live traffic generator acts on it (app/live_traffic.cpp)
};

// Reads a kind's own keys into its FaultSpec's settings (defaults set first); reports errors
// through the reader. Defined next to the table, in fault_kinds.cpp.
using SettingsReader = void (*)(Ctx& ctx, MapReader& r, const Scenario& s, FaultSpec& f);

struct FaultKindRow {
  FaultKind kind;
  std::string_view name;  // the YAML and JSON spelling
  FaultFamily family;
  // The order in which a request or a delivery meets the kinds of its family, whatever order the
  // scenario lists them in (ties: the scenario's order). request: outage 0, error_burst 1,
  // malformed_payload 2, rate_limit 3, timeout 4, latency 5 (which only delays the answer).
  // webhook: event_drop 0 (before any attempt), then per attempt webhook_delay 1,
  // webhook_drop 2, webhook_duplicate 3. Other families: 0.
  int order;
  std::span<const std::string_view> keys;  // the YAML keys of this kind alone
  SettingsReader read_settings;            // nullptr: the kind has no keys of its own
  uint8_t targets;                         // FaultTarget bits
  std::string_view targets_text;           // the same, as messages spell them
  std::span<const FlowKind> flows;         // the flows it can hurt (fault_reach.cpp)
  std::string_view hit_unit;               // what the report counts as its hits
  LiveAct live;
  std::span<const std::string_view> live_keys;  // its control API JSON keys
  // The HTTP status the live server answers with when the kind refuses or fails a request (a
  // control API `status` overrides it); 0 for kinds that never answer for the server.
  int live_status;
};

// Every row, in FaultKind order.
std::span<const FaultKindRow> fault_kind_rows();
// The row of `k`. REQUIRES: k is a FaultKind value.
const FaultKindRow& fault_kind_row(FaultKind k);
// The kind spelled `name`; none when no kind is.
std::optional<FaultKind> fault_kind_named(std::string_view name);

inline FaultFamily family_of(FaultKind k) {
  return fault_kind_row(k).family;
}
// The order in which a request meets the request kinds (the row's `order`); -1 for the kinds of
// other families.
int request_fault_rank(FaultKind k);
// Whether the live fault table acts on `k` (requests or webhook deliveries).
inline bool acts_in_live_table(FaultKind k) {
  const LiveAct live = fault_kind_row(k).live;
  return live == LiveAct::request || live == LiveAct::webhook;
}
// The order in which the live fault table keeps its entries: the request kinds, then the
// webhook kinds, each in their family's order; -1 for kinds it does not act on.
int live_table_rank(FaultKind k);

}  // namespace syncdrill::scenario
