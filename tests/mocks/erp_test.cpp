// ERP mock tests: hand-checked stock moves, then a long random operation sequence from a seeded
// stream against the conservation law, plus change sets and revenue aggregates.
#include "mocks/erp.hpp"

#include <array>
#include <cstdint>
#include <vector>

#include <doctest/doctest.h>

#include "core/engine/random.hpp"

namespace syncdrill {
namespace {

static_assert(sizeof(StockRecord) == 24);  // per SKU, plus 8 bytes of price

ErpMock make_erp(std::vector<uint32_t> stock, bool batch = false) {
  const std::vector<int64_t> prices(stock.size(), 1000);
  return ErpMock(stock, prices, batch);
}

TEST_CASE("mocks/erp: allocation is all or nothing") {
  ErpMock erp = make_erp({5, 2, 0});
  const std::array<OrderLine, 2> short_lines{{{0, 3, 1000}, {1, 3, 1000}}};
  const AllocateResult refused = erp.allocate(short_lines);
  CHECK_FALSE(refused.ok);
  CHECK(refused.short_sku == 1);
  CHECK(erp.stock(0).on_hand == 5);
  CHECK(erp.stock(0).allocated == 0);

  const std::array<OrderLine, 2> repeated{{{1, 1, 1000}, {1, 2, 1000}}};  // 3 of 2 in total
  CHECK_FALSE(erp.allocate(repeated).ok);
  CHECK(erp.stock(1).on_hand == 2);

  const std::array<OrderLine, 2> fits{{{0, 3, 1000}, {1, 2, 1000}}};
  CHECK(erp.allocate(fits).ok);
  CHECK(erp.stock(0).on_hand == 2);
  CHECK(erp.stock(0).allocated == 3);
  CHECK(erp.stock(1).on_hand == 0);
  CHECK(erp.all_stock_conserved());
}

TEST_CASE("mocks/erp: units are conserved per SKU through 10,000 random stock operations") {
  constexpr uint32_t kSkus = 20;
  ErpMock erp = make_erp(std::vector<uint32_t>(kSkus, 30));
  RandomStream random(7, "erp-conservation-test");
  std::vector<std::vector<OrderLine>> allocated_orders;
  std::vector<std::vector<OrderLine>> shipped_orders;
  uint64_t refused = 0;
  for (int op = 0; op < 10'000; ++op) {
    std::vector<OrderLine> lines(1 + random.below(3));
    for (OrderLine& l : lines) {
      l = {static_cast<SkuId>(random.below(kSkus)), static_cast<uint32_t>(1 + random.below(4)), 1};
    }
    switch (random.below(5)) {
      case 0:
      case 1:
        if (erp.allocate(lines).ok) {
          allocated_orders.push_back(lines);
        } else {
          ++refused;
        }
        break;
      case 2:  // release or ship an allocated order
        if (!allocated_orders.empty()) {
          const bool ship = random.below(2) == 0;
          std::vector<OrderLine> order = allocated_orders.back();
          allocated_orders.pop_back();
          if (ship) {
            erp.ship(order);
            shipped_orders.push_back(order);
          } else {
            erp.release(order);
          }
        }
        break;
      case 3:
        erp.restock(static_cast<SkuId>(random.below(kSkus)),
                    static_cast<uint32_t>(random.below(5)));
        break;
      case 4:  // return part of a shipped order
        if (!shipped_orders.empty()) {
          std::vector<OrderLine> order = shipped_orders.back();
          shipped_orders.pop_back();
          order.resize(1);
          REQUIRE(erp.receive_return(order).ok());
        }
        break;
    }
    REQUIRE(erp.all_stock_conserved());
  }
  CHECK(refused > 0);  // the sequence did hit shortages
  CHECK_FALSE(allocated_orders.empty());
}

TEST_CASE("mocks/erp: a return of more units than ever shipped is rejected") {
  ErpMock erp = make_erp({5});
  const std::array<OrderLine, 1> two{{{0, 2, 1000}}};
  REQUIRE(erp.allocate(two).ok);
  erp.ship(two);
  const std::array<OrderLine, 1> three{{{0, 3, 1000}}};
  CHECK(erp.receive_return(three).error == ErrorClass::rejected);
  CHECK(erp.stock(0).on_hand == 3);
  CHECK(erp.receive_return(two).ok());
  CHECK(erp.stock(0).on_hand == 5);
  CHECK(erp.stock(0).returned_total == 2);
  CHECK(erp.stock_conserved(0));
}

TEST_CASE("mocks/erp: the changed-SKU list holds each SKU once and only on-hand changes") {
  ErpMock erp = make_erp({5, 5, 5, 5});
  const std::array<OrderLine, 2> lines{{{2, 1, 1000}, {0, 1, 1000}}};
  REQUIRE(erp.allocate(lines).ok);
  REQUIRE(erp.allocate(lines).ok);
  erp.restock(2, 4);
  std::vector<SkuId> changed{99};  // replaced, not appended to
  erp.take_changed_skus(changed);
  CHECK(changed == std::vector<SkuId>{2, 0});
  erp.ship(lines);  // on_hand unchanged
  erp.take_changed_skus(changed);
  CHECK(changed.empty());
  erp.release(lines);
  erp.take_changed_skus(changed);
  CHECK(changed == std::vector<SkuId>{2, 0});

  erp.set_price(3, 1500);
  erp.set_price(3, 1600);
  std::vector<SkuId> repriced;
  erp.take_price_changed_skus(repriced);
  CHECK(repriced == std::vector<SkuId>{3});
  CHECK(erp.price_minor(3) == 1600);
}

TEST_CASE("mocks/erp: duplicate revenue entries are kept and counted, not deduplicated") {
  ErpMock erp = make_erp({1});
  erp.post_revenue(1, 4, 2500, SimTime{});
  erp.post_revenue(1, 4, 2500, SimTime{});
  erp.post_revenue(0, 0, 700, SimTime{});
  CHECK(erp.revenue_count(1, 4) == 2);
  CHECK(erp.revenue_amount_minor(1, 4) == 5000);
  CHECK(erp.revenue_count(1, 3) == 0);
  CHECK(erp.revenue_count(2, 0) == 0);
  CHECK(erp.revenue_entries_total() == 3);
  CHECK(erp.reverse_revenue(1, 4, 2500).ok());
  CHECK(erp.revenue_count(1, 4) == 1);
  CHECK(erp.revenue_total_minor() == 3200);
  CHECK(erp.reverse_revenue(1, 3, 1).error == ErrorClass::rejected);
}

TEST_CASE("mocks/erp: without per-order amounts the counts and totals are the same") {
  ErpMock kept = make_erp({1});
  ErpMock lean = make_erp({1});
  lean.keep_order_amounts(false);
  for (ErpMock* erp : {&kept, &lean}) {
    erp->post_revenue(1, 4, 2500, SimTime{});
    erp->post_revenue(1, 4, 2500, SimTime{});
    erp->post_revenue(0, 9, 700, SimTime{});
    REQUIRE(erp->reverse_revenue(1, 4, 2500).ok());
  }
  CHECK(lean.revenue_count(1, 4) == kept.revenue_count(1, 4));
  CHECK(lean.revenue_count(0, 9) == 1);
  CHECK(lean.revenue_count(0, 8) == 0);
  CHECK(lean.revenue_entries_total() == kept.revenue_entries_total());
  CHECK(lean.revenue_total_minor() == kept.revenue_total_minor());
  CHECK(kept.revenue_amount_minor(1, 4) == 2500);
}

TEST_CASE("mocks/erp: with batch import, revenue waits for the next import run") {
  ErpMock erp = make_erp({1}, /*batch=*/true);
  erp.post_revenue(0, 0, 100, SimTime{} + seconds(1));
  erp.post_revenue(0, 1, 200, SimTime{} + seconds(2));
  CHECK(erp.revenue_count(0, 0) == 0);
  CHECK(erp.pending_revenue_count() == 2);
  std::vector<RevenuePost> applied;
  CHECK(erp.run_batch_import(SimTime{} + minutes(15), &applied) == 2);
  CHECK(applied.size() == 2);
  CHECK(applied[1].posted_at == SimTime{} + seconds(2));
  CHECK(erp.revenue_count(0, 1) == 1);
  CHECK(erp.pending_revenue_count() == 0);
}

TEST_CASE("mocks/erp: a concurrency gate refuses beyond its limit until a slot is released") {
  ConcurrencyGate gate{2, 0};
  CHECK(gate.try_acquire());
  CHECK(gate.try_acquire());
  CHECK_FALSE(gate.try_acquire());
  gate.release();
  CHECK(gate.try_acquire());
  CHECK(gate.in_use == 2);
}

}  // namespace
}  // namespace syncdrill
