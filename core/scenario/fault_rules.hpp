// The rules of a fault's fields, one definition for both ways a fault is written: a scenario's
// YAML (the loader: read_world.cpp's rate_limit reader, read_flows.cpp's faults) and a live
// drill's control API (JSON: mocks/http/control_api.cpp, mocks/http/live_faults.cpp). A value one
// accepts the other accepts, with the same meaning, and a value one refuses the other refuses:
// nothing either admits can trip a check of the simulation (RateLimiter's SD_CHECKs).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/time.hpp"
#include "core/scenario/scenario.hpp"

namespace syncdrill::scenario {

// ---- Rate-limit buckets: an endpoint's `rate_limit` and a rate_limit fault's bucket ----------

// A rate is requests per second, finite and above 0. A trillion a second is one a picosecond, no
// limit at all in microsecond time: faster rates act as this one (RateLimiter clamps to it).
inline constexpr double kRatePerSecondMax = 1e12;
// A bucket's size: `burst` (token bucket) or `capacity` (leaky bucket), in requests.
inline constexpr double kBucketSizeMin = 1;
inline constexpr double kBucketSizeMax = 1e9;

inline bool valid_rate(double per_s) {
  return std::isfinite(per_s) && per_s > 0;
}
inline bool valid_bucket_size(double size) {
  return std::isfinite(size) && size >= kBucketSizeMin && size <= kBucketSizeMax;
}
// The size when none is given: one second's worth, rounded up, within the bounds above (a rate
// of a billion a second or more gets the largest bucket). REQUIRES: valid_rate(per_s).
inline double default_bucket_size(double per_s) {
  return std::clamp(std::ceil(per_s), kBucketSizeMin, kBucketSizeMax);
}

// ---- Windows and probabilities -----------------------------------------------------------------

// A fault's `intensity`: a probability.
inline constexpr double kIntensityMin = 0;
inline constexpr double kIntensityMax = 1;
inline bool valid_intensity(double p) {
  return p >= kIntensityMin && p <= kIntensityMax;  // false for NaN
}
// A fault's length (`for`): above 0, at most a year.
inline constexpr Duration kFaultLengthMax = days(365);

// ---- A live drill's per-request fields (wall-clock milliseconds and seconds) ----------------

// latency_ms, hang_ms and delay_ms: at most a day, so no hold outlives a drill by much and no
// clock arithmetic overflows.
inline constexpr int64_t kFaultDelayMaxMs = 24LL * 3600 * 1000;
// The status an answering fault (outage, error_burst, malformed_payload, rate_limit) sends.
inline constexpr int kFaultStatusMin = 400;
inline constexpr int kFaultStatusMax = 599;
// A Retry-After header, whole seconds.
inline constexpr int64_t kRetryAfterMaxS = 24LL * 3600;

// ---- Targets -----------------------------------------------------------------------------------

// Whether a fault of kind `k` may name `name` as a target: the targets of its row in the
// fault-kind table (core/scenario/fault_kinds.hpp; docs/scenario-format.md). A name that is no
// channel, system or connector counts as a webhook topic when it contains '/'.
bool may_target(FaultKind k, const Scenario& s, std::string_view name);
// The targets `k` accepts, as messages spell them (its row's targets_text): "a channel or a
// system".
std::string_view allowed_targets(FaultKind k);
// What `name` is, for messages: "a channel", "an erp system", "a fulfillment connector", "a
// webhook topic".
std::string describe_target(const Scenario& s, std::string_view name);
// "fault kind rate_limit cannot target ingest (an order_ingest connector); expected a channel
// or a system". REQUIRES: !may_target(k, s, name).
std::string cannot_target_message(FaultKind k, const Scenario& s, std::string_view name);
// Every name a fault may target: channels, systems, connectors, then each channel's webhook
// topics ("shop/orders/create").
std::vector<std::string> fault_target_names(const Scenario& s);
// Why a fault of kind `k` cannot target `name` in `s`, as the loader says it: "unknown target
// 'nope' (did you mean 'oms'?)" or cannot_target_message(); empty when it can.
std::string target_error(FaultKind k, const Scenario& s, std::string_view name);

}  // namespace syncdrill::scenario
