#include "core/scenario/utf8.hpp"

#include "core/engine/check.hpp"

namespace syncdrill {

Utf8Sequence utf8_sequence_at(std::string_view text, size_t i) {
  SD_CHECK(i < text.size(), "utf8_sequence_at past the end of the text");
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return {1, b0};
  size_t n = 0;
  uint32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2, cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3, cp = b0 & 0x0Fu;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4, cp = b0 & 0x07u;
  } else {
    return {};  // a continuation byte, or a lead byte no valid sequence starts with
  }
  if (n > text.size() - i) return {};
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) return {};
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  const bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  if (overlong || surrogate || cp > 0x10FFFF) return {};
  return {n, cp};
}

size_t invalid_utf8_at(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = utf8_sequence_at(text, i).length;
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

}  // namespace syncdrill
