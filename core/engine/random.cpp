#include "core/engine/random.hpp"

#include "core/engine/check.hpp"
#include "core/engine/fnv1a.hpp"

namespace syncdrill {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t stable_hash(std::string_view name) {
  return fnv1a64(name);
}

RandomStream::RandomStream(uint64_t root_seed, std::string_view name) {
  // Mix the name hash through SplitMix64 before combining, so seeds 1 and 2 with the same name
  // (or one seed with names differing in one byte) start far apart.
  uint64_t name_state = stable_hash(name);
  uint64_t state = root_seed ^ splitmix64(name_state);
  for (uint64_t& word : s_)
    word = splitmix64(state);
}

uint64_t RandomStream::below(uint64_t n) {
  SD_CHECK(n > 0, "below(0) has no value to return");
  __uint128_t m = static_cast<__uint128_t>(next_u64()) * n;
  auto low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = -n % n;
    while (low < threshold) {
      m = static_cast<__uint128_t>(next_u64()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

}  // namespace syncdrill
