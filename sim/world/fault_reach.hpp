// Which connectors a fault reaches and which a monitor reads, read from the scenario alone: the
// world uses it to report each fault's connectors and to scope its monitors, scoring to attribute
// firings, `syncdrill validate` and `run` to warn of faults no monitor can see, and `syncdrill
// compare` to choose the connectors whose policy it swaps before any run.
#pragma once

#include <string>
#include <vector>

#include "core/scenario/scenario.hpp"

namespace syncdrill {

// Kinds of the request family, which act through a port's or a connector's FaultGate, and of
// the webhook family (their rows in core/scenario/fault_kinds.cpp).
bool is_gate_kind(FaultKind k);
bool is_webhook_kind(FaultKind k);

// The ports a connector's flow calls: ingest the OMS and ERP, returns the OMS, sync flows the
// channel they feed, fulfillment the WMS, OMS and channels, reconciliation the OMS and ERP.
// (The OMS, ERP and WMS are the first system of that kind.)
std::vector<std::string> ports_called(const Scenario& scenario, const ConnectorSpec& c);

// The connectors whose work `f` touches, in scenario order.
std::vector<std::string> connectors_touched(const Scenario& scenario, const FaultSpec& f);

// The connectors a monitor reads, in scenario order: those of its `flow` (if set) that its
// `target` names. No target: every connector. A connector: that one. A channel: the connectors
// from or to it. A system: every connector whose calls reach it (ports_called names it, or its
// from/to does), so `target: erp` reads the order ingest that posts revenue to the ERP.
std::vector<std::string> monitor_connectors(const Scenario& scenario, const MonitorSpec& m);

// The connectors a monitor is answerable for: those it reads and, for a reconciliation monitor,
// the order ingest and returns connectors, whose writes reconciliation checks. A firing is
// attributed to a fault that touches one of them (sim/score/detection.hpp).
std::vector<std::string> monitor_watched(const Scenario& scenario, const MonitorSpec& m);

// What the monitors cannot see, one sentence each, in scenario order: every fault that touches
// no connector any monitor watches (so no firing can ever be attributed to it), then every
// monitor that watches no connector (so none of its firings can be).
std::vector<std::string> observability_warnings(const Scenario& scenario);

}  // namespace syncdrill
