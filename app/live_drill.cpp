#include "app/live_drill.hpp"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "app/live_observer.hpp"
#include "app/live_traffic.hpp"
#include "mocks/http/control_api.hpp"
#include "mocks/http/listen_thread.hpp"
#include "mocks/http/live_clock.hpp"
#include "mocks/http/live_faults.hpp"
#include "mocks/http/live_mocks.hpp"
#include "mocks/http/mock_server.hpp"
#include "mocks/http/routes_shopify.hpp"
#include "mocks/http/routes_sp_api_json.hpp"
#include "mocks/http/webhook_sender.hpp"
#include "sim/world/fault_reach.hpp"

namespace syncdrill {

namespace {

using Steady = std::chrono::steady_clock;

int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Steady::now().time_since_epoch())
      .count();
}

GateDecision to_gate(const HttpFaultDecision& d) {
  GateDecision g;
  switch (d.action) {
    case HttpFaultDecision::Action::pass:
      g.delay = std::chrono::milliseconds(d.delay_ms);
      g.faulted = d.delay_ms > 0;  // a latency fault held it
      break;
    case HttpFaultDecision::Action::respond:
      g.action = GateDecision::Action::respond;
      g.status = d.status;
      g.retry_after_s = static_cast<int>(d.retry_after_s);
      g.retry_after_ms = d.retry_after_ms;
      g.faulted = true;
      break;
    case HttpFaultDecision::Action::hang:
      // Held past the client's timeout; processed: the work is done, then the answer is held
      // (the client has gone), else the connection is closed unanswered after the hold.
      g.delay = std::chrono::milliseconds(d.hang_ms);
      g.action = d.processed ? GateDecision::Action::pass : GateDecision::Action::drop;
      g.hang = true;
      g.faulted = true;
      break;
  }
  return g;
}

// The webhook's JSON body: the event and the order as the channel has it now.
std::string webhook_body(LiveMocks& mocks, const LiveEvent& e, const std::string& event_id) {
  const ChannelSpec& channel = mocks.scenario().channels[e.channel];
  nlohmann::json body = {{"event_id", event_id},
                         {"topic", std::string(to_string(e.event.topic))},
                         {"channel", channel.name},
                         {"created_at", mocks.clock().to_iso8601(e.at)},
                         {"created_at_us", e.at.us}};
  if (const auto order = mocks.channel_order(e.channel, e.event.order)) {
    nlohmann::json lines = nlohmann::json::array();
    for (const OrderLine& l : order->lines) {
      lines.push_back(
          {{"sku", l.sku}, {"quantity", l.quantity}, {"unit_price_minor", l.unit_price_minor}});
    }
    body["order"] = {{"id", order->id},
                     {"status", order->status},
                     {"amount_minor", order->amount_minor},
                     {"updated_at", mocks.clock().to_iso8601(order->updated_at)},
                     {"lines", std::move(lines)}};
  }
  return body.dump();
}

// A shopify-dialect channel's webhook (docs/dialect-shopify.md): Shopify's topic and headers,
// the order as GET orders/{id}.json has it now as the body (a refund for refunds/create).
// X-Shopify-Event-Id and X-Shopify-Webhook-Id are UUID-shaped, derived from the channel and the
// event id, so every attempt and copy of one event carries the same ones.
OutgoingWebhook shopify_webhook(LiveMocks& mocks, const LiveEvent& e) {
  const ChannelSpec& channel = mocks.scenario().channels[e.channel];
  const auto order = mocks.channel_order(e.channel, e.event.order);
  OutgoingWebhook out;
  out.channel = channel.name;
  out.topic = std::string(
      http::shopify_webhook_topic(e.event.topic, order ? order->canonical : OrderStatus::pending));
  out.event_id = fmt::format("{:08x}-0000-4000-8000-{:012x}", e.channel, e.event.event_id);
  out.webhook_id = fmt::format("{:08x}-0001-4000-8000-{:012x}", e.channel, e.event.event_id);
  out.spec = channel.webhooks;
  out.dialect = LiveDialect::shopify;
  out.shop_domain = http::shopify_shop_domain(channel.name);
  out.triggered_at = mocks.clock().to_iso8601(e.at);
  out.api_version = std::string(http::kShopifyWebhookApiVersion);
  nlohmann::json body = nlohmann::json::object();
  if (order) body = http::shopify_order_json(mocks, e.channel, *order);
  if (e.event.topic == WebhookTopic::returns_create) {
    const std::string at = http::shopify_time(mocks.clock(), e.at);
    body = {{"id", e.event.event_id},
            {"order_id", http::shopify_order_id(e.event.order)},
            {"created_at", at},
            {"processed_at", at},
            {"refund_line_items", nlohmann::json::array()},
            {"transactions", nlohmann::json::array()}};
  }
  out.body = body.dump();
  return out;
}

std::string prom_label(std::string_view v) {
  std::string out;
  for (const char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

struct LiveDrill::Impl {
  // Declared first so they outlive every thread and hook below that uses them.
  std::mutex mu;
  std::condition_variable cv;
  std::string ended_by;            // set once: the drill is ending
  uint64_t webhooks_not_sent = 0;  // events with no --webhook-url, or refused by the sender
  int bound_port = 0;              // the port served on (options.port may be 0)

  const Scenario& scenario;
  ServeOptions options;
  Steady::time_point start_wall;
  LiveClock clock;
  LiveMocks mocks;
  LiveFaults faults;
  std::vector<std::string> not_applied;
  LiveObserver observer;
  MockServer server;
  std::unique_ptr<WebhookSender> sender;
  LiveTraffic traffic;
  std::thread ticker;

  Impl(const Scenario& s, ServeOptions o)
      : scenario(s),
        options(std::move(o)),
        start_wall(Steady::now()),
        clock(options.time_scale),
        mocks(s, options.seed, clock),
        faults(LiveFaults::Options{options.seed, options.time_scale, options.hang_ms}, steady_us),
        observer(clock, start_wall,
                 clock.to_simulated(std::chrono::duration_cast<LiveClock::WallDuration>(
                     std::chrono::duration<double>(options.sample_interval_s)))),
        server(mocks, MockServerOptions{.host = options.host,
                                        .port = options.port,
                                        .worker_threads = options.worker_threads,
                                        .keep_alive_max_count = options.keep_alive_max_count,
                                        .access_token = options.access_token}),
        traffic(mocks, options.seed, [this](uint32_t channel, const PlaceResult& p, SimTime at) {
          observer.on_order(channel, p, at);
        }) {}

  SimTime now() const { return clock.now(); }
  double wall_s() const {
    return std::chrono::duration<double>(Steady::now() - start_wall).count();
  }
  double duration_s() const {
    return options.duration_s.value_or(static_cast<double>(scenario.duration.us) / 1e6 /
                                       options.time_scale);
  }
  bool ending() {
    std::lock_guard lock(mu);
    return !ended_by.empty();
  }
  void end(const std::string& reason) {
    {
      std::lock_guard lock(mu);
      if (ended_by.empty()) ended_by = reason;
    }
    cv.notify_all();
  }

  void pump_webhooks(std::vector<LiveEvent>& events) {
    events.clear();
    mocks.take_events(events);
    for (const LiveEvent& e : events) {
      const ChannelSpec& channel = scenario.channels[e.channel];
      OutgoingWebhook out;
      if (channel.dialect == LiveDialect::shopify) {
        out = shopify_webhook(mocks, e);
      } else {
        out.channel = channel.name;
        out.topic = std::string(to_string(e.event.topic));
        out.event_id = fmt::format("{}-{}", channel.name, e.event.event_id);
        out.body = webhook_body(mocks, e, out.event_id);
        out.spec = channel.webhooks;
      }
      if (!sender || !sender->enqueue(std::move(out))) {
        std::lock_guard lock(mu);
        ++webhooks_not_sent;
      }
    }
  }

  void refresh_error_windows() {
    std::set<std::string, std::less<>> targets;
    for (const LiveFaultView& f : faults.list()) {
      // Latency slows requests without failing them; webhook faults act on deliveries.
      if (!f.active || f.kind == FaultKind::latency || is_webhook_kind(f.kind)) continue;
      for (const std::string& t : f.targets) {
        // A webhook topic ("shop/orders/create") is the channel's webhook, not its API.
        if (t.find('/') == std::string::npos) targets.insert(t);
      }
    }
    observer.set_error_windows(std::move(targets));
  }

  // Webhooks every 20 ms, stock sweeps and fault windows every sample interval, the end.
  void tick() {
    std::vector<LiveEvent> events;
    std::vector<int64_t> gaps;
    auto next_sample = Steady::now();
    const auto sample_every = std::chrono::duration_cast<Steady::duration>(
        std::chrono::duration<double>(options.sample_interval_s));
    std::unique_lock lock(mu);
    while (ended_by.empty()) {
      lock.unlock();
      pump_webhooks(events);
      if (Steady::now() >= next_sample) {
        mocks.listing_gaps(gaps);
        observer.sample_stock(gaps, now());
        refresh_error_windows();
        next_sample += sample_every;
      }
      if (wall_s() >= duration_s()) end("duration");
      lock.lock();
      cv.wait_for(lock, std::chrono::milliseconds(20), [this] { return !ended_by.empty(); });
    }
  }

  std::string metrics_text() {
    std::string m;
    m += "# HELP syncdrill_requests_total Requests the mock systems answered.\n"
         "# TYPE syncdrill_requests_total counter\n";
    const ServerCounters c = server.counters();
    for (const RouteCounters& r : c.routes) {
      for (const auto& [status, n] : r.by_status) {
        m +=
            fmt::format("syncdrill_requests_total{{system=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                        prom_label(r.system), prom_label(r.route), status, n);
      }
      if (r.dropped > 0) {
        m += fmt::format(
            "syncdrill_requests_total{{system=\"{}\",route=\"{}\",status=\"dropped\"}} {}\n",
            prom_label(r.system), prom_label(r.route), r.dropped);
      }
      if (r.over_concurrency_limit > 0) {
        m += fmt::format(
            "syncdrill_requests_over_concurrency_limit_total{{system=\"{}\",route=\"{}\"}} {}\n",
            prom_label(r.system), prom_label(r.route), r.over_concurrency_limit);
      }
    }
    const LiveTrafficCounts t = traffic.counts();
    m += fmt::format(
        "# HELP syncdrill_orders_placed_total Orders customers placed on the channels.\n"
        "# TYPE syncdrill_orders_placed_total counter\nsyncdrill_orders_placed_total {}\n"
        "# HELP syncdrill_orders_sold_out_total Baskets the channels refused as sold out.\n"
        "# TYPE syncdrill_orders_sold_out_total counter\nsyncdrill_orders_sold_out_total {}\n"
        "# HELP syncdrill_oms_orders Orders the OMS holds.\n"
        "# TYPE syncdrill_oms_orders gauge\nsyncdrill_oms_orders {}\n",
        t.orders_placed, t.sold_out, mocks.oms_order_count());
    if (sender) {
      const WebhookSenderStats w = sender->stats();
      m += fmt::format(
          "# HELP syncdrill_webhook_attempts_total Webhook delivery attempts.\n"
          "# TYPE syncdrill_webhook_attempts_total counter\nsyncdrill_webhook_attempts_total {}\n"
          "# HELP syncdrill_webhooks_delivered_total Webhook events a receiver took.\n"
          "# TYPE syncdrill_webhooks_delivered_total counter\n"
          "syncdrill_webhooks_delivered_total {}\n"
          "# HELP syncdrill_webhooks_lost_total Webhook events given up.\n"
          "# TYPE syncdrill_webhooks_lost_total counter\nsyncdrill_webhooks_lost_total {}\n",
          w.attempts, w.delivered, w.events_lost);
    }
    m += "# HELP syncdrill_fault_active Whether a fault is in force now.\n"
         "# TYPE syncdrill_fault_active gauge\n";
    for (const LiveFaultView& f : faults.list()) {
      m += fmt::format("syncdrill_fault_active{{id=\"{}\",kind=\"{}\"}} {}\n", prom_label(f.id),
                       to_string(f.kind), f.active ? 1 : 0);
    }
    m += fmt::format(
        "# HELP syncdrill_scenario_seconds Scenario time since the drill began.\n"
        "# TYPE syncdrill_scenario_seconds gauge\nsyncdrill_scenario_seconds {}\n"
        "# HELP syncdrill_acks_total Incident acknowledgements received.\n"
        "# TYPE syncdrill_acks_total counter\nsyncdrill_acks_total {}\n",
        static_cast<double>(now().us) / 1e6, observer.acks());
    return m;
  }

  nlohmann::json status_json() {
    nlohmann::json active = nlohmann::json::array();
    for (const LiveFaultView& f : faults.list()) {
      if (f.active) active.push_back(f.id);
    }
    std::string reason;
    {
      std::lock_guard lock(mu);
      reason = ended_by;
    }
    const LiveTrafficCounts t = traffic.counts();
    return {{"scenario", scenario.name},
            {"state", reason.empty() ? "running" : "finishing"},
            {"ended_by", reason},
            {"time_scale", options.time_scale},
            {"wall_s", wall_s()},
            {"duration_s", duration_s()},
            {"scenario_s", static_cast<double>(now().us) / 1e6},
            {"orders_placed", t.orders_placed},
            {"oms_orders", mocks.oms_order_count()},
            {"requests", observer.requests()},
            {"acks", observer.acks()},
            {"faults_active", std::move(active)}};
  }

  ControlHooks hooks() {
    ControlHooks h;
    h.ack = [this](const std::string& note) -> nlohmann::json {
      const SimTime at = now();
      if (!observer.ack(note, at)) return {{"recorded", false}, {"detail", "ack table full"}};
      return {{"recorded", true}, {"at_s", static_cast<double>(at.us) / 1e6}, {"note", note}};
    };
    h.finish = [this]() -> nlohmann::json {
      end("finish");
      return {{"finishing", true}};
    };
    h.metrics = [this] { return metrics_text(); };
    h.status = [this] { return status_json(); };
    return h;
  }
};

LiveDrill::LiveDrill(const Scenario& scenario, ServeOptions options)
    : impl_(std::make_unique<Impl>(scenario, std::move(options))) {}

LiveDrill::~LiveDrill() {
  impl_->end("destroyed");
  if (impl_->ticker.joinable()) impl_->ticker.join();
  impl_->traffic.stop();
  if (impl_->sender) impl_->sender->stop(WebhookSender::StopMode::abandon);
  impl_->server.stop();
}

bool LiveDrill::start(std::string* error) {
  Impl& d = *impl_;
  const int64_t start_us =
      std::chrono::duration_cast<std::chrono::microseconds>(d.start_wall.time_since_epoch())
          .count();
  for (std::string& id : d.faults.load_scenario(d.scenario.faults, start_us)) {
    // peak_traffic is the traffic generator's; the rest act on the connector itself, which in
    // a live drill is the team's own and out of our reach.
    const auto spec = std::find_if(d.scenario.faults.begin(), d.scenario.faults.end(),
                                   [&](const FaultSpec& f) { return f.id == id; });
    if (spec == d.scenario.faults.end() || spec->kind != FaultKind::peak_traffic) {
      d.not_applied.push_back(std::move(id));
    }
  }
  d.server.set_gate([&d](std::string_view system, std::string_view) {
    return to_gate(d.faults.for_request(system));
  });
  d.server.set_observer([&d](const RequestRecord& r) { d.observer.on_request(r, r.request_key); });
  d.server.set_extra_routes([&d](httplib::Server& svr) {
    register_control_routes(svr, d.faults, d.hooks(), d.options.token,
                            ControlOptions{.scenario = &d.scenario});
  });
  // SP-API channels' notifications go to their pull queues, through the same webhook faults.
  d.mocks.set_notification_faults(
      [&d](const WebhookAttempt& a) { return d.faults.for_webhook(a); });
  if (!d.options.webhook_url.empty()) {
    WebhookSender::Options w;
    w.url = d.options.webhook_url;
    w.secret = d.options.webhook_secret;
    w.time_scale = d.options.time_scale;
    w.seed = d.options.seed;
    w.faults = [&d](const WebhookAttempt& a) { return d.faults.for_webhook(a); };
    d.sender = std::make_unique<WebhookSender>(std::move(w));
  }
  if (!d.server.start(error)) return false;
  d.bound_port = d.server.port();
  d.traffic.start();
  d.ticker = std::thread([&d] { d.tick(); });
  return true;
}

int LiveDrill::port() const {
  return impl_->bound_port;
}

void LiveDrill::finish(const std::string& reason) {
  impl_->end(reason);
}

LiveResult LiveDrill::wait() {
  Impl& d = *impl_;
  {
    std::unique_lock lock(d.mu);
    d.cv.wait(lock, [&d] { return !d.ended_by.empty(); });
  }
  if (d.ticker.joinable()) d.ticker.join();
  const SimTime end = d.now();
  const double wall = d.wall_s();
  d.traffic.stop();
  // The drain: no new customers, but the server, the webhooks and the stock sweeps go on for
  // grace_s, so what the connector has in hand can land. Whatever is missing after it is lost.
  std::vector<LiveEvent> events;
  std::vector<int64_t> gaps;
  const auto drain_end = Steady::now() + std::chrono::duration_cast<Steady::duration>(
                                             std::chrono::duration<double>(d.options.grace_s));
  while (Steady::now() < drain_end) {
    d.pump_webhooks(events);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  d.pump_webhooks(events);
  WebhookSenderStats w;
  if (d.sender) w = d.sender->stop(WebhookSender::StopMode::abandon);
  d.server.stop();
  // One last sweep with everything stopped: the listings as the connector left them.
  d.mocks.listing_gaps(gaps);
  d.observer.sample_stock(gaps, d.now());

  LiveResult r;
  r.id = RunIdentity{d.options.scenario_path, d.options.scenario_hash, d.options.seed};
  r.scenario_name = d.scenario.name;
  r.version = SYNCDRILL_VERSION;
  r.listen = host_port(d.options.host, d.bound_port);
  r.webhook_url = d.options.webhook_url;
  r.time_scale = d.options.time_scale;
  r.wall_s = wall;
  r.scenario_s = wall * d.options.time_scale;
  {
    std::lock_guard lock(d.mu);
    r.ended_by = d.ended_by;
  }
  r.webhooks = {{"url", d.options.webhook_url},
                {"not_sent", d.webhooks_not_sent},
                {"queued", w.events_queued},
                {"attempts", w.attempts},
                {"delivered", w.delivered},
                {"copies_delivered", w.copies_delivered},
                {"failed_attempts", w.failed_attempts},
                {"lost", w.events_lost},
                {"dropped_by_fault", w.events_dropped_by_fault},
                {"attempts_dropped_by_fault", w.attempts_dropped_by_fault},
                {"duplicated", w.duplicated},
                {"delayed", w.delayed},
                {"abandoned", w.abandoned},
                {"rejected_queue_full", w.rejected_queue_full}};
  // SP-API channels' notifications went to their pull queues instead (docs/dialect-sp-api.md).
  if (nlohmann::json q = sp_api_notifications_report(d.mocks); !q.empty()) {
    r.webhooks["notifications"] = std::move(q);
  }
  nlohmann::json routes = nlohmann::json::array();
  const LiveMocks::KeyTableStats k = d.mocks.key_table_stats();
  for (const RouteCounters& c : d.server.counters().routes) {
    nlohmann::json by_status = nlohmann::json::object();
    for (const auto& [status, n] : c.by_status)
      by_status[std::to_string(status)] = n;
    routes.push_back({{"system", c.system},
                      {"route", c.route},
                      {"requests", c.requests},
                      {"by_status", std::move(by_status)},
                      {"dropped", c.dropped},
                      {"latency_p99_us", c.latency_us.quantile(0.99)}});
    // Only on a system with a concurrency_limit that refused some (other reports keep their bytes).
    if (c.over_concurrency_limit > 0) {
      routes.back()["over_concurrency_limit"] = c.over_concurrency_limit;
    }
    // The OMS's Idempotency-Key table, on its create route, only when it expired a key, hit its
    // bound or answered a 409 (drills without those keep their bytes).
    if (c.route == "POST /oms/orders" && (k.expired + k.refused_full + k.in_flight_refused) > 0) {
      routes.back()["idempotency_keys"] = {{"keys", k.keys},
                                           {"keys_max", k.keys_max},
                                           {"expired", k.expired},
                                           {"refused_full", k.refused_full},
                                           {"in_flight_refused", k.in_flight_refused}};
    }
  }
  r.routes = std::move(routes);
  r.orders.drain_s = d.options.grace_s;
  d.observer.score(d.mocks, d.faults.list(), d.not_applied, end, r);
  r.stock.sample_interval_s = d.options.sample_interval_s * d.options.time_scale;
  return r;
}

}  // namespace syncdrill
