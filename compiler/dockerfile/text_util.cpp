// UTF-8 decoding and the few Unicode classes (space, letter, digit) Go's parser relies on.
#include "compiler/dockerfile/text_util.h"

namespace strata::dockerfile {

Rune DecodeRune(std::string_view text, size_t pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char b0 = byte(pos);
  if (b0 < 0x80) return {b0, 1};
  size_t need = 0;
  uint32_t value = 0, min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1, value = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2, value = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3, value = b0 & 0x07, min = 0x10000;
  } else {
    return {kRawByteBase + b0, 1};
  }
  if (pos + need >= text.size()) return {kRawByteBase + b0, 1};
  for (size_t i = 1; i <= need; ++i) {
    unsigned char b = byte(pos + i);
    if ((b & 0xC0) != 0x80) return {kRawByteBase + b0, 1};
    value = (value << 6) | (b & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
    return {kRawByteBase + b0, 1};
  return {value, static_cast<uint32_t>(need + 1)};
}

bool IsRawByte(uint32_t rune) { return rune >= kRawByteBase; }

void AppendRune(std::string& out, uint32_t rune) {
  if (rune >= kRawByteBase) {
    out += static_cast<char>(rune - kRawByteBase);
  } else if (rune < 0x80) {
    out += static_cast<char>(rune);
  } else if (rune < 0x800) {
    out += static_cast<char>(0xC0 | (rune >> 6));
    out += static_cast<char>(0x80 | (rune & 0x3F));
  } else if (rune < 0x10000) {
    out += static_cast<char>(0xE0 | (rune >> 12));
    out += static_cast<char>(0x80 | ((rune >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (rune & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (rune >> 18));
    out += static_cast<char>(0x80 | ((rune >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((rune >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (rune & 0x3F));
  }
}

bool IsSpaceRune(uint32_t r) {
  if (r < 0x100) return r == ' ' || (r >= '\t' && r <= '\r') || r == 0x85 || r == 0xA0;
  return r == 0x1680 || (r >= 0x2000 && r <= 0x200A) || r == 0x2028 || r == 0x2029 || r == 0x202F ||
         r == 0x205F || r == 0x3000;
}

bool IsDigitRune(uint32_t r) { return r >= '0' && r <= '9'; }

bool IsLetterRune(uint32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  if (r >= kRawByteBase) return false;
  if (r < 0xC0) return r == 0xAA || r == 0xB5 || r == 0xBA;
  if (r == 0xD7 || r == 0xF7) return false;
  if (IsSpaceRune(r)) return false;
  if (r >= 0x2000 && r <= 0x2BFF) return false;  // punctuation, symbols, arrows, boxes
  if (r >= 0x3000 && r <= 0x303F) return false;  // CJK punctuation
  if (r >= 0xD800 && r <= 0xF8FF) return false;  // surrogates, private use
  if (r >= 0xFE00 && r <= 0xFE0F) return false;  // variation selectors
  if (r >= 0xFF00 && r <= 0xFF20) return false;  // full-width punctuation and digits
  if (r >= 0x1F000) return false;                // emoji and beyond
  return true;
}

bool IsPrintRune(uint32_t r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7F;
  if (r >= kRawByteBase) return false;
  if (r < 0xA0 || r == 0xA0 || r == 0xAD) return false;
  if (IsSpaceRune(r)) return false;
  if ((r >= 0x600 && r <= 0x605) || r == 0x61C || r == 0x6DD || r == 0x70F || r == 0x180E)
    return false;
  if ((r >= 0x200B && r <= 0x200F) || (r >= 0x2028 && r <= 0x202E) || (r >= 0x2060 && r <= 0x206F))
    return false;
  if (r >= 0xD800 && r <= 0xF8FF) return false;
  if (r == 0xFEFF || (r >= 0xFFF0 && r <= 0xFFFB) || r == 0xFFFE || r == 0xFFFF) return false;
  if ((r & 0xFFFE) == 0xFFFE) return false;
  if (r >= 0xE0000) return false;  // tags, supplementary private use
  return true;
}

std::string_view TrimLeftSpace(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    Rune rune = DecodeRune(text, pos);
    if (!IsSpaceRune(rune.value)) break;
    pos += rune.width;
  }
  return text.substr(pos);
}

std::string_view TrimSpace(std::string_view text) {
  text = TrimLeftSpace(text);
  // Trailing: step back over ASCII space and the multi-byte spaces.
  while (!text.empty()) {
    size_t start = text.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80 &&
           text.size() - start < 4)
      --start;
    Rune rune = DecodeRune(text, start);
    if (start + rune.width != text.size() || !IsSpaceRune(rune.value)) break;
    text.remove_suffix(rune.width);
  }
  return text;
}

std::string ToLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace strata::dockerfile
