// DamageTally: the running damage figures behind WorldResult::damage, kept as the flows act and
// sampled by World::sample_damage.
//
// Invariants:
// - Every count is what its events added less what they took back, never below 0: an order
//   found is one counted missing, a duplicate cancelled is one counted open (checked).
// - Money sums (the *_minor figures) saturate rather than overflow, on the way up and down, so
//   a sum that saturated stays an upper bound of the damage.
// - oversold only grows: an oversell cannot be undone.
#pragma once

#include <cstdint>

#include "sim/engine/check.hpp"
#include "sim/engine/saturating.hpp"

namespace syncdrill::world {

class DamageTally {
 public:
  // An order passed kMissingGrace with no OMS order.
  void order_missing(int64_t amount_minor) {
    ++missing_;
    missing_minor_ = add_saturating(missing_minor_, amount_minor);
  }
  // An order counted missing reached the OMS after all.
  void order_found(int64_t amount_minor) {
    SD_CHECK(missing_ > 0, "an order found was counted missing");
    --missing_;
    missing_minor_ = sub_saturating(missing_minor_, amount_minor);
  }
  // The OMS created a duplicate of an order, not cancelled.
  void extra_opened(int64_t amount_minor) {
    ++extra_open_;
    extra_open_minor_ = add_saturating(extra_open_minor_, amount_minor);
  }
  // Reconciliation cancelled a duplicate counted open.
  void extra_cancelled(int64_t amount_minor) {
    SD_CHECK(extra_open_ > 0, "a cancelled duplicate was counted open");
    --extra_open_;
    extra_open_minor_ = sub_saturating(extra_open_minor_, amount_minor);
  }
  // The OMS cancelled an order for lack of stock.
  void order_oversold(int64_t amount_minor) {
    ++oversold_;
    oversold_minor_ = add_saturating(oversold_minor_, amount_minor);
  }

  uint64_t missing() const { return missing_; }  // orders past kMissingGrace, no OMS order
  int64_t missing_minor() const { return missing_minor_; }
  uint64_t extra_open() const { return extra_open_; }  // duplicate OMS orders not cancelled
  int64_t extra_open_minor() const { return extra_open_minor_; }
  uint64_t oversold() const { return oversold_; }
  int64_t oversold_minor() const { return oversold_minor_; }

 private:
  uint64_t missing_ = 0;
  int64_t missing_minor_ = 0;
  uint64_t extra_open_ = 0;
  int64_t extra_open_minor_ = 0;
  uint64_t oversold_ = 0;
  int64_t oversold_minor_ = 0;
};

}  // namespace syncdrill::world
