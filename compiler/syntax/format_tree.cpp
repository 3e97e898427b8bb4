// The formatter's layout of tokens, comments and expressions: lambdas, let, if, assert and
// bindings (docs/fmt.md).
#include "compiler/syntax/format_tree.h"

namespace strata::syntax::format {

using antlr4::ParserRuleContext;
using antlr4::tree::ParseTree;
using antlr4::tree::TerminalNode;
using P = grammar::StrataParser;

size_t TokenType(ParseTree* tree) {
  auto* node = dynamic_cast<TerminalNode*>(tree);
  return node ? node->getSymbol()->getType() : 0;
}

namespace {
antlr4::Token* SymbolOf(ParseTree* tree) { return static_cast<TerminalNode*>(tree)->getSymbol(); }
}  // namespace

const TokenTrivia& TreeFormatter::TriviaOf(ParseTree* terminal) const {
  return trivia_.Of(SymbolOf(terminal)->getTokenIndex());
}

void TreeFormatter::AppendLeading(const TokenTrivia& trivia, std::vector<DocId>& parts) {
  for (const Comment& comment : trivia.leading) {
    if (comment.blank_before) parts.push_back(a_.BlankLine());
    parts.push_back(a_.NewlineIfNot());
    parts.push_back(a_.BreakParent());
    parts.push_back(a_.Comment(comment.text));
    parts.push_back(a_.HardLine());
  }
  if (trivia.blank_before) {
    parts.push_back(a_.BlankLine());
    parts.push_back(a_.BreakParent());
  }
}

void TreeFormatter::AppendTrailing(const TokenTrivia& trivia, std::vector<DocId>& parts) {
  for (const Comment& comment : trivia.trailing) {
    if (comment.block) {
      parts.push_back(a_.Comment(" " + comment.text));
    } else {
      parts.push_back(a_.LineSuffix(" " + comment.text));
      parts.push_back(a_.BreakIfMore());
    }
  }
}

DocId TreeFormatter::TokOf(antlr4::Token* token) {
  const TokenTrivia& trivia = trivia_.Of(token->getTokenIndex());
  std::vector<DocId> parts;
  AppendLeading(trivia, parts);
  if (token->getType() != antlr4::Token::EOF)
    parts.push_back(a_.Text(std::string(
        text_.substr(token->getStartIndex(), token->getStopIndex() + 1 - token->getStartIndex()))));
  AppendTrailing(trivia, parts);
  return parts.size() == 1 ? parts[0] : a_.Concat(std::move(parts));
}

DocId TreeFormatter::Tok(ParseTree* terminal) { return TokOf(SymbolOf(terminal)); }

DocId TreeFormatter::LeadingInside(ParseTree* terminal) {
  std::vector<DocId> parts;
  for (const Comment& comment : TriviaOf(terminal).leading) {
    if (comment.blank_before) parts.push_back(a_.BlankLine());
    parts.push_back(a_.NewlineIfNot());
    parts.push_back(a_.BreakParent());
    parts.push_back(a_.Comment(comment.text));
  }
  return a_.Concat(std::move(parts));
}

DocId TreeFormatter::Bare(ParseTree* terminal) {
  antlr4::Token* token = SymbolOf(terminal);
  std::vector<DocId> parts{a_.Text(std::string(
      text_.substr(token->getStartIndex(), token->getStopIndex() + 1 - token->getStartIndex())))};
  AppendTrailing(TriviaOf(terminal), parts);
  return a_.Concat(std::move(parts));
}

DocId TreeFormatter::BareText(ParseTree* terminal) {
  antlr4::Token* token = SymbolOf(terminal);
  return a_.Text(std::string(
      text_.substr(token->getStartIndex(), token->getStopIndex() + 1 - token->getStartIndex())));
}

DocId TreeFormatter::Trailing(ParseTree* terminal) {
  std::vector<DocId> parts;
  AppendTrailing(TriviaOf(terminal), parts);
  return a_.Concat(std::move(parts));
}

DocId TreeFormatter::Closed(DocId group, ParseTree* close) {
  return TriviaOf(close).trailing.empty() ? group : a_.Concat({group, Trailing(close)});
}

DocId TreeFormatter::CommentsOnly(ParseTree* terminal) {
  std::vector<DocId> parts;
  const TokenTrivia& trivia = TriviaOf(terminal);
  for (const Comment& comment : trivia.leading) {
    parts.push_back(a_.NewlineIfNot());
    parts.push_back(a_.BreakParent());
    parts.push_back(a_.Comment(comment.text));
    parts.push_back(a_.HardLine());
  }
  AppendTrailing(trivia, parts);
  return a_.Concat(std::move(parts));
}

DocId TreeFormatter::File(P::FileContext* ctx) {
  return a_.Concat({Expr(ctx->expr(), true), Tok(ctx->EOF())});
}

DocId TreeFormatter::Expr(P::ExprContext* ctx, bool root) {
  const auto& kids = ctx->children;
  switch (TokenType(kids[0])) {
    case P::ID:
      if (kids.size() > 1 && TokenType(kids[1]) == P::COLON) return Lambda(ctx, root);
      break;
    case 0:
      if (ctx->pattern()) return Lambda(ctx, root);
      return OpExpr(ctx->opExpr());
    case P::LET:
      return Let(ctx);
    case P::IF:
      return If(ctx);
    case P::ASSERT:
    case P::WITH: {  // the body on the next line (indented but in the file's top level) when
                     // it does not fit or the source put it there
      DocId line = TriviaOf(kids[2]).newline_after ? a_.HardLine() : a_.Line();
      DocId body = Expr(ctx->expr(1), root);
      return a_.Group({Tok(kids[0]), a_.Text(" "), Expr(ctx->expr(0)), Tok(kids[2]),
                       root ? a_.Concat({line, body}) : a_.Indent({line, body})});
    }
  }
  return OpExpr(ctx->opExpr());
}

// `x: body` and `{ a, b ? 1 }: body`: the body stays on the head's line unless the source
// put it on the next one (then indented, except for the whole file's function).
DocId TreeFormatter::Lambda(P::ExprContext* ctx, bool root) {
  ParseTree* colon = ctx->COLON();
  DocId head = ctx->pattern() ? Pattern(ctx->pattern()) : Tok(ctx->ID());
  DocId body = Expr(ctx->expr(0), root);
  if (!TriviaOf(colon).newline_after) return a_.Concat({head, Tok(colon), a_.Text(" "), body});
  if (root) return a_.Concat({head, Tok(colon), a_.HardLine(), body});
  return a_.Concat({head, Tok(colon), a_.Indent({a_.HardLine(), body})});
}

// `let` bindings `in` body: flat when all of it fits and was written on one line, else one
// binding a line and `in` on its own line, the body after it.
DocId TreeFormatter::Let(P::ExprContext* ctx) {
  std::vector<DocId> inner;
  for (P::BindingContext* binding : ctx->binding()) {
    inner.push_back(a_.Line());
    inner.push_back(Binding(binding));
  }
  ParseTree* in = ctx->IN();
  inner.push_back(LeadingInside(in));
  ParseTree* let = ctx->LET();
  return a_.Group({Tok(let), a_.Indent(std::move(inner)), a_.Line(), Bare(in), a_.Text(" "),
                   Expr(ctx->expr(0))},
                  TriviaOf(let).newline_after ||
                      ctx->LET()->getSymbol()->getLine() != ctx->IN()->getSymbol()->getLine());
}

// `if c then a else b`, or broken with the branches indented. An `else if` chain is one
// group, so it breaks as a whole and every `else if c then` starts a line at the `if`'s level.
DocId TreeFormatter::If(P::ExprContext* ctx) {
  std::vector<DocId> parts;
  while (true) {
    const auto& kids = ctx->children;  // IF c THEN t ELSE e
    parts.insert(
        parts.end(),
        {Tok(kids[0]), a_.Text(" "), Expr(static_cast<P::ExprContext*>(kids[1])), a_.Text(" "),
         Tok(kids[2]), a_.Indent({a_.Line(), Expr(static_cast<P::ExprContext*>(kids[3]))}),
         a_.Line(), Tok(kids[4])});
    auto* otherwise = static_cast<P::ExprContext*>(kids[5]);
    if (TokenType(otherwise->children[0]) != P::IF) {
      parts.push_back(a_.Indent({a_.Line(), Expr(otherwise)}));
      return a_.Group(std::move(parts));
    }
    parts.push_back(a_.Text(" "));
    ctx = otherwise;
  }
}

DocId TreeFormatter::Binding(P::BindingContext* ctx) {
  const auto& kids = ctx->children;
  std::vector<DocId> parts;
  if (TokenType(kids[0]) == P::INHERIT) {  // inherit (e) a b;
    parts.push_back(Tok(kids[0]));
    std::vector<DocId> names;
    for (size_t i = 1; i < kids.size(); ++i) {
      size_t type = TokenType(kids[i]);
      if (type == P::LPAREN) {
        parts.push_back(a_.Text(" "));
        parts.push_back(Tok(kids[i]));
      } else if (type == P::RPAREN || type == P::SEMI) {
        (type == P::SEMI ? names : parts).push_back(Tok(kids[i]));
      } else if (auto* expr = dynamic_cast<P::ExprContext*>(kids[i])) {
        parts.push_back(Expr(expr));
      } else {
        names.push_back(a_.Line());
        names.push_back(Attr(static_cast<P::AttrContext*>(kids[i])));
      }
    }
    parts.push_back(a_.Indent(std::move(names)));
    return a_.Group(std::move(parts));
  }
  for (ParseTree* kid : kids) {
    switch (TokenType(kid)) {
      case 0:
        if (auto* path = dynamic_cast<P::AttrPathContext*>(kid))
          parts.push_back(AttrPath(path));
        else if (auto* type = dynamic_cast<P::TypeContext*>(kid))
          parts.push_back(Type(type));
        else
          parts.push_back(Expr(static_cast<P::ExprContext*>(kid)));
        break;
      case P::DCOLON:
      case P::EQ:
        parts.push_back(a_.Text(" "));
        parts.push_back(Tok(kid));
        parts.push_back(a_.Text(" "));
        break;
      default:
        parts.push_back(Tok(kid));  // the `;`
    }
  }
  return a_.Concat(std::move(parts));
}

DocId TreeFormatter::AttrPath(P::AttrPathContext* ctx) {
  std::vector<DocId> parts;
  for (ParseTree* kid : ctx->children)
    parts.push_back(TokenType(kid) ? Tok(kid) : Attr(static_cast<P::AttrContext*>(kid)));
  return a_.Concat(std::move(parts));
}

DocId TreeFormatter::Attr(P::AttrContext* ctx) {
  if (ctx->string()) return String(ctx->string());
  if (ctx->expr())
    return a_.Concat({Tok(ctx->children[0]), Expr(ctx->expr()), Tok(ctx->children[2])});
  return Tok(ctx->children[0]);
}

}  // namespace strata::syntax::format
