// The world's telemetry: one record per connector attempt and per webhook delivery attempt, in
// one shape, with the faults in force on the record's path. Checked against the connectors' own
// counters, and for a fault window against the fault's timeline.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "mocks/fault_window.hpp"
#include "sim/world/world.hpp"
#include "tests/sim/world/scenario_text.hpp"

namespace syncdrill {
namespace {

using testing::connector;
using testing::from_text;

struct Kept {
  TelemetryKind kind;
  SimTime time;
  uint64_t request_id;
  std::string connector;
  std::string endpoint;
  uint32_t attempt;
  Duration latency;
  ErrorClass error;
  DeliveryResult delivery;
  std::string entity_kind;
  uint64_t entity;
  std::vector<std::string> faults;
};

class Collect final : public TelemetrySink {
 public:
  void record(const TelemetryRecord& r) override {
    Kept k{r.kind,
           r.time,
           r.request_id,
           std::string(r.connector),
           std::string(r.endpoint),
           r.attempt,
           r.latency,
           r.error,
           r.delivery,
           std::string(r.entity_kind),
           r.entity,
           {}};
    for (const FaultSpec* f : r.faults)
      k.faults.push_back(f->id);
    kept.push_back(std::move(k));
  }
  std::vector<Kept> kept;
};

// The base drill, its ingest retrying with backoff, with an OMS error burst and lost webhooks.
const char* kScenario = R"Y(
extends: base.yaml
name: telemetry
duration: 30m
catalog: {skus: 200, stock_per_sku: 100000}
systems:
  - {name: oms, endpoint: {workers: 32, service_time: 40ms}}
  - {name: erp, endpoint: {workers: 32, service_time: 60ms}}
policies:
  - name: p
    timeout: 1s
    retry: {max_attempts: 5, backoff: exponential, base: 100ms, cap: 2s}
    idempotency_keys: true
connectors:
  - {name: ingest, policy: p, workers: 32}
faults:
  - {id: oms-5xx, kind: error_burst, target: oms, at: 10m, for: 5m, intensity: 40%,
     cause: release}
  - {id: hooks-lost, kind: webhook_drop, target: shop/orders/create, at: 20m, for: 5m,
     intensity: 20%}
)Y";

TEST_CASE("telemetry has a record per attempt and per delivery, with the faults on its path") {
  const Scenario s = from_text(kScenario);
  Collect sink;
  const WorldResult r = run_world(s, 21, Engine::Limits{}, &sink);
  const ConnectorStats& stats = connector(r, "ingest").stats;
  uint64_t requests = 0;
  uint64_t errors = 0;
  uint64_t deliveries = 0;
  uint64_t dropped = 0;
  std::map<uint64_t, uint32_t> attempts_by_request;
  for (const Kept& k : sink.kept) {
    if (k.kind == TelemetryKind::webhook) {
      ++deliveries;
      CHECK(k.endpoint == "shop");
      if (k.delivery == DeliveryResult::dropped) {
        ++dropped;
        // Only the drop fault's window drops deliveries, and it names itself.
        CHECK(fault_active(s.faults[1], k.time));
        CHECK(k.faults == std::vector<std::string>{"hooks-lost"});
      }
      continue;
    }
    ++requests;
    CHECK(k.connector == "ingest");
    CHECK(k.entity_kind == "order");
    CHECK(k.latency >= Duration{});
    if (k.error != ErrorClass::none) ++errors;
    // Attempts of one call share its id and count up from 1 without gaps.
    uint32_t& last = attempts_by_request[k.request_id];
    CHECK(k.attempt == last + 1);
    last = k.attempt;
    // A 5xx in this world comes from the burst, which is named on the record.
    if (k.error == ErrorClass::server_error) {
      CHECK(k.endpoint == "oms");
      CHECK(k.faults == std::vector<std::string>{"oms-5xx"});
    }
    if (!fault_active(s.faults[0], k.time) && !fault_active(s.faults[1], k.time)) {
      CHECK(k.faults.empty());
    }
  }
  // A record is written when its attempt ends: attempts still in flight at the end have none.
  CHECK(requests <= stats.attempts);
  CHECK(stats.attempts - requests <= connector(r, "ingest").busy_workers_at_end);
  uint64_t counted_errors = 0;
  for (uint64_t e : stats.errors)
    counted_errors += e;
  CHECK(errors == counted_errors);
  CHECK(dropped == r.channels[0].webhook_deliveries_dropped);
  CHECK(dropped > 0);
  // Each placed order's event is delivered at least once; dropped attempts are delivered again.
  CHECK(deliveries >= r.channels[0].orders_placed + dropped);
  // Two calls per order (OMS create, ERP revenue), each with its own id.
  CHECK(attempts_by_request.size() > r.channels[0].orders_placed);
}

TEST_CASE("telemetry only watches: a run with a sink has the same outcome as one without") {
  const Scenario s = from_text(kScenario);
  Collect sink;
  const WorldResult watched = run_world(s, 22, Engine::Limits{}, &sink);
  const WorldResult plain = run_world(s, 22);
  CHECK(watched.events_processed == plain.events_processed);
  CHECK(watched.channels[0].in_oms_once == plain.channels[0].in_oms_once);
  CHECK(watched.fault_hits == plain.fault_hits);
  CHECK(connector(watched, "ingest").stats.attempts == connector(plain, "ingest").stats.attempts);
}

}  // namespace
}  // namespace syncdrill
