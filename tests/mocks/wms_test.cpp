// WMS mock tests: shipments walked through the 3PL's states, read back in its own spellings.
#include "mocks/wms.hpp"

#include <array>
#include <cstdint>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

constexpr std::array<OrderLine, 2> kLines{{{0, 2, 1000}, {3, 1, 500}}};

TEST_CASE(
    "mocks/wms: a shipment moves received, picking, picked, shipped, delivered in the WMS's "
    "spelling") {
  WmsMock wms;
  const uint64_t s = wms.receive(7, kLines, SimTime{});
  CHECK(s == 0);
  CHECK(wms.oms_order(s) == 7);
  CHECK(wms.units(s) == 3);
  CHECK(wms.status_spelling(s) == "RECEIVED");
  CHECK(wms.start_picking(s, SimTime{}).ok());
  CHECK(wms.status_spelling(s) == "PICKING");
  CHECK(wms.pick(s, SimTime{}).ok());
  CHECK(wms.status_spelling(s) == "PICKED");
  CHECK(wms.ship(s, SimTime{}).ok());
  CHECK(wms.status_spelling(s) == "SHIPPED");
  CHECK(wms.deliver(s, SimTime{}).ok());
  CHECK(wms.state(s) == ShipmentState::delivered);
  CHECK(wms.status_spelling(s) == "DELIVERED");
}

TEST_CASE("mocks/wms: shipment steps out of order are rejected and change nothing") {
  WmsMock wms;
  const uint64_t s = wms.receive(0, kLines, SimTime{});
  CHECK(wms.ship(s, SimTime{}).error == ErrorClass::rejected);
  CHECK(wms.deliver(s, SimTime{}).error == ErrorClass::rejected);
  CHECK(wms.state(s) == ShipmentState::received);
  CHECK(wms.pick(s, SimTime{}).ok());  // picking may be skipped
  CHECK(wms.pick(s, SimTime{}).ok());  // a repeated step is a no-op
  CHECK(wms.cancel(s, SimTime{}).error == ErrorClass::rejected);
  CHECK(wms.ship(5, SimTime{}).error == ErrorClass::not_found);
  const uint64_t other = wms.receive(1, kLines, SimTime{});
  CHECK(wms.cancel(other, SimTime{}).ok());
  CHECK(wms.status_spelling(other) == "CANCELLED");
}

TEST_CASE(
    "mocks/wms: the WMS vocabulary can be respelled and receiving twice makes two shipments") {
  const std::array<StatusMapping, 1> overrides{{{"shipped", "in_transit"}}};
  WmsMock wms(overrides);
  CHECK(wms.spelling(ShipmentState::shipped) == "in_transit");
  CHECK(wms.spelling(ShipmentState::picked) == "PICKED");
  wms.receive(4, kLines, SimTime{});
  wms.receive(4, kLines, SimTime{});
  CHECK(wms.shipment_count() == 2);
  CHECK(wms.shipments_for(4) == 2);
  CHECK(wms.shipments_for(3) == 0);
  CHECK(to_string(ShipmentState::picking) == "picking");
}

}  // namespace
}  // namespace syncdrill
