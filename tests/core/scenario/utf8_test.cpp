// UTF-8 validation tests: every class of invalid input RFC 3629 names (stray continuation bytes,
// bytes that start no sequence, overlong forms, surrogates, code points past U+10FFFF, sequences
// cut short) at the edges of each range, and the valid neighbours of those edges.
#include "core/scenario/utf8.hpp"

#include <string>
#include <string_view>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

using namespace std::string_view_literals;

// The sequence at the start of `text`.
Utf8Sequence first(std::string_view text) {
  return utf8_sequence_at(text, 0);
}

TEST_CASE("utf8_sequence_at decodes one to four bytes at the edges of each length") {
  struct Case {
    std::string_view text;
    size_t length;
    uint32_t code_point;
  };
  for (const Case& c : {
           Case{"\x00"sv, 1, 0x00}, Case{"\x7F"sv, 1, 0x7F},
           Case{"\xC2\x80"sv, 2, 0x80},  // the smallest two-byte form
           Case{"\xDF\xBF"sv, 2, 0x7FF},
           Case{"\xE0\xA0\x80"sv, 3, 0x800},   // the smallest three-byte form
           Case{"\xED\x9F\xBF"sv, 3, 0xD7FF},  // just below the surrogates
           Case{"\xEE\x80\x80"sv, 3, 0xE000},  // just above them
           Case{"\xEF\xBF\xBD"sv, 3, 0xFFFD},
           Case{"\xF0\x90\x80\x80"sv, 4, 0x10000},   // the smallest four-byte form
           Case{"\xF4\x8F\xBF\xBF"sv, 4, 0x10FFFF},  // the last code point
       }) {
    CAPTURE(c.code_point);
    const Utf8Sequence s = first(c.text);
    CHECK(s.length == c.length);
    CHECK(s.code_point == c.code_point);
  }
  // Inside a text, at an offset.
  CHECK(utf8_sequence_at("ab\xC3\xA9"sv, 2).length == 2);
  CHECK(utf8_sequence_at("ab\xC3\xA9"sv, 2).code_point == 0xE9);
}

TEST_CASE("utf8_sequence_at refuses overlong forms, surrogates, and code points past U+10FFFF") {
  for (const std::string_view bad : {
           "\xC0\x80"sv,          // U+0000 in two bytes
           "\xC1\xBF"sv,          // U+007F in two bytes
           "\xE0\x80\x80"sv,      // U+0000 in three
           "\xE0\x9F\xBF"sv,      // U+07FF in three
           "\xF0\x80\x80\x80"sv,  // U+0000 in four
           "\xF0\x8F\xBF\xBF"sv,  // U+FFFF in four
           "\xED\xA0\x80"sv,      // U+D800, the first surrogate
           "\xED\xBF\xBF"sv,      // U+DFFF, the last
           "\xF4\x90\x80\x80"sv,  // U+110000
           "\xF5\x80\x80\x80"sv,  // a lead byte past the range
           "\xFF"sv,
       }) {
    CAPTURE(std::string(bad));
    CHECK(first(bad).length == 0);
    CHECK(invalid_utf8_at(bad) == 0);
  }
}

TEST_CASE("utf8_sequence_at refuses stray continuation bytes and sequences cut short") {
  CHECK(first("\x80"sv).length == 0);  // a continuation byte with no lead
  CHECK(first("\xBF"sv).length == 0);
  CHECK(first("\xC3"sv).length == 0);          // cut by the end of the text
  CHECK(first("\xE2\x82"sv).length == 0);      // three bytes, two present
  CHECK(first("\xF0\x9F\x98"sv).length == 0);  // four bytes, three present
  CHECK(first("\xC3"
              "A"sv)
            .length == 0);  // cut by a byte that is no continuation
  CHECK(first("\xE2\x82"
              "A"sv)
            .length == 0);
  CHECK(first("\xF0\x9F\x98\xC3\xA9"sv).length == 0);  // cut by the next sequence's lead
}

TEST_CASE("invalid_utf8_at gives the first invalid byte's offset, or npos") {
  CHECK(invalid_utf8_at("") == std::string_view::npos);
  CHECK(invalid_utf8_at("plain") == std::string_view::npos);
  CHECK(invalid_utf8_at("caf\xC3\xA9 \xF0\x9F\x98\x80 \xE2\x82\xAC"sv) == std::string_view::npos);
  CHECK(invalid_utf8_at("ok \xF0\x9F\x98\x80 \xC0"sv) == 8);
  CHECK(invalid_utf8_at("ab\xC3"sv) == 2);                 // truncated at the end
  CHECK(invalid_utf8_at("\xC3\xA9\xED\xA0\x80x"sv) == 2);  // a surrogate after a valid é
  CHECK(invalid_utf8_at(std::string_view("a\0b", 3)) == std::string_view::npos);  // NUL is valid
}

}  // namespace
}  // namespace syncdrill
