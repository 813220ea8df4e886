// Signature tests: RFC 4231 HMAC-SHA256 vectors, then the header form against tampering.
#include "mocks/http/signature.hpp"

#include <cctype>
#include <string>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

TEST_CASE("live: HMAC-SHA256 matches RFC 4231 test cases 1, 2, 3 and 6") {
  // Case 1: a 20-byte key of 0x0b.
  CHECK(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There") ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Case 2: a key shorter than the output.
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Case 3: 50 bytes of 0xdd under 20 bytes of 0xaa.
  CHECK(hmac_sha256_hex(std::string(20, '\xaa'), std::string(50, '\xdd')) ==
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  // Case 6: a key longer than the block size is hashed first.
  CHECK(hmac_sha256_hex(std::string(131, '\xaa'),
                        "Test Using Larger Than Block-Size Key - Hash Key First") ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("live: a signed body verifies and matches `openssl dgst -sha256 -hmac`") {
  const std::string body = R"({"id":1})";
  const std::string header = sign_body(body, "s3cret");
  // printf '{"id":1}' | openssl dgst -sha256 -hmac s3cret
  CHECK(header == "sha256=63ddab34da5838e383545e9c90b40f74a4e3daabc5dd9a8d49a51875ad4b2418");
  CHECK(verify_signature(body, header, "s3cret"));
  std::string upper = header;
  for (size_t i = kSignaturePrefix.size(); i < upper.size(); ++i) {
    upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[i])));
  }
  CHECK(verify_signature(body, upper, "s3cret"));
}

TEST_CASE("live: a tampered body, a wrong secret or a malformed header fails verification") {
  const std::string body = R"({"order":42,"total":"19.99"})";
  const std::string header = sign_body(body, "s3cret");
  CHECK_FALSE(verify_signature(R"({"order":42,"total":"0.01"})", header, "s3cret"));
  CHECK_FALSE(verify_signature(body + " ", header, "s3cret"));
  CHECK_FALSE(verify_signature(body, header, "wrong"));
  CHECK_FALSE(verify_signature(body, header.substr(kSignaturePrefix.size()), "s3cret"));
  CHECK_FALSE(verify_signature(body, header.substr(0, header.size() - 1), "s3cret"));
  CHECK_FALSE(verify_signature(body, "sha256=" + std::string(64, 'g'), "s3cret"));
  CHECK_FALSE(verify_signature(body, "", "s3cret"));
}

}  // namespace
}  // namespace syncdrill
