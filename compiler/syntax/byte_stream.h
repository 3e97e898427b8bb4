// The generated StrataLexer's input, one code point per byte of the source: the product lexes
// with lexer.h; the generated lexer is the oracle of its differential test.
#pragma once

#include <antlr4-runtime.h>

#include <string_view>

namespace strata::syntax {

// Feeds the lexer one code point per byte, so token indices are byte offsets and invalid
// UTF-8 reaches the lexer as ordinary (unexpected) characters instead of a decoder exception.
class ByteStream : public antlr4::ANTLRInputStream {
 public:
  explicit ByteStream(std::string_view bytes) {
    _data.resize(bytes.size());
    for (size_t i = 0; i < bytes.size(); ++i) _data[i] = static_cast<unsigned char>(bytes[i]);
    p = 0;
  }
};

}  // namespace strata::syntax
