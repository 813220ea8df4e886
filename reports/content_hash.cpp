#include "reports/content_hash.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>

#include <fmt/format.h>

#include "core/engine/check.hpp"

namespace syncdrill {

std::string content_hash(const std::vector<std::string_view>& contents) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  SD_CHECK(ctx != nullptr, "EVP_MD_CTX_new failed");
  SD_CHECK(EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1, "sha256 init failed");
  for (std::string_view content : contents) {
    // Length prefix, little-endian 8 bytes, fixed whatever the host.
    std::array<unsigned char, 8> length{};
    uint64_t n = content.size();
    for (auto& byte : length) {
      byte = static_cast<unsigned char>(n & 0xff);
      n >>= 8;
    }
    SD_CHECK(EVP_DigestUpdate(ctx.get(), length.data(), length.size()) == 1, "sha256 failed");
    SD_CHECK(EVP_DigestUpdate(ctx.get(), content.data(), content.size()) == 1, "sha256 failed");
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_len = 0;
  SD_CHECK(EVP_DigestFinal_ex(ctx.get(), digest.data(), &digest_len) == 1, "sha256 failed");
  std::string out = "sha256:";
  for (unsigned int i = 0; i < digest_len; ++i)
    out += fmt::format("{:02x}", digest[i]);
  return out;
}

}  // namespace syncdrill
