// The drill's control API: ad-hoc faults during a GameDay (what Toxiproxy offers for TCP, here
// for HTTP requests and webhooks), incident acknowledgements, finishing the drill, metrics and
// status. Routes (docs/live-control.md has curl examples):
//   GET    /_drill/faults         the fault table with hit counts
//   POST   /_drill/faults         add a fault (JSON body); 201, or 400 naming the bad field
//   DELETE /_drill/faults/{id}    end a fault now; 404 when unknown
//   POST   /_drill/faults/reset   end every fault now
//   POST   /_drill/ack            {"note": "..."}: the team's alerting caught an incident
//   POST   /_drill/finish         end the drill and write the reports; 202
//   GET    /_drill/metrics        Prometheus text exposition format 0.0.4
//   GET    /_drill/status         the drill's state as JSON
// Every route needs `Authorization: Bearer <token>` (401 otherwise; compared in constant time),
// except /_drill/metrics when ControlOptions::metrics_without_token is set. Errors are JSON in the
// mock server's shape: {"error": KIND, "detail": "...", "field": "..."} (field only when one input
// is to blame), KIND one of malformed_json, invalid_field, unauthorized, not_found, conflict,
// payload_too_large, not_implemented.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "mocks/http/live_faults.hpp"

namespace httplib {
class Server;
}

namespace syncdrill {

// What the drill does on behalf of the routes. A hook left empty answers 501. Hooks run on the
// server's threads: they must be thread-safe.
struct ControlHooks {
  std::function<nlohmann::json(const std::string& note)> ack;  // returns what it recorded
  std::function<nlohmann::json()> finish;  // starts finishing; returns e.g. {"finishing": true}
  std::function<std::string()> metrics;    // Prometheus text exposition, format 0.0.4
  std::function<nlohmann::json()> status;
};

struct ControlOptions {
  // The drill's scenario: a fault's targets must be names it has, that the kind may target
  // (the loader's rules, core/scenario/fault_rules.hpp) and that the live drill serves; 422
  // otherwise. nullptr: targets are not checked. Must outlive the server.
  const Scenario* scenario = nullptr;
  bool metrics_without_token = false;  // let a Prometheus scraper in without the token
  size_t body_bytes_max = 64 * 1024;   // larger request bodies get 413
  size_t note_bytes_max = 4096;        // a longer ack note gets 400
};

// The JSON form of one fault table entry (GET /_drill/faults lists these).
nlohmann::json to_json(const LiveFaultView& fault);

// Parses a POST /_drill/faults body into a spec; on error, the JSON key to blame.
// Keys: id, kind, target (string) or targets (list), intensity, for ("30s") or duration_ms,
// latency_ms, status, retry_after_s, processed, hang_ms, rate_per_s, burst, per, delay_ms.
std::variant<LiveFaultSpec, LiveFaultError> parse_fault_spec(const nlohmann::json& body);

// Adds the routes above. `faults` must outlive the server. REQUIRES: token not empty.
void register_control_routes(httplib::Server& server, LiveFaults& faults, ControlHooks hooks,
                             std::string token, ControlOptions options = {});

}  // namespace syncdrill
