// Seeded random streams.
//
// One root seed drives a run. Every component asks for its own stream by name; the stream is a
// pure function of (root seed, name), so adding, removing or reordering components never shifts
// the numbers another component sees. That is what lets two policies compared on one seed face
// the same orders and the same faults (common random numbers).
//
// The generator is xoshiro256** (Blackman and Vigna), seeded through SplitMix64. Both are fixed
// here in our code, so a stream gives the same numbers with every compiler and standard library.
#pragma once

#include <cstdint>
#include <string_view>

namespace syncdrill {

// SplitMix64 step: used to expand seeds and to mix hashes.
uint64_t splitmix64(uint64_t& state);

// FNV-1a 64 of the bytes of name (core/engine/fnv1a.hpp): stable across platforms, unlike
// std::hash.
uint64_t stable_hash(std::string_view name);

class RandomStream {
 public:
  // A stream derived from (root_seed, name).
  RandomStream(uint64_t root_seed, std::string_view name);

  // The next 64 raw bits.
  uint64_t next_u64() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1), with 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // Uniform in (0, 1]: safe to take the logarithm of.
  double uniform01_open_below() { return 1.0 - uniform01(); }

  // Uniform integer in [0, n). REQUIRES: n > 0. Lemire's multiply-shift with rejection,
  // so there is no modulo bias.
  uint64_t below(uint64_t n);

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace syncdrill
