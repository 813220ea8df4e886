// A scenario's mocks served on 127.0.0.1 with a manual clock and a client for them: the harness
// of the live server's tests (mock_server_test.cpp, the shopify and sp-api dialect tests).
#pragma once

#include <span>
#include <string>

#include <doctest/doctest.h>
#include <httplib.h>

#include "mocks/http/live_clock.hpp"
#include "mocks/http/live_mocks.hpp"
#include "mocks/http/mock_server.hpp"

namespace syncdrill::testing {

struct ServedMocks {
  LiveClock clock;
  LiveMocks mocks;
  MockServer server;
  httplib::Client client;

  // `time_scale`: scenario seconds per wall second of the manual clock. `observer` hears every
  // answered request (it may capture a derived fixture: it first runs on a request, after the
  // fixture is built).
  ServedMocks(const Scenario& scenario, const MockServerOptions& options, const Gate& gate = {},
              double time_scale = 1, RequestObserver observer = {})
      : clock(LiveClock::manual(time_scale)),
        mocks(scenario, 1, clock),
        server(mocks, options),
        client("127.0.0.1", start(gate, std::move(observer))) {
    client.set_read_timeout(10, 0);
  }

  // Small servers: 4 workers (and the access token the dialect routes check, when given).
  static MockServerOptions small_options(std::string access_token = {}) {
    MockServerOptions o;
    o.worker_threads = 4;
    o.access_token = std::move(access_token);
    return o;
  }

  int start(const Gate& gate, RequestObserver observer) {
    if (gate) server.set_gate(gate);
    if (observer) server.set_observer(std::move(observer));
    std::string error;
    REQUIRE_MESSAGE(server.start(&error), error);
    return server.port();
  }

  // Places a channel order of `units` of `sku` (what the live traffic generator does).
  uint64_t place(uint32_t channel, SkuId sku, uint32_t units = 1) {
    const SkuQuantity line{sku, units};
    const PlaceResult r = mocks.place_order(channel, std::span(&line, 1));
    REQUIRE(r.accepted);
    return r.order;
  }
};

}  // namespace syncdrill::testing
