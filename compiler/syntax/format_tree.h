// Turns a Strata parse tree (with its comments) into a formatter document: the layout rules
// of docs/fmt.md, one method per grammar rule. Internal to the syntax folder.
#pragma once

#include <antlr4-runtime.h>

#include <string_view>
#include <vector>

#include "StrataParser.h"
#include "compiler/syntax/format_doc.h"
#include "compiler/syntax/format_trivia.h"

namespace strata::syntax::format {

class TreeFormatter {
 public:
  using P = grammar::StrataParser;
  TreeFormatter(DocArena& arena, const Trivia& trivia, std::string_view text)
      : a_(arena), trivia_(trivia), text_(text) {}

  DocId File(P::FileContext* ctx);

 private:
  // Tokens with their comments: Tok (leading comments, text, trailing comments); for closing
  // tokens, LeadingInside goes inside the indented block and Bare after its line break.
  DocId Tok(antlr4::tree::ParseTree* terminal);
  DocId TokOf(antlr4::Token* token);
  DocId LeadingInside(antlr4::tree::ParseTree* terminal);
  DocId Bare(antlr4::tree::ParseTree* terminal);
  // A closing token's text and its end-of-line comments apart: the comments go after the
  // bracketed construct's group, so `{ a = 1; } # note` does not break the record.
  DocId BareText(antlr4::tree::ParseTree* terminal);
  DocId Trailing(antlr4::tree::ParseTree* terminal);
  DocId Closed(DocId group, antlr4::tree::ParseTree* close);
  DocId CommentsOnly(antlr4::tree::ParseTree* terminal);
  void AppendLeading(const TokenTrivia& trivia, std::vector<DocId>& parts);
  void AppendTrailing(const TokenTrivia& trivia, std::vector<DocId>& parts);
  const TokenTrivia& TriviaOf(antlr4::tree::ParseTree* terminal) const;

  DocId Expr(P::ExprContext* ctx, bool root = false);
  DocId Lambda(P::ExprContext* ctx, bool root);
  DocId Let(P::ExprContext* ctx);
  DocId If(P::ExprContext* ctx);
  DocId Binding(P::BindingContext* ctx);
  DocId AttrPath(P::AttrPathContext* ctx);
  DocId Attr(P::AttrContext* ctx);
  DocId OpExpr(P::OpExprContext* ctx);
  DocId App(P::AppContext* ctx);
  DocId Select(P::SelectContext* ctx);
  DocId LastArgument(P::SelectContext* item, DocId doc);

  // OpExpr, App, Select and LastArgument are in format_tree_apply.cpp; the rest of the
  // primaries in format_tree_atoms.cpp.
  DocId Primary(P::PrimaryContext* ctx);
  DocId Record(const std::vector<antlr4::tree::ParseTree*>& children, size_t open);
  DocId List(P::PrimaryContext* ctx);
  DocId String(antlr4::ParserRuleContext* ctx);
  DocId Pattern(P::PatternContext* ctx);
  DocId PatternField(P::PatternFieldContext* ctx);
  DocId Type(P::TypeContext* ctx);
  DocId TypeAtom(P::TypeAtomContext* ctx);
  // Whether a primary is one of the bracketed forms an application's last argument may hug.
  static bool Huggable(P::SelectContext* ctx);

  DocArena& a_;
  const Trivia& trivia_;
  std::string_view text_;
};

// The token type of a terminal child, or 0 for a rule.
size_t TokenType(antlr4::tree::ParseTree* tree);

}  // namespace strata::syntax::format
