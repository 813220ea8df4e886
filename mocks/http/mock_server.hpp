// MockServer: a scenario's mock systems (LiveMocks) served over HTTP with cpp-httplib, for live
// drills (`syncdrill serve`). Routes and bodies: docs/live-api.md.
//
// Each system answers under its own prefix: /channels/{name}/..., /erp/..., /oms/..., /wms/....
// JSON in and out. Every error is a JSON body {"error": KIND, "detail": TEXT}: malformed JSON and
// invalid fields 400, unknown route 404, known route with another method 405 (with Allow), body
// over payload_max_bytes 413, a body that is not JSON 415, channel rate limit 429 (with
// Retry-After). Channel responses carry the channel's rate-limit headers.
//
// Safety against hostile or broken clients (ConnectionReactor, RequestReader): binds loopback
// unless told otherwise; one thread reads every connection without blocking and enforces, while
// reading, the limits on the request line (414), the header fields (431), the body (413, chunked
// or not), a request's whole arrival (408) and idleness; a worker pool runs only complete
// requests (the control API under /_drill/ has its own), so slow or idle clients hold no worker;
// open connections and buffered request bytes are capped (503 beyond); bounded gate delays, cut
// short by stop().

// The gate: an optional hook the fault layer installs, called for every routed request before
// its handler with (system, route): the system's scenario name ("dtc", "erp", ...) and the route
// template ("GET /channels/{name}/inventory/{sku}"). It may delay the request, answer it with a
// status of its choosing, or drop it (close the connection without an answer). Default: pass.
//
// Counters per (system, route): requests, status classes, 429s, drops, refusals over the
// system's concurrency_limit and a latency histogram (handler time, wall microseconds, including
// gate delays), read as a snapshot.
//
// Concurrency limits: a system's SystemSpec::concurrency_limit caps the requests its routes
// (ERP, OMS, WMS) serve at once, from dispatch start to the answer (gate delays included); over
// it a request is refused at once in the system's concurrency_refusal style
// (mocks/http/system_concurrency.hpp).
//
// Thread-safety: start(), stop() and set_gate() from one controlling thread; counters() and
// port() from any thread. The destructor stops the server. start() ignores SIGPIPE for the
// whole process: a client that hangs up mid-response must not kill the drill.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/observe/histogram.hpp"
#include "mocks/http/connection_reactor.hpp"
#include "mocks/http/live_mocks.hpp"
#include "mocks/http/system_concurrency.hpp"

namespace httplib {
class Server;
class Stream;
}  // namespace httplib

namespace syncdrill {

struct MockServerOptions {
  std::string host = "127.0.0.1";        // default: loopback only
  int port = 0;                          // default 0: an ephemeral port (see port())
  size_t worker_threads = 64;            // mock requests run at once
  size_t control_threads = 2;            // requests under /_drill/ run at once (extra routes)
  size_t connections_max = 10'000;       // open connections (kept under the open-file limit)
  size_t payload_max_bytes = 64 * 1024;  // request bodies above this get 413
  size_t header_count_max = 100;         // header fields; more get 431
  size_t head_bytes_max = 32 * 1024;     // request line and header fields together; 431
  size_t buffered_bytes_max = 64 << 20;  // request bytes held across connections; 503 beyond
  size_t keep_alive_max_count = 100;     // requests per connection before it is closed
  std::chrono::milliseconds idle_timeout{2000};      // a connection with no request under way
  std::chrono::milliseconds request_timeout{5000};   // a request's head and body, in all (408)
  std::chrono::milliseconds write_timeout{5000};     // one response
  std::chrono::milliseconds gate_delay_max{60'000};  // longer gate delays are cut to this
  size_t hangs_max = 0;  // requests held by hangs at once; 0 = half the worker threads
  // The access token a platform dialect's routes require (Shopify's X-Shopify-Access-Token,
  // SP-API's x-amz-access-token); docs/platforms.md. Empty: those routes refuse every request.
  std::string access_token = {};
};

// What the gate decides for one request.
struct GateDecision {
  enum class Action : uint8_t {
    pass,     // run the handler
    respond,  // answer with `status` (and `body`, or a JSON error body when empty)
    drop,     // close the connection without an answer (the client sees no response)
  };
  Action action = Action::pass;
  std::chrono::milliseconds delay{0};  // wall time to hold the request before acting; default 0
  int status = 503;                    // respond: the status
  std::string body;                    // respond: a JSON body; empty = {"error": "injected_fault"}
  int retry_after_s = 0;               // respond: a Retry-After header when > 0
  // respond: the wait in wall milliseconds for a dialect route's error shaper (Shopify writes
  // decimal seconds); 0 = retry_after_s whole seconds. The syncdrill routes send retry_after_s.
  int64_t retry_after_ms = 0;
  // A hang (a timeout fault): the client will see no answer in time. `delay` is the hold; with
  // pass the handler runs FIRST (the work is done) and the reply is held, with drop the
  // connection is closed after the hold. At most MockServerOptions::hangs_max requests are held
  // at once (a hung server must not starve the control routes); beyond that a hang closes the
  // connection at once, after the handler when it passes. The observer hears of a hung request
  // when it arrives, not when it is finally answered.
  bool hang = false;
  bool faulted = false;  // a fault acted on this request (for the observer)
};

// REQUIRES: cheap and thread-safe (it runs on every worker thread).
using Gate = std::function<GateDecision(std::string_view system, std::string_view route)>;

struct RouteCounters {
  std::string system;  // "dtc", "erp", ...; "-" for requests no route took
  std::string route;   // "GET /channels/{name}/inventory/{sku}"; "unrouted" for the rest
  uint64_t requests = 0;
  uint64_t status_2xx = 0;
  uint64_t status_4xx = 0;  // including the 429s
  uint64_t status_5xx = 0;
  uint64_t status_429 = 0;
  uint64_t dropped = 0;  // closed by the gate without an answer
  // Refused at once: the system's concurrency_limit was reached (counted in by_status too).
  uint64_t over_concurrency_limit = 0;
  std::map<int, uint64_t> by_status;  // every status answered, exactly
  LatencyHistogram latency_us;        // handler time, wall microseconds
};

// One answered (or dropped) request, as the drill's observer sees it after the handler.
struct RequestRecord {
  std::string_view system;  // "dtc", "erp", ...; "-" when no route took it
  std::string_view route;   // the route template; "unrouted" for the rest
  int status = 0;           // 0 = dropped by the gate without an answer
  // The Retry-After header sent, in milliseconds: whole seconds ("3") or decimal ("2.0",
  // "0.025"), rounded up to the millisecond; 0 = none, "0" or unreadable.
  int64_t retry_after_ms = 0;
  std::chrono::steady_clock::time_point received;  // when dispatch began
  int64_t latency_us = 0;                          // handler time, gate delays included
  // FNV-1a 64 of method, path, query and body: equal for the same request sent again (a retry).
  uint64_t request_key = 0;
  bool hung = false;     // a hang fault took it: reported on arrival, status kHung, latency 0
  bool faulted = false;  // a fault acted on it (answered, dropped, delayed or hung)
  // Refused at once over its system's concurrency_limit (503, or NetSuite's 400
  // SSS_REQUEST_LIMIT_EXCEEDED): a failed answer the client may retry, whatever its status.
  bool over_concurrency_limit = false;

  static constexpr int kHung = -1;
};

// REQUIRES: thread-safe (it runs on every worker thread, after the answer is built).
using RequestObserver = std::function<void(const RequestRecord&)>;

struct ServerCounters {
  std::vector<RouteCounters> routes;  // sorted by (system, route)
};

class MockServer {
 public:
  // `mocks` must outlive the server.
  MockServer(LiveMocks& mocks, MockServerOptions options = {});
  ~MockServer();
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  // REQUIRES: not running. Installs the fault layer's hook (empty = pass everything).
  void set_gate(Gate gate);

  // REQUIRES: not running. Called with each answered request (empty = none).
  void set_observer(RequestObserver observer);
  // REQUIRES: not running. Registers routes of the caller's (e.g. the drill's control API)
  // before the mocks' catch-all dispatcher, so they are matched first. Called at each start().
  void set_extra_routes(std::function<void(httplib::Server&)> add_routes);

  // Binds options.host:options.port and serves on background threads. false (and *error, if
  // given, says why: the address is not this host's, the port is in use, permission) if the
  // address cannot be bound. REQUIRES: not running.
  bool start(std::string* error = nullptr);
  // Stops accepting, cuts gate delays short, lets in-flight requests finish and joins the
  // threads. Idempotent.
  void stop();
  bool running() const { return running_.load(); }
  // The bound port (the ephemeral one when options.port was 0); 0 when not running.
  int port() const { return port_.load(); }

  ServerCounters counters() const;
  // Handlers that threw (answered 500 in the route's error shape): a bug in a handler, which
  // must answer hostile input with a 4xx. The fuzz target requires 0.
  uint64_t handler_exceptions() const;
  // A system's concurrency gate (SystemSpec::concurrency_limit), for its figures; nullptr for a
  // channel or a system without a limit.
  const SystemConcurrency* concurrency(SystemKind kind) const;
  // The connections' figures (open now, evicted, timed out, ...), of the last start() (zeros
  // before the first). From the controlling thread.
  ReactorStats connection_stats() const;

  // For the fuzz targets (tests/fuzz/): answers the requests read from `stream`, as one
  // keep-alive connection would carry them, through the same parser, routes, gate and handlers
  // as a started server, on the calling thread and without a socket. Returns after
  // `requests_max` requests, at the end of the stream or when the connection is to close.
  // REQUIRES: not running.
  void serve_stream(httplib::Stream& stream, size_t requests_max);

 private:
  struct Impl;

  std::unique_ptr<Impl> impl_;
  std::atomic<bool> running_{false};
  std::atomic<int> port_{0};
  std::thread listener_;
};

}  // namespace syncdrill
