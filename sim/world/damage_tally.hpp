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

#include "core/engine/check.hpp"
#include "core/engine/saturating.hpp"

namespace syncdrill::world {

class DamageTally {
 public:
  // An order passed kMissingGrace with no OMS order.
  void order_missing(int64_t amount_minor) { missing_.add(amount_minor); }
  // An order counted missing reached the OMS after all.
  void order_found(int64_t amount_minor) {
    missing_.take_back(amount_minor, "an order found was counted missing");
  }
  // The OMS created a duplicate of an order, not cancelled.
  void extra_opened(int64_t amount_minor) { extra_open_.add(amount_minor); }
  // Reconciliation cancelled a duplicate counted open.
  void extra_cancelled(int64_t amount_minor) {
    extra_open_.take_back(amount_minor, "a cancelled duplicate was counted open");
  }
  // The OMS cancelled an order for lack of stock.
  void order_oversold(int64_t amount_minor) { oversold_.add(amount_minor); }

  uint64_t missing() const { return missing_.count; }  // orders past kMissingGrace, no OMS order
  int64_t missing_minor() const { return missing_.minor; }
  uint64_t extra_open() const { return extra_open_.count; }  // duplicate OMS orders not cancelled
  int64_t extra_open_minor() const { return extra_open_.minor; }
  uint64_t oversold() const { return oversold_.count; }
  int64_t oversold_minor() const { return oversold_.minor; }

 private:
  // A count of orders and their value.
  struct Orders {
    uint64_t count = 0;
    int64_t minor = 0;
    void add(int64_t amount_minor) {
      ++count;
      minor = add_saturating(minor, amount_minor);
    }
    void take_back(int64_t amount_minor, const char* why) {
      SD_CHECK(count > 0, why);
      --count;
      minor = sub_saturating(minor, amount_minor);
    }
  };
  Orders missing_;
  Orders extra_open_;
  Orders oversold_;
};

}  // namespace syncdrill::world
