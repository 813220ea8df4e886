// The outcome of one call as the client sees it.
#pragma once

#include <cstddef>

#include "core/engine/time.hpp"
#include "mocks/types.hpp"

namespace syncdrill {

// A mock's Response is exactly what the client sees: an error class and a Retry-After.
using Outcome = Response;

inline constexpr size_t kErrorClassCount = static_cast<size_t>(ErrorClass::request_limited) + 1;

}  // namespace syncdrill
