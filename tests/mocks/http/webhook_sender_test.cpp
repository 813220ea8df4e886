// Webhook sender tests: a real httplib::Server on 127.0.0.1 (an ephemeral port) receives the
// deliveries; high time scales keep the retry schedules to a few hundred milliseconds.
#include "mocks/http/webhook_sender.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "mocks/http/signature.hpp"

namespace syncdrill {
namespace {

using Clock = std::chrono::steady_clock;
using Action = WebhookFaultDecision::Action;

struct Hit {
  Clock::time_point at;
  httplib::Headers headers;
  std::string body;
  bool signature_ok = false;
};

// A loopback receiver: `status_for(n)` answers the n-th request (0-based) after `sleep_ms`.
class Receiver {
 public:
  explicit Receiver(std::function<int(size_t)> status_for, int sleep_ms = 0,
                    std::string secret = "s3cret")
      : status_for_(std::move(status_for)), sleep_ms_(sleep_ms), secret_(std::move(secret)) {
    server_.Post("/hooks", [this](const httplib::Request& req, httplib::Response& res) {
      size_t n = 0;
      {
        std::lock_guard lock(mu_);
        n = hits_.size();
        hits_.push_back(
            Hit{Clock::now(), req.headers, req.body,
                verify_signature(req.body, req.get_header_value("X-Syncdrill-Signature-256"),
                                 secret_)});
      }
      if (sleep_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms_));
      res.status = status_for_(n);
      res.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks"; }
  std::vector<Hit> hits() const {
    std::lock_guard lock(mu_);
    return hits_;
  }

 private:
  std::function<int(size_t)> status_for_;
  int sleep_ms_;
  std::string secret_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Hit> hits_;
};

WebhookSpec schedule(uint32_t retries, BackoffKind backoff, Duration base, Duration timeout) {
  WebhookSpec s;
  s.retries = retries;
  s.backoff = backoff;
  s.base = base;
  s.timeout = timeout;
  return s;
}

OutgoingWebhook event(std::string id, WebhookSpec spec) {
  return OutgoingWebhook{"shop", "orders/create", std::move(id),
                         R"({"order":)" + std::to_string(42) + "}", spec};
}

WebhookSender::Options options(const Receiver& r, double time_scale,
                               std::string secret = "s3cret") {
  WebhookSender::Options o;
  o.url = r.url();
  o.secret = std::move(secret);
  o.time_scale = time_scale;
  return o;
}

// Polls `done` every 2 ms for at most `limit_ms` (generous: CI machines stall under load).
bool eventually(const std::function<bool()>& done, int limit_ms = 10'000) {
  const auto until = Clock::now() + std::chrono::milliseconds(limit_ms);
  while (Clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return done();
}

int64_t ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

TEST_CASE("live: a webhook arrives signed, with its event id, topic and JSON content type") {
  Receiver receiver([](size_t) { return 200; });
  WebhookSender sender(options(receiver, 60));
  WebhookSpec spec;
  spec.timeout = minutes(10);  // 10 s at 60x: a loaded machine does not time out
  REQUIRE(sender.enqueue(event("evt-1", spec)));
  const WebhookSenderStats stats = sender.stop(WebhookSender::StopMode::drain, 3000);
  CHECK(stats.events_queued == 1);
  CHECK(stats.attempts == 1);
  CHECK(stats.delivered == 1);
  CHECK(stats.pending == 0);
  const std::vector<Hit> hits = receiver.hits();
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].signature_ok);
  CHECK(hits[0].body == R"({"order":42})");
  const auto header = [&](const char* name) {
    const auto it = hits[0].headers.find(name);
    return it == hits[0].headers.end() ? std::string("(none)") : it->second;
  };
  CHECK(header("X-Syncdrill-Event-Id") == "evt-1");
  CHECK(header("X-Syncdrill-Topic") == "orders/create");
  CHECK(header("X-Syncdrill-Channel") == "shop");
  CHECK(header("X-Syncdrill-Attempt") == "1");
  CHECK(header("Content-Type") == "application/json");
}

TEST_CASE("live: a receiver answering 500 twice then 200 gets 3 attempts at the scaled backoff") {
  Receiver receiver([](size_t n) { return n < 2 ? 500 : 200; });
  // Exponential from 60 s at 600x: 100 ms, then 200 ms. The 1-hour timeout (6 s) keeps a loaded
  // machine from turning a slow answer into an extra attempt.
  WebhookSender sender(options(receiver, 600));
  REQUIRE(
      sender.enqueue(event("evt-7", schedule(5, BackoffKind::exponential, minutes(1), hours(1)))));
  const bool delivered = eventually([&] { return sender.stats().delivered == 1; });
  const WebhookSenderStats stats = sender.stop(WebhookSender::StopMode::drain, 1000);
  CAPTURE(stats.attempts);
  CAPTURE(stats.failed_attempts);
  CAPTURE(receiver.hits().size());
  REQUIRE(delivered);
  CHECK(stats.attempts == 3);
  CHECK(stats.failed_attempts == 2);
  CHECK(stats.events_lost == 0);
  const std::vector<Hit> hits = receiver.hits();
  REQUIRE(hits.size() == 3);
  for (size_t i = 0; i < hits.size(); ++i) {
    CHECK(hits[i].headers.find("X-Syncdrill-Event-Id")->second == "evt-7");
    CHECK(hits[i].headers.find("X-Syncdrill-Attempt")->second == std::to_string(i + 1));
  }
  const int64_t first_gap_ms = ms_between(hits[0].at, hits[1].at);
  const int64_t second_gap_ms = ms_between(hits[1].at, hits[2].at);
  CHECK(first_gap_ms >= 95);
  // Generous upper bounds, still below what a 10x scaling error would give (1 s, 2 s).
  CHECK(first_gap_ms < 700);
  CHECK(second_gap_ms >= 195);
  CHECK(second_gap_ms < 1000);
}

TEST_CASE("live: a receiver slower than the delivery timeout loses the event after retries + 1") {
  Receiver receiver([](size_t) { return 200; }, /*sleep_ms=*/150);
  // At 100x: a 5 s timeout is 50 ms and the constant 1 s backoff 10 ms.
  WebhookSender sender(options(receiver, 100));
  REQUIRE(
      sender.enqueue(event("evt-9", schedule(2, BackoffKind::constant, seconds(1), seconds(5)))));
  REQUIRE(eventually([&] { return sender.stats().events_lost == 1; }));
  const WebhookSenderStats stats = sender.stop(WebhookSender::StopMode::drain, 1000);
  CHECK(stats.attempts == 3);
  CHECK(stats.failed_attempts == 3);
  CHECK(stats.delivered == 0);
  CHECK(stats.events_lost == 1);
}

TEST_CASE("live: a delivery signed with the wrong secret is detected by the receiver") {
  Receiver receiver([](size_t) { return 401; });
  WebhookSender sender(options(receiver, 60, "not-the-secret"));
  REQUIRE(sender.enqueue(event("evt-2", schedule(0, BackoffKind::none, Duration{}, minutes(1)))));
  const WebhookSenderStats stats = sender.stop(WebhookSender::StopMode::drain, 3000);
  CHECK(stats.attempts == 1);
  CHECK(stats.events_lost == 1);
  const std::vector<Hit> hits = receiver.hits();
  REQUIRE(hits.size() == 1);
  CHECK_FALSE(hits[0].signature_ok);
}

TEST_CASE("live: fault decisions drop attempts and events, delay and duplicate deliveries") {
  Receiver receiver([](size_t) { return 200; });
  WebhookSender::Options o = options(receiver, 600);
  std::atomic<int> asked{0};
  o.faults = [&](const WebhookAttempt& a) {
    WebhookFaultDecision d;
    const int n = asked++;
    if (a.copy) return d;
    if (n == 0) d.action = Action::drop_attempt;  // evt-a: first attempt lost, retry passes
    if (n == 2) d.action = Action::drop_event;    // evt-b: gone
    if (n == 3) d.action = Action::duplicate;     // evt-c: delivered twice
    d.delay_ms = 20;
    return d;
  };
  o.threads = 1;  // the decisions above follow the order of the events
  WebhookSender sender(std::move(o));
  const WebhookSpec spec = schedule(3, BackoffKind::constant, seconds(6), hours(1));
  REQUIRE(sender.enqueue(event("evt-a", spec)));
  REQUIRE(eventually([&] { return sender.stats().delivered == 1; }));
  REQUIRE(sender.enqueue(event("evt-b", spec)));
  REQUIRE(sender.enqueue(event("evt-c", spec)));
  REQUIRE(eventually([&] { return sender.stats().copies_delivered == 1; }));
  const WebhookSenderStats stats = sender.stop(WebhookSender::StopMode::drain, 1000);
  CHECK(stats.attempts_dropped_by_fault == 1);
  CHECK(stats.events_dropped_by_fault == 1);
  CHECK(stats.events_lost == 1);
  CHECK(stats.duplicated == 1);
  CHECK(stats.delivered == 2);
  std::vector<std::string> ids;
  for (const Hit& h : receiver.hits())
    ids.push_back(h.headers.find("X-Syncdrill-Event-Id")->second);
  CHECK(ids == std::vector<std::string>{"evt-a", "evt-c", "evt-c"});
}

TEST_CASE("live: the live fault table drives the sender: a delay fault holds an attempt once") {
  Receiver receiver([](size_t) { return 200; });
  LiveFaults table(LiveFaults::Options{}, [] {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch())
        .count();
  });
  LiveFaultSpec late;
  late.kind = FaultKind::webhook_delay;
  late.targets = {"shop/orders/create"};
  late.params.delay_ms = 100;
  REQUIRE_FALSE(table.add(late).error);
  WebhookSender::Options o = options(receiver, 60);
  o.faults = [&table](const WebhookAttempt& a) { return table.for_webhook(a); };
  WebhookSender sender(std::move(o));
  const Clock::time_point sent = Clock::now();
  REQUIRE(sender.enqueue(event("evt-d", schedule(1, BackoffKind::none, Duration{}, minutes(1)))));
  REQUIRE(eventually([&] { return sender.stats().delivered == 1; }));
  const std::vector<Hit> hits = receiver.hits();
  REQUIRE(hits.size() == 1);
  CHECK(ms_between(sent, hits[0].at) >= 95);
  const WebhookSenderStats stats = sender.stop(WebhookSender::StopMode::drain, 1000);
  CHECK(stats.delayed == 1);
  CHECK(stats.attempts == 1);
  CHECK(table.list()[0].hits == 1);
}

TEST_CASE("live: a full sender queue refuses and counts, an abandoning stop counts what is left") {
  Receiver receiver([](size_t) { return 503; });
  WebhookSender::Options o = options(receiver, 1);
  o.queue_max = 2;
  WebhookSender sender(std::move(o));
  const WebhookSpec spec = schedule(8, BackoffKind::constant, hours(1), seconds(5));
  CHECK(sender.enqueue(event("evt-1", spec)));
  CHECK(sender.enqueue(event("evt-2", spec)));
  CHECK_FALSE(sender.enqueue(event("evt-3", spec)));
  REQUIRE(eventually([&] { return sender.stats().attempts == 2; }));
  const WebhookSenderStats stats = sender.stop(WebhookSender::StopMode::abandon);
  CHECK(stats.rejected_queue_full == 1);
  CHECK(stats.abandoned == 2);
  CHECK(stats.pending == 0);
  CHECK_FALSE(sender.enqueue(event("evt-4", spec)));  // stopped
  CHECK(sender.stats().rejected_stopped == 1);
}

TEST_CASE("live: webhook URLs must be http(s)://host[:port][/path]") {
  CHECK_FALSE(WebhookSender::check_url("http://127.0.0.1:9000/webhooks"));
  CHECK_FALSE(WebhookSender::check_url("http://127.0.0.1:9000"));
  CHECK(WebhookSender::check_url("127.0.0.1:9000/webhooks"));
  CHECK(WebhookSender::check_url("ftp://127.0.0.1/x"));
  CHECK(WebhookSender::check_url("http:///x"));
}

}  // namespace
}  // namespace syncdrill
