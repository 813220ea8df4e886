// OMS mock tests: orders created against a small ERP, with and without idempotency keys, then
// walked through the state machine; stock effects read back from the ERP.
#include "mocks/oms.hpp"

#include <array>
#include <cstdint>
#include <vector>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

// Per OMS order: a 16-byte record (static_assert in oms.hpp), + 8 bytes and 16 per line without a
// line source, plus per channel order 1 byte of copies and 16 bytes of key record once keys are
// used.

struct Fixture {
  std::vector<uint32_t> stock{4, 10};
  std::vector<int64_t> prices{1000, 500};
  ErpMock erp{stock, prices, false};
  OmsMock oms;
  std::array<OrderLine, 2> lines{{{0, 2, 1000}, {1, 1, 500}}};

  CreateOrder request(uint64_t channel_order, bool keyed, uint64_t hash = 77) const {
    return {1, channel_order, lines, 2500, keyed, hash};
  }
};

TEST_CASE("mocks/oms: an idempotent replay returns the first result and allocates once") {
  Fixture f;
  const CreateResult first = f.oms.create_order(f.request(3, true), f.erp, SimTime{});
  REQUIRE(first.error == ErrorClass::none);
  CHECK(first.state == OmsState::allocated);
  CHECK_FALSE(first.replayed);
  const CreateResult again = f.oms.create_order(f.request(3, true), f.erp, SimTime{});
  CHECK(again.error == ErrorClass::none);
  CHECK(again.replayed);
  CHECK(again.order == first.order);
  CHECK(again.state == OmsState::allocated);
  CHECK(f.oms.order_count() == 1);
  CHECK(f.oms.copies(1, 3) == 1);
  CHECK(f.erp.stock(0).allocated == 2);
  CHECK(f.erp.stock(0).on_hand == 2);
}

TEST_CASE("mocks/oms: a key reused with a different payload is rejected") {
  Fixture f;
  REQUIRE(f.oms.create_order(f.request(3, true, 77), f.erp, SimTime{}).error == ErrorClass::none);
  const CreateResult other = f.oms.create_order(f.request(3, true, 78), f.erp, SimTime{});
  CHECK(other.error == ErrorClass::rejected);
  CHECK(f.oms.order_count() == 1);
  CHECK(f.erp.stock(0).allocated == 2);
}

TEST_CASE("mocks/oms: without keys a retried create makes a duplicate order and allocates twice") {
  Fixture f;
  const CreateResult a = f.oms.create_order(f.request(3, false), f.erp, SimTime{});
  const CreateResult b = f.oms.create_order(f.request(3, false), f.erp, SimTime{});
  CHECK(a.order != b.order);
  CHECK(f.oms.copies(1, 3) == 2);
  CHECK(f.oms.copies(1, 2) == 0);
  CHECK(f.oms.copies(0, 3) == 0);
  CHECK(f.erp.stock(0).allocated == 4);
  CHECK(f.erp.stock(1).allocated == 2);
}

TEST_CASE("mocks/oms: an order the ERP cannot allocate is created cancelled for oversell") {
  Fixture f;
  REQUIRE(f.oms.create_order(f.request(0, true), f.erp, SimTime{}).state == OmsState::allocated);
  REQUIRE(f.oms.create_order(f.request(1, true), f.erp, SimTime{}).state == OmsState::allocated);
  const CreateResult third = f.oms.create_order(f.request(2, true), f.erp, SimTime{});
  CHECK(third.error == ErrorClass::none);
  CHECK(third.state == OmsState::cancelled);
  CHECK(third.short_sku == 0);
  CHECK(f.oms.cancel_reason(third.order) == CancelReason::oversell);
  CHECK(f.oms.copies(1, 2) == 1);        // it is in the OMS, cancelled
  CHECK(f.erp.stock(1).allocated == 2);  // nothing of it was allocated
  // Its replay reports the same first result.
  const CreateResult replay = f.oms.create_order(f.request(2, true), f.erp, SimTime{});
  CHECK(replay.replayed);
  CHECK(replay.state == OmsState::cancelled);
}

TEST_CASE("mocks/oms: transitions off the state machine are rejected and change nothing") {
  Fixture f;
  const uint64_t order = f.oms.create_order(f.request(0, false), f.erp, SimTime{}).order;
  CHECK(f.oms.transition(order, OmsState::shipped, f.erp, SimTime{}).error ==
        ErrorClass::rejected);  // not released yet
  CHECK(f.oms.transition(order, OmsState::returned, f.erp, SimTime{}).error ==
        ErrorClass::rejected);
  CHECK(f.oms.transition(order, OmsState::created, f.erp, SimTime{}).error == ErrorClass::rejected);
  CHECK(f.oms.state(order) == OmsState::allocated);
  CHECK(f.erp.stock(0).shipped == 0);
  CHECK(f.oms.transition(99, OmsState::released, f.erp, SimTime{}).error == ErrorClass::not_found);

  REQUIRE(f.oms.transition(order, OmsState::released, f.erp, SimTime{}).ok());
  REQUIRE(f.oms.transition(order, OmsState::shipped, f.erp, SimTime{}).ok());
  CHECK(f.erp.stock(0).shipped == 2);
  CHECK(f.oms.transition(order, OmsState::shipped, f.erp, SimTime{}).ok());  // idempotent
  CHECK(f.erp.stock(0).shipped == 2);
  CHECK(f.oms.transition(order, OmsState::cancelled, f.erp, SimTime{}).error ==
        ErrorClass::rejected);
  REQUIRE(f.oms.transition(order, OmsState::delivered, f.erp, SimTime{}).ok());
  REQUIRE(f.oms.transition(order, OmsState::returned, f.erp, SimTime{}).ok());
  CHECK(f.erp.stock(0).returned_total == 2);
  CHECK(f.erp.stock(0).on_hand == 4);
  CHECK(f.erp.all_stock_conserved());
}

TEST_CASE("mocks/oms: cancelling an allocated order releases its stock at the ERP") {
  Fixture f;
  const uint64_t order = f.oms.create_order(f.request(0, false), f.erp, SimTime{}).order;
  REQUIRE(f.erp.stock(0).on_hand == 2);
  REQUIRE(f.oms.transition(order, OmsState::cancelled, f.erp, SimTime{}).ok());
  CHECK(f.oms.state(order) == OmsState::cancelled);
  CHECK(f.oms.cancel_reason(order) == CancelReason::requested);
  CHECK(f.erp.stock(0).on_hand == 4);
  CHECK(f.erp.stock(0).allocated == 0);
  CHECK(f.erp.stock(1).allocated == 0);
}

TEST_CASE("mocks/oms: a partial return takes back only the returned lines") {
  Fixture f;
  const uint64_t order = f.oms.create_order(f.request(0, false), f.erp, SimTime{}).order;
  REQUIRE(f.oms.transition(order, OmsState::released, f.erp, SimTime{}).ok());
  const std::array<OrderLine, 1> one{{{0, 1, 1000}}};
  CHECK(f.oms.receive_return(order, one, f.erp, SimTime{}).error == ErrorClass::rejected);
  REQUIRE(f.oms.transition(order, OmsState::shipped, f.erp, SimTime{}).ok());
  const std::array<OrderLine, 1> too_many{{{0, 3, 1000}}};
  CHECK(f.oms.receive_return(order, too_many, f.erp, SimTime{}).error == ErrorClass::rejected);
  CHECK(f.oms.receive_return(order, one, f.erp, SimTime{}).ok());
  CHECK(f.oms.state(order) == OmsState::returned);
  CHECK(f.erp.stock(0).returned_total == 1);
  CHECK(f.erp.stock(1).returned_total == 0);
}

// A channel's orders as a line source: order k of channel 1 has lines[k].
struct Lines final : OrderLineSource {
  std::vector<std::vector<OrderLine>> lines;
  mutable uint32_t reads = 0;
  std::span<const OrderLine> order_lines(uint32_t channel, uint64_t channel_order) const override {
    REQUIRE(channel == 1);
    ++reads;
    return lines.at(channel_order);
  }
};

TEST_CASE("mocks/oms: with a line source the OMS reads the lines there and acts on them alike") {
  Fixture f;
  Lines source;
  source.lines = {{{0, 2, 1000}, {1, 1, 500}}, {{1, 3, 500}}};
  f.oms.set_line_source(&source);
  const uint64_t a = f.oms.create_order(f.request(0, false), f.erp, SimTime{}).order;
  CreateOrder second = f.request(1, false);
  second.lines = source.lines[1];
  const uint64_t b = f.oms.create_order(second, f.erp, SimTime{}).order;
  CHECK(f.erp.stock(0).allocated == 2);
  CHECK(f.erp.stock(1).allocated == 4);
  source.reads = 0;
  REQUIRE(f.oms.lines(b).size() == 1);
  CHECK(f.oms.lines(b)[0].quantity == 3);
  CHECK(f.oms.lines(a).size() == 2);
  CHECK(source.reads == 3);
  // Cancelling releases the source's lines; shipping and a return read them too.
  REQUIRE(f.oms.transition(b, OmsState::cancelled, f.erp, SimTime{}).ok());
  CHECK(f.erp.stock(1).allocated == 1);
  REQUIRE(f.oms.transition(a, OmsState::released, f.erp, SimTime{}).ok());
  REQUIRE(f.oms.transition(a, OmsState::shipped, f.erp, SimTime{}).ok());
  CHECK(f.erp.stock(0).shipped == 2);
  const std::array<OrderLine, 1> too_many{{{1, 2, 500}}};
  CHECK(f.oms.receive_return(a, too_many, f.erp, SimTime{}).error == ErrorClass::rejected);
  const std::array<OrderLine, 1> one{{{1, 1, 500}}};
  CHECK(f.oms.receive_return(a, one, f.erp, SimTime{}).ok());
  CHECK(f.erp.stock(1).returned_total == 1);
}

TEST_CASE("mocks/oms: a key with a time-to-live replays until it is that old, then creates anew") {
  Fixture f;
  f.oms.set_key_ttl(hours(24));
  // Created at 10.5 s: the key's age counts from 11 s (rounded up, never early).
  const SimTime t0{10'500'000};
  const CreateResult first = f.oms.create_order(f.request(3, true), f.erp, t0);
  REQUIRE(first.error == ErrorClass::none);
  const SimTime just_before = SimTime{11'000'000} + hours(24) - microseconds(1);
  const CreateResult replay = f.oms.create_order(f.request(3, true), f.erp, just_before);
  CHECK(replay.replayed);
  CHECK(replay.order == first.order);
  CHECK(f.oms.copies(1, 3) == 1);
  // Another payload within the lifetime is still rejected.
  CHECK(f.oms.create_order(f.request(3, true, 78), f.erp, just_before).error ==
        ErrorClass::rejected);
  // At 24 h the key is new: a second order, a duplicate of the channel order.
  const CreateResult second =
      f.oms.create_order(f.request(3, true), f.erp, SimTime{11'000'000} + hours(24));
  CHECK_FALSE(second.replayed);
  CHECK(second.order != first.order);
  CHECK(f.oms.copies(1, 3) == 2);
  // The fresh key replays the second order from now on.
  const CreateResult again =
      f.oms.create_order(f.request(3, true), f.erp, SimTime{11'000'000} + hours(25));
  CHECK(again.replayed);
  CHECK(again.order == second.order);
}

TEST_CASE("mocks/oms: without a time-to-live keys never expire") {
  Fixture f;
  REQUIRE(f.oms.create_order(f.request(3, true), f.erp, SimTime{}).error == ErrorClass::none);
  CHECK(f.oms.create_order(f.request(3, true), f.erp, SimTime{} + hours(24 * 365)).replayed);
  CHECK(f.oms.copies(1, 3) == 1);
}

}  // namespace
}  // namespace syncdrill
