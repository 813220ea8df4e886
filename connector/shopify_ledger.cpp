#include "connector/shopify_ledger.hpp"

#include <algorithm>

#include "core/engine/check.hpp"

namespace syncdrill {

OrderLedger::OrderLedger(size_t capacity) : capacity_(capacity) {
  SD_CHECK(capacity >= 1, "the ledger remembers at least one order");
}

bool OrderLedger::claim(uint64_t id) {
  std::lock_guard lock(mutex_);
  const auto it = states_.find(id);
  if (it != states_.end()) {
    if (it->second != State::released) return false;
    it->second = State::in_hand;
    return true;
  }
  if (states_.size() >= capacity_) {
    full_ = true;
    return true;  // not remembered: done() and release() will not find it
  }
  states_.emplace(id, State::in_hand);
  unfinished_.insert(id);
  return true;
}

void OrderLedger::done(uint64_t id) {
  std::lock_guard lock(mutex_);
  const auto it = states_.find(id);
  if (it == states_.end()) return;
  it->second = State::done;
  unfinished_.erase(id);
}

void OrderLedger::release(uint64_t id) {
  std::lock_guard lock(mutex_);
  const auto it = states_.find(id);
  if (it == states_.end() || it->second == State::done) return;
  it->second = State::released;
}

void OrderLedger::polled_through(uint64_t id) {
  std::lock_guard lock(mutex_);
  polled_through_ = std::max(polled_through_.value_or(id), id);
}

std::optional<uint64_t> OrderLedger::since_id() const {
  std::lock_guard lock(mutex_);
  if (!polled_through_ || unfinished_.empty()) return polled_through_;
  const uint64_t lowest = *unfinished_.begin();
  if (lowest == 0) return std::nullopt;
  return std::min(*polled_through_, lowest - 1);
}

bool OrderLedger::full() const {
  std::lock_guard lock(mutex_);
  return full_;
}

}  // namespace syncdrill
