// ChannelState: one channel as the world runs it: its mock and port, the flows reading its
// webhooks, and what the flows know of each of its orders.
//
// Invariants:
// - Orders are dense and in time order: flags, placed_at_us and oms_order hold one entry per
//   order the channel accepted (order id = index), appended only by add_order(), and
//   placed_at_us never decreases. Scans that stop at the first order too young rely on it.
// - oms_order[k] is 0 until the OMS creates the order's first copy, then that copy's id + 1,
//   and never changes again (later copies are the world's ExtraCopy records).
// - returns_made is in time order, at most one per order, each of an order already placed.
// - poll_cursor and missing_cursor never pass the number of orders, and never go back.
// - webhook_fault_rng is set whenever webhook_faults is not empty (drawn only while one is in
//   force), so runs without webhook faults draw nothing from it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/engine/check.hpp"
#include "core/engine/growing_array.hpp"
#include "core/engine/random.hpp"
#include "core/observe/histogram.hpp"
#include "core/scenario/scenario.hpp"
#include "mocks/channel.hpp"
#include "sim/world/policy/dedupe.hpp"
#include "sim/world/port.hpp"
#include "sim/world/sync_delay.hpp"

namespace syncdrill {
struct ChannelOutcome;
}

namespace syncdrill::world {

class Flow;

// A fault on a channel's webhooks: webhook_drop, webhook_duplicate, webhook_delay, event_drop.
struct WebhookFault {
  const FaultSpec* fault = nullptr;
  uint64_t* hits = nullptr;
  uint8_t topics = 0;  // bit (1 << WebhookTopic) for each topic it covers
};

// A return the channel recorded: its order and when.
struct ReturnRequest {
  uint64_t order = 0;
  int64_t at_us = 0;
};

struct ChannelState {
  const ChannelSpec* spec = nullptr;
  std::unique_ptr<ChannelMock> mock;
  Port* port = nullptr;
  ChannelOutcome* outcome = nullptr;
  GrowingArray<uint8_t> flags;         // per channel order (OrderFlag)
  GrowingArray<int64_t> placed_at_us;  // per channel order
  GrowingArray<uint32_t> oms_order;    // per channel order: first OMS order + 1 (0 = none)
  // The returns customers made, in time order (at most one per order), for reconciliation to
  // compare with what the OMS and ERP processed.
  std::vector<ReturnRequest> returns_made;
  Flow* ingest = nullptr;   // the order_ingest flow reading this channel's webhooks
  Flow* returns = nullptr;  // the returns flow
  std::optional<WebhookDedupe> ingest_dedupe;
  uint64_t poll_cursor = 0;  // the backup poll has looked at orders before this
  // Orders before this are older than kMissingGrace and were counted missing if they had no
  // OMS order then (World::DamageTally).
  uint64_t missing_cursor = 0;
  std::vector<WebhookFault> webhook_faults;
  uint32_t safety_buffer = 0;  // the spec's, until a runbook raises it
  bool paused = false;         // a runbook paused the listings: stock sync lists nothing
  // The channel removed the webhook subscription (WebhookSpec::remove_when_exhausted): it
  // delivers nothing more this run, and only the backup poll still finds orders.
  bool webhooks_removed = false;
  std::vector<uint32_t> listed_before_pause;  // restored when the channel resumes
  // Monitoring (only with monitors): sync delays since the last evaluation tick, and the orders
  // the OMS cancelled as oversold so far.
  SyncDelays<LatencyHistogram> window_delay_us;
  SyncDelays<LatencyHistogram> sample_delay_us;  // since the last series sample
  uint64_t oversold_so_far = 0;
  uint64_t webhooks_taken = 0;                    // deliveries the receiving connector took
  uint64_t webhooks_taken_at_tick = 0;            // ... at the last monitor evaluation
  std::optional<RandomStream> webhook_fault_rng;  // drawn only while a webhook fault is in force

  // Orders the channel accepted so far.
  uint64_t orders() const { return flags.size(); }

  // The channel accepted `order` at `at_us`. REQUIRES: the next order id, not before the last.
  void add_order(uint64_t order, int64_t at_us) {
    SD_CHECK(order == orders(), "channel order ids are dense");
    SD_CHECK(placed_at_us.empty() || placed_at_us.back() <= at_us, "orders come in time order");
    flags.push_back(0);
    placed_at_us.push_back(at_us);
    oms_order.push_back(0);
  }

  // A customer returned `order` at `at_us`. REQUIRES: a placed order, not before the last return.
  void add_return(uint64_t order, int64_t at_us) {
    SD_CHECK(order < orders(), "a return of a placed order");
    SD_CHECK(returns_made.empty() || returns_made.back().at_us <= at_us,
             "returns are recorded in time order");
    returns_made.push_back(ReturnRequest{order, at_us});
  }

  // The first OMS copy of `order` was created as `oms_order_id`. REQUIRES: the order had none.
  void set_oms_order(uint64_t order, uint64_t oms_order_id) {
    SD_CHECK(order < orders() && oms_order[order] == 0, "an order's first OMS copy is set once");
    // oms_order holds the id + 1 in 32 bits.
    SD_CHECK(oms_order_id < UINT32_MAX, "OMS order ids fit 32 bits");
    oms_order[order] = static_cast<uint32_t>(oms_order_id + 1);
  }
};

}  // namespace syncdrill::world
