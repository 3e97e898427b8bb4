// Converts literals (integers, strings, paths), imports and type annotations.
#include <llvm/ADT/DenseMap.h>

#include <cctype>
#include <cstdint>

#include "compiler/syntax/ast_builder.h"
#include "compiler/syntax/source_paths.h"
#include "compiler/syntax/string_literals.h"

namespace strata::syntax {

using antlr4::Token;
using antlr4::tree::ParseTree;
using diag::SourceRange;
using P = grammar::StrataParser;

const ast::Expr* AstBuilder::BuildInt(Token* token, const Token* minus) {
  SourceRange range = minus ? SourceRange::Join(Range(minus), Range(token)) : Range(token);
  std::string_view digits = TokenText(token);
  constexpr uint64_t kLimit = uint64_t{1} << 63;  // |least Int|
  uint64_t value = 0;
  bool overflow = false;
  for (char c : digits) {
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (kLimit - digit) / 10) {
      overflow = true;
      break;
    }
    value = value * 10 + digit;
  }
  if (overflow || (!minus && value == kLimit)) {
    diags_.Error(range,
                 "integer literal is too large: an Int is 64-bit (at most 9223372036854775807)");
    return Error(range);
  }
  int64_t result = minus ? static_cast<int64_t>(0 - value) : static_cast<int64_t>(value);
  return arena_.New<ast::IntLit>(range, result);
}

const ast::Expr* AstBuilder::MakeString(SourceRange range, const std::vector<StringPiece>& pieces) {
  llvm::SmallVector<ast::StringPart, 4> parts;
  for (const StringPiece& piece : pieces) {
    if (piece.expr)
      parts.push_back({std::string_view(), piece.expr});
    else if (!piece.text.empty())
      parts.push_back({arena_.Copy(std::string_view(piece.text)), nullptr});
  }
  return arena_.New<ast::StringLit>(range, arena_.Copy(llvm::ArrayRef<ast::StringPart>(parts)));
}

const ast::Expr* AstBuilder::BuildString(P::StringContext* ctx) {
  SourceRange range = Range(ctx);
  if (!ctx || ctx->exception || ctx->children.empty()) return Error(range);
  std::vector<StringPiece> pieces;
  if (Token* plain = TokenOf(ctx->children[0]); plain && plain->getType() == P::STRING) {
    std::string_view raw = TokenText(plain);
    if (raw.size() >= 2) AppendText(pieces, DecodeEscapes(raw.substr(1, raw.size() - 2)));
    return MakeString(range, pieces);
  }
  Depth depth(*this);
  if (TooDeep(0, range)) return Error(range);
  for (P::StringPartContext* part : ctx->stringPart()) {
    if (part->exception || part->children.empty()) return Error(range);
    Token* token = TokenOf(part->children[0]);
    switch (token ? token->getType() : 0) {
      case P::STR_TEXT:
        AppendText(pieces, DecodeEscapes(TokenText(token)));
        break;
      case P::STR_DOLLAR:
        AppendText(pieces, "$");
        break;
      case P::STR_BACKSLASH:
        AppendText(pieces, "\\");
        break;
      case P::STR_INTERP:
        pieces.push_back({"", BuildExpr(part->expr())});
        break;
      default:
        return Error(range);
    }
  }
  return MakeString(range, pieces);
}

const ast::Expr* AstBuilder::BuildIndString(P::IndStringContext* ctx) {
  SourceRange range = Range(ctx);
  if (!ctx || ctx->exception) return Error(range);
  Depth depth(*this);
  if (TooDeep(0, range)) return Error(range);
  using Kind = IndentedPiece::Kind;
  std::vector<IndentedPiece> pieces;
  for (P::IndPartContext* part : ctx->indPart()) {
    if (part->exception || part->children.empty()) return Error(range);
    Token* token = TokenOf(part->children[0]);
    switch (token ? token->getType() : 0) {
      case P::IND_TEXT:
      case P::IND_QUOTE:
      case P::IND_DOLLAR:
        pieces.push_back({Kind::kRaw, std::string(TokenText(token))});
        break;
      case P::IND_ESCAPE: {
        std::string_view text = TokenText(token);  // ''' or ''$ or ''\c
        std::string decoded;
        if (text == "'''")
          decoded = "''";
        else if (text == "''$")
          decoded = "$";
        else if (text.size() >= 4)
          decoded = DecodeEscapes(text.substr(2));
        pieces.push_back({Kind::kEscaped, decoded});
        break;
      }
      case P::IND_INTERP:
        pieces.push_back({Kind::kInterpolation, "", BuildExpr(part->expr())});
        break;
      default:
        return Error(range);
    }
  }
  return MakeString(range, StripIndentation(std::move(pieces)));
}

const ast::Expr* AstBuilder::BuildPath(Token* token) {
  std::string_view written = TokenText(token);
  std::string path = ResolvePath(written, base_dir_);
  return arena_.New<ast::PathLit>(Range(token), arena_.Copy(std::string_view(path)),
                                  arena_.Copy(written));
}

const ast::Expr* AstBuilder::BuildImport(P::PrimaryContext* ctx) {
  SourceRange range = Range(ctx);
  P::PrimaryContext* target = ctx->primary();
  if (!target) return Error(range);
  Token* token = target->children.size() == 1 ? TokenOf(target->children[0]) : nullptr;
  if (token && token->getType() == P::PATH) {
    std::string path = ResolvePath(TokenText(token), base_dir_);
    return arena_.New<ast::Import>(range, arena_.Copy(std::string_view(path)), false);
  }
  if (token && token->getType() == P::STD_PATH) {
    std::string_view name = TokenText(token);
    name = name.substr(1, name.size() - 2);  // without < >
    return arena_.New<ast::Import>(range, arena_.Copy(name), true);
  }
  if (token && token->getType() == P::LABEL) {
    // `//libs/base` stays as written (no path literal starts with `//`); the module loader
    // resolves it against the workspace root.
    std::string_view label = TokenText(token);
    while (label.size() > 2 && label.back() == '/') label.remove_suffix(1);
    return arena_.New<ast::Import>(range, arena_.Copy(label), false);
  }
  diags_.Error(Range(target),
               "import takes a path literal (import ./dir), a workspace package "
               "(import //dir) or a stdlib module (import <std/NAME>)");
  return Error(range);
}

// ---- Types ----

const ast::TypeExpr* AstBuilder::BuildType(P::TypeContext* ctx) {
  // type : typeApp (IMPL type)? — right associative; walk it with a loop.
  SourceRange range = Range(ctx);
  llvm::SmallVector<P::TypeAppContext*, 4> parts;
  for (P::TypeContext* cur = ctx; cur;) {
    if (cur->exception || !cur->typeApp()) return arena_.New<ast::ErrorType>(range);
    parts.push_back(cur->typeApp());
    cur = cur->type();
  }
  if (TooDeep(parts.size(), range)) return arena_.New<ast::ErrorType>(range);
  Depth depth(*this, static_cast<int>(parts.size()));
  const ast::TypeExpr* type = BuildTypeApp(parts.back());
  for (size_t i = parts.size() - 1; i-- > 0;) {
    SourceRange joined = SourceRange::Join(Range(parts[i]), type->range());
    type = arena_.New<ast::FunctionType>(joined, BuildTypeApp(parts[i]), type);
  }
  return type;
}

const ast::TypeExpr* AstBuilder::BuildTypeApp(P::TypeAppContext* ctx) {
  SourceRange range = Range(ctx);
  std::vector<P::TypeAtomContext*> atoms = ctx->typeAtom();
  if (ctx->exception || atoms.empty()) return arena_.New<ast::ErrorType>(range);
  Token* head = atoms[0]->children.size() == 1 ? TokenOf(atoms[0]->children[0]) : nullptr;
  bool is_list = head && head->getType() == P::ID && TokenText(head) == "List";
  if (is_list && atoms.size() == 2)
    return arena_.New<ast::ListType>(range, BuildTypeAtom(atoms[1]));
  if (is_list) {
    diags_.Error(range, "List takes one type argument, as in 'List String'");
    return arena_.New<ast::ErrorType>(range);
  }
  if (atoms.size() > 1) {
    diags_.Error(Range(atoms[1]), "unexpected type argument: only List takes one");
    return arena_.New<ast::ErrorType>(range);
  }
  return BuildTypeAtom(atoms[0]);
}

const ast::TypeExpr* AstBuilder::BuildTypeAtom(P::TypeAtomContext* ctx) {
  SourceRange range = Range(ctx);
  if (!ctx || ctx->exception || ctx->children.empty()) return arena_.New<ast::ErrorType>(range);
  Token* first = TokenOf(ctx->children[0]);
  if (!first) return arena_.New<ast::ErrorType>(range);
  if (first->getType() == P::ID) {
    std::string_view name = TokenText(first);
    Symbol symbol = Symbol::Intern(name);
    if (std::isupper(static_cast<unsigned char>(name[0])))
      return arena_.New<ast::NamedType>(range, symbol);
    return arena_.New<ast::VarType>(range, symbol);
  }
  Depth depth(*this);
  if (TooDeep(0, range)) return arena_.New<ast::ErrorType>(range);
  if (first->getType() == P::LPAREN) {
    if (!ctx->type()) return arena_.New<ast::ErrorType>(range);
    return BuildType(ctx->type());
  }
  // A record type.
  llvm::SmallVector<ast::RecordTypeField, 8> fields;
  llvm::DenseMap<const void*, SourceRange> seen;
  for (P::TypeFieldContext* field : ctx->typeField()) {
    if (field->exception || !field->ID() || !field->type()) continue;
    Token* name_token = field->ID()->getSymbol();
    Symbol name = Symbol::Intern(TokenText(name_token));
    auto [it, inserted] = seen.try_emplace(name.opaque(), Range(name_token));
    if (!inserted) {
      diag::Diagnostic& d = diags_.Error(
          Range(name_token), "duplicate field '" + std::string(name.str()) + "' in record type");
      d.notes.push_back({it->second, "'" + std::string(name.str()) + "' first defined here"});
      continue;
    }
    fields.push_back({name, Range(name_token), BuildType(field->type())});
  }
  return arena_.New<ast::RecordType>(
      range, arena_.Copy(llvm::ArrayRef<ast::RecordTypeField>(fields)), ctx->ELLIPSIS() != nullptr);
}

const ast::TypeExpr* AstBuilder::BuildTypeFile(P::TypeFileContext* ctx) {
  if (!ctx || !ctx->type())
    return arena_.New<ast::ErrorType>(SourceRange{file_, 0, static_cast<uint32_t>(text_.size())});
  return BuildType(ctx->type());
}

}  // namespace strata::syntax
