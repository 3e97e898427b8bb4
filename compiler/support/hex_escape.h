// Escaping bytes as a prefix and two hex digits: URIs, package URLs and safe file names.
#pragma once

#include <string>
#include <string_view>

namespace strata::support {

struct HexEscapeStyle {
  std::string_view keep;  // punctuation kept as is, besides ASCII letters and digits
  char prefix = '%';      // written before the two hex digits of any other byte
  bool upper = true;      // "%2F" (RFC 3986's preference) or "_2f"
};

// `text` with every byte that is not an ASCII letter, a digit or in `style.keep` escaped.
// Injective whenever `style.prefix` is not kept.
std::string HexEscape(std::string_view text, const HexEscapeStyle& style);

}  // namespace strata::support
