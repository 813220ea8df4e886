// FNV-1a 64 (Fowler, Noll, Vo): the one byte hash of the tree, for random stream names
// (RandomStream), "the same request" in the HTTP mock, "the same payload" for a reused
// Idempotency-Key and the connector's dedupe keys. Stable across platforms and standard
// libraries, unlike std::hash; not a cryptographic hash.
//
// Header-only and constexpr, so any layer (connector/ and mocks/ too) may use it.
#pragma once

#include <cstdint>
#include <string_view>

namespace syncdrill {

inline constexpr uint64_t kFnv1a64Offset = 0xcbf29ce484222325ULL;  // the offset basis
inline constexpr uint64_t kFnv1a64Prime = 0x100000001b3ULL;

// `h` with one more byte mixed in.
constexpr uint64_t fnv1a64_byte(uint64_t h, unsigned char byte) {
  return (h ^ byte) * kFnv1a64Prime;
}

// FNV-1a 64 of `bytes`; pass the hash so far as `h` to continue it over several parts.
constexpr uint64_t fnv1a64(std::string_view bytes, uint64_t h = kFnv1a64Offset) {
  for (const char c : bytes)
    h = fnv1a64_byte(h, static_cast<unsigned char>(c));
  return h;
}

}  // namespace syncdrill
