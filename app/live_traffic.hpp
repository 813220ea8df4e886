// LiveTraffic: a scenario's customers and ERP schedules, played in scaled wall-clock time for a
// live drill. The simulation's traffic plan (sim/world/traffic/plan.hpp): each traffic entry's
// arrivals (its shape, or its replayed trace) and baskets, peak_traffic faults' extra customers,
// with the same random streams; and the ERP's restock rounds and price changes. Each event waits
// until the live clock reaches its scenario time, then acts on the LiveMocks; when the generator
// falls behind (a high time scale), events run as fast as they can, in order, never skipped.
//
// Nothing here waits on the connector: customers keep ordering whatever it does.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "mocks/http/live_mocks.hpp"

namespace syncdrill {

struct LiveTrafficCounts {
  uint64_t orders_placed = 0;
  uint64_t sold_out = 0;  // baskets the channel refused
  uint64_t restock_rounds = 0;
  uint64_t units_restocked = 0;
  uint64_t price_changes = 0;
  uint64_t behind_max_us = 0;  // the furthest an event ran behind its scenario time
};

// Called for each placed order (accepted or sold out), on the generator's thread.
using OrderHook = std::function<void(uint32_t channel, const PlaceResult& placed, SimTime at)>;

class LiveTraffic {
 public:
  // `mocks` must outlive this object. seed: the drill's root seed.
  LiveTraffic(LiveMocks& mocks, uint64_t seed, OrderHook on_order);
  ~LiveTraffic();
  LiveTraffic(const LiveTraffic&) = delete;
  LiveTraffic& operator=(const LiveTraffic&) = delete;

  void start();
  void stop();  // idempotent; joins the thread
  LiveTrafficCounts counts() const;
  // Every event before the scenario's end has run (the generator's thread is done).
  bool finished() const;

 private:
  struct Source;

  void run();
  SimTime next_arrival(Source& s);
  void place(Source& s, SimTime at);
  bool wait_until(SimTime t);  // false: stopping

  LiveMocks& mocks_;
  const Scenario& scenario_;
  uint64_t seed_;
  OrderHook on_order_;
  std::vector<std::unique_ptr<Source>> sources_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool finished_ = false;
  LiveTrafficCounts counts_;
  std::thread thread_;
};

}  // namespace syncdrill
