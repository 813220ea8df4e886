// keep_large_blocks_mapped: after a large block is freed, a mid-sized one is still a mapping of
// its own (glibc would otherwise have raised its threshold past it and served it from the heap).
#include "core/engine/malloc_tuning.hpp"

#include <cstdlib>

#include <doctest/doctest.h>

#include "tests/address_sanitizer.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace syncdrill {
namespace {

// Under AddressSanitizer malloc is the sanitizer's own allocator: glibc's mallopt and mallinfo2
// neither steer nor describe it, so the check is for glibc's malloc only.
#if defined(__GLIBC__) && !SYNCDRILL_ADDRESS_SANITIZER
TEST_CASE("after keep_large_blocks_mapped a freed large block leaves mid-sized blocks mapped") {
  keep_large_blocks_mapped();
  // 16 MiB: under glibc's 32 MiB cap, so without the fix freeing it would raise the threshold
  // to 16 MiB.
  constexpr size_t kLarge = size_t{16} << 20;
  void* large = std::malloc(kLarge);
  REQUIRE(large != nullptr);
  static_cast<volatile char*>(large)[0] = 1;
  std::free(large);
  // Larger than all the free space in the heap (earlier tests in this process may have left
  // some), so only a new mapping or heap growth can serve it.
  const size_t mid_bytes = mallinfo2().fordblks + (size_t{256} << 10);
  if (mid_bytes >= kLarge) {
    MESSAGE("the heap holds too much free space for this check; skipped");
    return;
  }
  const size_t mapped_before = mallinfo2().hblks;
  void* mid = std::malloc(mid_bytes);
  REQUIRE(mid != nullptr);
  static_cast<volatile char*>(mid)[0] = 1;  // used, so the compiler keeps the allocation
  const size_t mapped_after = mallinfo2().hblks;
  CHECK(mapped_after == mapped_before + 1);
  std::free(mid);
}
#endif

}  // namespace
}  // namespace syncdrill
