// ConnectionReactor: an epoll loop over non-blocking sockets, lists of connections by state in
// the order they entered it (so the oldest is at the front: deadlines and eviction look there
// only), and a hand-over to the worker pools and back.
#include "mocks/http/connection_reactor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/engine/check.hpp"
#include "mocks/http/bounded_task_queue.hpp"
#include "mocks/http/server_connection.hpp"

namespace syncdrill {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 16 * 1024;
constexpr int kReadChunksPerEvent = 4;  // then the next connection's turn
constexpr std::chrono::milliseconds kLinger{1000};
constexpr size_t kLingerBytesMax = 1 << 20;
constexpr std::chrono::milliseconds kSweepEvery{20};
constexpr std::chrono::milliseconds kWorkerLinger{50};
constexpr std::chrono::milliseconds kYieldAfter{5};

// The open-file limit, raised to its hard ceiling when the cap needs it; the cap is then kept a
// tenth (at least 64) under it, for the files, webhook sockets and reports the drill also opens.
size_t connection_cap(size_t wanted) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return wanted;
  const rlim_t needed = static_cast<rlim_t>(wanted) + wanted / 10 + 64;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < needed) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max == RLIM_INFINITY ? needed : std::min(needed, rl.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  if (rl.rlim_cur == RLIM_INFINITY) return wanted;
  const auto limit = static_cast<size_t>(rl.rlim_cur);
  const size_t reserve = std::max<size_t>(64, limit / 10);
  return std::clamp<size_t>(limit > reserve ? limit - reserve : 1, 1, wanted);
}

// Writes all of `data` to a non-blocking socket by `deadline`; false on error or timeout.
bool write_all(int fd, const char* data, size_t size, Clock::time_point deadline) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n > 0) {
      data += n;
      size -= static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  }
  return true;
}

// The client asked to hear the head was accepted before it sends the body.
void send_continue(int fd, http::RequestReader& reader) {
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  write_all(fd, kContinue.data(), kContinue.size(), Clock::now());
  reader.continue_sent();
}

bool is_control_path(std::string_view path) {
  return path == "/_drill" || path.rfind("/_drill/", 0) == 0;
}

}  // namespace

struct ConnectionReactor::Conn {
  explicit Conn(int f, const http::RequestLimits& limits) : fd(f), reader(limits) {}

  int fd;
  http::RequestReader reader;
  std::string pending;  // bytes read past the last request (a pipelining client)
  std::string request;  // the complete request a worker serves
  bool control = false;
  bool dead = false;  // closed; freed after the current batch of events (which may name it)
  size_t served = 0;
  size_t accounted = 0;     // bytes counted in buffered_
  size_t lingered = 0;      // bytes dropped while closing
  List* list = nullptr;     // the state's list; nullptr while a worker has it
  List::iterator where;     // its place there
  Clock::time_point since;  // when it entered its list
  std::string local_ip, remote_ip;
  int local_port = 0, remote_port = 0;
};

// The stream cpp-httplib's process_request reads one request from (the canonical request, in
// memory) and writes its answer to (the socket, within the write timeout).
class ServedStream : public httplib::Stream {
 public:
  ServedStream(int fd, const std::string& request, const std::string& local_ip, int local_port,
               const std::string& remote_ip, int remote_port, std::chrono::milliseconds timeout)
      : fd_(fd),
        request_(request),
        local_ip_(local_ip),
        remote_ip_(remote_ip),
        local_port_(local_port),
        remote_port_(remote_port),
        timeout_(timeout) {}

  bool is_readable() const override { return read_ < request_.size(); }
  bool is_writable() const override {
    pollfd p{fd_, POLLOUT, 0};
    return ::poll(&p, 1, static_cast<int>(timeout_.count())) > 0 && (p.revents & POLLOUT) != 0;
  }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, request_.size() - read_);
    std::memcpy(ptr, request_.data() + read_, n);
    read_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    // One deadline for the whole answer, from its first byte.
    if (!deadline_) deadline_ = Clock::now() + timeout_;
    return write_all(fd_, ptr, size, *deadline_) ? static_cast<ssize_t>(size) : -1;
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = remote_ip_;
    port = remote_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = local_ip_;
    port = local_port_;
  }
  socket_t socket() const override { return fd_; }

 private:
  int fd_;
  const std::string& request_;
  size_t read_ = 0;
  const std::string& local_ip_;
  const std::string& remote_ip_;
  int local_port_, remote_port_;
  std::chrono::milliseconds timeout_;
  std::optional<Clock::time_point> deadline_;
};

ConnectionReactor::ConnectionReactor(ReactorOptions options, ReactorHooks hooks)
    : options_(std::move(options)), hooks_(std::move(hooks)) {
  SD_CHECK(static_cast<bool>(hooks_.serve), "the reactor needs a serve hook");
  SD_CHECK(options_.worker_threads >= 1 && options_.control_threads >= 1,
           "the reactor needs workers");
}

ConnectionReactor::~ConnectionReactor() {
  stop();
}

bool ConnectionReactor::start(std::string* error) {
  SD_CHECK(!running_.load(), "start() on a running reactor");
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = nullptr;  // the wake-up
  if (epoll_fd_ < 0 || wake_fd_ < 0 || ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
    if (error != nullptr) *error = std::string("cannot set up epoll: ") + std::strerror(errno);
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
    epoll_fd_ = wake_fd_ = -1;
    return false;
  }
  connections_max_ = connection_cap(options_.connections_max);
  // Each connection has at most one request waiting: a queue this long never blocks the loop.
  mock_pool_ = std::make_unique<BoundedTaskQueue>(options_.worker_threads, connections_max_ + 1);
  control_pool_ =
      std::make_unique<BoundedTaskQueue>(options_.control_threads, connections_max_ + 1);
  stopping_.store(false);
  {
    std::lock_guard lock(inbox_mutex_);
    reading_ = true;
  }
  running_.store(true);
  thread_ = std::thread([this] { loop(); });
  return true;
}

void ConnectionReactor::adopt(int fd) {
  {
    std::lock_guard lock(inbox_mutex_);
    if (reading_) {
      if (adopted_.empty() && returned_.empty()) wake();  // else a wake-up is on its way
      adopted_.push_back(fd);
      return;
    }
  }
  ::close(fd);  // stopped: nobody will read it
}

void ConnectionReactor::stop() {
  if (!running_.exchange(false)) return;
  stopping_.store(true);
  wake();
  thread_.join();  // the loop closes what it holds and takes no more hand-overs
  // Requests already read are served; their connections are closed as they come back.
  mock_pool_->shutdown();
  control_pool_->shutdown();
  mock_pool_.reset();
  control_pool_.reset();
  ::close(epoll_fd_);
  ::close(wake_fd_);
  epoll_fd_ = wake_fd_ = -1;
}

void ConnectionReactor::wake() {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

// One-shot: an event disarms the connection until rearm(), so a connection a worker holds gets
// no events and needs no epoll call on the way out.
bool ConnectionReactor::rearm(Conn& c, int op) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLONESHOT;
  ev.data.ptr = &c;
  return ::epoll_ctl(epoll_fd_, op, c.fd, &ev) == 0;
}

ReactorStats ConnectionReactor::stats() const {
  return ReactorStats{open_.load(),      accepted_.load(), evicted_.load(),  idle_closed_.load(),
                      timed_out_.load(), refused_.load(),  buffered_.load(), connections_max_};
}

void ConnectionReactor::loop() {
  std::vector<epoll_event> events(256);
  while (!stopping_.load()) {
    const int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                               static_cast<int>(kSweepEvery.count()));
    for (int i = 0; i < n; ++i) {
      if (events[static_cast<size_t>(i)].data.ptr == nullptr) {
        uint64_t count = 0;
        [[maybe_unused]] const ssize_t r = ::read(wake_fd_, &count, sizeof count);
        take_inbox();
      } else {
        on_readable(*static_cast<Conn*>(events[static_cast<size_t>(i)].data.ptr));
      }
    }
    sweep();
    bury();
  }
  // Stopping: no more hand-overs; close everything this thread holds.
  {
    std::lock_guard lock(inbox_mutex_);
    reading_ = false;
  }
  take_inbox();
  for (List* list : {&idle_, &reading_list_, &closing_}) {
    while (!list->empty())
      close(*list->front());
  }
  bury();
}

void ConnectionReactor::bury() {
  for (Conn* c : graveyard_)
    delete c;
  graveyard_.clear();
}

void ConnectionReactor::take_inbox() {
  std::vector<int> adopted;
  std::vector<std::pair<Conn*, bool>> returned;
  {
    std::lock_guard lock(inbox_mutex_);
    adopted.swap(adopted_);
    returned.swap(returned_);
  }
  for (const auto& [c, keep] : returned) {
    if (keep && !stopping_.load()) {
      resume(*c);
    } else {
      close(*c);
    }
  }
  for (const int fd : adopted) {
    if (stopping_.load()) {
      ::close(fd);
    } else {
      admit(fd);
    }
  }
}

void ConnectionReactor::move_to(Conn& c, List* list) {
  if (c.list != nullptr) c.list->erase(c.where);
  c.list = list;
  if (list != nullptr) {
    c.where = list->insert(list->end(), &c);
    c.since = Clock::now();
  }
}

void ConnectionReactor::admit(int fd) {
  accepted_.fetch_add(1);
  make_room();
  const int flags = ::fcntl(fd, F_GETFL, 0);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  auto* c = new Conn(fd, options_.limits);
  socket_addresses(fd, c->local_ip, c->local_port, c->remote_ip, c->remote_port);
  open_.fetch_add(1);
  move_to(*c, &idle_);
  if (!rearm(*c, EPOLL_CTL_ADD)) return close(*c);
  if (open_.load() > connections_max_) {
    // Every other connection is being served: no room for this one.
    refuse(*c, 503, "overloaded", "the server has too many connections open; retry later");
  }
}

// Makes room for one more connection: ends a lingering close early, else closes the idlest
// connection, else refuses the oldest request still arriving.
void ConnectionReactor::make_room() {
  while (open_.load() >= connections_max_) {
    if (!closing_.empty()) {
      close(*closing_.front());
    } else if (!idle_.empty()) {
      evicted_.fetch_add(1);
      close(*idle_.front());
    } else if (!reading_list_.empty()) {
      evicted_.fetch_add(1);
      Conn& victim = *reading_list_.front();
      refuse(victim, 503, "overloaded", "the server has too many connections open; retry later");
      close(victim);
    } else {
      return;  // all being served
    }
  }
}

void ConnectionReactor::on_readable(Conn& c) {
  if (c.dead) return;  // closed earlier in this batch of events
  char buf[kReadChunk];
  for (int i = 0; i < kReadChunksPerEvent; ++i) {
    const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) break;
    if (n <= 0) return close(c);  // the client went away (mid-request: nothing to answer)
    if (c.list == &closing_) {
      c.lingered += static_cast<size_t>(n);
      if (c.lingered > kLingerBytesMax) return close(c);
      continue;
    }
    feed(c, buf, static_cast<size_t>(n));
    if (c.list == nullptr) return;                            // dispatched: a worker's now
    if (c.list != &idle_ && c.list != &reading_list_) break;  // refused: lingering
  }
  if (!rearm(c, EPOLL_CTL_MOD)) close(c);
}

void ConnectionReactor::account(Conn& c) {
  const size_t now = c.reader.buffered_bytes() + c.pending.size() + c.request.size();
  buffered_.fetch_add(now - c.accounted);  // unsigned wrap-around adds a negative delta
  c.accounted = now;
}

void ConnectionReactor::feed(Conn& c, const char* data, size_t size) {
  while (size > 0) {
    if (c.list == &idle_) move_to(c, &reading_list_);  // the request's clock starts
    const size_t used = c.reader.feed(data, size);
    data += used;
    size -= used;
    account(c);
    if (c.reader.wants_continue()) send_continue(c.fd, c.reader);
    if (const auto& e = c.reader.error()) return refuse(c, e->status, e->error, e->detail);
    if (c.reader.complete()) {
      c.pending.append(data, size);  // the next request's bytes, read with this one's
      return dispatch(c);
    }
    if (buffered_.load() > options_.buffered_bytes_max) {
      // The oldest request still arriving goes first (it may be this one).
      while (buffered_.load() > options_.buffered_bytes_max && !reading_list_.empty()) {
        Conn& victim = *reading_list_.front();
        refuse(victim, 503, "overloaded", "the server holds too many request bytes; retry later");
        if (&victim == &c) return;
      }
    }
  }
}

void ConnectionReactor::dispatch(Conn& c) {
  move_to(c, nullptr);  // a worker's now (disarmed: its event was one-shot)
  c.control = is_control_path(c.reader.path());
  c.request = c.reader.take();
  account(c);
  Conn* conn = &c;
  (c.control ? control_pool_ : mock_pool_)->enqueue([this, conn] { serve(*conn); });
}

void ConnectionReactor::serve(Conn& c) {
  BoundedTaskQueue& pool = c.control ? *control_pool_ : *mock_pool_;
  std::atomic<size_t>& yielding = c.control ? control_yielding_ : mock_yielding_;
  // A waiting request was taken: one yield (see next_request) has done its work.
  for (size_t y = yielding.load(); y > 0 && !yielding.compare_exchange_weak(y, y - 1);) {
  }
  for (;;) {
    ++c.served;
    const bool close_after = stopping_.load() || c.served >= options_.keep_alive_max_count;
    bool closed = false;
    bool ok = false;
    {
      ServedStream stream(c.fd, c.request, c.local_ip, c.local_port, c.remote_ip, c.remote_port,
                          options_.write_timeout);
      const CurrentConnection current(c.fd);
      try {
        ok = hooks_.serve(stream, close_after, closed);
      } catch (...) {  // cpp-httplib catches the handlers' own; anything else ends the connection
        ok = false;
      }
    }
    c.request.clear();
    account(c);
    if (!ok || closed || close_after) return give_back(c, false);
    // While no other request waits for a worker, this one keeps the connection a moment: a
    // client that sends its next request at once (a load generator, a connector's burst) then
    // skips the trip through the reading thread. An idle client costs it kWorkerLinger at most.
    if (!next_request(c, pool, yielding)) return give_back(c, true);
  }
}

bool ConnectionReactor::next_request(Conn& c, const BoundedTaskQueue& pool,
                                     std::atomic<size_t>& yielding) {
  if (!c.pending.empty()) {  // pipelined: read with the last request
    const std::string pending = std::move(c.pending);
    c.pending.clear();
    const size_t used = c.reader.feed(pending.data(), pending.size());
    c.pending.assign(pending, used);
  }
  // In slices of kYieldAfter. Before the next request begins, each slice starts with a look at
  // the pool: a request that has waited kYieldAfter for a worker ends the wait, of one worker per
  // waiting request (not of all of them at once: each would leave its own client's next request
  // waiting in turn).
  const auto deadline = Clock::now() + kWorkerLinger;
  while (!c.reader.complete()) {
    // Anything but a whole request (a refusal, a 100 Continue to send, a late client) is the
    // reading thread's to handle.
    if (c.reader.error() || c.reader.wants_continue() || stopping_.load()) return false;
    if (Clock::now() >= deadline) return false;
    size_t y = yielding.load();
    if (!c.reader.started() && pool.oldest_wait() >= kYieldAfter && pool.waiting() > y &&
        yielding.compare_exchange_strong(y, y + 1)) {
      return false;
    }
    pollfd p{c.fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(kYieldAfter.count())) <= 0) continue;
    char buf[kReadChunk];
    const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
    if (n <= 0) return false;  // the reading thread will find it closed
    const size_t used = c.reader.feed(buf, static_cast<size_t>(n));
    c.pending.assign(buf + used, static_cast<size_t>(n) - used);
    account(c);
  }
  c.control = is_control_path(c.reader.path());
  c.request = c.reader.take();
  account(c);
  return true;
}

void ConnectionReactor::give_back(Conn& c, bool keep) {
  {
    std::lock_guard lock(inbox_mutex_);
    if (reading_) {
      if (adopted_.empty() && returned_.empty()) wake();  // else a wake-up is on its way
      returned_.emplace_back(&c, keep);
      return;
    }
  }
  // The loop has stopped: this worker closes it.
  ::close(c.fd);
  buffered_.fetch_sub(c.accounted);
  open_.fetch_sub(1);
  delete &c;
}

void ConnectionReactor::resume(Conn& c) {
  // A worker may have read part of the next request (its clock starts now: at most
  // kWorkerLinger late), a refusal or a wish for 100 Continue.
  move_to(c, c.reader.started() ? &reading_list_ : &idle_);
  if (const auto& e = c.reader.error()) {
    refuse(c, e->status, e->error, e->detail);
  } else {
    if (c.reader.wants_continue()) send_continue(c.fd, c.reader);
    if (!c.pending.empty()) {
      const std::string pending = std::move(c.pending);
      c.pending.clear();
      feed(c, pending.data(), pending.size());
      if (c.list == nullptr) return;  // a whole request was waiting: dispatched again
    }
  }
  if (!rearm(c, EPOLL_CTL_MOD)) close(c);
}

void ConnectionReactor::refuse(Conn& c, int status, const std::string& error,
                               const std::string& detail) {
  refused_.fetch_add(1);
  if (status == 408) timed_out_.fetch_add(1);
  const std::string response = http::refusal_response(status, error, detail);
  // Counted first: a client that reads the answer then the counters finds it there.
  if (hooks_.refused) hooks_.refused(status);
  // A short answer into an empty send buffer: it goes at once or not at all.
  write_all(c.fd, response.data(), response.size(), Clock::now());
  ::shutdown(c.fd, SHUT_WR);
  c.reader.reset();
  c.pending.clear();
  account(c);
  move_to(c, &closing_);
}

void ConnectionReactor::close(Conn& c) {
  move_to(c, nullptr);
  ::close(c.fd);  // also takes it out of the epoll set
  c.dead = true;
  buffered_.fetch_sub(c.accounted);
  c.accounted = 0;
  open_.fetch_sub(1);
  graveyard_.push_back(&c);
}

void ConnectionReactor::sweep() {
  const auto now = Clock::now();
  if (now - last_sweep_ < kSweepEvery) return;
  last_sweep_ = now;
  while (!idle_.empty() && now - idle_.front()->since >= options_.idle_timeout) {
    idle_closed_.fetch_add(1);
    close(*idle_.front());
  }
  while (!reading_list_.empty() && now - reading_list_.front()->since >= options_.request_timeout) {
    refuse(*reading_list_.front(), 408, "request_timeout",
           fmt::format("the request did not arrive within {} ms of its first byte",
                       options_.request_timeout.count()));
  }
  while (!closing_.empty() && now - closing_.front()->since >= kLinger) {
    close(*closing_.front());
  }
}

}  // namespace syncdrill
