// LiveObserver: what a live drill watches while the team's connector works, and the scoring at
// the end (LiveResult, reports/live_report.hpp).
//
// - Orders: every order the traffic generator placed; at the end each is looked up in the OMS
//   (once, duplicated, lost, or still in flight within the grace period).
// - Requests: every answer the mock server gave (its observer hook), and every request a timeout
//   fault hung (reported on arrival). A retry is recognised exactly: a request with the same
//   method, path, query and body as an earlier one that failed (5xx, 429, a refusal over a
//   concurrency limit, dropped, hung), that
//   arrived after the failed answer and within kRetryMemory of it. For each retry the wall gap
//   since the failed answer (a hung request: since its arrival) is kept, and, when that answer
//   carried Retry-After, whether the retry waited it out.
// - Stock: periodic sweeps of every channel listing against the ERP (LiveMocks::listing_gaps);
//   an episode runs from the first sweep that finds a listing off to the first that finds it
//   right again.
// - Acks: POST /_drill/ack, matched at the end to a fault that acted (hits > 0) and was not yet
//   caught: the earliest one in force at the ack, else the latest that began before it (the
//   live MTTD: the incident's detection).
// - Recovery: the first 2xx answered by a fault's system after the fault ended (the live MTTR;
//   a webhook fault: the OMS's). Hung requests answered late never count.
// - The verdict, in the simulation's types (sim/score/score.hpp): a FaultIncident per fault that
//   acted, the scenario's tiers with the checks a live drill measures, and the drill's own
//   checks (LiveResult::live_checks).
//
// - Series for report.html's charts, per interval of scenario time (`sample_step`, integer
//   simulated time): per system, failed and other answers (the error rate); per listing, the
//   stale episodes that ended (the stock sync delay). At most kSeriesIntervalsMax intervals.
//
// Thread-safe: one mutex; the per-request work is a hash-map lookup.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "mocks/http/live_faults.hpp"
#include "mocks/http/live_mocks.hpp"
#include "mocks/http/mock_server.hpp"
#include "reports/live_report.hpp"

namespace syncdrill {

class LiveObserver {
 public:
  static constexpr size_t kRetryKeysMax = 200'000;  // failed requests remembered for retries
  static constexpr size_t kGapsMax = 1'000'000;     // retry gaps kept for the median
  static constexpr size_t kAcksMax = 1'000;
  static constexpr std::chrono::seconds kRetryMemory{120};  // wall
  static constexpr size_t kSeriesIntervalsMax = 100'000;
  static constexpr size_t kStockEndsMax = 1'000'000;  // ended episodes kept for the charts

  using SteadyTime = std::chrono::steady_clock::time_point;

  // `clock` must outlive the observer. start: the drill's start on the steady clock.
  // sample_step: the charts' interval in scenario time (zero: no series).
  LiveObserver(const LiveClock& clock, SteadyTime start, Duration sample_step = seconds(1));

  void on_order(uint32_t channel, const PlaceResult& placed, SimTime at);
  // `key`: a hash of the request's method, path and body (the same request sent again).
  void on_request(const RequestRecord& r, uint64_t key);
  // The targets (system or channel names) that a fault is in force on now.
  void set_error_windows(std::set<std::string, std::less<>> targets);
  void sample_stock(const std::vector<int64_t>& gaps, SimTime now);
  // false when the ack table is full.
  bool ack(const std::string& note, SimTime at);

  uint64_t orders_placed() const;
  uint64_t requests() const;
  size_t acks() const;

  // A fault as scored: the live facts, and its incident when it was applied and acted.
  struct ScoredFault {
    LiveFaultOutcome outcome;
    std::optional<FaultIncident> incident;
  };

  // The scoring. `faults`: the fault table's final list (scenario and ad-hoc), plus the ids of
  // scenario faults the live drill did not apply; `end`: when the drill ended (before its
  // drain). REQUIRES: the drill has stopped.
  void score(LiveMocks& mocks, const std::vector<LiveFaultView>& faults,
             const std::vector<std::string>& not_applied, SimTime end, LiveResult& out) const;

 private:
  struct PlacedOrder {
    uint32_t channel;
    uint64_t order;
    SimTime at;
  };
  struct Failed {
    SteadyTime answered;
    int64_t retry_after_ms = 0;  // the Retry-After of the failed answer; 0 = none
  };
  struct Episode {
    SimTime since{};
    bool open = false;
  };
  struct EpisodeEnd {
    size_t interval;
    size_t listing;
    Duration length;
  };

  SimTime scenario_time(SteadyTime t) const;
  // The chart interval of `at`; none past kSeriesIntervalsMax or without a step.
  std::optional<size_t> interval_of(SimTime at) const;
  void count_answer(std::string_view system, SimTime at, bool failed);  // REQUIRES: mu_ held
  LiveSeries series(const Scenario& scenario) const;                    // REQUIRES: mu_ held
  // Parts of score(). REQUIRES: mu_ held.
  void score_orders(LiveMocks& mocks, LiveOrders& o) const;
  void score_stock(LiveStock& s) const;
  // None: the fault's window had not begun at `end`.
  std::optional<ScoredFault> fault_outcome(const LiveMocks& mocks, const LiveFaultView& f,
                                           SimTime end) const;

  const LiveClock& clock_;
  SteadyTime start_;
  Duration sample_step_;
  mutable std::mutex mu_;
  std::vector<PlacedOrder> orders_;
  uint64_t sold_out_ = 0;
  LiveBehaviour behaviour_;
  std::unordered_map<uint64_t, Failed> failed_;  // by request key
  std::vector<double> gaps_ms_;
  std::set<std::string, std::less<>> error_windows_;
  // Per system, the scenario times of its 2xx answers, at most one per kSuccessThinning.
  std::map<std::string, std::vector<SimTime>, std::less<>> successes_;
  std::vector<Episode> episodes_;
  std::vector<Duration> episode_lengths_;
  uint64_t stock_samples_ = 0;
  uint64_t stale_listing_samples_ = 0;
  int64_t last_overlisted_ = 0;
  SimTime last_sample_{};
  std::vector<LiveAck> acks_;
  std::map<std::string, LiveAnswers, std::less<>> answers_;
  std::vector<EpisodeEnd> episode_ends_;
};

}  // namespace syncdrill
