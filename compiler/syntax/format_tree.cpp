// The formatter's layout of tokens, comments and expressions: lambdas, let, if, assert,
// bindings, operator chains and pipelines, application and selection (docs/fmt.md).
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
      parts.push_back(a_.BreakParent());
    }
  }
}

DocId TreeFormatter::TokOf(antlr4::Token* token) {
  const TokenTrivia& trivia = trivia_.Of(token->getTokenIndex());
  std::vector<DocId> parts;
  AppendLeading(trivia, parts);
  if (token->getType() != antlr4::Token::EOF)
    parts.push_back(a_.Text(std::string(text_.substr(token->getStartIndex(),
                                                     token->getStopIndex() + 1 - token->getStartIndex()))));
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
    case P::LET: return Let(ctx);
    case P::IF: return If(ctx);
    case P::ASSERT:
    case P::WITH:
      return a_.Group({Tok(kids[0]), a_.Text(" "), Expr(ctx->expr(0)), Tok(kids[2]), a_.Line(),
                       Expr(ctx->expr(1), root)});
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
  return a_.Group({Tok(let), a_.Indent(std::move(inner)), a_.Line(), Bare(in), a_.Text(" "), Expr(ctx->expr(0))},
                  TriviaOf(let).newline_after || ctx->LET()->getSymbol()->getLine() != ctx->IN()->getSymbol()->getLine());
}

// `if c then a else b`, or broken with the branches indented; `else if` chains stay flat.
DocId TreeFormatter::If(P::ExprContext* ctx) {
  const auto& kids = ctx->children;  // IF c THEN t ELSE e
  auto* otherwise = static_cast<P::ExprContext*>(kids[5]);
  DocId tail = TokenType(otherwise->children[0]) == P::IF
                   ? a_.Concat({a_.Text(" "), Expr(otherwise)})
                   : a_.Indent({a_.Line(), Expr(otherwise)});
  return a_.Group({Tok(kids[0]), a_.Text(" "), Expr(static_cast<P::ExprContext*>(kids[1])), a_.Text(" "),
                   Tok(kids[2]), a_.Indent({a_.Line(), Expr(static_cast<P::ExprContext*>(kids[3]))}),
                   a_.Line(), Tok(kids[4]), tail});
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
        if (auto* path = dynamic_cast<P::AttrPathContext*>(kid)) parts.push_back(AttrPath(path));
        else if (auto* type = dynamic_cast<P::TypeContext*>(kid)) parts.push_back(Type(type));
        else parts.push_back(Expr(static_cast<P::ExprContext*>(kid)));
        break;
      case P::DCOLON:
      case P::EQ:
        parts.push_back(a_.Text(" "));
        parts.push_back(Tok(kid));
        parts.push_back(a_.Text(" "));
        break;
      default: parts.push_back(Tok(kid));  // the `;`
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
  if (ctx->expr()) return a_.Concat({Tok(ctx->children[0]), Expr(ctx->expr()), Tok(ctx->children[2])});
  return Tok(ctx->children[0]);
}

// Operands and operators of one flat chain. A chain with `|>` breaks before each `|>` only;
// any other chain before each operator. Continuation lines are indented.
DocId TreeFormatter::OpExpr(P::OpExprContext* ctx) {
  const auto& kids = ctx->children;
  bool pipeline = !ctx->PIPE().empty();
  std::vector<DocId> first;
  std::vector<DocId> rest;
  std::vector<DocId>* current = &first;
  bool expect_operand = true;
  for (ParseTree* kid : kids) {
    size_t type = TokenType(kid);
    if (type == 0) {
      current->push_back(dynamic_cast<P::AppContext*>(kid) ? App(static_cast<P::AppContext*>(kid))
                                                          : AttrPath(static_cast<P::AttrPathContext*>(kid)));
      expect_operand = false;
    } else if (expect_operand) {
      current->push_back(Tok(kid));  // prefix `-` or `!`
    } else {
      current = &rest;
      rest.push_back(!pipeline || type == P::PIPE ? a_.Line() : a_.Text(" "));
      rest.push_back(Tok(kid));
      rest.push_back(a_.Text(" "));
      expect_operand = type != P::QUESTION;
    }
  }
  if (rest.empty()) return first.size() == 1 ? first[0] : a_.Concat(std::move(first));
  first.push_back(a_.Indent(std::move(rest)));
  bool multiline = pipeline && ctx->getStart()->getLine() != ctx->PIPE().back()->getSymbol()->getLine();
  return a_.Group(std::move(first), multiline);
}

// `f a b`: flat when it fits; a bracketed last argument (record, list, parentheses, indented
// string) hugs the line of the function, else each argument takes an indented line.
DocId TreeFormatter::App(P::AppContext* ctx) {
  std::vector<P::SelectContext*> items = ctx->select();
  if (items.size() == 1) return Select(items[0]);
  std::vector<DocId> docs;
  for (P::SelectContext* item : items) docs.push_back(Select(item));
  std::vector<DocId> args;
  for (size_t i = 1; i < docs.size(); ++i) {
    args.push_back(a_.Line());
    args.push_back(docs[i]);
  }
  DocId each_on_a_line = a_.Group({docs[0], a_.Indent(std::move(args))});
  if (!Huggable(items.back())) return each_on_a_line;
  std::vector<DocId> hugged;
  for (size_t i = 0; i + 1 < docs.size(); ++i) {
    hugged.push_back(docs[i]);
    hugged.push_back(a_.Text(" "));
  }
  hugged.push_back(a_.Expand(docs.back()));
  return a_.Choice({each_on_a_line, a_.Concat(std::move(hugged)), each_on_a_line});
}

DocId TreeFormatter::Select(P::SelectContext* ctx) {
  std::vector<DocId> parts;
  for (ParseTree* kid : ctx->children) {
    switch (TokenType(kid)) {
      case 0:
        if (auto* primary = dynamic_cast<P::PrimaryContext*>(kid)) parts.push_back(Primary(primary));
        else if (auto* path = dynamic_cast<P::AttrPathContext*>(kid)) parts.push_back(AttrPath(path));
        else parts.push_back(Select(static_cast<P::SelectContext*>(kid)));
        break;
      case P::OR_KW:
        parts.push_back(a_.Text(" "));
        parts.push_back(Tok(kid));
        parts.push_back(a_.Text(" "));
        break;
      default: parts.push_back(Tok(kid));  // the `.`
    }
  }
  return parts.size() == 1 ? parts[0] : a_.Concat(std::move(parts));
}

}  // namespace strata::syntax::format
