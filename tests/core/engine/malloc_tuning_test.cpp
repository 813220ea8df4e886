// keep_large_blocks_mapped: after a large block is freed, a mid-sized one is still a mapping of
// its own (glibc would otherwise have raised its threshold past it and served it from the heap).
#include "core/engine/malloc_tuning.hpp"

#include <cstdlib>

#include <doctest/doctest.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace syncdrill {
namespace {

#if defined(__GLIBC__)
TEST_CASE("after keep_large_blocks_mapped a freed large block leaves 256 KiB blocks mapped") {
  keep_large_blocks_mapped();
  void* large = std::malloc(size_t{8} << 20);
  REQUIRE(large != nullptr);
  static_cast<volatile char*>(large)[0] = 1;
  std::free(large);  // with the dynamic threshold, this would raise it to 8 MiB
  const size_t mapped_before = mallinfo2().hblks;
  void* mid = std::malloc(size_t{256} << 10);
  REQUIRE(mid != nullptr);
  static_cast<volatile char*>(mid)[0] = 1;  // used, so the compiler keeps the allocation
  const size_t mapped_after = mallinfo2().hblks;
  CHECK(mapped_after == mapped_before + 1);
  std::free(mid);
}
#endif

}  // namespace
}  // namespace syncdrill
