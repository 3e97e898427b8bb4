// Go's strconv.Quote, for the BuildKit-compatible AST dump.
#include "compiler/dockerfile/go_quote.h"

#include "compiler/dockerfile/text_util.h"

namespace strata::dockerfile {
namespace {

void AppendHex(std::string& out, uint32_t value, int digits) {
  static const char kHex[] = "0123456789abcdef";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kHex[(value >> shift) & 0xF];
}

}  // namespace

std::string GoQuote(std::string_view text) {
  std::string out = "\"";
  for (size_t pos = 0; pos < text.size();) {
    Rune rune = DecodeRune(text, pos);
    pos += rune.width;
    uint32_t r = rune.value;
    if (IsRawByte(r)) {
      out += "\\x";
      AppendHex(out, r - kRawByteBase, 2);
      continue;
    }
    if (r == '"' || r == '\\') {
      out += '\\';
      out += static_cast<char>(r);
      continue;
    }
    if (IsPrintRune(r)) {
      AppendRune(out, r);
      continue;
    }
    switch (r) {
      case '\a':
        out += "\\a";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\v':
        out += "\\v";
        continue;
      default:
        break;
    }
    if (r < ' ' || r == 0x7F) {
      out += "\\x";
      AppendHex(out, r, 2);
    } else if (r < 0x10000) {
      out += "\\u";
      AppendHex(out, r, 4);
    } else {
      out += "\\U";
      AppendHex(out, r, 8);
    }
  }
  out += '"';
  return out;
}

}  // namespace strata::dockerfile
