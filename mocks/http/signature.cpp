// HMAC-SHA256 through OpenSSL's one-shot HMAC() (not deprecated in OpenSSL 3, unlike HMAC_CTX).
#include "mocks/http/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cctype>
#include <cstdint>

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

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t n = (uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                       (uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                       uint32_t{static_cast<unsigned char>(bytes[i + 2])};
    for (int shift = 18; shift >= 0; shift -= 6)
      out.push_back(kAlphabet[(n >> shift) & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (rest == 2) n |= uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text, bool url_safe) {
  const auto value = [url_safe](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == (url_safe ? '-' : '+')) return 62;
    if (c == (url_safe ? '_' : '/')) return 63;
    return -1;
  };
  size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=')
    ++padding;
  const std::string_view digits = text.substr(0, text.size() - padding);
  if (!url_safe && text.size() % 4 != 0) return std::nullopt;
  if (digits.size() % 4 == 1) return std::nullopt;  // 6 bits cannot end a byte
  if (padding > 0 && (digits.size() + padding) % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(digits.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (const char c : digits) {
    const int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;  // non-canonical trailing bits
  return out;
}

std::string shopify_hmac(std::string_view body, std::string_view secret) {
  const auto digest = hmac_sha256(secret, body);
  return base64_encode(
      std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

bool verify_shopify_hmac(std::string_view body, std::string_view header, std::string_view secret) {
  const std::optional<std::string> given = base64_decode(header);
  if (!given || given->size() != kDigestBytes) return false;
  const auto expected = hmac_sha256(secret, body);
  return CRYPTO_memcmp(expected.data(), given->data(), kDigestBytes) == 0;
}

}  // namespace syncdrill
