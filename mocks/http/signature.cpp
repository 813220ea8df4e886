// HMAC-SHA256 through OpenSSL's one-shot HMAC() (not deprecated in OpenSSL 3, unlike HMAC_CTX).
#include "mocks/http/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cctype>

#include "core/engine/check.hpp"

namespace syncdrill {
namespace {

constexpr size_t kDigestBytes = 32;

std::array<unsigned char, kDigestBytes> hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, kDigestBytes> out{};
  unsigned int len = 0;
  // An empty key still needs a non-null pointer for some OpenSSL builds.
  static const unsigned char kEmpty = 0;
  const void* key_ptr = key.empty() ? &kEmpty : static_cast<const void*>(key.data());
  const auto* data_ptr = reinterpret_cast<const unsigned char*>(data.data());
  const unsigned char* r = HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()),
                                data.empty() ? &kEmpty : data_ptr, data.size(), out.data(), &len);
  SD_CHECK(r != nullptr && len == kDigestBytes, "HMAC-SHA256 failed inside OpenSSL");
  return out;
}

std::string to_hex(const std::array<unsigned char, kDigestBytes>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 0xF]);
  }
  return hex;
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  return to_hex(hmac_sha256(key, data));
}

std::string sign_body(std::string_view body, std::string_view secret) {
  return std::string(kSignaturePrefix) + hmac_sha256_hex(secret, body);
}

bool verify_signature(std::string_view body, std::string_view header, std::string_view secret) {
  if (header.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) return false;
  std::string given(header.substr(kSignaturePrefix.size()));
  if (given.size() != kDigestBytes * 2) return false;
  for (char& c : given) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const std::string expected = hmac_sha256_hex(secret, body);
  return CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

}  // namespace syncdrill
