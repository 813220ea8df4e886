// ConnectionReactor: the mock server's connections, read by one epoll thread, and served by
// worker pools only once a whole request has arrived.
//
// cpp-httplib gives each connection a worker for its whole life: a worker waits in the request's
// reads (a read timeout each, none for the request) and in keep-alive idleness. 64 clients that
// trickle a byte every few seconds, or a thousand idle ones, so held every worker and every route,
// the control API included. Here one thread reads every connection without blocking (the
// RequestReader enforcing the limits as bytes arrive) and a worker is asked only to run a
// complete request, held in memory, through cpp-httplib's process_request and write the answer.
// A slow or idle client costs a socket and its few buffered bytes, never a worker for long: a
// worker that has answered keeps reading the connection for at most 50 ms, so a client that
// sends its next request at once (a load generator, a connector's burst) is served without the
// trip back through the reading thread; it gives the connection back sooner when a request has
// waited 5 ms for a worker.
//
// Bounds:
//   - idle_timeout: a connection with no request under way (new, or kept alive) is closed after
//     it; request_timeout: a request's head and body must all arrive within it of its first
//     byte (408 and close otherwise); write_timeout: one answer must be written within it.
//   - connections_max open connections (also kept under the process's open-file limit): one more
//     closes the idlest connection, else the oldest still sending its request (503), else is
//     refused (503).
//   - buffered_bytes_max request bytes held across connections: past it, the oldest request
//     still arriving is refused (503) until the total fits.
//   - keep_alive_max_count requests per connection; then it is closed after its answer.
// Refused requests get a JSON error body ({"error": KIND, "detail": ...}, Connection: close); the
// connection then reads and drops what the client still sends for a moment (so the client sees
// the answer rather than a reset) and closes.
//
// Requests whose path is under /_drill/ (the drill's control API) run on their own small pool,
// so mock traffic held by faults (a latency fault keeps a worker for its delay) cannot starve it.
//
// Thread-safety: adopt() from any thread (cpp-httplib's accept loop); start() and stop() from
// one controlling thread; stats() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mocks/http/request_reader.hpp"

namespace httplib {
class Stream;
}

namespace syncdrill {

class BoundedTaskQueue;

struct ReactorOptions {
  size_t worker_threads = 64;                       // run mock requests
  size_t control_threads = 2;                       // run requests under /_drill/
  size_t connections_max = 10'000;                  // open connections at once
  size_t buffered_bytes_max = 64 << 20;             // request bytes held across connections
  size_t keep_alive_max_count = 100;                // requests per connection
  std::chrono::milliseconds idle_timeout{2000};     // no request under way
  std::chrono::milliseconds request_timeout{5000};  // first byte to last, head and body
  std::chrono::milliseconds write_timeout{5000};    // one answer
  http::RequestLimits limits;
};

struct ReactorHooks {
  // Runs one request read from `stream` and writes its answer to it (cpp-httplib's
  // process_request). false, or connection_closed set: close the connection after it.
  std::function<bool(httplib::Stream& stream, bool close_connection, bool& connection_closed)>
      serve;
  // A request the reactor answered itself with `status` (408, 413, 431, 503, ...).
  std::function<void(int status)> refused;
};

struct ReactorStats {
  size_t open = 0;             // connections now
  uint64_t accepted = 0;       // since start
  uint64_t evicted = 0;        // closed to make room for another connection
  uint64_t idle_closed = 0;    // closed after idle_timeout
  uint64_t timed_out = 0;      // requests refused with 408
  uint64_t refused = 0;        // requests the reactor answered itself (timed_out included)
  size_t buffered_bytes = 0;   // request bytes held now
  size_t connections_max = 0;  // the effective cap (after the open-file limit)
};

class ConnectionReactor {
 public:
  ConnectionReactor(ReactorOptions options, ReactorHooks hooks);
  ~ConnectionReactor();
  ConnectionReactor(const ConnectionReactor&) = delete;
  ConnectionReactor& operator=(const ConnectionReactor&) = delete;

  // Starts the reading thread and the worker pools. false (and *error) if epoll cannot be set up.
  bool start(std::string* error = nullptr);
  // Takes an accepted socket: from now on the reactor reads, serves and closes it.
  void adopt(int fd);
  // Stops reading, lets requests already read be served, closes every connection. Idempotent.
  void stop();

  ReactorStats stats() const;

 private:
  struct Conn;
  using List = std::list<Conn*>;

  void wake();
  bool rearm(Conn& c, int op);
  void loop();
  void take_inbox();
  void admit(int fd);
  void on_readable(Conn& c);
  void feed(Conn& c, const char* data, size_t size);
  void dispatch(Conn& c);
  void serve(Conn& c);
  // Waits (at most kWorkerLinger, while no other request waits for `pool`) for the next request
  // on a connection a worker holds; true when a whole one came.
  bool next_request(Conn& c, const BoundedTaskQueue& pool, std::atomic<size_t>& yielding);
  void give_back(Conn& c, bool keep);
  void resume(Conn& c);
  void refuse(Conn& c, int status, const std::string& error, const std::string& detail);
  void close(Conn& c);
  void account(Conn& c);
  void make_room();
  void bury();
  void sweep();
  void move_to(Conn& c, List* list);

  ReactorOptions options_;
  ReactorHooks hooks_;
  size_t connections_max_ = 0;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
  std::unique_ptr<BoundedTaskQueue> mock_pool_;
  std::unique_ptr<BoundedTaskQueue> control_pool_;
  // Workers that gave their connection up for a waiting request, per pool, until one is taken.
  std::atomic<size_t> mock_yielding_{0}, control_yielding_{0};
  std::atomic<bool> running_{false};
  std::atomic<bool> stopping_{false};

  // Handed over from other threads, under inbox_mutex_.
  std::mutex inbox_mutex_;
  std::vector<int> adopted_;
  std::vector<std::pair<Conn*, bool>> returned_;  // (connection, keep it open)
  bool reading_ = false;                          // the loop takes handovers

  // The reading thread's own (busy connections belong to a worker).
  List idle_, reading_list_, closing_;
  std::vector<Conn*> graveyard_;  // closed in this batch of events; freed after it
  std::chrono::steady_clock::time_point last_sweep_{};

  std::atomic<size_t> open_{0};
  std::atomic<size_t> buffered_{0};
  std::atomic<uint64_t> accepted_{0}, evicted_{0}, idle_closed_{0}, timed_out_{0}, refused_{0};
};

}  // namespace syncdrill
