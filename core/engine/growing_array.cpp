#include "core/engine/growing_array.hpp"

#include <cstdlib>
#include <new>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace syncdrill::growing_array_detail {

namespace {

#ifdef __linux__
// From this size on an array is a mapping of its own. Large enough that the page rounding
// (under 4 KiB) and the system call do not matter, small enough to cover every big table.
constexpr size_t kMapBytes = size_t{1} << 20;
constexpr size_t kPageBytes = 4096;

size_t round_to_pages(size_t bytes) {
  return (bytes + kPageBytes - 1) / kPageBytes * kPageBytes;
}
bool mapped(size_t bytes) {
  return bytes >= kMapBytes;
}
#endif

}  // namespace

void* regrow(void* old, size_t old_bytes, size_t used_bytes, size_t new_bytes) {
  SD_CHECK(used_bytes <= old_bytes && old_bytes <= new_bytes, "an array only grows");
#ifdef __linux__
  if (mapped(new_bytes)) {
    void* p = nullptr;
    if (mapped(old_bytes)) {
      p = mremap(old, round_to_pages(old_bytes), round_to_pages(new_bytes), MREMAP_MAYMOVE);
      if (p == MAP_FAILED) throw std::bad_alloc();
      return p;
    }
    p = mmap(nullptr, round_to_pages(new_bytes), PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    if (used_bytes > 0) std::memcpy(p, old, used_bytes);
    std::free(old);
    return p;
  }
#endif
  void* p = std::realloc(old, new_bytes);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void release(void* p, size_t bytes) {
  if (p == nullptr) return;
#ifdef __linux__
  if (mapped(bytes)) {
    munmap(p, round_to_pages(bytes));
    return;
  }
#endif
  std::free(p);
}

}  // namespace syncdrill::growing_array_detail
