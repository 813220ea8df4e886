#include "sim/world/placed_series.hpp"

#include <algorithm>
#include <limits>

#include "core/engine/check.hpp"

namespace syncdrill {

std::vector<uint32_t> orders_placed_series(std::span<const int64_t> placed_at_us, Duration interval,
                                           size_t samples) {
  SD_CHECK(interval.us > 0, "the series interval is positive");
  std::vector<uint32_t> out(samples, 0);
  size_t k = 1;
  for (const int64_t at : placed_at_us) {
    while (k < samples && at >= static_cast<int64_t>(k) * interval.us)
      ++k;
    if (k >= samples) break;
    out[k] = out[k] == std::numeric_limits<uint32_t>::max() ? out[k] : out[k] + 1;
  }
  return out;
}

}  // namespace syncdrill
