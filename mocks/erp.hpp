// ErpMock: the source of truth for stock, prices and revenue entries.
//
// Stock, per SKU (24 bytes): on_hand (free to allocate), allocated (promised to orders, not yet
// shipped), shipped (cumulative units that left the warehouse), and the cumulative inflows
// restocked_total and returned_total. A return puts units back on hand and counts them in
// returned_total; `shipped` stays cumulative (net units out = shipped - returned_total). With that
// bookkeeping every operation preserves, per SKU,
//     initial + restocked_total + returned_total == on_hand + allocated + shipped
// (stock_conserved / all_stock_conserved). Operations with several lines are all-or-nothing.
//
// Change tracking: every change to on_hand marks the SKU in a change set the stock-sync flow
// takes (take_changed_skus); every price change marks the price change set.
//
// Revenue: post_revenue appends an entry for (channel, channel order). Duplicates are NOT
// deduplicated: a duplicate entry is a reconciliation finding. With batch import
// (SystemSpec::batch_import_interval), posts wait in a pending list until run_batch_import, which
// the simulation calls on the interval. Entries are kept as per-order aggregates, dense per
// channel because channel order ids are dense: a count (saturating at 255) and the summed amount,
// 9 bytes per channel order up to the highest id posted.
//
// Not thread-safe. Unknown SKUs and releasing or shipping more than was allocated are programmer
// errors (SD_CHECK); a short allocation or an impossible return is an answer.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/engine/growing_array.hpp"
#include "core/engine/time.hpp"
#include "mocks/sku_change_set.hpp"
#include "mocks/types.hpp"

namespace syncdrill {

struct StockRecord {
  uint32_t initial = 0;
  uint32_t on_hand = 0;
  uint32_t allocated = 0;
  uint32_t shipped = 0;
  uint32_t restocked_total = 0;
  uint32_t returned_total = 0;
};

struct AllocateResult {
  bool ok = false;
  SkuId short_sku = 0;  // !ok: the first line whose SKU's on_hand could not cover it
};

struct RevenuePost {
  uint32_t channel = 0;
  uint64_t channel_order = 0;
  int64_t amount_minor = 0;
  SimTime posted_at{};
};

class ErpMock {
 public:
  // One SKU per element (same length). batch_import: posts wait for run_batch_import.
  ErpMock(std::span<const uint32_t> stock_per_sku, std::span<const int64_t> price_minor_per_sku,
          bool batch_import);

  uint32_t sku_count() const { return static_cast<uint32_t>(stock_.size()); }
  // Starts loading a SKU's stock and price, ahead of an order that will read them.
  void prefetch_sku(SkuId sku) const {
    if (sku >= stock_.size()) return;
    __builtin_prefetch(&stock_[sku]);
    __builtin_prefetch(&price_minor_[sku]);
  }
  // REQUIRES for every SKU argument: sku < sku_count().
  const StockRecord& stock(SkuId sku) const;

  // Moves each line's units from on_hand to allocated, or, if any SKU is short (summing repeated
  // SKUs), changes nothing and names it.
  AllocateResult allocate(std::span<const OrderLine> lines);
  // Undoes an allocation (an order cancelled before shipping). REQUIRES: allocated >= units.
  void release(std::span<const OrderLine> lines);
  // allocated -> shipped. REQUIRES: allocated >= units.
  void ship(std::span<const OrderLine> lines);
  void restock(SkuId sku, uint32_t units);
  // Returned units go back on hand. rejected (nothing changes) if a SKU would have more units
  // returned than ever shipped.
  Response receive_return(std::span<const OrderLine> lines);

  bool stock_conserved(SkuId sku) const;
  bool all_stock_conserved() const;  // O(SKUs)
  // The SKUs whose on_hand changed since the last take (see SkuChangeSet::take).
  void take_changed_skus(std::vector<SkuId>& out) { stock_changes_.take(out); }

  int64_t price_minor(SkuId sku) const;
  void set_price(SkuId sku, int64_t price_minor);
  void take_price_changed_skus(std::vector<SkuId>& out) { price_changes_.take(out); }

  // Revenue. REQUIRES: channel < 65536 (the per-channel tables are dense).
  void post_revenue(uint32_t channel, uint64_t channel_order, int64_t amount_minor, SimTime now);
  // A correcting entry (reconciliation removing a duplicate): applied at once, count - 1 and
  // amount - amount_minor. rejected if the order has no entry.
  Response reverse_revenue(uint32_t channel, uint64_t channel_order, int64_t amount_minor);
  // Applies every pending post, in posting order; appends them to *applied if given. Returns how
  // many were applied. A no-op without batch import.
  uint64_t run_batch_import(SimTime now, std::vector<RevenuePost>* applied = nullptr);
  size_t pending_revenue_count() const { return pending_.size(); }

  // Off: no summed amount is kept per channel order (8 bytes each), only the counts and the
  // totals; for a caller that never asks revenue_amount_minor (the simulated world).
  // REQUIRES: no revenue applied yet. On by default.
  void keep_order_amounts(bool on);

  // Applied entries for a channel order (0 if none) and their summed amount.
  uint32_t revenue_count(uint32_t channel, uint64_t channel_order) const;
  // REQUIRES: order amounts kept (keep_order_amounts).
  int64_t revenue_amount_minor(uint32_t channel, uint64_t channel_order) const;
  uint64_t revenue_entries_total() const { return entries_total_; }
  int64_t revenue_total_minor() const { return amount_total_minor_; }

 private:
  struct ChannelRevenue {
    GrowingArray<uint8_t> count;         // per channel order, saturating at 255
    GrowingArray<int64_t> amount_minor;  // empty unless order amounts are kept
  };

  StockRecord& at(SkuId sku);
  void apply(const RevenuePost& p);

  std::vector<StockRecord> stock_;
  std::vector<int64_t> price_minor_;
  SkuChangeSet stock_changes_;
  SkuChangeSet price_changes_;
  bool batch_import_;
  bool keep_order_amounts_ = true;
  std::vector<RevenuePost> pending_;
  std::vector<ChannelRevenue> revenue_;  // by channel index
  uint64_t entries_total_ = 0;
  int64_t amount_total_minor_ = 0;
};

}  // namespace syncdrill
