// OrderJob: an orders/create webhook as the connector's workers need it, and the OMS request it
// becomes (docs/live-api.md, POST /oms/orders).
//
// The webhook body is
//   {"event_id": "dtc-17", "topic": "orders/create", "channel": "dtc", "created_at": "...",
//    "order": {"id": 12, "status": "paid", "amount_minor": 4599,
//              "lines": [{"sku": 17, "quantity": 1, "unit_price_minor": 4599}]}}
// Only the fields the OMS needs are read; the rest is ignored, so a platform adding fields
// breaks nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The declaration alone: nlohmann/json.hpp costs every includer about 2 s of compile time,
// so only the files that build or read the JSON include it.
#include <nlohmann/json_fwd.hpp>

namespace syncdrill {

struct OrderJobLine {
  uint64_t sku = 0;
  uint64_t quantity = 0;
  int64_t unit_price_minor = 0;
  uint64_t variant_id = 0;  // Shopify's variant of the line (stock sync); 0 = none
};

struct OrderJob {
  std::string event_id;
  std::string channel;
  uint64_t order_id = 0;
  std::vector<OrderJobLine> lines;  // 1 .. kOrderLinesMax
  std::string key_prefix;           // the Idempotency-Key's prefix; empty = the channel's name
  // The OMS's channel_order when it is not order_id: a Shopify order's id is the channel's order
  // id + 1 (docs/dialect-shopify.md), so its job carries id - 1 here.
  std::optional<uint64_t> channel_order;
};

inline constexpr size_t kOrderLinesMax = 1000;  // the OMS's own limit

// A JSON object's field as an integer >= 0; nullopt when `object` is no object, the field is
// missing, not an integer, or negative.
std::optional<uint64_t> read_count(const nlohmann::json& object, const char* key);

// Reads an orders/create body. `channel_header` (X-Syncdrill-Channel) and `event_id_header`
// (X-Syncdrill-Event-Id) are used when the body lacks those fields. nullopt, with *error saying
// which field is wrong, for a body the OMS could not take.
std::optional<OrderJob> parse_order_event(const nlohmann::json& body,
                                          std::string_view channel_header,
                                          std::string_view event_id_header, std::string* error);

// {"channel", "channel_order", "lines"}: the OMS create body, built the same way on every
// attempt (the OMS compares a reused Idempotency-Key's body).
std::string oms_create_body(const OrderJob& job);

// "<channel>-<order id>" ("<key_prefix>-<order id>" when set): one key per channel order, so every
// retry and every redelivery of the same order replays the first create instead of making a
// duplicate.
std::string idempotency_key(const OrderJob& job);

// The distinct SKUs of the order, in ascending order.
std::vector<uint64_t> order_skus(const OrderJob& job);

}  // namespace syncdrill
