// SkuChangeSet: the SKUs changed since the last take, each listed once, in first-change order.
//
// Feeds the stock- and price-sync flows: the ERP marks a SKU on every change and a connector
// takes the batch. A byte per SKU says "already listed", so mark() is O(1) and never duplicates;
// take() swaps the list out (no copy, no allocation once capacities settle).
#pragma once

#include <cstdint>
#include <vector>

#include "core/engine/check.hpp"
#include "mocks/types.hpp"

namespace syncdrill {

class SkuChangeSet {
 public:
  explicit SkuChangeSet(uint32_t sku_count) : listed_(sku_count, 0) {}

  // REQUIRES: sku < the SKU count.
  void mark(SkuId sku) {
    SD_CHECK(sku < listed_.size(), "unknown SKU");
    if (listed_[sku] == 0) {
      listed_[sku] = 1;
      list_.push_back(sku);
    }
  }

  // Replaces `out` with the changed SKUs and starts a new, empty set. `out`'s old buffer is
  // reused for the next round.
  void take(std::vector<SkuId>& out) {
    out.clear();
    out.swap(list_);
    for (const SkuId sku : out) {
      listed_[sku] = 0;
    }
  }

  size_t size() const { return list_.size(); }

 private:
  std::vector<uint8_t> listed_;  // 1 while the SKU is in list_
  std::vector<SkuId> list_;
};

}  // namespace syncdrill
