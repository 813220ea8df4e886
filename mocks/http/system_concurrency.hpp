// SystemConcurrency: SystemSpec::concurrency_limit enforced on the live ERP, OMS and WMS routes
// (docs/live-api.md, Concurrency limits).
//
// A request holds one slot from the moment the dispatcher starts on it (so a latency fault's
// gate delay and a hang's hold count, as the time a real server spends on it does) until its
// answer is built. A request that finds every slot taken is refused at once, in the system's
// style (SystemSpec::concurrency_refusal): 503 {"error": "over_concurrency_limit", ...}, or
// NetSuite's 400 Bad Request with SuiteScript's error object
// {"error": {"code": "SSS_REQUEST_LIMIT_EXCEEDED", "message": ...}} (docs/platform-erp-oms.md).
//
// Thread-safe and lock-free: one atomic counter per system.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

#include "core/scenario/scenario.hpp"

namespace httplib {
struct Response;
}  // namespace httplib

namespace syncdrill {

class SystemConcurrency {
 public:
  // limit: none = unlimited (every try_acquire succeeds and nothing is counted).
  SystemConcurrency(std::optional<uint32_t> limit, ConcurrencyRefusal refusal);

  // true: a slot is held until release(). false: the limit is reached; counted as refused.
  bool try_acquire();
  // REQUIRES: a successful try_acquire() not yet released.
  void release();

  bool limited() const { return limit_.has_value(); }
  std::optional<uint32_t> limit() const { return limit_; }
  ConcurrencyRefusal refusal() const { return refusal_; }
  uint32_t in_use() const { return in_use_.load(); }
  uint64_t refused() const { return refused_.load(); }
  uint32_t in_use_max() const { return in_use_max_.load(); }  // the most slots held at once

  // The refusal's answer, in the system's style.
  void reply_refused(httplib::Response& res) const;

 private:
  std::optional<uint32_t> limit_;
  ConcurrencyRefusal refusal_;
  std::atomic<uint32_t> in_use_{0};
  std::atomic<uint32_t> in_use_max_{0};
  std::atomic<uint64_t> refused_{0};
};

// Holds a slot for a scope: released at the end of it when acquired.
class ConcurrencySlot {
 public:
  ConcurrencySlot() = default;
  // gate may be nullptr (no limit applies): then acquired() is true and nothing is held.
  explicit ConcurrencySlot(SystemConcurrency* gate)
      : gate_(gate != nullptr && gate->limited() ? gate : nullptr),
        acquired_(gate_ == nullptr || gate_->try_acquire()) {}
  ~ConcurrencySlot() {
    if (gate_ != nullptr && acquired_) gate_->release();
  }
  ConcurrencySlot(const ConcurrencySlot&) = delete;
  ConcurrencySlot& operator=(const ConcurrencySlot&) = delete;

  bool acquired() const { return acquired_; }

 private:
  SystemConcurrency* gate_ = nullptr;
  bool acquired_ = true;
};

}  // namespace syncdrill
