// OrderLedger: each order handed over once, and the poll's since_id never skipping an order a
// webhook missed or a create that was given up.
#include "connector/shopify_ledger.hpp"

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

TEST_CASE("shopify ledger: an order is claimed once until it is released") {
  OrderLedger ledger(100);
  CHECK(ledger.claim(7));
  CHECK_FALSE(ledger.claim(7));  // in hand
  ledger.release(7);             // retries spent
  CHECK(ledger.claim(7));        // the next poll takes it again
  ledger.done(7);
  CHECK_FALSE(ledger.claim(7));  // done for good
  ledger.release(7);             // a late release does not reopen a done order
  CHECK_FALSE(ledger.claim(7));
}

TEST_CASE("shopify ledger: since_id stays below gaps the webhooks left and unfinished orders") {
  OrderLedger ledger(100);
  CHECK_FALSE(ledger.since_id());  // no poll yet: from the first order
  // Webhooks bring 5 and 9; 6, 7 and 8 were dropped. Without a poll pass, no since_id.
  for (const uint64_t id : {5, 9}) {
    CHECK(ledger.claim(id));
    ledger.done(id);
  }
  CHECK_FALSE(ledger.since_id());
  // A pass saw up to 9 and took 6 to 8: while they are in hand, the poll starts below them.
  for (const uint64_t id : {6, 7, 8})
    CHECK(ledger.claim(id));
  ledger.polled_through(9);
  CHECK(ledger.since_id() == 5);
  ledger.done(6);
  ledger.done(8);
  CHECK(ledger.since_id() == 6);  // 7 still in hand
  ledger.release(7);
  CHECK(ledger.since_id() == 6);  // released: polled again
  CHECK(ledger.claim(7));
  ledger.done(7);
  CHECK(ledger.since_id() == 9);
  // A webhook's order above the last pass does not move since_id past the pass.
  CHECK(ledger.claim(20));
  ledger.done(20);
  CHECK(ledger.since_id() == 9);
  ledger.polled_through(20);
  CHECK(ledger.since_id() == 20);
  ledger.polled_through(3);  // an older pass never moves it back
  CHECK(ledger.since_id() == 20);
}

TEST_CASE("shopify ledger: order 0 unfinished means from the first order") {
  OrderLedger ledger(100);
  CHECK(ledger.claim(0));
  ledger.polled_through(4);
  CHECK_FALSE(ledger.since_id());
  ledger.done(0);
  CHECK(ledger.since_id() == 4);
}

TEST_CASE("shopify ledger: beyond its capacity it says yes to every new id, and says so") {
  OrderLedger ledger(2);
  CHECK(ledger.claim(1));
  CHECK(ledger.claim(2));
  CHECK_FALSE(ledger.full());
  CHECK(ledger.claim(3));
  CHECK(ledger.claim(3));  // not remembered: the Idempotency-Key makes the second a replay
  CHECK(ledger.full());
  CHECK_FALSE(ledger.claim(1));  // what it remembers still holds
}

}  // namespace
}  // namespace syncdrill
