// Which connectors a fault reaches, read from the scenario alone: the world uses it to report
// each fault's connectors, and `syncdrill compare` to choose the connectors whose policy it
// swaps before any run.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace syncdrill {

// Kinds that act through a port's or a connector's FaultGate (latency, timeout, error_burst,
// outage, rate_limit, malformed_payload), and kinds that act on webhook deliveries.
bool is_gate_kind(FaultKind k);
bool is_webhook_kind(FaultKind k);

// The ports a connector's flow calls: ingest the OMS and ERP, returns the OMS, sync flows the
// channel they feed, fulfillment the WMS, OMS and channels, reconciliation the OMS and ERP.
// (The OMS, ERP and WMS are the first system of that kind.)
std::vector<std::string> ports_called(const Scenario& scenario, const ConnectorSpec& c);

// The connectors whose work `f` touches, in scenario order.
std::vector<std::string> connectors_touched(const Scenario& scenario, const FaultSpec& f);

}  // namespace syncdrill
