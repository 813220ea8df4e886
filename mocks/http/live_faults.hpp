// LiveFaults: the fault table of a live drill, in wall-clock time.
//
// It holds the scenario's faults (their `at`, `for` and flap phases divided by the time scale,
// counted from the drill's start instant) and ad-hoc faults a GameDay facilitator adds through the
// control API (starting when added, for a wall-clock duration or until removed). The HTTP mock
// server asks it about each request, the webhook sender about each delivery attempt.
//
// Decisions follow the simulation's FaultGate (sim/faults/fault_gate.hpp): outage > error_burst >
// malformed_payload > rate_limit > timeout, the scenario's order breaking ties; latency adds delay
// to a request that passes. Intensity is the probability that a fault takes a request, drawn from
// one seeded RandomStream, and only while the fault is in force.
//
// Units: per-request delays (latency, a timeout's hang) are wall-clock and NOT scaled: they act
// against the real connector's own timeouts. Everything on the scenario's timeline is scaled:
// windows, flaps, webhook delays and a rate-limit fault's bucket (whose rate is per scenario
// second, since traffic arrives time-scale times faster).
//
// Thread-safe: one mutex guards the entries and the random stream. Removed entries stay listed
// (with their hits, for the report) but never act again; ids are unique for the table's life.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/random.hpp"
#include "core/scenario/scenario.hpp"

namespace syncdrill {

// Microseconds on a monotonic clock (steady_clock in `serve`, a plain counter in tests).
using FaultClock = std::function<int64_t()>;

// What an HTTP request to a target meets.
struct HttpFaultDecision {
  enum class Action : uint8_t {
    pass,     // serve normally (after delay_ms)
    respond,  // answer at once with `status` (and Retry-After when retry_after_s > 0)
    hang,     // hold the request hang_ms (past the client's timeout), then answer or drop
  };
  Action action = Action::pass;
  int64_t delay_ms = 0;       // pass: latency faults hold the answer back this long
  int status = 0;             // respond
  int64_t retry_after_s = 0;  // respond: Retry-After in whole seconds; 0 = no header
  // respond: the same wait in wall milliseconds, rounded up (not to the second): what a dialect
  // that writes decimal seconds sends (Shopify). 0 when retry_after_s is 0.
  int64_t retry_after_ms = 0;
  int64_t hang_ms = 0;    // hang
  bool processed = true;  // hang: the server does the work anyway (and answers late)
  std::string fault_id;   // the entry that chose respond or hang; empty for pass
};

// What one webhook delivery attempt meets.
struct WebhookFaultDecision {
  enum class Action : uint8_t {
    pass,
    drop_attempt,  // this attempt is lost: the sender retries on its schedule
    drop_event,    // the event is lost: no attempt, no retries
    duplicate,     // deliver, and deliver a copy (same event id) delay_ms later
    delay,         // hold this attempt delay_ms, then try it (never delayed twice)
  };
  Action action = Action::pass;
  int64_t delay_ms = 0;  // duplicate, delay
  std::string fault_id;  // the entry that decided; empty for pass
};

// The attempt the webhook sender asks about.
struct WebhookAttempt {
  std::string_view channel;
  std::string_view topic;  // "orders/create"
  bool delayed = false;    // already held back by a delay fault: not delayed again
  bool copy = false;       // a duplicate's copy: never copied again
};

// Kind-specific parameters. 0 in status and retry_after_s means "the kind's default".
struct LiveFaultParams {
  int64_t latency_ms = 0;     // latency (ad-hoc): added delay; scenario entries sample theirs
  int status = 0;             // default: outage 503, error_burst 500, malformed 422, rate_limit 429
  int64_t retry_after_s = 0;  // rate_limit default: the bucket's wait (>= 1 s) or 1 s
  bool processed = true;      // timeout: the server did the work anyway
  int64_t hang_ms = 0;        // timeout: how long to hold; 0 = Options::hang_ms
  // rate_limit: the tighter bucket; none = every request the intensity picks gets 429.
  std::optional<RateLimitSpec> rate_limit;
  DropScope per = DropScope::attempt;  // webhook_drop
  int64_t delay_ms = 0;                // webhook_duplicate, webhook_delay (ad-hoc)
};

// An ad-hoc fault, as the control API adds it. It starts when added.
struct LiveFaultSpec {
  std::string id;  // empty = assigned ("adhoc-1", "adhoc-2", ...)
  FaultKind kind = FaultKind::error_burst;
  std::vector<std::string> targets;    // channel or system names; webhooks: "shop/orders/create"
  double intensity = 1.0;              // [0, 1]
  std::optional<int64_t> duration_ms;  // none = until removed
  LiveFaultParams params;
};

// Why an ad-hoc fault was refused; `field` is the control API's JSON key.
struct LiveFaultError {
  std::string field;
  std::string message;
};

struct LiveFaultAdded {
  std::string id;                       // set on success
  std::optional<LiveFaultError> error;  // set on refusal (nothing added)
};

// A snapshot of one entry, times in ms since the drill's start.
struct LiveFaultView {
  std::string id;
  FaultKind kind = FaultKind::latency;
  std::vector<std::string> targets;
  double intensity = 1;
  bool from_scenario = false;
  int64_t start_ms = 0;
  std::optional<int64_t> end_ms;  // none = open-ended
  std::optional<int64_t> flap_on_ms, flap_off_ms;
  bool active = false;   // in force now
  bool removed = false;  // removed or reset: listed for its hits only
  uint64_t hits = 0;     // requests or deliveries it acted on
  LiveFaultParams params;
};

class LiveFaults {
 public:
  struct Options {
    uint64_t seed = 1;           // root seed; the stream is "faults/live"
    double time_scale = 1;       // scenario seconds per wall second; > 0
    int64_t hang_ms = 30'000;    // default hold of a timeout fault: past most client timeouts
    size_t entries_max = 1'000;  // scenario plus ad-hoc entries, removed ones included
  };

  // The drill starts at clock() until load_scenario says otherwise.
  // REQUIRES: options.time_scale > 0, clock callable (and monotonic).
  LiveFaults(Options options, FaultClock clock);
  ~LiveFaults();
  LiveFaults(const LiveFaults&) = delete;
  LiveFaults& operator=(const LiveFaults&) = delete;

  // Adds the scenario's faults that act on HTTP requests or webhook deliveries, their windows
  // counted from start_us (a clock() reading). Returns the ids of the other faults (consumer
  // stall, stale feed, ...): those belong to whoever generates the traffic.
  std::vector<std::string> load_scenario(const std::vector<FaultSpec>& faults, int64_t start_us);

  LiveFaultAdded add(LiveFaultSpec spec);
  // Ends an entry now. False when no entry by that id is in the table (or it was removed).
  bool remove(std::string_view id);
  // Ends every entry now (what Toxiproxy's reset does); returns how many were still in the table.
  size_t reset();
  std::vector<LiveFaultView> list() const;

  HttpFaultDecision for_request(std::string_view target);
  WebhookFaultDecision for_webhook(const WebhookAttempt& attempt);

  // The kinds this table acts on: latency, timeout, error_burst, outage, rate_limit,
  // malformed_payload, webhook_drop, webhook_duplicate, webhook_delay.
  static bool acts_on(FaultKind kind);

 private:
  struct Entry;

  bool in_force(const Entry& e, int64_t now_us) const;
  bool draw(double intensity);
  bool respond(Entry& e, int64_t now_us, HttpFaultDecision& d);
  int64_t latency_ms(Entry& e);
  int64_t webhook_delay_ms(const Entry& e);
  std::optional<LiveFaultError> validate(const LiveFaultSpec& spec) const;
  void insert(Entry entry);
  LiveFaultView view(const Entry& e, int64_t now_us) const;

  Options options_;
  FaultClock clock_;
  mutable std::mutex mu_;
  int64_t start_us_;
  std::vector<Entry> entries_;  // by admission rank, then insertion order
  RandomStream rng_;
  uint64_t next_adhoc_ = 1;
};

}  // namespace syncdrill
