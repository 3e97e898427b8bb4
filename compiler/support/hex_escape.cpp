// HexEscape: the one byte escaper behind file URIs, purls and cache-mount directory names.
#include "compiler/support/hex_escape.h"

#include <cctype>

namespace strata::support {

std::string HexEscape(std::string_view text, const HexEscapeStyle& style) {
  const char* hex = style.upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || style.keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += style.prefix;
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace strata::support
