// Go's strconv.Quote, for the BuildKit-compatible AST dump.
#pragma once

#include <string>
#include <string_view>

namespace strata::dockerfile {

// `"..."` with `\"`, `\\`, `\a \b \f \n \r \t \v`, `\xNN` for other control bytes and invalid
// UTF-8, `\uXXXX`/`\UXXXXXXXX` for non-printable code points; printable Unicode kept as is.
std::string GoQuote(std::string_view text);

}  // namespace strata::dockerfile
