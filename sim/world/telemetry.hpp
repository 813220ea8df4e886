// Telemetry: one record per request a connector sends and per webhook delivery a channel makes,
// all in one shape (the playbook's "one telemetry shape for every connector"). The world hands
// records to a TelemetrySink when one is attached; the sink decides what to keep (sampling, a
// size cap) and where it goes (reports/telemetry_jsonl writes telemetry.jsonl).
//
// A record only borrows its strings and fault list: they live as long as the world, but the
// record itself must be consumed inside record().
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"
#include "mocks/types.hpp"

namespace syncdrill {

enum class TelemetryKind : uint8_t {
  request,  // a connector's attempt: sent, answered (or timed out, or refused at admission)
  webhook,  // a channel's delivery attempt of a webhook event to its receiver
};

// What a webhook delivery attempt came to.
enum class DeliveryResult : uint8_t {
  delivered,   // the receiver took it
  deduped,     // the receiver had seen the event id and dropped it
  refused,     // the receiver's queue was full: the sender retries
  dropped,     // a webhook_drop or event_drop fault lost it
  duplicated,  // delivered, and a webhook_duplicate fault sends a copy later
  delayed,     // a webhook_delay fault holds it back before delivery
  nobody_listens,
};

std::string_view to_string(TelemetryKind k);
std::string_view to_string(DeliveryResult r);

struct TelemetryRecord {
  TelemetryKind kind = TelemetryKind::request;
  SimTime time;             // when the attempt ended (requests) or was made (webhooks)
  uint64_t request_id = 0;  // unique in the run, increasing in the order attempts start
  FlowKind flow = FlowKind::order_ingest;
  std::string_view connector;  // empty for webhooks nobody consumes
  std::string_view endpoint;   // the port called; for webhooks, the sending channel
  uint32_t attempt = 1;        // 1 = the first attempt of the call (or delivery)
  Duration latency{};          // sent -> answer heard (requests); 0 for webhooks
  ErrorClass error = ErrorClass::none;
  DeliveryResult delivery = DeliveryResult::delivered;  // webhooks only
  std::string_view entity_kind;                         // "order", "sku", "shipment", "event"
  uint64_t entity = 0;
  std::string_view channel;                  // the channel the entity belongs to, if any
  std::span<const FaultSpec* const> faults;  // faults in force on this path at `time`
};

class TelemetrySink {
 public:
  virtual ~TelemetrySink() = default;
  virtual void record(const TelemetryRecord& r) = 0;
};

}  // namespace syncdrill
