// LiveMocks: the mock systems of one scenario, shared by the HTTP routes of a live drill.
//
// Built by the simulation's builder (mocks/scenario_mocks.hpp: the catalog's prices and stock, each
// channel's listing), for the first ERP / OMS / WMS of the scenario. Channels keep their endpoint
// rate limits (RateLimiter, fed the live clock's SimTime).
//
// On top of the mocks it keeps what only the live API needs: each channel order's last update
// time (for "orders updated since"), the OMS's Idempotency-Key table (arbitrary client keys, as
// real APIs take them, mapped to the first create's result) and an outbox of webhook events the
// channels emitted, for the webhook sender to take.
//
// Thread-safe: every method takes one mutex. A live drill's request rate (thousands a second at
// most) is far below what one uncontended mutex serialises, and one lock keeps cross-system
// operations (OMS create allocating at the ERP) atomic without lock ordering.
//
// Bounds: channel_order ids must exist on their channel and OMS order ids in the OMS, because
// the mocks' per-order tables are dense up to the highest id (an arbitrary id from a client would
// otherwise allocate that much); lines per request <= kLinesMax; Idempotency-Key table <=
// kIdempotencyKeysMax entries; outbox <= kOutboxMax events (the oldest are dropped and counted).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/scenario/scenario.hpp"
#include "mocks/channel.hpp"
#include "mocks/erp.hpp"
#include "mocks/http/live_clock.hpp"
#include "mocks/http/live_faults.hpp"
#include "mocks/oms.hpp"
#include "mocks/rate_limiter.hpp"
#include "mocks/types.hpp"
#include "mocks/wms.hpp"

namespace syncdrill {

// A channel request's pass through the channel's rate limiter.
struct RateLimitStatus {
  bool limited = false;    // the channel has a rate limit (else the rest is zero)
  bool admitted = true;    // false: answer 429
  Duration retry_after{};  // !admitted: simulated time until one request fits
  uint64_t limit = 0;      // the bucket's capacity (burst), requests
  uint64_t remaining = 0;  // requests that would still be admitted now
  double rate_per_s = 0;   // the refill rate in SIMULATED seconds
};

struct ChannelOrderView {
  uint64_t id = 0;
  std::string status;  // the channel's spelling
  OrderStatus canonical = OrderStatus::pending;
  SimTime updated_at{};
  int64_t amount_minor = 0;
  std::vector<OrderLine> lines;
  SimTime created_at{};  // when the customer placed it (its first touch)
};

struct RevenueResult {
  ErrorClass error = ErrorClass::none;  // not_found: no such channel order
  bool pending = false;                 // batch import: waits for run_batch_import
  uint32_t count = 0;                   // applied entries for the order after this post
  int64_t amount_minor = 0;             // their summed amount
};

struct OmsCreateRequest {
  uint32_t channel = 0;
  uint64_t channel_order = 0;
  std::vector<OrderLine> lines;
  int64_t amount_minor = 0;
  uint64_t payload_hash = 0;  // "the same request" for a reused Idempotency-Key
};

struct OmsCreateOutcome {
  // none; not_found (no such channel order, or a SKU out of the catalog); rejected (key reused
  // with another payload); queue_full (the key table is full).
  ErrorClass error = ErrorClass::none;
  CreateResult created;  // error == none: as first created (replayed set on a replay)
};

struct OmsOrderView {
  uint64_t id = 0;
  OmsState state = OmsState::created;
  CancelReason reason = CancelReason::none;
  uint32_t channel = 0;
  uint64_t channel_order = 0;
  int64_t amount_minor = 0;
  std::vector<OrderLine> lines;
};

struct ShipmentView {
  uint64_t id = 0;
  uint64_t oms_order = 0;
  uint32_t units = 0;
  ShipmentState state = ShipmentState::received;
  std::string status;  // the WMS's spelling
};

enum class WmsStep : uint8_t { start_picking, pick, ship, deliver, cancel };

// SPAPI-LIVE: orders by creation or last-update time in a window, for the sp-api dialect's
// getOrders. Entries are ordered by (time, id); `cursor` resumes strictly after one.
struct OrderWindowQuery {
  bool by_created = false;                             // else by last update
  SimTime after{};                                     // inclusive
  std::optional<SimTime> before;                       // inclusive
  std::optional<std::pair<int64_t, uint64_t>> cursor;  // (time us, id) last seen
  uint32_t status_mask = UINT32_MAX;  // bit (1 << canonical OrderStatus) of statuses wanted
  size_t limit = 100;
  size_t scan_max = 100'000;  // entries looked at per call (status filters skip entries)
};
struct OrderWindowPage {
  std::vector<ChannelOrderView> orders;
  std::optional<std::pair<int64_t, uint64_t>> next;  // set when more entries may follow
};
// SPAPI-LIVE: what the fault layer says of one notification (a webhook fault's decision).
using NotificationFaultHook = std::function<WebhookFaultDecision(const WebhookAttempt&)>;
class NotificationQueue;
class SpApiThrottle;

// A webhook event a channel emitted, waiting for the sender.
// SHOPIFY-LIVE: what a channel order list filters on, without the order's lines.
struct ChannelOrderStamp {
  uint64_t id = 0;
  OrderStatus canonical = OrderStatus::pending;
  SimTime created_at{};
  SimTime updated_at{};
};
using ChannelOrderFilter = bool (*)(const ChannelOrderStamp&, const void* context);

struct LiveEvent {
  uint32_t channel = 0;
  WebhookEvent event;
  SimTime at{};
};

class LiveMocks {
 public:
  static constexpr size_t kLinesMax = 1000;
  static constexpr size_t kIdempotencyKeysMax = 1'000'000;
  static constexpr size_t kOutboxMax = 100'000;

  // Keeps a copy of the scenario; `clock` must outlive this object. seed: the root seed (the
  // scenario's, unless the drill overrides it).
  LiveMocks(const Scenario& scenario, uint64_t seed, const LiveClock& clock);
  ~LiveMocks();

  const LiveClock& clock() const { return clock_; }
  const Scenario& scenario() const { return scenario_; }
  uint32_t sku_count() const { return scenario_.catalog.skus; }
  // A channel's index by name; nullopt if none.
  std::optional<uint32_t> channel_index(std::string_view name) const;
  // The scenario's name for its first system of a kind (the fault table targets systems by
  // name), or the kind's own name ("erp") when the scenario has none: the mocks exist anyway, as
  // in the simulation.
  std::string system_name(SystemKind kind) const;

  // Channels. REQUIRES for every `channel`: < scenario().channels.size().
  RateLimitStatus admit_channel(uint32_t channel);
  std::optional<Listing> listing(uint32_t channel, SkuId sku);  // nullopt: unknown SKU
  InventoryResult set_quantity(uint32_t channel, SkuId sku, uint32_t quantity);
  InventoryResult adjust(uint32_t channel, SkuId sku, int64_t delta);
  InventoryResult compare_and_set(uint32_t channel, SkuId sku, uint32_t expected_version,
                                  uint32_t quantity);
  // Orders with (updated_at, id) after (since, after_id) -- inclusive of `since` when after_id is
  // nullopt -- in that order, at most `limit`.
  std::vector<ChannelOrderView> orders_updated_since(uint32_t channel, SimTime since,
                                                     std::optional<uint64_t> after_id,
                                                     size_t limit);
  std::optional<ChannelOrderView> channel_order(uint32_t channel, uint64_t order);
  Response set_channel_price(uint32_t channel, SkuId sku, int64_t price_minor);
  ChannelEventResult set_channel_status(uint32_t channel, uint64_t order,
                                        std::string_view spelling);
  // A customer's order (the live traffic generator, and tests). REQUIRES: lines as for
  // ChannelMock::place_order, except unknown SKUs and empty or oversized lists, which refuse.
  PlaceResult place_order(uint32_t channel, std::span<const SkuQuantity> lines);

  // Stock freshness, for the drill's scoring: for every channel c and SKU s, writes at
  // out[c * sku_count() + s] the listed quantity minus what the ERP says it should list
  // (max(0, on_hand - safety_buffer); on_hand is the units free to allocate). 0 = in sync. One
  // lock for the whole sweep.
  void listing_gaps(std::vector<int64_t>& out);

  // ERP. nullopt for a SKU out of the catalog.
  std::optional<StockRecord> erp_stock(SkuId sku);
  std::optional<int64_t> erp_price(SkuId sku);
  // The ERP's own changes (the live generator's restocks and price changes). false: unknown SKU.
  bool restock(SkuId sku, uint32_t units);
  bool set_erp_price(SkuId sku, int64_t price_minor);
  RevenueResult post_revenue(uint32_t channel, uint64_t channel_order, int64_t amount_minor);
  uint64_t run_batch_import();
  bool all_stock_conserved();

  // OMS. idempotency_key empty = none.
  OmsCreateOutcome create_oms_order(const OmsCreateRequest& req, std::string_view idempotency_key);
  std::optional<OmsOrderView> oms_order(uint64_t order);
  Response oms_transition(uint64_t order, OmsState to);
  uint64_t oms_order_count();
  uint32_t oms_copies(uint32_t channel, uint64_t channel_order);

  // WMS: a shipment of an OMS order's lines. nullopt: no such OMS order.
  std::optional<ShipmentView> wms_receive(uint64_t oms_order);
  std::optional<ShipmentView> shipment(uint64_t id);
  Response wms_step(uint64_t id, WmsStep step);

  // Webhook events emitted since the last take, oldest first; returns how many were appended.
  size_t take_events(std::vector<LiveEvent>& out);
  uint64_t events_dropped();

  // ---- SHOPIFY-LIVE: the shopify dialect's needs (mocks/http/live_mocks_shopify.cpp) ----------
  // Shopify's standard REST bucket, used when a shopify-dialect channel has no rate_limit.
  static constexpr double kShopifyBucketCapacity = 40;
  static constexpr double kShopifyLeakPerS = 2;
  // admit_channel for a shopify-dialect channel: its own rate_limit if it has one, else a leaky
  // bucket of kShopifyBucketCapacity leaking kShopifyLeakPerS (simulated seconds). Always limited.
  RateLimitStatus admit_shopify(uint32_t channel);
  // The same bucket's state now, admitting nothing (for answers that cost no request).
  RateLimitStatus peek_shopify(uint32_t channel);
  // Orders with id >= first_id that `keep(stamp, context)` accepts, by id ascending: appends at
  // most `limit` to *out (out may be null: count only) and returns how many matched in all (up to
  // the limit when out is given, every match when it is null).
  uint64_t scan_channel_orders(uint32_t channel, uint64_t first_id, ChannelOrderFilter keep,
                               const void* context, size_t limit,
                               std::vector<ChannelOrderView>* out);
  // Sets an order's canonical status (the channel's spelling of it), as set_channel_status.
  ChannelEventResult set_channel_canonical(uint32_t channel, uint64_t order, OrderStatus to);
  // A channel's order count (the next id).
  uint64_t channel_order_count(uint32_t channel);

  // ---- SPAPI-LIVE: the sp-api dialect (routes_sp_api*.cpp, docs/dialect-sp-api.md) ----------
  // Events of a channel of dialect sp-api do not go to the webhook outbox: they become ORDER_CHANGE
  // notifications in the channel's pull queue (NotificationQueue), after the notification fault
  // hook (webhook_drop / webhook_delay / webhook_duplicate) has had its say.
  OrderWindowPage orders_in_window(uint32_t channel, const OrderWindowQuery& q);
  // The channel's notification queue; nullptr unless the channel's dialect is sp-api.
  NotificationQueue* notification_queue(uint32_t channel);
  SpApiThrottle& sp_api_throttle() { return *sp_api_throttle_; }
  // Set before the drill serves (not synchronised with emits). Empty: no faults.
  void set_notification_faults(NotificationFaultHook hook);
  // Notifications the fault hook dropped, and copies it ordered.
  uint64_t notifications_dropped();
  uint64_t notifications_duplicated();

  // ---- ERP-OMS: the OMS's Idempotency-Key semantics (mocks/http/live_mocks_keys.cpp) ----------
  // The first OMS's SystemSpec::idempotency (syncdrill: keys kept for the drill, another payload
  // 422, no in-flight tracking; stripe: keys expire after ttl of SCENARIO time, another payload
  // 400, a key in flight 409). create_oms_order applies the lifetime: a key as old as the ttl is
  // forgotten and the create makes a new order (a duplicate, as on Stripe). When the table is
  // full, expired keys are dropped first; only then is a new key refused (queue_full, counted).
  const IdempotencySpec& oms_idempotency() const { return oms_idempotency_; }
  enum class KeyFlight : uint8_t {
    untracked,  // no key, a key over 255 bytes (the route refuses it), or the syncdrill style
    started,    // now in flight: REQUIRES a matching end_key_flight
    in_use,     // a request with this key is already in flight: answer 409
  };
  // A keyed create from dispatch start to its answer (so a gate delay counts as in flight).
  KeyFlight begin_key_flight(std::string_view key);
  void end_key_flight(std::string_view key);
  struct KeyTableStats {
    size_t keys = 0;                 // in the table now
    size_t keys_max = 0;             // its bound
    uint64_t expired = 0;            // keys forgotten at their ttl (a reuse then created anew)
    uint64_t refused_full = 0;       // new keys refused: the table was full of live keys
    uint64_t in_flight_refused = 0;  // requests answered 409: their key was in flight
  };
  KeyTableStats key_table_stats();
  // For tests: a smaller bound than kIdempotencyKeysMax. REQUIRES: >= 1.
  void set_idempotency_keys_max(size_t keys_max);

 private:
  struct ChannelState {
    std::unique_ptr<ChannelMock> mock;
    std::optional<RateLimiter> limiter;
    std::optional<RateLimitSpec> limit_spec;
    std::vector<SimTime> updated_at;                   // per order
    std::set<std::pair<int64_t, uint64_t>> by_update;  // (updated_at us, order)
    std::vector<SimTime> created_at;  // per order (its first touch; SHOPIFY-LIVE, SPAPI-LIVE)
  };
  struct KeyRecord {
    uint64_t payload_hash = 0;
    CreateResult first;
    SimTime created{};  // scenario time of the first create, for the ttl
  };

  void touch(ChannelState& ch, uint64_t order, SimTime now);
  void emit(uint32_t channel, const WebhookEvent& e, SimTime now);
  ChannelOrderView view(const ChannelState& ch, uint64_t order) const;
  ShipmentView shipment_view(uint64_t id) const;

  const Scenario scenario_;
  const LiveClock& clock_;
  const SystemSpec* erp_spec_ = nullptr;
  const SystemSpec* oms_spec_ = nullptr;
  const SystemSpec* wms_spec_ = nullptr;

  std::mutex mutex_;  // guards everything below
  std::vector<ChannelState> channels_;
  std::unique_ptr<ErpMock> erp_;
  OmsMock oms_;
  WmsMock wms_;
  std::unordered_map<std::string, KeyRecord> keys_;
  std::deque<LiveEvent> outbox_;
  uint64_t events_dropped_ = 0;
  // SHOPIFY-LIVE: Shopify's standard bucket per channel that has no rate_limit of its own.
  std::vector<std::optional<RateLimiter>> shopify_buckets_;
  RateLimitStatus shopify_bucket(uint32_t channel, bool admit);  // REQUIRES: mutex_ held

  // SPAPI-LIVE
  void init_sp_api();
  void notify_sp_api(uint32_t channel, const WebhookEvent& e, SimTime now);
  std::unique_ptr<SpApiThrottle> sp_api_throttle_;
  std::vector<std::unique_ptr<NotificationQueue>> queues_;  // per channel; null: not sp-api
  NotificationFaultHook notification_faults_;
  uint64_t notifications_dropped_ = 0;
  uint64_t notifications_duplicated_ = 0;

  // ERP-OMS: Idempotency-Key lifetimes and keys in flight (guarded by mutex_).
  bool key_expired(const KeyRecord& k, SimTime now) const;  // REQUIRES: mutex_ held
  size_t drop_expired_keys(SimTime now);                    // REQUIRES: mutex_ held
  IdempotencySpec oms_idempotency_;
  size_t keys_max_ = kIdempotencyKeysMax;
  std::unordered_set<std::string> keys_in_flight_;
  uint64_t keys_expired_ = 0;
  uint64_t keys_refused_full_ = 0;
  uint64_t keys_in_flight_refused_ = 0;
};

}  // namespace syncdrill
