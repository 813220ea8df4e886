// content_hash: SHA-256 over length-prefixed contents. The expected digests were computed
// independently (Python's hashlib over struct.pack('<Q', len(part)) + part).
#include "reports/content_hash.hpp"

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

TEST_CASE("the scenario hash is SHA-256 over length-prefixed file contents") {
  CHECK(content_hash({"name: x\n"}) ==
        "sha256:eec4af839af7213d1301756adbe001c8a5af9936409f8f751e36d3fd06cc133e");
  CHECK(content_hash({}) ==
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("moving bytes from one file to the next changes the scenario hash") {
  CHECK(content_hash({"ab", "c"}) ==
        "sha256:43ee655579de01ca739b3f95c1c2d3f46d353b2c0df818064ea594506cdb2617");
  CHECK(content_hash({"a", "bc"}) ==
        "sha256:9a8acca1b6c6c0befd3fbc756aed625da998c998f7252e738c4ef061906b9b21");
}

}  // namespace
}  // namespace syncdrill
