// The formatter's layout of operator chains, pipelines, application and selection, with the
// hugging of bracketed operands and arguments (docs/fmt.md).
#include <algorithm>

#include "compiler/syntax/format_tree.h"

namespace strata::syntax::format {

using antlr4::tree::ParseTree;
using P = grammar::StrataParser;

namespace {

// A chain's operators after a hugged first operand stay on its closing line (`] ++ extra`)
// only when they are this short flat: a long tail would hang off a bracket.
constexpr int kHuggedTail = 50;

// The one select an expression is, when it is a bare operand (`[ ... ]`, `{ ... }`, `(e)`).
P::SelectContext* SoleSelect(P::ExprContext* expr) {
  P::OpExprContext* op = expr ? expr->opExpr() : nullptr;
  if (!op || op->children.size() != 1) return nullptr;
  auto* app = dynamic_cast<P::AppContext*>(op->children[0]);
  return app && app->select().size() == 1 ? app->select(0) : nullptr;
}

// A list or record (not parentheses): the brackets that open a hugged layout by themselves.
bool Bracketed(P::SelectContext* select) {
  if (!select || select->children.size() != 1) return false;
  size_t type = TokenType(select->primary()->children[0]);
  return type == P::LBRACE || type == P::LBRACK;
}

}  // namespace

// Operands and operators of one flat chain. A chain with `|>` breaks before each `|>` only;
// any other chain before each operator. Continuation lines are indented. A chain that starts
// with a list or record and ends shortly after it may instead break that first operand and
// keep the operators on its closing line (`[` ... `] ++ extra`); one that ends with a bracketed
// operand after a short start, that last operand (`base // {` ... `}`, `a == (` ... `)`).
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
      current->push_back(dynamic_cast<P::AppContext*>(kid)
                             ? App(static_cast<P::AppContext*>(kid))
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
  DocId tail = a_.Group({a_.Indent(rest)});
  std::vector<DocId> head = first;  // all but the last operand
  head.push_back(a_.Indent(std::vector<DocId>(rest.begin(), rest.end() - 1)));
  DocId last_doc = rest.back();
  first.push_back(a_.Indent(std::move(rest)));
  bool multiline =
      pipeline && ctx->getStart()->getLine() != ctx->PIPE().back()->getSymbol()->getLine();
  DocId chain = a_.Group(first, multiline);
  if (pipeline) return chain;
  std::vector<DocId> layouts{chain};
  auto* app = dynamic_cast<P::AppContext*>(kids[0]);
  if (first.size() == 2 && app && app->select().size() == 1 && Bracketed(app->select(0)) &&
      FlatWidth(a_, tail) <= kHuggedTail)
    layouts.push_back(a_.Concat({a_.Expand(first[0]), tail}));
  auto* last = dynamic_cast<P::AppContext*>(kids.back());
  if (last && last->select().size() == 1 && Huggable(last->select(0)) &&
      FlatWidth(a_, a_.Group(head)) <= kHuggedTail)
    layouts.push_back(a_.Concat(
        {a_.FlatGroup(std::move(head)), a_.Expand(LastArgument(last->select(0), last_doc))}));
  if (layouts.size() == 1) return chain;
  layouts.push_back(chain);
  return a_.Choice(std::move(layouts));
}

// `f a b`: flat when it fits. Else, when the last argument is bracketed (record, list,
// parentheses, indented string) and the rest fits, it hugs the line of the function. Else,
// when an argument before it is bracketed: each argument on an indented line if each fits
// there flat, else every bracketed argument hugs (`f {` ... `} [` ... `]`). Else each
// argument takes an indented line.
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
  std::vector<DocId> layouts{each_on_a_line};
  if (Huggable(items.back())) {
    std::vector<DocId> hugged;
    for (size_t i = 0; i + 1 < docs.size(); ++i)
      hugged.insert(hugged.end(), {docs[i], a_.Text(" ")});
    hugged.push_back(a_.Expand(LastArgument(items.back(), docs.back())));
    layouts.push_back(a_.Concat(std::move(hugged)));
  }
  if (std::any_of(items.begin() + 1, items.end() - 1, Huggable)) {
    std::vector<DocId> lines;
    for (size_t i = 1; i < docs.size(); ++i)
      lines.insert(lines.end(), {a_.Line(), a_.Group({docs[i]})});
    layouts.push_back(a_.EveryLine({docs[0], a_.Indent(std::move(lines))}));
    std::vector<DocId> hugged{docs[0]};
    for (size_t i = 1; i < docs.size(); ++i)
      hugged.insert(hugged.end(), {a_.Text(" "), Huggable(items[i]) ? a_.Hug(docs[i]) : docs[i]});
    layouts.push_back(a_.Concat(std::move(hugged)));
  }
  if (layouts.size() == 1) return each_on_a_line;
  layouts.push_back(each_on_a_line);
  return a_.Choice(std::move(layouts));
}

// A hugged last argument. Parentheses open a block, `(` / the contents on an indented line /
// `)`, when the contents fit on that line. Else, around a list, record, hugging chain or
// application, or a function returning a list or record, they hug the contents
// (`([` ... `] ++ x)`, `(x: {` ... `})`); around anything else they open the block anyway.
DocId TreeFormatter::LastArgument(P::SelectContext* item, DocId doc) {
  P::PrimaryContext* primary = item->primary();
  if (item->children.size() != 1 || TokenType(primary->children[0]) != P::LPAREN || primary->type())
    return doc;
  const std::vector<DocId> parts = a_[doc].children;  // `(`, the contents, `)` (Primary)
  DocId block =
      a_.Concat({parts[0], a_.Indent({a_.HardLine(), parts[1]}), a_.HardLine(), parts[2]});
  P::ExprContext* inner = primary->expr();
  P::ExprContext* body = inner;
  while (body->COLON()) body = body->expr(0);  // a function's body
  if (body == inner && Bracketed(SoleSelect(inner)))
    return a_.BlockOrHug(parts[1], block, a_.Concat({parts[0], a_.Expand(parts[1]), parts[2]}));
  if (a_[parts[1]].kind == DocKind::kChoice || (body != inner && Bracketed(SoleSelect(body))))
    return a_.BlockOrHug(parts[1], block, doc);
  return block;
}

DocId TreeFormatter::Select(P::SelectContext* ctx) {
  std::vector<DocId> parts;
  for (ParseTree* kid : ctx->children) {
    switch (TokenType(kid)) {
      case 0:
        if (auto* primary = dynamic_cast<P::PrimaryContext*>(kid))
          parts.push_back(Primary(primary));
        else if (auto* path = dynamic_cast<P::AttrPathContext*>(kid))
          parts.push_back(AttrPath(path));
        else
          parts.push_back(Select(static_cast<P::SelectContext*>(kid)));
        break;
      case P::OR_KW:
        parts.push_back(a_.Text(" "));
        parts.push_back(Tok(kid));
        parts.push_back(a_.Text(" "));
        break;
      default:
        parts.push_back(Tok(kid));  // the `.`
    }
  }
  return parts.size() == 1 ? parts[0] : a_.Concat(std::move(parts));
}

}  // namespace strata::syntax::format
