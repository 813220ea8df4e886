// MockServer: cpp-httplib wiring, the dispatcher (route match, gate, channel rate limits,
// handler, counters) and the server's lifecycle.
#include "mocks/http/mock_server.hpp"

#include <sys/socket.h>
#include <csignal>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <tuple>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/engine/check.hpp"
#include "core/engine/fnv1a.hpp"
#include "mocks/http/listen_thread.hpp"
#include "mocks/http/request_reader.hpp"
#include "mocks/http/retry_after.hpp"
#include "mocks/http/server_connection.hpp"
#include "mocks/http/server_routes.hpp"
#include "mocks/http/system_concurrency.hpp"

namespace syncdrill {

namespace {

using http::Method;
using http::Route;
using http::RouteCall;
using http::RouteSystem;

constexpr int kListenBacklog = 1024;

// cpp-httplib hands each accepted connection to its task queue, whose worker then owns it for
// its whole life. This queue runs the hand-over at once on the accept thread, where
// HttpServer::process_and_close_socket passes the socket to the ConnectionReactor.
class InlineTaskQueue : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override {}
};

// cpp-httplib's Server with two changes, both through its protected interface (0.11.4 offers no
// setting for either): the listen backlog (5 by default, too few for a burst of new connections;
// listen() again on a listening socket only changes it, on Linux) and who reads a connection:
// accepted sockets go to the reactor, which reads requests itself and runs each complete one
// through process_request, on a stream holding the request in memory.
class HttpServer : public httplib::Server {
 public:
  std::function<void(int)> adopt;

  void raise_backlog(int backlog) { ::listen(svr_sock_, backlog); }
  bool serve(httplib::Stream& stream, bool close_connection, bool& connection_closed) {
    return process_request(stream, close_connection, connection_closed, nullptr);
  }

 protected:
  bool process_and_close_socket(socket_t sock) override {
    adopt(sock);
    return true;
  }
};

struct CompiledRoute {
  Route route;
  std::string name;                        // "GET /channels/{name}/inventory/{sku}"
  std::vector<std::string_view> segments;  // "{...}" = a parameter
  size_t first_slot = 0;                   // counters: channel routes have one slot per channel
};

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 1;  // past the leading '/'
  while (pos <= path.size()) {
    const size_t end = std::min(path.find('/', pos), path.size());
    out.push_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

// Matches `path` against a route's segments without allocating, filling params in order.
bool match(const std::vector<std::string_view>& segments, std::string_view path,
           std::array<std::string_view, 3>& params) {
  if (path.empty() || path[0] != '/') return false;
  size_t pos = 1, param = 0;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (pos > path.size()) return false;
    const size_t end = std::min(path.find('/', pos), path.size());
    const std::string_view part = path.substr(pos, end - pos);
    if (!segments[i].empty() && segments[i].front() == '{') {
      // "{id}.json": the part must end with the literal suffix, and the parameter is the rest.
      const std::string_view suffix = segments[i].substr(segments[i].find('}') + 1);
      if (part.size() <= suffix.size() || param == params.size() ||
          part.substr(part.size() - suffix.size()) != suffix) {
        return false;
      }
      params[param++] = part.substr(0, part.size() - suffix.size());
    } else if (part != segments[i]) {
      return false;
    }
    pos = end + 1;
  }
  return pos == path.size() + 1;
}

// A keyed create in flight (LiveMocks::begin_key_flight) for a scope.
class KeyFlightScope {
 public:
  KeyFlightScope(LiveMocks& mocks, std::string key)
      : mocks_(mocks), key_(std::move(key)), flight_(mocks.begin_key_flight(key_)) {}
  ~KeyFlightScope() {
    if (flight_ == LiveMocks::KeyFlight::started) mocks_.end_key_flight(key_);
  }
  KeyFlightScope(const KeyFlightScope&) = delete;
  KeyFlightScope& operator=(const KeyFlightScope&) = delete;
  bool in_use() const { return flight_ == LiveMocks::KeyFlight::in_use; }

 private:
  LiveMocks& mocks_;
  std::string key_;
  LiveMocks::KeyFlight flight_;
};

// A status class counter.
void count_status(RouteCounters& c, int status) {
  ++c.by_status[status];
  if (status >= 200 && status < 300) ++c.status_2xx;
  if (status >= 400 && status < 500) ++c.status_4xx;
  if (status >= 500) ++c.status_5xx;
  if (status == 429) ++c.status_429;
}

// FNV-1a 64 over the parts that make two requests "the same request".
uint64_t request_key(const httplib::Request& req) {
  uint64_t h = kFnv1a64Offset;
  const auto mix = [&h](std::string_view part) {
    h = fnv1a64_byte(fnv1a64(part, h), 0xff);  // a separator, so ("ab", "c") and ("a", "bc") differ
  };
  mix(req.method);
  mix(req.path);
  for (const auto& [name, value] : req.params) {
    mix(name);
    mix(value);
  }
  mix(req.body);
  return h;
}

}  // namespace

struct MockServer::Impl {
  struct Slot {
    std::mutex mutex;
    RouteCounters counters;
  };

  LiveMocks& mocks;
  MockServerOptions options;
  Gate gate;
  RequestObserver observer;
  std::function<void(httplib::Server&)> extra_routes;
  std::vector<CompiledRoute> routes;
  std::vector<std::unique_ptr<Slot>> slots;  // last: requests no route took
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<ConnectionReactor> reactor;
  http::RequestLimits request_limits;  // the reactor's, for serve_stream

  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::atomic<size_t> hangs{0};  // requests held by a hang now
  std::atomic<uint64_t> handler_exceptions{0};
  // Per RouteSystem: the ERP's, OMS's and WMS's concurrency_limit (nullptr: none, or a channel).
  std::array<std::unique_ptr<SystemConcurrency>, 4> concurrency;

  Impl(LiveMocks& m, MockServerOptions o);
  Slot& unrouted() { return *slots.back(); }
  void record(Slot& slot, int status, int64_t latency_us, bool dropped,
              bool over_concurrency_limit = false);
  void dispatch(const httplib::Request& req, httplib::Response& res, Method method);
  // What serve() tells dispatch() for the observer.
  struct Served {
    std::chrono::steady_clock::time_point start;
    bool hung = false;
    bool faulted = false;
    bool over_concurrency_limit = false;
  };
  void serve(const CompiledRoute& r, RouteCall& call, const std::string& system, Served& served);
  void handle(const CompiledRoute& r, RouteCall& call);
  void serve_hang(const CompiledRoute& r, RouteCall& call, const GateDecision& d);
  bool drop_connection(RouteCall& call);
  bool hold(std::chrono::milliseconds delay);
  void rate_limit_headers(RouteCall& call, const RateLimitStatus& s) const;
  httplib::Server::HandlerResponse answer_error(httplib::Response& res);
  void configure();
};

MockServer::Impl::Impl(LiveMocks& m, MockServerOptions o) : mocks(m), options(std::move(o)) {
  const size_t channels = mocks.scenario().channels.size();
  for (const Route& r : http::all_routes()) {
    CompiledRoute c{r, fmt::format("{} {}", http::to_string(r.method), r.pattern),
                    split_path(r.pattern), slots.size()};
    const size_t systems = r.system == RouteSystem::channel ? channels : 1;
    for (size_t i = 0; i < systems; ++i) {
      auto slot = std::make_unique<Slot>();
      slot->counters.route = c.name;
      slot->counters.system = r.system == RouteSystem::channel ? mocks.scenario().channels[i].name
                              : r.system == RouteSystem::erp   ? mocks.system_name(SystemKind::erp)
                              : r.system == RouteSystem::oms   ? mocks.system_name(SystemKind::oms)
                                                               : mocks.system_name(SystemKind::wms);
      slots.push_back(std::move(slot));
    }
    routes.push_back(std::move(c));
  }
  for (const auto& [route_system, kind] :
       {std::pair{RouteSystem::erp, SystemKind::erp}, std::pair{RouteSystem::oms, SystemKind::oms},
        std::pair{RouteSystem::wms, SystemKind::wms}}) {
    const SystemSpec* spec = first_system(mocks.scenario(), kind);
    if (spec != nullptr && spec->concurrency_limit) {
      concurrency[static_cast<size_t>(route_system)] =
          std::make_unique<SystemConcurrency>(spec->concurrency_limit, spec->concurrency_refusal);
    }
  }
  auto slot = std::make_unique<Slot>();
  slot->counters.system = "-";
  slot->counters.route = "unrouted";
  slots.push_back(std::move(slot));
}

void MockServer::Impl::record(Slot& slot, int status, int64_t latency_us, bool dropped,
                              bool over_concurrency_limit) {
  std::lock_guard lock(slot.mutex);
  RouteCounters& c = slot.counters;
  ++c.requests;
  if (over_concurrency_limit) ++c.over_concurrency_limit;
  if (dropped) {
    ++c.dropped;
  } else {
    count_status(c, status);
  }
  if (latency_us >= 0) c.latency_us.record(latency_us);
}

// Waits out a gate delay; false if stop() cut it short.
bool MockServer::Impl::hold(std::chrono::milliseconds delay) {
  if (delay.count() <= 0) return true;
  std::unique_lock lock(stop_mutex);
  return !stop_cv.wait_for(lock, std::min(delay, options.gate_delay_max), [&] { return stopping; });
}

void MockServer::Impl::rate_limit_headers(RouteCall& call, const RateLimitStatus& s) const {
  if (!s.limited) return;
  call.res.set_header("X-RateLimit-Limit", std::to_string(s.limit));
  call.res.set_header("X-RateLimit-Remaining", std::to_string(s.remaining));
  // Each platform's own header too, so a connector written against it finds what it expects.
  if (mocks.scenario().channels[call.channel].kind == ChannelKind::shopify_like) {
    call.res.set_header("X-Shopify-Shop-Api-Call-Limit",
                        fmt::format("{}/{}", s.limit - std::min(s.limit, s.remaining), s.limit));
  } else {
    call.res.set_header("x-amzn-RateLimit-Limit",
                        fmt::format("{:g}", s.rate_per_s * mocks.clock().time_scale()));
  }
}

bool MockServer::Impl::drop_connection(RouteCall& call) {
  if (shutdown_connection(call.req)) {
    call.res.status = 0;  // nothing is sent; record() counts a drop, not a status
    return true;
  }
  http::reply_error(call.res, 503, "injected_fault", "dropped (connection not found)");
  return false;
}

void MockServer::Impl::serve(const CompiledRoute& r, RouteCall& call, const std::string& system,
                             Served& served) {
  if (gate) {
    const GateDecision d = gate(system, r.name);
    served.faulted = d.faulted;
    if (d.hang) {
      served.hung = true;
      if (observer) {
        observer(RequestRecord{system, r.name, RequestRecord::kHung, 0, served.start, 0,
                               request_key(call.req), true, true, false});
      }
      return serve_hang(r, call, d);
    }
    if (!hold(d.delay)) {
      return http::reply_error(call.res, 503, "shutting_down", "the drill is ending");
    }
    if (d.action == GateDecision::Action::drop) {
      drop_connection(call);
      return;
    }
    if (d.action == GateDecision::Action::respond) {
      if (r.route.shape_error != nullptr) {
        return r.route.shape_error(
            call, d.status, "injected_fault", "the drill's fault layer answered this request",
            d.retry_after_ms > 0 ? d.retry_after_ms : int64_t{1000} * d.retry_after_s);
      }
      if (d.retry_after_s > 0) call.res.set_header("Retry-After", std::to_string(d.retry_after_s));
      if (!d.body.empty()) {
        call.res.status = d.status;
        call.res.set_content(d.body, "application/json");
        return;
      }
      return http::reply_error(call.res, d.status, "injected_fault",
                               "the drill's fault layer answered this request");
    }
  }
  handle(r, call);
}

void MockServer::Impl::serve_hang(const CompiledRoute& r, RouteCall& call, const GateDecision& d) {
  const bool processed = d.action == GateDecision::Action::pass;
  // The work is done before the hold: a drill that ends mid-hold still has the write, as the
  // real server that timed out on its client would.
  if (processed) handle(r, call);
  const size_t limit =
      options.hangs_max > 0 ? options.hangs_max : std::max<size_t>(1, options.worker_threads / 2);
  if (hangs.fetch_add(1) < limit) {
    hold(d.delay);
    hangs.fetch_sub(1);
    // Processed: the late answer goes out (the client has gone). Not processed: no answer.
    if (!processed) drop_connection(call);
    return;
  }
  hangs.fetch_sub(1);
  drop_connection(call);  // no room to hold it: no answer, at once
}

void MockServer::Impl::handle(const CompiledRoute& r, RouteCall& call) {
  if (r.route.system == RouteSystem::channel && r.route.dialect == LiveDialect::syncdrill) {
    const RateLimitStatus s = mocks.admit_channel(call.channel);
    rate_limit_headers(call, s);
    if (!s.admitted) {
      // Retry-After in whole wall seconds, rounded up (never early); the body has milliseconds.
      const auto wall = mocks.clock().to_wall(s.retry_after);
      const int64_t wall_ms =
          std::max<int64_t>(1, std::chrono::ceil<std::chrono::milliseconds>(wall).count());
      call.res.set_header("Retry-After", std::to_string((wall_ms + 999) / 1000));
      return http::reply_json(call.res, 429,
                              {{"error", "rate_limited"},
                               {"detail", "the channel's API rate limit is exceeded"},
                               {"retry_after_ms", wall_ms}});
    }
  }
  try {
    r.route.handler(call);
  } catch (const std::exception& e) {
    handler_exceptions.fetch_add(1);
    if (r.route.shape_error != nullptr) {
      r.route.shape_error(call, 500, "internal", e.what(), 0);
    } else {
      http::reply_error(call.res, 500, "internal", e.what());
    }
  }
}

void MockServer::Impl::dispatch(const httplib::Request& req, httplib::Response& res,
                                Method method) {
  const auto start = std::chrono::steady_clock::now();
  Served served{start};
  RouteCall call{req, res, mocks};
  call.access_token = options.access_token;
  const CompiledRoute* hit = nullptr;
  std::string allow;
  for (const CompiledRoute& r : routes) {
    if (!match(r.segments, req.path, call.params)) continue;
    if (r.route.method == method) {
      hit = &r;
      break;
    }
    const std::string_view m = http::to_string(r.route.method);
    if (allow.find(m) == std::string::npos) allow += (allow.empty() ? "" : ", ") + std::string(m);
  }
  Slot* slot = &unrouted();
  if (hit == nullptr && !allow.empty()) {
    res.set_header("Allow", allow);
    http::reply_error(
        res, 405, "method_not_allowed",
        fmt::format("{} is not allowed on {} (allowed: {})", req.method, req.path, allow));
  } else if (hit == nullptr) {
    http::reply_error(res, 404, "not_found", "no route for " + req.method + " " + req.path);
  } else if (hit->route.system == RouteSystem::channel) {
    const auto channel = mocks.channel_index(call.params[0]);
    if (!channel) {
      http::reply_error(res, 404, "not_found",
                        "unknown channel '" + std::string(call.params[0]) + "'");
    } else if (mocks.scenario().channels[*channel].dialect != hit->route.dialect &&
               hit->route.dialect != LiveDialect::syncdrill) {
      // A platform's route on a channel that speaks another dialect: no such resource there.
      http::reply_error(res, 404, "not_found",
                        fmt::format("channel '{}' speaks the {} dialect, not {}", call.params[0],
                                    to_string(mocks.scenario().channels[*channel].dialect),
                                    to_string(hit->route.dialect)));
    } else {
      call.channel = *channel;
      slot = slots[hit->first_slot + *channel].get();
      serve(*hit, call, slot->counters.system, served);
    }
  } else {
    slot = slots[hit->first_slot].get();
    // Held from here to the answer, so a gate delay or a hang's hold counts against the limit.
    SystemConcurrency* limit = concurrency[static_cast<size_t>(hit->route.system)].get();
    const ConcurrencySlot held(limit);
    // In flight from here to the answer too (Stripe's 409 for the same key meanwhile).
    const KeyFlightScope flight(mocks, held.acquired() && hit->route.keyed
                                           ? req.get_header_value("Idempotency-Key")
                                           : std::string());
    if (flight.in_use()) {
      http::reply_error(res, 409, "idempotency_key_in_use",
                        "a request with this Idempotency-Key is still in progress; retry later");
    } else if (held.acquired()) {
      serve(*hit, call, slot->counters.system, served);
    } else {
      limit->reply_refused(res);
      served.over_concurrency_limit = true;
    }
  }
  const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  record(*slot, res.status, latency.count(), res.status == 0, served.over_concurrency_limit);
  if (observer && !served.hung) {  // a hung request was reported when it arrived
    int64_t retry_after_ms = 0;
    if (res.has_header("Retry-After")) {
      retry_after_ms = http::parse_retry_after_ms(res.get_header_value("Retry-After")).value_or(0);
    }
    observer(RequestRecord{slot->counters.system, slot->counters.route, res.status, retry_after_ms,
                           start, latency.count(), request_key(req), false, served.faulted,
                           served.over_concurrency_limit});
  }
}

httplib::Server::HandlerResponse MockServer::Impl::answer_error(httplib::Response& res) {
  if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
  const char* error = res.status == 413   ? "payload_too_large"
                      : res.status == 414 ? "uri_too_long"
                      : res.status == 404 ? "not_found"
                      : res.status >= 500 ? "internal"
                                          : "bad_request";
  // The reactor has checked the request's framing and sizes; what cpp-httplib still refuses
  // (400) is a method it does not know.
  std::string detail = fmt::format("HTTP {}", res.status);
  if (res.status == 413) {
    detail = fmt::format("the request body exceeds {} bytes", options.payload_max_bytes);
  } else if (res.status == 400) {
    detail = "the HTTP request could not be read (an unknown method?)";
  }
  http::reply_error(res, res.status, error, detail);
  record(unrouted(), res.status, -1, false);
  return httplib::Server::HandlerResponse::Handled;
}

void MockServer::Impl::configure() {
  ReactorOptions r;
  r.worker_threads = options.worker_threads;
  r.control_threads = options.control_threads;
  r.connections_max = options.connections_max;
  r.buffered_bytes_max = options.buffered_bytes_max;
  r.keep_alive_max_count = options.keep_alive_max_count;
  r.idle_timeout = options.idle_timeout;
  r.request_timeout = options.request_timeout;
  r.write_timeout = options.write_timeout;
  r.limits.header_count_max = options.header_count_max;
  r.limits.head_bytes_max = options.head_bytes_max;
  r.limits.body_bytes_max = options.payload_max_bytes;
  request_limits = r.limits;
  ReactorHooks hooks;
  hooks.serve = [this](httplib::Stream& stream, bool close_connection, bool& connection_closed) {
    return server->serve(stream, close_connection, connection_closed);
  };
  hooks.refused = [this](int status) { record(unrouted(), status, -1, false); };
  reactor = std::make_unique<ConnectionReactor>(r, std::move(hooks));

  server = std::make_unique<HttpServer>();
  HttpServer& svr = *server;
  svr.adopt = [this](int fd) { reactor->adopt(fd); };
  svr.new_task_queue = [] { return new InlineTaskQueue(); };
  svr.set_payload_max_length(options.payload_max_bytes);
  // Only for the Keep-Alive header cpp-httplib writes: the reactor enforces both.
  svr.set_keep_alive_max_count(options.keep_alive_max_count);
  svr.set_keep_alive_timeout(std::max<time_t>(
      1, std::chrono::duration_cast<std::chrono::seconds>(options.idle_timeout).count()));
  svr.set_tcp_nodelay(true);
  // cpp-httplib's default also sets SO_REUSEPORT, which lets a second server bind the same port
  // and silently share its clients; SO_REUSEADDR alone still allows a quick restart.
  svr.set_socket_options([](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  const auto on = [this](Method m) {
    return
        [this, m](const httplib::Request& req, httplib::Response& res) { dispatch(req, res, m); };
  };
  if (extra_routes) extra_routes(svr);
  // Every path goes to dispatch(), which tells 404 from 405 (cpp-httplib answers both 404).
  svr.Get(".*", on(Method::get));
  svr.Post(".*", on(Method::post));
  svr.Put(".*", on(Method::put));
  svr.Patch(".*", on(Method::patch));
  svr.Delete(".*", on(Method::del));
  svr.Options(".*", on(Method::options));
  // Errors cpp-httplib answers itself (a method it does not know, ...) come with no body: give
  // them the JSON error body. Handlers' own errors already have one.
  svr.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request&, httplib::Response& res) { return answer_error(res); }));
  svr.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        http::reply_error(res, 500, "internal", "the handler failed");
      });
}

MockServer::MockServer(LiveMocks& mocks, MockServerOptions options)
    : impl_(std::make_unique<Impl>(mocks, std::move(options))) {}

MockServer::~MockServer() {
  stop();
}

void MockServer::set_gate(Gate gate) {
  SD_CHECK(!running_.load(), "the gate is set before start()");
  impl_->gate = std::move(gate);
}

void MockServer::set_observer(RequestObserver observer) {
  SD_CHECK(!running_.load(), "the observer is set before start()");
  impl_->observer = std::move(observer);
}

void MockServer::set_extra_routes(std::function<void(httplib::Server&)> add_routes) {
  SD_CHECK(!running_.load(), "extra routes are set before start()");
  impl_->extra_routes = std::move(add_routes);
}

bool MockServer::start(std::string* error) {
  SD_CHECK(!running_.load(), "start() on a running server");
  std::signal(SIGPIPE, SIG_IGN);
  impl_->stopping = false;
  impl_->configure();
  HttpServer& svr = *impl_->server;
  const MockServerOptions& o = impl_->options;
  const int port =
      o.port == 0 ? svr.bind_to_any_port(o.host) : (svr.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port <= 0) {
    if (error != nullptr) *error = explain_bind_failure(o.host, o.port);
    impl_->server.reset();
    impl_->reactor.reset();
    return false;
  }
  svr.raise_backlog(kListenBacklog);
  if (!impl_->reactor->start(error)) {
    impl_->server.reset();
    impl_->reactor.reset();
    return false;
  }
  if (!listen_in_background(svr, listener_)) {
    impl_->reactor->stop();
    impl_->server.reset();
    impl_->reactor.reset();
    if (error != nullptr) *error = fmt::format("cannot serve on {}:{}", o.host, port);
    return false;
  }
  port_.store(port);
  running_.store(true);
  return true;
}

void MockServer::stop() {
  if (!running_.exchange(false)) return;
  {
    std::lock_guard lock(impl_->stop_mutex);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  impl_->server->stop();  // no more connections
  listener_.join();
  impl_->reactor->stop();  // requests already read are answered; every connection closes
  impl_->server.reset();
  port_.store(0);
}

ReactorStats MockServer::connection_stats() const {
  return impl_->reactor ? impl_->reactor->stats() : ReactorStats{};
}

namespace {

// One request for serve_stream: cpp-httplib reads the canonical request from memory and writes
// its answer to the fuzz target's stream, as ServedStream does with a socket.
class CanonicalStream final : public httplib::Stream {
 public:
  CanonicalStream(httplib::Stream& out, const std::string& request)
      : out_(out), request_(request) {}
  bool is_readable() const override { return read_ < request_.size(); }
  bool is_writable() const override { return out_.is_writable(); }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, request_.size() - read_);
    std::memcpy(ptr, request_.data() + read_, n);
    read_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override { return out_.write(ptr, size); }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    out_.get_remote_ip_and_port(ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    out_.get_local_ip_and_port(ip, port);
  }
  socket_t socket() const override { return out_.socket(); }

 private:
  httplib::Stream& out_;
  const std::string& request_;
  size_t read_ = 0;
};

}  // namespace

void MockServer::serve_stream(httplib::Stream& stream, size_t requests_max) {
  SD_CHECK(!running_.load(), "serve_stream() on a running server");
  if (!impl_->server) impl_->configure();
  // The connection's bytes go through the reactor's RequestReader with the server's limits,
  // then each whole request through process_request: the two steps a started server takes.
  http::RequestReader reader(impl_->request_limits);
  std::string pending;
  char buf[4096];
  for (ssize_t n; (n = stream.read(buf, sizeof buf)) > 0;)
    pending.append(buf, static_cast<size_t>(n));
  std::string_view rest = pending;
  for (size_t served = 0; served < requests_max;) {
    rest.remove_prefix(reader.feed(rest.data(), rest.size()));
    if (const auto& e = reader.error()) {
      const std::string response = http::refusal_response(e->status, e->error, e->detail);
      stream.write(response.data(), response.size());
      return;
    }
    if (!reader.complete()) return;  // the end of the stream inside a request
    const std::string request = reader.take();
    CanonicalStream one(stream, request);
    bool closed = false;
    const bool ok = impl_->server->serve(one, /*close_connection=*/false, closed);
    ++served;
    if (!ok || closed) return;
  }
}

uint64_t MockServer::handler_exceptions() const {
  return impl_->handler_exceptions.load();
}

ServerCounters MockServer::counters() const {
  ServerCounters out;
  for (const auto& slot : impl_->slots) {
    std::lock_guard lock(slot->mutex);
    if (slot->counters.requests > 0) out.routes.push_back(slot->counters);
  }
  std::sort(out.routes.begin(), out.routes.end(), [](const auto& a, const auto& b) {
    return std::tie(a.system, a.route) < std::tie(b.system, b.route);
  });
  return out;
}

const SystemConcurrency* MockServer::concurrency(SystemKind kind) const {
  const RouteSystem system = kind == SystemKind::erp   ? RouteSystem::erp
                             : kind == SystemKind::oms ? RouteSystem::oms
                                                       : RouteSystem::wms;
  return impl_->concurrency[static_cast<size_t>(system)].get();
}

}  // namespace syncdrill
