// Scenario: the typed, validated form of a scenario YAML file (see docs/scenario-format.md).
//
// A Scenario is plain data produced by the loader (core/scenario/loader.hpp). Every value in it has
// already been checked: names are unique identifiers, references resolve, durations are
// non-negative and inside the scenario's limits, distributions have valid parameters. Consumers
// may therefore SD_CHECK these facts instead of re-validating them.
//
// Units: durations are Duration (integer microseconds); rates are per second (double);
// probabilities and percentages are fractions in [0, 1]; money is integer minor units (cents) in
// the scenario's currency. Defaults written next to each field are what the loader uses when the
// key is absent.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/engine/check.hpp"
#include "core/engine/distribution.hpp"
#include "core/engine/random.hpp"
#include "core/engine/time.hpp"

namespace syncdrill {

// An amount of money in minor units (cents) of `currency` (ISO 4217 code, e.g. "EUR").
struct Money {
  int64_t minor = 0;
  std::string currency;
};

// The largest amount a scenario may name (1,000,000,000.00), and the highest price a price change
// may reach. Sums of many amounts (damage, revenue) can still pass int64: they saturate
// (core/engine/saturating.hpp).
inline constexpr int64_t kMoneyMaxMinor = 100'000'000'000;

// ---- Endpoints ------------------------------------------------------------------------------

struct RateLimitSpec {
  // token_bucket: refill `rate_per_s`, holds at most `burst` tokens.
  // leaky_bucket: drains at `rate_per_s`, holds at most `burst` (YAML key `capacity`) requests.
  enum class Kind { token_bucket, leaky_bucket } kind = Kind::token_bucket;
  double rate_per_s = 0;  // required, > 0
  double burst = 1;       // default: rate_per_s * 1s rounded up, at least 1
  // Whether a refusal says when to come back (a 429 with Retry-After). SP-API's 429s do not
  // (docs/platforms.md): the client falls back on its own backoff. YAML `retry_after` (channel
  // endpoints and operation limits only).
  bool retry_after = true;
};

struct EndpointSpec {
  uint32_t workers = 4;                                        // concurrency, >= 1
  uint32_t queue_max = 1000;                                   // waiting requests beyond workers
  Distribution service_time = Distribution::constant(50'000);  // microseconds; default 50ms
  std::optional<RateLimitSpec> rate_limit;                     // none = unlimited
};

// ---- Catalog ----------------------------------------------------------------------------------

struct CatalogSpec {
  uint32_t skus = 1000;          // number of SKUs, 1..LoadLimits::skus_max
  uint32_t stock_per_sku = 100;  // initial on-hand units per SKU in the ERP
  Money price_min{1000, ""};     // 10.00; currency filled with the scenario's
  Money price_max{10000, ""};    // 100.00; >= price_min
};

// ---- Channels and systems ----------------------------------------------------------------------

enum class ChannelKind { shopify_like, amazon_like };

// The wire format a channel speaks in a live drill (`serve`): syncdrill's own routes
// (docs/live-api.md), Shopify's Admin REST API or Amazon's Selling Partner API
// (docs/platforms.md). The simulation does not read it. YAML: syncdrill, shopify, sp-api.
enum class LiveDialect { syncdrill, shopify, sp_api };

enum class BackoffKind {
  none,
  constant,
  exponential,
  full_jitter,
  equal_jitter,
  decorrelated_jitter
};

// How a channel delivers webhooks (its own sender-side retry schedule).
struct WebhookSpec {
  bool enabled = true;            // false = the connector must poll
  Duration timeout = seconds(5);  // sender's delivery timeout
  uint32_t retries = 8;           // redeliveries after the first attempt
  BackoffKind backoff = BackoffKind::exponential;
  Duration base = seconds(10);  // first retry delay
  Duration cap = hours(1);      // longest retry delay
  // Shopify removes a subscription whose deliveries keep failing (docs/platforms.md): when one
  // event's delivery has failed every retry, the channel stops delivering webhooks for the rest
  // of the run (pending redeliveries included); only the connector's backup poll still finds
  // orders. YAML `remove_when_exhausted`.
  bool remove_when_exhausted = false;
};

// A documented platform whose defaults a channel or system takes (YAML `platform`; the table
// and its sources: core/scenario/platforms.hpp, docs/platforms.md). none: syncdrill's own
// defaults.
enum class Platform { none, shopify, shopify_plus, amazon_sp_api, netsuite };

// The channel operations the simulation makes, each of which may have its own bucket (SP-API
// rate-limits per operation). Listing (stock) updates, price updates, order-status updates.
enum class ChannelOperation { listing_updates, price_updates, status_updates };
inline constexpr size_t kChannelOperations = 3;

// One spelling in a channel's (or a mapping table's) status vocabulary.
struct StatusMapping {
  std::string from;  // canonical state, or the source system's spelling in a mapping table
  std::string to;    // the channel's (target's) spelling, e.g. "CANCELLED"
};

struct ChannelSpec {
  std::string name;
  ChannelKind kind = ChannelKind::shopify_like;  // required in YAML
  LiveDialect dialect = LiveDialect::syncdrill;  // live drills only
  Platform platform = Platform::none;            // its defaults fill the keys left unset
  EndpointSpec endpoint;
  // Per-operation buckets (YAML `operation_limits`), checked after the endpoint's rate_limit;
  // none = only the endpoint's bucket applies. Indexed by ChannelOperation.
  std::array<std::optional<RateLimitSpec>, kChannelOperations> operation_limits;
  WebhookSpec webhooks;
  uint32_t safety_buffer = 0;           // units held back from the listed quantity
  bool inventory_cas = false;           // inventory updates use compare-and-set with a version
  std::vector<StatusMapping> statuses;  // canonical state -> channel spelling; empty = identity
};

enum class SystemKind { erp, oms, wms };

// How a system refuses a request over its concurrency_limit: unavailable answers a retryable 503
// (ErrorClass::unavailable); netsuite answers NetSuite's 400 Bad Request with
// SSS_REQUEST_LIMIT_EXCEEDED (ErrorClass::request_limited), retryable though it is a 400
// (docs/platform-erp-oms.md). YAML `concurrency_refusal`: unavailable, netsuite.
enum class ConcurrencyRefusal { unavailable, netsuite };

// How the OMS treats Idempotency-Key (docs/platform-erp-oms.md). syncdrill: a key is kept for
// the run, a reused key with another payload is rejected 422, a request while the first with
// its key is still being served waits for it and replays it. stripe: keys expire after `ttl`
// (24h unless given; after that the key is new and a retry creates a second order), another
// payload is answered 400 idempotency_error, a request while the first is still in flight 409.
enum class IdempotencyStyle { syncdrill, stripe };
struct IdempotencySpec {
  IdempotencyStyle style = IdempotencyStyle::syncdrill;
  std::optional<Duration> ttl;  // none: keys never expire; >= 1s
};

// ERP schedules (only valid on kind erp).
struct RestockSpec {
  Duration interval = hours(1);  // > 0
  uint32_t units = 50;           // units added to each restocked SKU
  double sku_fraction = 0.1;     // fraction of SKUs restocked each time, (0, 1]
};
struct PriceChangeSpec {
  Duration interval = hours(6);  // > 0
  double sku_fraction = 0.05;    // fraction of SKUs repriced each time, (0, 1]
  double change_max = 0.1;       // largest relative change, (0, 1]
};

struct SystemSpec {
  std::string name;
  SystemKind kind = SystemKind::oms;   // required in YAML
  Platform platform = Platform::none;  // its defaults fill the keys left unset
  EndpointSpec endpoint;
  std::optional<Duration> batch_import_interval;  // ERP only: imports run on this period
  std::optional<uint32_t> concurrency_limit;      // cap on concurrent client connections
  ConcurrencyRefusal concurrency_refusal = ConcurrencyRefusal::unavailable;  // over that cap
  IdempotencySpec idempotency;                                               // OMS only
  std::optional<RestockSpec> restocks;                                       // ERP only
  std::optional<PriceChangeSpec> price_changes;                              // ERP only
};

// ---- Traffic ------------------------------------------------------------------------------------

struct ShapePoint {
  Duration at;        // since run start; strictly increasing within a shape
  double multiplier;  // >= 0
};

struct ReturnsSpec {
  double fraction = 0;                                        // of orders, [0, 1]
  Distribution delay = Distribution::constant(3 * 86'400e6);  // microseconds; default 3d
};

struct ReplaySpec {
  std::string csv;         // resolved path (relative to the scenario file that named it)
  double compression = 1;  // replay time = csv time / compression; > 0
  std::string column;      // the timestamp's header name; empty: the first field
  char delimiter = ',';
  std::string timezone = "UTC";  // for timestamps without a zone (core/scenario/replay_time.hpp)
  std::string start_at;          // as written; empty: the first row starts the run
  uint64_t rows_skipped = 0;     // rows before start_at
  // The CSV's rows as replay times, compression applied, non-decreasing (core/scenario/replay.hpp);
  // the loader reads them while validating. Rows at or after `duration` are kept but never run.
  std::vector<SimTime> times;
};

struct TrafficSpec {
  std::string channel;  // a ChannelSpec name
  // `rate` x `load`, orders per second; > 0 unless `replay` is set; ignored when it is.
  double orders_per_s = 0;
  // The planned load multiplier (YAML `load`), already applied to orders_per_s: more customers,
  // not a fault, so nothing scores it as an incident. (0, 1000]; 1 without `load`.
  double load = 1;
  // Empty = flat 1.0; piecewise linear between points, the first value held before the first
  // point and the last held after the last.
  std::vector<ShapePoint> shape;
  uint32_t basket_lines_min = 1;
  uint32_t basket_lines_max = 3;  // >= basket_lines_min
  double sku_skew = 1.0;          // Zipf exponent of SKU popularity; 0 = uniform
  ReturnsSpec returns;
  std::optional<ReplaySpec> replay;  // set: arrivals replay its times instead of the model
};

// ---- Policies and connectors --------------------------------------------------------------------

struct RetrySpec {
  uint32_t max_attempts = 3;  // including the first; 1 = no retry
  BackoffKind backoff = BackoffKind::exponential;
  Duration base = milliseconds(100);
  Duration cap = seconds(10);  // >= base
  bool honour_retry_after = true;
};

struct BudgetSpec {
  // token_bucket: gRPC retry throttling (each failure costs 1 token, each success refunds
  // token_ratio; retries allowed while tokens > max_tokens / 2).
  // ratio: retries may be at most `ratio` of first attempts.
  enum class Kind { token_bucket, ratio } kind = Kind::token_bucket;
  double max_tokens = 100;   // > 0
  double token_ratio = 0.1;  // > 0
  double ratio = 0.1;        // [0, 1]
};

struct BreakerSpec {
  double failure_rate = 0.5;  // opens at or above this failure fraction, (0, 1]
  Duration window = seconds(30);
  uint32_t minimum_calls = 20;  // calls in the window before the rate counts
  Duration open_wait = seconds(30);
  uint32_t half_open_calls = 5;
};

struct PolicySpec {
  std::string name;
  Duration timeout = seconds(5);  // > 0
  RetrySpec retry;
  std::optional<BudgetSpec> budget;    // none = unbounded retries
  std::optional<BreakerSpec> breaker;  // none = no circuit breaker
  bool idempotency_keys = false;
  bool webhook_dedupe = false;
  // A request_limited answer (a NetSuite-style 400 over the concurrency limit) is retried like a
  // 503; false: taken as final like any other 4xx, so the job is dead-lettered (the trap).
  bool retry_request_limited = true;
};

enum class FlowKind { order_ingest, stock_sync, price_sync, fulfillment, returns, reconciliation };

struct ConnectorSpec {
  std::string name;
  FlowKind flow = FlowKind::order_ingest;  // required in YAML
  std::string from;                        // a channel or system name
  std::string to;                          // a channel or system name
  std::string policy;                      // a PolicySpec name; empty = PolicySpec{} defaults
  uint32_t workers = 4;
  uint32_t queue_max = 10'000;
  uint32_t dead_letter_max = 100'000;
  // order_ingest: a backup poll; none = webhooks only. stock_sync, price_sync: send collected
  // changes once per interval; none = as the ERP's change feed reports them (every second).
  std::optional<Duration> poll_interval;
  uint32_t batch_max = 1;              // stock_sync, price_sync: SKUs one call carries, >= 1
  std::optional<Duration> interval;    // reconciliation only: how often the job runs
  double repair_per_s = 10;            // reconciliation only: repairs per second, > 0
  std::vector<StatusMapping> mapping;  // fulfillment only: source state -> target state
  // The network between the connector and every port it calls: each attempt's round trip, half
  // on the way to the server and half on the way back. None = no network delay (the default).
  std::optional<Distribution> round_trip;
};

// ---- Faults -------------------------------------------------------------------------------------

enum class FaultKind {
  latency,
  timeout,
  error_burst,
  outage,
  rate_limit,
  webhook_drop,
  webhook_duplicate,
  webhook_delay,
  consumer_stall,
  stale_feed,
  mapping_regression,
  event_drop,
  malformed_payload,
  retry_storm,
  peak_traffic
};

enum class FaultCause { release, third_party, data_model, capacity };

struct FlapSpec {
  Duration on;   // > 0
  Duration off;  // > 0
};

// webhook_drop: what a dropped delivery loses (YAML key `per`).
enum class DropScope { attempt, event };

// stale_feed: which ERP feed stops (YAML key `feed`); a connector target implies its own.
enum class FeedKind { stock, price, both };

// Each kind's own settings: the values of the YAML keys only that kind accepts, with their
// defaults. The kind's row in the fault-kind table (core/scenario/fault_kinds.cpp) names the keys
// and reads them; docs/scenario-format.md describes them.
struct LatencySettings {                             // latency
  Distribution latency = Distribution::constant(0);  // added delay (microseconds); required
};
struct TimeoutSettings {  // timeout
  bool processed = true;  // the server did the work anyway
};
struct RateLimitSettings {  // rate_limit
  RateLimitSpec bucket;     // the tighter bucket (YAML key `rate_limit`); required
};
struct WebhookDropSettings {  // webhook_drop
  DropScope per = DropScope::attempt;
};
// webhook_duplicate: when the copy follows the first delivery (default 1s); webhook_delay: the
// added delay (default lognormal p50 30s, p95 5m).
struct WebhookDelaySettings {
  Distribution delay = Distribution::constant(0);
};
struct StaleFeedSettings {  // stale_feed
  FeedKind feed = FeedKind::both;
  bool catch_up = true;  // withheld updates are sent when the feed resumes
};
// mapping_regression: WMS states whose entries a release removed (`remove`), and entries whose
// channel spelling it changed (`rename`: from -> new spelling). Neither: every entry removed.
struct MappingRegressionSettings {
  std::vector<std::string> remove;
  std::vector<StatusMapping> rename;
};
struct RetryStormSettings {    // retry_storm
  uint32_t max_attempts = 10;  // attempts per call while the storm lasts
};
struct PeakTrafficSettings {  // peak_traffic
  double multiplier = 2;      // arrival multiplier, >= 1
};
// monostate: a kind without keys of its own (or a hand-built spec without them).
using FaultSettings =
    std::variant<std::monostate, LatencySettings, TimeoutSettings, RateLimitSettings,
                 WebhookDropSettings, WebhookDelaySettings, StaleFeedSettings,
                 MappingRegressionSettings, RetryStormSettings, PeakTrafficSettings>;

struct FaultSpec {
  std::string id;
  FaultKind kind = FaultKind::latency;
  // Names of channels, systems, connectors or webhook topics ("shop/orders/create"); >= 1.
  // Which of these a kind accepts: its row in core/scenario/fault_kinds.cpp.
  std::vector<std::string> targets;
  Duration at;             // onset since run start, < scenario duration
  Duration length;         // YAML key `for`; > 0
  double intensity = 1.0;  // [0, 1]; meaning depends on kind (docs)
  FaultCause cause = FaultCause::third_party;
  std::optional<FlapSpec> flap;  // on/off cycling inside the window
  FaultSettings settings;        // the kind's own; the loader always sets them for kinds with keys

  // The kind's settings, or nullptr when they are not of type T.
  template <class T>
  const T* settings_if() const {
    return std::get_if<T>(&settings);
  }
  // The kind's settings. REQUIRES: they are of type T (every loaded fault of T's kind).
  template <class T>
  const T& settings_as() const {
    const T* s = std::get_if<T>(&settings);
    SD_CHECK(s != nullptr, "a fault's settings are not those of its kind");
    return *s;
  }
};

// ---- Scoring, detection, response
// ----------------------------------------------------------------

// A tier's targets (docs/scenario-format.md, sla_tiers). Freshness and error rate are judged per
// (flow, channel): the worst channel decides. The damage limits each belong to one flow, which
// the tier must name (a load error otherwise); none = not checked, except dropped_max.
struct SlaTierSpec {
  std::string name;
  std::vector<FlowKind> flows;  // >= 1; each flow in at most one tier; each with a connector
  std::optional<Duration> freshness_p95;
  std::optional<double> error_rate_max;  // fraction
  std::optional<Duration> mttd_max;
  std::optional<Duration> mttr_max;
  std::optional<uint64_t> data_loss_max;          // order_ingest: orders lost; returns: not synced
  std::optional<uint64_t> duplicated_max;         // order_ingest: orders duplicated in the OMS
  std::optional<uint64_t> oversold_max;           // stock_sync: orders cancelled as oversold
  std::optional<uint64_t> stale_price_lines_max;  // price_sync: lines sold at a stale price
  std::optional<Money> stale_price_amount_max;    // price_sync: their price difference
  std::optional<double> unmapped_rate_max;        // fulfillment: unmapped / status updates
  std::optional<uint64_t> unmatched_max;          // reconciliation: unmatched at the last run
  std::optional<uint64_t> unmatched_peak_max;     // reconciliation: unmatched at the worst run
  uint64_t dropped_max = 0;  // every flow: jobs its connectors dropped on a full queue
};

enum class MonitorKind { threshold, burn_rate, absence, reconciliation };

enum class Signal {
  error_rate,
  latency_p95,
  queue_depth,
  freshness_p95,
  dead_letters,
  throughput,
  reconciliation_delta,
  oversells,
  breaker_open,
  mapping_errors,    // shipment states the fulfillment mapping could not translate, so far
  price_mismatches,  // order lines sold at a price other than the ERP's, so far
  webhook_rate       // webhook deliveries the receivers took, per second
};

struct MonitorSpec {
  std::string name;
  MonitorKind kind = MonitorKind::threshold;
  Signal signal = Signal::error_rate;  // default by kind: absence -> throughput,
                                       // reconciliation -> reconciliation_delta
  std::optional<FlowKind> flow;        // scope to one flow
  std::string target;                  // scope to a channel/system/connector; empty = all
  std::optional<double> above;         // threshold, reconciliation
  std::optional<double> below;         // threshold
  Duration hold = seconds(0);          // YAML key `for`: condition must hold this long
  Duration window = minutes(5);        // evaluation window; absence: silence that fires
  // burn_rate only (SRE Workbook multiwindow alert on an SLO of `objective`).
  double objective = 0.999;  // (0, 1)
  Duration long_window = hours(1);
  Duration short_window = minutes(5);  // < long_window
  double burn_rate = 14.4;             // > 0
};

enum class ActionKind {
  replay_dead_letter,
  run_reconciliation,
  raise_safety_buffer,
  pause_channel,
  resume_channel,
  rollback,
  switch_policy,
  open_breaker,
  close_breaker
};

struct ActionSpec {
  std::string id;  // optional; unique in the runbook; names the action for extends and --set
  ActionKind kind = ActionKind::run_reconciliation;
  std::string target;              // channel/system/connector name, or fault id (rollback)
  std::optional<Duration> length;  // YAML key `for`: how long the action lasts
  uint32_t units = 0;              // raise_safety_buffer: new buffer
  std::string policy;              // switch_policy: the policy to switch to
  std::vector<std::string> on;     // monitor names that trigger it; empty = any detection
  Duration delay = seconds(0);     // after acknowledgement
};

struct ResponseSpec {
  // Microseconds; default lognormal(p50=2m, p95=10m).
  Distribution ack_delay = Distribution::lognormal_p50_p95(120e6, 600e6);
  Duration stable_for = minutes(5);  // recovery = back in SLA for this long
  std::vector<ActionSpec> runbook;
};

// A file read while loading, in extends order (base first, the named file last).
struct SourceFile {
  std::string path;
  std::string content;
};

// ---- Expectations (`expect:`, docs/expectations.md) -------------------------------------------

// A range on one number of report.json, named by a figure (core/scenario/expect_figures.hpp) or
// given as a JSON pointer; min and max inclusive, at least one set.
struct ExpectRange {
  std::string figure;   // "orders.lost", "faults[erp-outage].mttd_s"; or the pointer as written
  std::string pointer;  // RFC 6901 JSON pointer into report.json ("/impact/lost")
  std::optional<double> min;
  std::optional<double> max;
  std::string where;  // "file:line:column" of the expectation, for the differences
};

// A tier (`critical`) or one of its checks (`critical.mttr`) expected to hold or breach.
struct ExpectCheck {
  std::string tier;
  std::string check;  // empty: the tier as a whole
  bool held = false;  // true: expected held; false: expected breached
  std::string where;
};

struct ExpectSpec {
  std::optional<bool> pass;  // the expected verdict: pass (true) or fail (false)
  std::string verdict_where;
  std::vector<ExpectCheck> checks;
  std::vector<ExpectRange> figures;
};

struct Scenario {
  std::string name;         // required
  std::string description;  // default empty
  uint64_t seed = 1;
  Duration duration;             // required, > 0, <= LoadLimits::duration_max
  std::string currency = "USD";  // ISO 4217 code (three capital letters)
  CatalogSpec catalog;
  std::vector<ChannelSpec> channels;  // channels + systems: at least one in total
  std::vector<SystemSpec> systems;
  std::vector<TrafficSpec> traffic;
  std::vector<PolicySpec> policies;
  std::vector<ConnectorSpec> connectors;
  std::vector<FaultSpec> faults;
  std::vector<SlaTierSpec> sla_tiers;
  std::vector<MonitorSpec> monitors;
  Duration evaluation_interval = seconds(30);  // how often monitors are evaluated; > 0
  // How often the world samples its series (report.json `series`, `damage_series`, the charts,
  // recovery's samples); >= 1 s, at most LoadLimits::series_samples_max samples.
  Duration series_interval = minutes(1);
  ResponseSpec response;
  // What the drill is expected to do (`syncdrill run --expect`); none when absent.
  std::optional<ExpectSpec> expect;
  std::vector<SourceFile> sources;
  // The --set PATH=VALUE flags the scenario was loaded with, in order (none: as its files say).
  std::vector<std::string> overrides;
};

// Lookups by name; nullptr when absent.
const ChannelSpec* find_channel(const Scenario& s, std::string_view name);
const SystemSpec* find_system(const Scenario& s, std::string_view name);
const PolicySpec* find_policy(const Scenario& s, std::string_view name);
// The first system of a kind: the one the flows call (a second OMS is not wired to anything).
const SystemSpec* first_system(const Scenario& s, SystemKind kind);

// A catalog SKU's initial price, drawn uniformly in [price_min, price_max] from `rng` (the
// stream "catalog/prices"): the simulation and the live mocks list the same prices on a seed.
int64_t draw_catalog_price(const CatalogSpec& c, RandomStream& rng);

const ConnectorSpec* find_connector(const Scenario& s, std::string_view name);

// The YAML spelling of each enum value (e.g. to_string(FaultKind::webhook_drop) ==
// "webhook_drop"), for reports and messages.
std::string_view to_string(ChannelKind v);
std::string_view to_string(LiveDialect v);
std::string_view to_string(Platform v);
std::string_view to_string(ChannelOperation v);
std::string_view to_string(SystemKind v);
std::string_view to_string(ConcurrencyRefusal v);
std::string_view to_string(IdempotencyStyle v);
std::string_view to_string(BackoffKind v);
std::string_view to_string(FlowKind v);
std::string_view to_string(FaultKind v);
std::string_view to_string(FaultCause v);
std::string_view to_string(DropScope v);
std::string_view to_string(FeedKind v);
std::string_view to_string(MonitorKind v);
std::string_view to_string(Signal v);
std::string_view to_string(ActionKind v);

}  // namespace syncdrill
