// OmsMock: the system of record for orders.
//
// create_order turns a channel order into an OMS order and allocates its stock at the ERP:
//  - With an idempotency key (derived from channel + channel order, so one key per channel
//    order) already seen: the same payload (payload_hash) replays the FIRST result - same OMS
//    order id, the state it was created in, replayed = true - and creates and allocates nothing;
//    another payload is rejected. A key is recorded only when its create succeeds. With a key
//    time-to-live (set_key_ttl, Stripe-like), a key older than it is forgotten: the same key
//    then creates a NEW order (a duplicate, counted in copies) and is recorded afresh. A key's
//    age is counted from its create's time rounded UP to the whole second, so it expires at
//    most a second late, never early.
//  - Otherwise a NEW OMS order, even for a channel order already in the OMS: that is how retries
//    without keys make duplicates (and allocate the stock twice). If the ERP cannot allocate,
//    the order is created cancelled with reason oversell (the caller cancels the channel order);
//    else it is allocated.
//
// States: created -> allocated -> released (to the warehouse) -> shipped -> delivered;
// cancelled from created or allocated (releasing the stock at the ERP if allocated); returned
// from shipped or delivered. create_order leaves every order allocated or cancelled; created is
// only ever seen inside it. transition() to the state an order is already in is an idempotent
// no-op (duplicate status deliveries are harmless); any other move outside these edges is
// rejected and changes nothing. Shipping ships the lines at the ERP; a return puts returned lines
// back on hand at the ERP.
//
// Memory: 16 bytes per OMS order, plus 8 per order and 16 per line in flat arrays when the OMS
// keeps its own copy of the lines; with a line source (set_line_source: the simulated world,
// whose channels keep every order's lines for the whole run) it keeps none and reads them from
// the source. Per channel order (dense per channel, up to the highest id seen) 1 byte of ground
// truth (copies) and, only once keys are used on that channel, a 16-byte key record. Channel order
// ids are dense, so these tables are vectors, not hash maps: O(1) with no per-order allocation.
//
// Not thread-safe. Unknown orders answer not_found.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/engine/growing_array.hpp"
#include "core/engine/time.hpp"
#include "mocks/erp.hpp"
#include "mocks/types.hpp"

namespace syncdrill {

enum class OmsState : uint8_t {
  created,
  allocated,
  released,
  shipped,
  delivered,
  cancelled,
  returned
};
std::string_view to_string(OmsState s);

enum class CancelReason : uint8_t { none, oversell, requested };

struct CreateOrder {
  uint32_t channel = 0;  // channel index, < 65536
  uint64_t channel_order = 0;
  std::span<const OrderLine> lines;  // 1..65535 lines
  int64_t amount_minor = 0;
  bool has_key = false;       // idempotency key = (channel, channel_order)
  uint64_t payload_hash = 0;  // what "the same payload" means for a reused key
};

// Where an OMS that keeps no lines of its own reads an order's lines: the lines the channel order
// was created with, unchanged for the whole run.
class OrderLineSource {
 public:
  virtual std::span<const OrderLine> order_lines(uint32_t channel,
                                                 uint64_t channel_order) const = 0;

 protected:
  ~OrderLineSource() = default;
};

struct CreateResult {
  ErrorClass error = ErrorClass::none;  // none, or rejected (key reused with another payload)
  uint64_t order = 0;                   // the OMS order id (dense: 0, 1, 2, ...)
  OmsState state = OmsState::created;   // as created: allocated, or cancelled (oversell)
  bool replayed = false;                // an idempotent replay of an earlier create
  SkuId short_sku = 0;                  // oversell on a fresh create: the short SKU
};

class OmsMock {
 public:
  // none (the default): keys never expire. REQUIRES: ttl > 0.
  void set_key_ttl(std::optional<Duration> ttl);
  // Stripe-like: a keyed create that arrives while another with its key is still being served
  // is refused (409, ErrorClass::conflict) instead of waiting for it. The caller marks each
  // keyed create's service with begin_keyed_create (false: refuse it) and end_keyed_create.
  // Off (the default): begin always succeeds and nothing is tracked.
  void set_in_flight_conflicts(bool on) { in_flight_conflicts_ = on; }
  bool begin_keyed_create(uint32_t channel, uint64_t channel_order);
  // REQUIRES: a begin_keyed_create that returned true for the same key, not yet ended.
  void end_keyed_create(uint32_t channel, uint64_t channel_order);

  // From now on orders keep no copy of their lines: lines(order) reads them from `source`, and
  // create_order checks that a request's lines are the source's for its channel order.
  // REQUIRES: no order created yet; source outlives this OMS.
  void set_line_source(const OrderLineSource* source);

  CreateResult create_order(const CreateOrder& req, ErpMock& erp, SimTime now);

  // Moves an order along the state machine above (returned = every line comes back). ok,
  // not_found, or rejected (invalid transition; the ERP is not touched).
  Response transition(uint64_t order, OmsState to, ErpMock& erp, SimTime now);

  // Some units of a shipped or delivered order come back: the order becomes returned and the
  // lines go back on hand at the ERP. rejected (nothing changes) in any other state, for a SKU
  // not in the order, a quantity above the ordered one, or if the ERP refuses the return. The OMS
  // does not sum partial returns across calls (that would cost 4 bytes a line): over-returning
  // in several steps is caught by the channel's record_return and the ERP's per-SKU check.
  Response receive_return(uint64_t order, std::span<const OrderLine> lines, ErpMock& erp,
                          SimTime now);

  // Orders. REQUIRES: order < order_count().
  uint64_t order_count() const { return orders_.size(); }
  OmsState state(uint64_t order) const { return get(order).state; }
  CancelReason cancel_reason(uint64_t order) const { return get(order).reason; }
  uint32_t channel(uint64_t order) const { return get(order).channel; }
  uint64_t channel_order(uint64_t order) const { return get(order).channel_order; }
  // A hint, changes nothing: starts loading the order's record into the cache (ids past the
  // end are ignored).
  void prefetch(uint64_t order) const {
    if (order < orders_.size()) __builtin_prefetch(&orders_[order]);
  }
  int64_t amount_minor(uint64_t order) const { return get(order).amount_minor; }
  std::span<const OrderLine> lines(uint64_t order) const;

  // Ground truth: OMS orders created for a channel order (0 = missing, 1 = once, 2+ =
  // duplicated), saturating at 255. Replays do not count.
  uint32_t copies(uint32_t channel, uint64_t channel_order) const;

 private:
  struct OrderRecord {  // 16 bytes per OMS order
    uint32_t channel_order;
    uint16_t channel;
    OmsState state;
    CancelReason reason;
    int64_t amount_minor;
  };
  static_assert(sizeof(OrderRecord) == 16);
  struct LineRange {  // 8 bytes per OMS order, without a line source
    uint32_t begin;
    uint32_t count;
  };

  struct KeyRecord {       // 16 bytes per keyed channel order
    uint32_t order_plus1;  // 0 = key not seen
    uint32_t created_s;    // the create's time, whole seconds rounded up (for the ttl)
    uint64_t payload_hash;
  };
  static_assert(sizeof(KeyRecord) == 16);

  struct ChannelTables {
    GrowingArray<uint8_t> copies;  // per channel order
    GrowingArray<KeyRecord> keys;  // per channel order; empty until the channel uses keys
  };

  const OrderRecord& get(uint64_t order) const;
  bool key_expired(uint32_t created_s, SimTime now) const;
  ChannelTables& tables(uint32_t channel, uint64_t channel_order, bool with_keys);
  uint64_t append(const CreateOrder& req, OmsState state, CancelReason reason);
  Response cancel(uint64_t order, ErpMock& erp);

  GrowingArray<OrderRecord> orders_;
  const OrderLineSource* line_source_ = nullptr;
  GrowingArray<LineRange> line_ranges_;  // per order, without a line source
  GrowingArray<OrderLine> lines_;        // without a line source
  std::vector<ChannelTables> channels_;
  std::optional<Duration> key_ttl_;
  bool in_flight_conflicts_ = false;
  std::unordered_set<uint64_t> keys_in_flight_;  // channel << 32 | channel order; small
};

}  // namespace syncdrill
