// The orders-placed series of a channel (report.json channels[].series.orders_placed): counted
// after the run from the channel's placement times, on the clock of the sampled series (sample
// k at k x interval), so it costs the run nothing and lines up with the other series.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/engine/time.hpp"

namespace syncdrill {

// REQUIRES: placed_at_us non-decreasing; interval > 0. Sample 0 is 0; sample k >= 1 counts the
// times in [(k-1) x interval, k x interval). Orders placed after the last sample's time are not
// in the series (the other series end there too). Counts saturate at 2^32 - 1.
std::vector<uint32_t> orders_placed_series(std::span<const int64_t> placed_at_us, Duration interval,
                                           size_t samples);

}  // namespace syncdrill
