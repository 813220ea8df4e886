// UTF-8 validation (RFC 3629), the one decoder of the tree: the scenario loader refuses a file
// that is not UTF-8, report writers replace what is not (report.html and junit.xml through
// xml_text, telemetry.jsonl through its JSON strings).
//
// Invalid: a stray continuation byte, a lead byte that starts no sequence (0xC0, 0xC1, 0xF5 and
// above), an overlong form, a surrogate (U+D800 to U+DFFF), a code point above U+10FFFF, and a
// sequence cut short by a byte that is not a continuation or by the end of the text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace syncdrill {

struct Utf8Sequence {
  size_t length = 0;  // bytes, 1 to 4; 0: no valid sequence starts there
  uint32_t code_point = 0;
};

// The sequence starting at text[i]. REQUIRES: i < text.size().
Utf8Sequence utf8_sequence_at(std::string_view text, size_t i);

// The first byte offset of `text` that is not valid UTF-8, or npos.
size_t invalid_utf8_at(std::string_view text);

}  // namespace syncdrill
