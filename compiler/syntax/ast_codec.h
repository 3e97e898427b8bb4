// A compact binary encoding of one file's AST, for the parse cache (parse_cache.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "compiler/diag/source.h"
#include "compiler/syntax/ast.h"

namespace strata::syntax {

// Encodes the AST of `file` (every range must lie in `file` or be invalid). Nullopt when the
// tree cannot be encoded (a range in another file): then it is simply not cached.
std::optional<std::string> EncodeAst(const ast::Expr* root, diag::FileId file);

// Decodes what EncodeAst wrote, allocating the nodes in `arena`, with every range in `file`.
// Checks every length, index, tag and range against the input and `source_size`: damaged
// input gives null (the caller then parses the source), never a crash or a wrong tree shape.
const ast::Expr* DecodeAst(std::string_view bytes, diag::FileId file, size_t source_size,
                           ast::Arena& arena);

}  // namespace strata::syntax
