#include "core/engine/check.hpp"

#include <cstdio>
#include <cstdlib>

namespace syncdrill {

void check_failed(const char* expr, const char* file, int line, const char* why) {
  std::fprintf(stderr, "syncdrill: internal error: %s:%d: check failed: %s (%s)\n", file, line,
               expr, why);
  std::fflush(stderr);
  std::abort();
}

}  // namespace syncdrill
