// Per channel order, what the flows know of it: one byte each (a Black-Friday run holds
// millions of orders).
//
// Invariants:
// - kWebhookGivenUp, kIngestFailed, kOversold, kRepairPending, kReturnHeld and kReturnSynced are
//   independent bits; bits 6 and 7 count the ingest jobs holding the order (holders()).
// - At most two ingest jobs hold an order at once: the backup poll offers only orders no job
//   holds, and a webhook is redelivered only after a refusal. The count saturates at 3 and never
//   goes below 0.
// - kReturnSynced, once set, stays set: a return is processed once.
#pragma once

#include <cstdint>

namespace syncdrill::world {

enum OrderFlag : uint8_t {
  kWebhookGivenUp = 1 << 0,  // the sender stopped redelivering orders/create
  kIngestFailed = 1 << 1,    // the ingest job was dropped or dead-lettered
  kOversold = 1 << 2,        // the OMS cancelled it for lack of stock
  kRepairPending = 1 << 3,   // reconciliation queued a repair
  // A returns job holds its return: the returns flow's (queued, retrying) or a replayed dead
  // letter. One bit, not a count: a duplicate delivery's second job may still hold the return
  // after the first one ends; the return is synced by then, or the second job syncs it.
  kReturnHeld = 1 << 4,
  kReturnSynced = 1 << 5,  // the OMS and ERP processed its return
  // Bits 6 and 7 count the ingest jobs holding the order (a poll job and a webhook
  // redelivery can both hold it); see holders().
};
inline constexpr int kHolderShift = 6;
inline uint8_t holders(uint8_t flags) {
  return flags >> kHolderShift;
}
// Saturates at 3: at most two jobs hold an order at once.
inline void add_holder(uint8_t& flags) {
  if (holders(flags) < 3) flags = static_cast<uint8_t>(flags + (1 << kHolderShift));
}
inline void remove_holder(uint8_t& flags) {
  if (holders(flags) > 0) flags = static_cast<uint8_t>(flags - (1 << kHolderShift));
}

}  // namespace syncdrill::world
