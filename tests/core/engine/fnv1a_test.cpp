// FNV-1a 64 tests: the published test vectors (Fowler, Noll and Vo's FNV test suite), bytes
// above 0x7F and NUL taken as bytes, and continuing a hash over parts equal to hashing them
// joined.
#include "core/engine/fnv1a.hpp"

#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "core/engine/random.hpp"

namespace syncdrill {
namespace {

using namespace std::string_view_literals;

// Usable in constant expressions: the vectors are checked by the compiler as well.
static_assert(fnv1a64("") == 0xcbf29ce484222325ULL);
static_assert(fnv1a64("a") == 0xaf63dc4c8601ec8cULL);

TEST_CASE("fnv1a64 gives the published FNV-1a 64 vectors") {
  CHECK(fnv1a64("") == 0xcbf29ce484222325ULL);  // the offset basis
  CHECK(fnv1a64("") == kFnv1a64Offset);
  CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(fnv1a64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("fnv1a64 hashes every byte: high bytes are unsigned, NUL is not an end") {
  // (0xcbf29ce484222325 ^ 0xff) * prime, then ^ 0x00 * prime, mod 2^64.
  CHECK(fnv1a64("\xff\x00"sv) == 0x0a99a607b6f60beaULL);
  CHECK(fnv1a64("\xff\x00"sv) != fnv1a64("\xff"sv));
  CHECK(fnv1a64_byte(kFnv1a64Offset, 0xff) == fnv1a64("\xff"sv));
}

TEST_CASE("fnv1a64 continued over parts equals the hash of the parts joined") {
  const std::string a = "channel-dtc";
  const std::string b = "\nevent-42";
  CHECK(fnv1a64(b, fnv1a64(a)) == fnv1a64(a + b));
  CHECK(fnv1a64("", fnv1a64(a)) == fnv1a64(a));
  // A different split of the same bytes, continued, is the same hash; a separator byte between
  // parts is what tells ("ab", "c") from ("a", "bc").
  CHECK(fnv1a64("c", fnv1a64("ab")) == fnv1a64("bc", fnv1a64("a")));
  CHECK(fnv1a64("c", fnv1a64_byte(fnv1a64("ab"), 0xff)) !=
        fnv1a64("bc", fnv1a64_byte(fnv1a64("a"), 0xff)));
}

TEST_CASE("stable_hash, which names random streams, is FNV-1a 64") {
  for (const std::string_view name : {""sv, "a"sv, "traffic/dtc"sv, "faults/\xc3\xa9"sv})
    CHECK(stable_hash(name) == fnv1a64(name));
}

}  // namespace
}  // namespace syncdrill
