// UTF-8 decoding and the few Unicode classes (space, letter, digit) Go's parser relies on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace strata::dockerfile {

// A decoded code point. An invalid UTF-8 byte B decodes as kRawByteBase + B with width 1, so
// that re-encoding gives the input back byte for byte (Go would turn it into U+FFFD).
inline constexpr uint32_t kRawByteBase = 0x110000;

struct Rune {
  uint32_t value = 0;
  uint32_t width = 0;
};

// Decodes the code point starting at text[pos] (pos < text.size()).
Rune DecodeRune(std::string_view text, size_t pos);
// Appends the UTF-8 encoding of `rune` (raw bytes for kRawByteBase + B).
void AppendRune(std::string& out, uint32_t rune);
bool IsRawByte(uint32_t rune);

// Go's unicode.IsSpace: ASCII white space, U+0085, U+00A0 and the Z* separators.
bool IsSpaceRune(uint32_t rune);
// An approximation of unicode.IsLetter / IsDigit: exact for ASCII; other code points count as
// letters unless they are separators, controls or common punctuation blocks.
bool IsLetterRune(uint32_t rune);
bool IsDigitRune(uint32_t rune);
// Go's strconv.IsPrint, approximated outside ASCII (controls, separators, format characters,
// private use and noncharacters are not printable).
bool IsPrintRune(uint32_t rune);

// Go's regexp `[\t\v\f\r ]`, the separator of whitespace-delimited arguments.
inline bool IsArgSpace(char c) {
  return c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == ' ';
}
// unicode.IsSpace for one byte (Go code that indexes bytes, not runes).
inline bool IsSpaceByte(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u == ' ' || (u >= '\t' && u <= '\r') || u == 0x85 || u == 0xA0;
}

// strings.TrimSpace / TrimLeftFunc(IsSpace) on UTF-8 text.
std::string_view TrimSpace(std::string_view text);
std::string_view TrimLeftSpace(std::string_view text);
std::string ToLowerAscii(std::string_view text);

}  // namespace strata::dockerfile
