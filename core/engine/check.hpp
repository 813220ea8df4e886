// SD_CHECK: an invariant of the program itself, checked in every build type.
//
// A failed check is a bug in syncdrill, never a user's mistake (those are reported as values),
// so it prints where it failed and aborts. Checks stay on in release builds: a simulator that
// silently continues past a broken invariant produces numbers nobody should trust.
#pragma once

namespace syncdrill {

[[noreturn]] void check_failed(const char* expr, const char* file, int line, const char* why);

}  // namespace syncdrill

#define SD_CHECK(expr, why)                                      \
  do {                                                           \
    if (!(expr)) [[unlikely]] {                                  \
      ::syncdrill::check_failed(#expr, __FILE__, __LINE__, why); \
    }                                                            \
  } while (0)
