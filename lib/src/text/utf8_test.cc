#include "bitmill/text/utf8.h"

#include <doctest/doctest.h>

namespace bitmill {
namespace {

TEST_CASE("find_invalid_utf8 follows Unicode Table 3-7") {
  struct Row {
    std::string bytes;
    size_t first_invalid;
  };
  const size_t ok = std::string_view::npos;
  const Row rows[] = {
      {"", ok},
      {"plain ascii text that is longer than eight bytes", ok},
      {"Gr\xC3\xBC\xC3\x9F"
       "e",
       ok},                              // Grüße
      {"\xE6\x97\xA5\xE6\x9C\xAC", ok},  // 日本
      {"\xF0\x9F\x98\x80", ok},          // U+1F600
      {"\xF4\x8F\xBF\xBF", ok},          // U+10FFFF, the last scalar value
      {"\xED\x9F\xBF", ok},              // U+D7FF, just below the surrogates
      {"\xEE\x80\x80", ok},              // U+E000, just above them
      {"abc\x80", 3},                    // lone continuation byte
      {"\xC0\xAF", 0},                   // overlong '/'
      {"\xC1\xBF", 0},                   // overlong
      {"\xE0\x80\xAF", 0},               // overlong 3-byte
      {"\xF0\x80\x80\xAF", 0},           // overlong 4-byte
      {"\xED\xA0\x80", 0},               // U+D800, a surrogate
      {"\xF4\x90\x80\x80", 0},           // above U+10FFFF
      {"\xF5\x80\x80\x80", 0},           // invalid lead byte
      {"\xFF", 0},
      {"12345678\xE6\x97", 8},  // truncated at the end, after the fast path
      {"\xC3", 0},              // truncated 2-byte
      {"a\xC3"
       "b",
       1},  // lead byte followed by ASCII
  };
  for (const auto& r : rows) {
    CAPTURE(r.bytes);
    CHECK(find_invalid_utf8(r.bytes) == r.first_invalid);
  }
}

TEST_CASE("replacement uses one U+FFFD per maximal subpart (Unicode 15, section 3.9, table 3-8)") {
  // The example of table 3-8: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64.
  std::string out;
  const size_t n = append_replacing_invalid_utf8("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", out);
  CHECK(out ==
        "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
        "b\xEF\xBF\xBD"
        "c\xEF\xBF\xBD\xEF\xBF\xBD"
        "d");
  CHECK(n == 6);

  struct Row {
    std::string in, out;
  };
  const Row rows[] = {
      {"ok", "ok"},
      {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},                  // C0 is never valid: two subparts
      {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // surrogate: ED then A0 80 are separate
      {"x\xE6\x97", "x\xEF\xBF\xBD"},                            // truncated sequence at the end: one
      {"\xF0\x9F\x98", "\xEF\xBF\xBD"},
  };
  for (const auto& r : rows) {
    std::string o;
    append_replacing_invalid_utf8(r.in, o);
    CHECK(o == r.out);
    CHECK(is_valid_utf8(o));
  }
}

TEST_CASE("decode and encode round-trip every length class") {
  for (char32_t cp : {U'A', U'\u00FC', U'\u65E5', U'\U0001F600', U'\U0010FFFF', U'\u0000'}) {
    std::string s;
    append_utf8(cp, s);
    CHECK(is_valid_utf8(s));
    size_t pos = 0;
    CHECK(decode_utf8(s, pos) == cp);
    CHECK(pos == s.size());
  }
}

TEST_CASE("decode_utf8_char: every lenience decodes every scalar value as the encoder wrote it") {
  std::string s;
  for (char32_t cp = 0; cp <= 0x10FFFF; cp += (cp < 0x20000 ? 1 : 61)) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    s.clear();
    append_utf8(cp, s);
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    for (const Utf8Char c :
         {decode_utf8_char<Utf8Lenience::kTrusted>(p, s.size()), decode_utf8_char<Utf8Lenience::kLeadByte>(p, s.size()),
          decode_utf8_char<Utf8Lenience::kStructural>(p, s.size())}) {
      REQUIRE(c.cp == cp);
      REQUIRE(c.len == s.size());
    }
    REQUIRE(previous_utf8_start(s, s.size()) == 0);
    size_t pos = 0;  // the position-advancing form (hf_unicode.h's next_code_point is it) too
    REQUIRE(decode_utf8(s, pos) == cp);
    REQUIRE(pos == s.size());
  }
}

TEST_CASE("decode_utf8_char: what each lenience makes of ill-formed input") {
  struct Row {
    std::string bytes;
    Utf8Char lead_byte, structural;
  };
  const Row rows[] = {
      {"\x80", {0xFFFD, 1}, {0xFFFD, 1}},                // lone continuation byte
      {"\xC0\xAF", {0xFFFD, 1}, {0xFFFD, 1}},            // C0, C1 never lead
      {"\xC3(", {0xE8, 2}, {0xFFFD, 1}},                 // lead-only takes any second byte
      {"\xC3", {0xFFFD, 1}, {0xFFFD, 1}},                // truncated at the end
      {"\xE0\x80\x80", {0, 3}, {0, 3}},                  // overlong form of U+0000
      {"\xED\xA0\x80", {0xD800, 3}, {0xD800, 3}},        // surrogate
      {"\xE6\x97", {0xFFFD, 1}, {0xFFFD, 1}},            // truncated 3-byte sequence
      {"\xF4\x90\x80\x80", {0xFFFD, 4}, {0x110000, 4}},  // above U+10FFFF
      {"\xF5\x80\x80\x80", {0xFFFD, 1}, {0xFFFD, 1}},    // F5 never leads
      {"\xF0\x9F\x98"
       "A",
       {0x1F601, 4},
       {0xFFFD, 1}},  // bad last byte, read as its low 6 bits
  };
  for (const Row& r : rows) {
    CAPTURE(r.bytes);
    const auto* p = reinterpret_cast<const unsigned char*>(r.bytes.data());
    const Utf8Char lead = decode_utf8_char<Utf8Lenience::kLeadByte>(p, r.bytes.size());
    const Utf8Char structural = decode_utf8_char<Utf8Lenience::kStructural>(p, r.bytes.size());
    CHECK(lead.cp == r.lead_byte.cp);
    CHECK(lead.len == r.lead_byte.len);
    CHECK(structural.cp == r.structural.cp);
    CHECK(structural.len == r.structural.len);
  }
}

TEST_CASE("previous_utf8_start steps back over at most three continuation bytes") {
  const std::string s = "a\xE6\x97\xA5";  // a日
  CHECK(previous_utf8_start(s, s.size()) == 1);
  CHECK(previous_utf8_start(s, 1) == 0);
  const std::string junk = "a\x80\x80\x80\x80";
  CHECK(previous_utf8_start(junk, junk.size()) == 1);
}

}  // namespace
}  // namespace bitmill
