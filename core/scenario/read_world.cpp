// Section readers for the world: catalog, channels, systems and traffic.
#include <cmath>
#include <filesystem>
#include <type_traits>

#include "core/scenario/fault_rules.hpp"
#include "core/scenario/platforms.hpp"
#include "core/scenario/replay.hpp"
#include "core/scenario/replay_keys.hpp"
#include "core/scenario/sections.hpp"

namespace syncdrill::scenario {

std::optional<RateLimitSpec> read_rate_limit(Ctx& ctx, const YNode& n, const std::string& path,
                                             bool endpoint, bool retry_after) {
  RateLimitSpec rl;
  rl.retry_after = retry_after;
  MapReader r(ctx, n, path);
  if (endpoint) r.flag("retry_after", rl.retry_after);
  r.choice("kind", rl.kind);
  bool has_rate = r.rate("rate", rl.rate_per_s, Need::required);
  if (has_rate && !valid_rate(rl.rate_per_s)) {
    r.error("rate", fmt::format("expected a finite rate above zero, got '{}'", rl.rate_per_s));
    has_rate = false;
  }
  // The ranges are fault_rules.hpp's, shared with the live control API.
  rl.burst = has_rate ? default_bucket_size(rl.rate_per_s) : kBucketSizeMin;
  const bool token = rl.kind == RateLimitSpec::Kind::token_bucket;
  const std::string_view size_key = token ? "burst" : "capacity";
  const std::string_view other_key = token ? "capacity" : "burst";
  r.number(size_key, rl.burst, kBucketSizeMin, kBucketSizeMax);
  if (r.get(other_key) != nullptr) {
    r.error(other_key, fmt::format("'{}' applies to a {}; use '{}'", other_key,
                                   token ? "leaky_bucket" : "token_bucket", size_key));
  }
  r.finish();
  return has_rate ? std::optional(rl) : std::nullopt;
}

namespace {

// The canonical order states a channel's `statuses` may respell.
const std::vector<std::string_view> kCanonicalStates{
    "pending", "confirmed", "picking", "shipped", "delivered", "cancelled", "returned", "refunded"};

// The most redeliveries a webhook schedule may name: an SQS-style queue redelivers every 30 s
// for 4 days (11,519 redeliveries, docs/platforms.md), with room to spare.
constexpr uint32_t kWebhookRetriesMax = 20'000;

// Reads the keys present over `e` (defaults, or a platform's): an explicit key always wins; a
// `rate_limit` replaces the preset's bucket whole.
void read_endpoint(Ctx& ctx, const YNode& n, const std::string& path, EndpointSpec& e,
                   bool retry_after = true) {
  MapReader r(ctx, n, path);
  r.u32("workers", e.workers, 1, ctx.limits.workers_max);
  r.u32("queue_max", e.queue_max, 0, ctx.limits.queue_max);
  r.distribution("service_time", e.service_time);
  if (const YNode* rl = r.get("rate_limit")) {
    e.rate_limit = read_rate_limit(ctx, *rl, r.child("rate_limit"), true, retry_after);
  }
  r.finish();
}

// As read_endpoint: the keys present, one by one, over `w`.
void read_webhooks(Ctx& ctx, const YNode& n, const std::string& path, WebhookSpec& w) {
  MapReader r(ctx, n, path);
  r.flag("enabled", w.enabled);
  r.duration("timeout", w.timeout, Need::optional, microseconds(1));
  r.u32("retries", w.retries, 0, kWebhookRetriesMax);
  r.choice("backoff", w.backoff);
  const bool base_set = r.duration("base", w.base);
  if ((r.duration("cap", w.cap) || base_set) && w.cap < w.base) {
    r.error(base_set && r.get("cap") == nullptr ? "base" : "cap", "expected cap >= base");
  }
  r.flag("remove_when_exhausted", w.remove_when_exhausted);
  r.finish();
}

// `operation_limits: {status_updates: {kind: token_bucket, rate: 2/s, burst: 10}, ...}`: each
// operation named replaces the preset's bucket for it.
void read_operation_limits(Ctx& ctx, MapReader& r, ChannelSpec& c, bool retry_after) {
  const YNode* n = r.get("operation_limits");
  if (n == nullptr) return;
  MapReader m(ctx, *n, r.child("operation_limits"));
  for (size_t i = 0; i < kChannelOperations; ++i) {
    const std::string_view op = to_string(static_cast<ChannelOperation>(i));
    if (const YNode* b = m.get(op)) {
      c.operation_limits[i] = read_rate_limit(ctx, *b, m.child(op), true, retry_after);
    }
  }
  m.finish();
}

// "a channel of kind shopify_like": what a platform's row may be set on.
std::string platform_applies_to(const PlatformRow& row) {
  return row.channel_kind ? fmt::format("a channel of kind {}", to_string(*row.channel_kind))
                          : fmt::format("a system of kind {}", to_string(*row.system_kind));
}

// Reads `platform` and checks it suits the spec (a channel or a system) and its kind (when
// read); nullptr when absent, none or wrong.
template <class Kind>
const PlatformRow* read_platform(MapReader& r, Platform& out, Kind kind, bool kind_read) {
  if (!r.choice("platform", out) || out == Platform::none) return nullptr;
  const PlatformRow* row = platform_row(out);
  SD_CHECK(row != nullptr, "every platform but none has a row");
  std::optional<Kind> fits;
  if constexpr (std::is_same_v<Kind, ChannelKind>) {
    fits = row->channel_kind;
  } else {
    fits = row->system_kind;
  }
  if (!fits || (kind_read && kind != *fits)) {
    r.error("platform",
            fmt::format("platform '{}' applies to {}", to_string(out), platform_applies_to(*row)));
    return nullptr;
  }
  return row;
}

}  // namespace

void read_catalog(Ctx& ctx, MapReader& top, Scenario& s) {
  s.catalog.price_min.currency = s.currency;
  s.catalog.price_max.currency = s.currency;
  const YNode* n = top.get("catalog");
  if (n == nullptr) {
    return;
  }
  MapReader r(ctx, *n, "catalog");
  CatalogSpec& c = s.catalog;
  r.u32("skus", c.skus, 1, ctx.limits.skus_max);
  r.u32("stock_per_sku", c.stock_per_sku, 0, 1'000'000'000);
  r.money("price_min", c.price_min, s.currency);
  if (r.money("price_max", c.price_max, s.currency) && c.price_max.minor < c.price_min.minor) {
    r.error("price_max", "expected price_max >= price_min");
  }
  r.finish();
}

void read_channels(Ctx& ctx, MapReader& top, Scenario& s) {
  UniqueNames unique("channel");
  top.list("channels", [&](const YNode& item, const std::string& path) {
    ChannelSpec c;
    MapReader r(ctx, item, path);
    if (r.name("name", c.name, Need::required)) {
      unique.add(r, "name", c.name);
    }
    const bool kind_read = r.choice("kind", c.kind, Need::required);
    r.choice("dialect", c.dialect);
    // The preset first, the scenario's own keys over it.
    const PlatformRow* row = read_platform<ChannelKind>(r, c.platform, c.kind, kind_read);
    if (row != nullptr) apply_platform(*row, c);
    const bool retry_after = row == nullptr || row->retry_after;
    if (const YNode* e = r.get("endpoint")) {
      read_endpoint(ctx, *e, r.child("endpoint"), c.endpoint, retry_after);
    }
    read_operation_limits(ctx, r, c, retry_after);
    if (const YNode* w = r.get("webhooks")) {
      read_webhooks(ctx, *w, r.child("webhooks"), c.webhooks);
    }
    r.u32("safety_buffer", c.safety_buffer, 0, 1'000'000'000);
    r.flag("inventory_cas", c.inventory_cas);
    read_status_map(ctx, r, "statuses", c.statuses, &kCanonicalStates);
    r.finish();
    s.channels.push_back(std::move(c));
  });
}

namespace {

// A schedule's `sku_fraction`: a round touches at least one SKU, so 0% would still touch one;
// it is refused rather than silently rounded up (leave the schedule out to have none).
void read_sku_fraction(MapReader& r, const YNode& schedule, double& out) {
  double f = out;
  if (!r.fraction("sku_fraction", f)) return;
  if (!(f > 0)) {
    r.error("sku_fraction",
            fmt::format("expected a fraction above 0%, got '{}' (leave the schedule out for none)",
                        schedule.find("sku_fraction")->scalar));
    return;
  }
  out = f;
}

void read_erp_schedules(Ctx& ctx, MapReader& r, SystemSpec& sys) {
  const bool erp = sys.kind == SystemKind::erp;
  for (std::string_view key : {"batch_import", "restocks", "price_changes"}) {
    if (!erp && r.get(key) != nullptr) {
      r.error(key, fmt::format("'{}' applies only to a system of kind erp", key));
    }
  }
  if (!erp) {
    return;
  }
  if (const YNode* b = r.get("batch_import")) {
    MapReader br(ctx, *b, r.child("batch_import"));
    Duration interval = minutes(15);
    br.duration("interval", interval, Need::required, kPeriodMin);
    sys.batch_import_interval = interval;
    br.finish();
  }
  if (const YNode* n = r.get("restocks")) {
    RestockSpec rs;
    MapReader rr(ctx, *n, r.child("restocks"));
    rr.duration("interval", rs.interval, Need::optional, kPeriodMin);
    rr.u32("units", rs.units, 1, 1'000'000'000);
    read_sku_fraction(rr, *n, rs.sku_fraction);
    rr.finish();
    sys.restocks = rs;
  }
  if (const YNode* n = r.get("price_changes")) {
    PriceChangeSpec pc;
    MapReader pr(ctx, *n, r.child("price_changes"));
    pr.duration("interval", pc.interval, Need::optional, kPeriodMin);
    read_sku_fraction(pr, *n, pc.sku_fraction);
    if (pr.fraction("change_max", pc.change_max) && !(pc.change_max > 0)) {
      // A change of at most 0% changes nothing; the schedule needs a range to draw from.
      pr.error("change_max", fmt::format("expected a fraction above 0%, got '{}'",
                                         n->find("change_max")->scalar));
      pc.change_max = PriceChangeSpec{}.change_max;
    }
    pr.finish();
    sys.price_changes = pc;
  }
}

// The OMS's Idempotency-Key semantics: {style: syncdrill | stripe, ttl: DURATION}.
void read_idempotency(Ctx& ctx, MapReader& r, SystemSpec& sys) {
  const YNode* n = r.get("idempotency");
  if (n == nullptr) return;
  if (sys.kind != SystemKind::oms) {
    r.error("idempotency", "'idempotency' applies only to a system of kind oms");
    return;
  }
  MapReader ir(ctx, *n, r.child("idempotency"));
  ir.choice("style", sys.idempotency.style);
  // Stripe keeps keys at least 24 hours (docs/platform-erp-oms.md).
  if (sys.idempotency.style == IdempotencyStyle::stripe) sys.idempotency.ttl = hours(24);
  ir.duration("ttl", sys.idempotency.ttl, kPeriodMin);
  ir.finish();
}

}  // namespace

void read_systems(Ctx& ctx, MapReader& top, Scenario& s) {
  UniqueNames unique("system");
  top.list("systems", [&](const YNode& item, const std::string& path) {
    SystemSpec sys;
    MapReader r(ctx, item, path);
    if (r.name("name", sys.name, Need::required)) {
      unique.add(r, "name", sys.name);
      if (find_channel(s, sys.name) != nullptr) {
        r.error("name", fmt::format("'{}' is already the name of a channel", sys.name));
      }
    }
    const bool kind_read = r.choice("kind", sys.kind, Need::required);
    if (const PlatformRow* row = read_platform<SystemKind>(r, sys.platform, sys.kind, kind_read)) {
      apply_platform(*row, sys);
    }
    if (const YNode* e = r.get("endpoint")) {
      read_endpoint(ctx, *e, r.child("endpoint"), sys.endpoint);
    }
    uint32_t limit = 0;
    if (r.u32("concurrency_limit", limit, 1, ctx.limits.workers_max)) {
      sys.concurrency_limit = limit;
    }
    r.choice("concurrency_refusal", sys.concurrency_refusal);
    read_idempotency(ctx, r, sys);
    read_erp_schedules(ctx, r, sys);
    r.finish();
    s.systems.push_back(std::move(sys));
  });
}

namespace {

void read_shape(Ctx& ctx, MapReader& r, const Scenario& s, TrafficSpec& t) {
  r.list("shape", [&](const YNode& item, const std::string& path) {
    ShapePoint p{};
    MapReader pr(ctx, item, path);
    const bool at_ok = pr.duration("at", p.at, Need::required);
    pr.number("multiplier", p.multiplier, 0, 1000, Need::required);
    pr.finish();
    if (at_ok && p.at > s.duration) {
      pr.error("at", "expected a time within the scenario's duration");
    } else if (at_ok && !t.shape.empty() && p.at <= t.shape.back().at) {
      pr.error("at", "expected shape points in increasing time order");
    }
    t.shape.push_back(p);
  });
}

// Parses the replay CSV now, so a bad row is a scenario error at the `csv` key naming the CSV's
// own line ("s.yaml:9:12: traffic[0].replay.csv: orders.csv:3:1: expected a timestamp ..."). The
// row limit is the scenario's order limit: each row is an order.
void read_replay_csv(Ctx& ctx, MapReader& rr, ReplaySpec& rp, ReplayOptions& options) {
  options.compression = rp.compression;
  options.rows_max = static_cast<uint64_t>(ctx.limits.expected_orders_max);
  ReplayLoad load = load_replay_csv(rp.csv, options);
  if (!load.ok()) {
    rr.error("csv", load.error);
    return;
  }
  rp.times = std::move(load.times);
  rp.rows_skipped = load.rows_skipped;
}

// The largest `load` multiplier, as for a shape's multiplier.
constexpr double kLoadMax = 1000;

void read_traffic_extras(Ctx& ctx, MapReader& r, TrafficSpec& t) {
  if (const YNode* b = r.get("basket_lines")) {
    MapReader br(ctx, *b, r.child("basket_lines"));
    br.u32("min", t.basket_lines_min, 1, 1000);
    if (br.u32("max", t.basket_lines_max, 1, 1000) && t.basket_lines_max < t.basket_lines_min) {
      br.error("max", "expected max >= min");
    }
    br.finish();
  }
  r.number("sku_skew", t.sku_skew, 0, 10);
  if (const YNode* n = r.get("returns")) {
    MapReader rr(ctx, *n, r.child("returns"));
    rr.fraction("fraction", t.returns.fraction);
    rr.distribution("delay", t.returns.delay);
    rr.finish();
  }
  if (const YNode* n = r.get("replay")) {
    ReplaySpec rp;
    MapReader rr(ctx, *n, r.child("replay"));
    bool csv_ok = false;
    if (rr.text("csv", rp.csv, Need::required)) {
      // Relative to the file that names the CSV (a base file's CSV sits next to the base).
      const Loc at = rr.loc("csv");
      const auto dir =
          std::filesystem::path(ctx.files[static_cast<size_t>(at.file)].path).parent_path();
      rp.csv = (dir / rp.csv).lexically_normal().string();
      std::error_code ec;
      csv_ok = std::filesystem::is_regular_file(rp.csv, ec);
      if (!csv_ok) rr.error("csv", fmt::format("replay file '{}' not found", rp.csv));
    }
    const bool compression_ok = rr.number("compression", rp.compression, 1e-6, 1e6);
    ReplayOptions options;
    const bool format_ok = read_replay_format(rr, rp, options);
    if (csv_ok && format_ok && (compression_ok || rr.get("compression") == nullptr))
      read_replay_csv(ctx, rr, rp, options);
    rr.finish();
    t.replay = std::move(rp);
  }
}

// `load`: a planned multiplier of the entry's rate (shape and peak_traffic faults scale with it).
void read_load(MapReader& r, bool replay, TrafficSpec& t) {
  if (!r.number("load", t.load, 0, kLoadMax)) return;
  if (!(t.load > 0)) {
    r.error("load", "expected a multiplier above 0 (leave the entry out for no traffic)");
    t.load = 1;
    return;
  }
  if (replay) {
    r.error("load",
            "a replayed entry's orders are its CSV's rows: scale it with "
            "replay.compression instead");
    return;
  }
  if (!(t.orders_per_s * t.load <= kRateMaxPerS)) {
    r.error("load", fmt::format("rate x load is {:g}/s, over the limit of {:g}/s",
                                t.orders_per_s * t.load, kRateMaxPerS));
    return;
  }
  t.orders_per_s *= t.load;
}

}  // namespace

void read_traffic(Ctx& ctx, MapReader& top, Scenario& s) {
  top.list("traffic", [&](const YNode& item, const std::string& path) {
    TrafficSpec t;
    MapReader r(ctx, item, path);
    read_ref(r, "channel", t.channel, names_of(s.channels), "channel", Need::required);
    const bool replay = r.is_mapping() && item.find("replay") != nullptr;
    r.rate("rate", t.orders_per_s, replay ? Need::optional : Need::required, kRateMaxPerS);
    read_load(r, replay, t);
    read_shape(ctx, r, s, t);
    read_traffic_extras(ctx, r, t);
    r.finish();
    s.traffic.push_back(std::move(t));
  });
}

}  // namespace syncdrill::scenario
