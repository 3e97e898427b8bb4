// The formatter's layout of primaries: records, lists, parentheses, strings (verbatim apart
// from the code inside `${ }`), function patterns and types (docs/fmt.md).
#include "compiler/syntax/format_tree.h"

namespace strata::syntax::format {

using antlr4::tree::ParseTree;
using P = grammar::StrataParser;

bool TreeFormatter::Huggable(P::SelectContext* ctx) {
  if (ctx->children.size() != 1) return false;
  auto* primary = ctx->primary();
  if (primary->indString()) return true;
  switch (TokenType(primary->children[0])) {
    case P::LBRACE:
    case P::LBRACK:
    case P::LPAREN:
    case P::REC:
      return true;
    default:
      return false;
  }
}

DocId TreeFormatter::Primary(P::PrimaryContext* ctx) {
  const auto& kids = ctx->children;
  if (ctx->string()) return String(ctx->string());
  if (ctx->indString()) return String(ctx->indString());
  switch (TokenType(kids[0])) {
    case P::LPAREN: {  // ( e ) or ( e :: T )
      std::vector<DocId> parts{Tok(kids[0]), Expr(ctx->expr())};
      if (ctx->type()) {
        parts.push_back(a_.Text(" "));
        parts.push_back(Tok(kids[2]));
        parts.push_back(a_.Text(" "));
        parts.push_back(Type(ctx->type()));
      }
      parts.push_back(Tok(kids.back()));
      return a_.Concat(std::move(parts));
    }
    case P::LBRACE:
      return Record(kids, 0);
    case P::REC:
      return a_.Concat({Tok(kids[0]), a_.Text(" "), Record(kids, 1)});
    case P::LBRACK:
      return List(ctx);
    case P::IMPORT:
      return a_.Concat({Tok(kids[0]), a_.Text(" "), Primary(ctx->primary())});
    default:
      return Tok(kids[0]);
  }
}

// `{ a = 1; b = 2; }` when it fits and the source had it on one line; else one binding a line.
DocId TreeFormatter::Record(const std::vector<ParseTree*>& kids, size_t open) {
  ParseTree* close = kids.back();
  std::vector<DocId> inner;
  for (size_t i = open + 1; i + 1 < kids.size(); ++i) {
    inner.push_back(a_.Line());
    inner.push_back(Binding(static_cast<P::BindingContext*>(kids[i])));
  }
  if (inner.empty() && TriviaOf(close).leading.empty())
    return a_.Concat({Tok(kids[open]), a_.Text(" "), Bare(close)});
  inner.push_back(LeadingInside(close));
  return Closed(a_.Group({Tok(kids[open]), a_.Indent(std::move(inner)), a_.Line(), BareText(close)},
                         TriviaOf(kids[open]).newline_after),
                close);
}

// `[ a b c ]` when it fits; else the elements on indented lines, as many a line as fit when
// they are all one-line values without brackets, else one a line. A string over several
// lines is never flat in a list: its elements would hang off the string's last line.
DocId TreeFormatter::List(P::PrimaryContext* ctx) {
  const auto& kids = ctx->children;
  ParseTree* close = kids.back();
  std::vector<P::SelectContext*> items = ctx->select();
  if (items.empty() && TriviaOf(close).leading.empty())
    return a_.Concat({Tok(kids[0]), a_.Text(" "), Bare(close)});
  bool plain = true;
  bool multiline_string = false;  // a string over several lines: one element a line
  for (P::SelectContext* item : items) {
    bool multiline = item->getStart()->getLine() != item->getStop()->getLine();
    if (Huggable(item) || multiline) plain = false;
    if (multiline && item->children.size() == 1 &&
        (item->primary()->string() || item->primary()->indString()))
      multiline_string = true;
  }
  std::vector<DocId> elements;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) elements.push_back(a_.Line());
    elements.push_back(Select(items[i]));
  }
  DocId body = plain ? a_.Fill(std::move(elements)) : a_.Concat(std::move(elements));
  return Closed(a_.Group({Tok(kids[0]), a_.Indent({a_.Line(), body, LeadingInside(close)}),
                          a_.Line(), BareText(close)},
                         multiline_string),
                close);
}

// "...", ''...'': the text verbatim, the code of each `${ }` formatted.
DocId TreeFormatter::String(antlr4::ParserRuleContext* ctx) {
  std::vector<DocId> parts;
  for (ParseTree* kid : ctx->children) {
    if (TokenType(kid)) {
      parts.push_back(Tok(kid));
      continue;
    }
    auto* part = static_cast<antlr4::ParserRuleContext*>(kid);
    for (ParseTree* piece : part->children) {
      if (TokenType(piece))
        parts.push_back(Tok(piece));
      else
        parts.push_back(a_.FlatGroup({Expr(static_cast<P::ExprContext*>(piece))}));
    }
  }
  return a_.Concat(std::move(parts));
}

// `{ a, b ? 1, ... }` when it fits, else the fields on indented lines, as many a line as fit.
DocId TreeFormatter::Pattern(P::PatternContext* ctx) {
  std::vector<DocId> parts;
  for (ParseTree* kid : ctx->children) {
    if (TokenType(kid) == P::RBRACE) continue;
    if (TokenType(kid)) {
      if (TokenType(kid) == P::LBRACE) {
        parts.push_back(Tok(kid));
        const auto& fields = ctx->patternFields()->children;
        ParseTree* close = ctx->RBRACE();
        if (fields.empty() && TriviaOf(close).leading.empty()) {
          parts.push_back(a_.Text(" "));
          parts.push_back(Bare(close));
          continue;
        }
        std::vector<DocId> items;  // each field with the comma after it
        for (size_t i = 0; i < fields.size(); ++i) {
          size_t type = TokenType(fields[i]);
          if (type == P::COMMA) {
            DocId comma = i + 1 < fields.size() ? Tok(fields[i])
                                                : CommentsOnly(fields[i]);  // no trailing comma
            items.back() = a_.Concat({items.back(), comma});
            continue;
          }
          if (!items.empty()) items.push_back(a_.Line());
          items.push_back(type == P::ELLIPSIS
                              ? Tok(fields[i])
                              : PatternField(static_cast<P::PatternFieldContext*>(fields[i])));
        }
        std::vector<DocId> inner{a_.Line(), a_.Fill(std::move(items)), LeadingInside(close)};
        parts.push_back(
            Closed(a_.Group({a_.Indent(std::move(inner)), a_.Line(), BareText(close)}), close));
        continue;
      }
      parts.push_back(Tok(kid));  // ID or `@`
    }
  }
  // `@` binds to its neighbours without spaces: `args@{ a }` and `{ a }@args`.
  return a_.Group(std::move(parts));
}

DocId TreeFormatter::PatternField(P::PatternFieldContext* ctx) {
  std::vector<DocId> parts;
  for (ParseTree* kid : ctx->children) {
    switch (TokenType(kid)) {
      case 0:
        if (auto* type = dynamic_cast<P::TypeContext*>(kid))
          parts.push_back(Type(type));
        else
          parts.push_back(Expr(static_cast<P::ExprContext*>(kid)));
        break;
      case P::DCOLON:
      case P::QUESTION:
        parts.push_back(a_.Text(" "));
        parts.push_back(Tok(kid));
        parts.push_back(a_.Text(" "));
        break;
      default:
        parts.push_back(Tok(kid));
    }
  }
  return a_.Concat(std::move(parts));
}

// Types stay on one line: `List a -> { name :: String; ... } -> b`.
DocId TreeFormatter::Type(P::TypeContext* ctx) {
  std::vector<DocId> parts;
  const auto& atoms = ctx->typeApp()->typeAtom();
  for (size_t i = 0; i < atoms.size(); ++i) {
    if (i > 0) parts.push_back(a_.Text(" "));
    parts.push_back(TypeAtom(atoms[i]));
  }
  if (ctx->type()) {
    parts.push_back(a_.Text(" "));
    parts.push_back(Tok(ctx->IMPL()));
    parts.push_back(a_.Text(" "));
    parts.push_back(Type(ctx->type()));
  }
  return a_.Concat(std::move(parts));
}

DocId TreeFormatter::TypeAtom(P::TypeAtomContext* ctx) {
  const auto& kids = ctx->children;
  switch (TokenType(kids[0])) {
    case P::LPAREN:
      return a_.Concat({Tok(kids[0]), Type(ctx->type()), Tok(kids[2])});
    case P::LBRACE: {
      if (kids.size() == 2) return a_.Concat({Tok(kids[0]), a_.Text(" "), Tok(kids[1])});
      std::vector<DocId> parts{Tok(kids[0])};
      for (size_t i = 1; i + 1 < kids.size(); ++i) {
        if (TokenType(kids[i]) == P::SEMI) {
          parts.push_back(Tok(kids[i]));
          continue;
        }
        parts.push_back(a_.Text(" "));
        if (TokenType(kids[i]) == P::ELLIPSIS) {
          parts.push_back(Tok(kids[i]));
          continue;
        }
        auto* field = static_cast<P::TypeFieldContext*>(kids[i]);  // ID :: type
        parts.push_back(Tok(field->children[0]));
        parts.push_back(a_.Text(" "));
        parts.push_back(Tok(field->children[1]));
        parts.push_back(a_.Text(" "));
        parts.push_back(Type(field->type()));
      }
      parts.push_back(a_.Text(" "));
      parts.push_back(Tok(kids.back()));
      return a_.Concat(std::move(parts));
    }
    default:
      return Tok(kids[0]);
  }
}

}  // namespace strata::syntax::format
