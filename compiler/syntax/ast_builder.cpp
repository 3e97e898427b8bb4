// Converts ANTLR's parse tree into the AST: expressions and operators. Operators are one flat
// list in the parse tree; precedence is applied here with explicit stacks, not recursion.
#include "compiler/syntax/ast_builder.h"

#include <cstdint>
#include <typeinfo>

#include "compiler/syntax/parser.h"
#include "compiler/syntax/source_paths.h"

namespace strata::syntax {

using antlr4::ParserRuleContext;
using antlr4::Token;
using antlr4::tree::ParseTree;
using diag::SourceRange;
using P = grammar::StrataParser;

size_t TokenType(ParseTree* tree) {
  Token* token = TokenOf(tree);
  return token ? token->getType() : 0;
}

namespace {

// A parse tree node is a rule context or one of the parser's two terminal classes (the grammar
// has no labelled alternatives, so every context is exactly its rule's class). Comparing the
// dynamic type's type_info is one test; a dynamic_cast walks the class hierarchy and, across
// the ANTLR runtime's shared library, compares type names with strcmp: these three casts were
// ~10% of `strata graph` on 10,000 targets.
enum class NodeKind { kRule, kTerminal, kError };

//
// type_info's == compares the mangled names with strcmp whenever the two objects differ, so
// every rule context paid two strcmps (~1.5% of `strata graph` on 100,000 targets). The rule
// classes seen so far on this thread are remembered by their type_info's address, which
// answers for them without a comparison; anything else takes the exact test.
NodeKind KindOf(ParseTree& tree) {
  const std::type_info& type = typeid(tree);
  thread_local const std::type_info* known_rules[64] = {};
  const std::type_info*& known = known_rules[(reinterpret_cast<uintptr_t>(&type) >> 4) & 63];
  if (known == &type) return NodeKind::kRule;
  if (type == typeid(antlr4::tree::TerminalNodeImpl)) return NodeKind::kTerminal;
  if (type == typeid(antlr4::tree::ErrorNodeImpl)) return NodeKind::kError;
  known = &type;
  return NodeKind::kRule;
}

}  // namespace

Token* TokenOf(ParseTree* tree) {
  if (!tree || KindOf(*tree) != NodeKind::kTerminal) return nullptr;
  return static_cast<antlr4::tree::TerminalNode*>(tree)->getSymbol();
}

ParserRuleContext* RuleOf(ParseTree* tree) {
  if (!tree || KindOf(*tree) != NodeKind::kRule) return nullptr;
  return static_cast<ParserRuleContext*>(tree);
}

bool IsErrorNode(ParseTree* tree) { return tree && KindOf(*tree) == NodeKind::kError; }

namespace {

ast::BinaryOp BinaryOpOf(size_t token_type) {
  switch (token_type) {
    case P::PLUS:
      return ast::BinaryOp::kAdd;
    case P::MINUS:
      return ast::BinaryOp::kSub;
    case P::STAR:
      return ast::BinaryOp::kMul;
    case P::SLASH:
      return ast::BinaryOp::kDiv;
    case P::CONCAT:
      return ast::BinaryOp::kConcat;
    case P::UPDATE:
      return ast::BinaryOp::kUpdate;
    case P::EQEQ:
      return ast::BinaryOp::kEq;
    case P::NEQ:
      return ast::BinaryOp::kNe;
    case P::LT:
      return ast::BinaryOp::kLt;
    case P::LE:
      return ast::BinaryOp::kLe;
    case P::GT:
      return ast::BinaryOp::kGt;
    case P::GE:
      return ast::BinaryOp::kGe;
    case P::ANDAND:
      return ast::BinaryOp::kAnd;
    case P::OROR:
      return ast::BinaryOp::kOr;
    default:
      return ast::BinaryOp::kImpl;
  }
}

// The one token under a chain of single-child rules (`5` in `-5`), or null.
Token* SingleToken(ParserRuleContext* ctx) {
  while (ctx && ctx->children.size() == 1) {
    if (Token* token = TokenOf(ctx->children[0])) return token;
    ctx = RuleOf(ctx->children[0]);
  }
  return nullptr;
}

bool IsPassThrough(size_t rule) {
  switch (rule) {
    case P::RuleOpExpr:
    case P::RuleApp:
    case P::RuleSelect:
      return true;
    default:
      return false;
  }
}

}  // namespace

AstBuilder::AstBuilder(diag::SourceManager& sources, diag::FileId file, ast::Arena& arena,
                       diag::DiagnosticEngine& diags)
    : sources_(sources),
      file_(file),
      arena_(arena),
      diags_(diags),
      text_(sources.Text(file)),
      base_dir_(BaseDirectory(sources.Name(file))) {}

SourceRange AstBuilder::Range(const Token* token) const {
  if (!token || token->getStartIndex() == INVALID_INDEX || token->getType() == Token::EOF)
    return {file_, static_cast<uint32_t>(text_.size()), static_cast<uint32_t>(text_.size())};
  size_t begin = token->getStartIndex();
  size_t end = std::max(begin, token->getStopIndex() + 1);
  return {file_, static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
}

SourceRange AstBuilder::Range(ParseTree* tree) const {
  if (Token* token = TokenOf(tree)) return Range(token);
  auto* ctx = RuleOf(tree);
  if (!ctx) {  // an error node, or none
    auto* node = IsErrorNode(tree) ? static_cast<antlr4::tree::TerminalNode*>(tree) : nullptr;
    return Range(node ? node->getSymbol() : nullptr);
  }
  SourceRange begin = Range(ctx->getStart());
  const Token* stop = ctx->getStop();
  if (!stop || stop->getStopIndex() == INVALID_INDEX || stop->getType() == Token::EOF ||
      stop->getStopIndex() + 1 <= begin.begin)
    return {file_, begin.begin, std::max(begin.begin, std::min<uint32_t>(begin.end, text_.size()))};
  return {file_, begin.begin, static_cast<uint32_t>(stop->getStopIndex() + 1)};
}

const ast::Expr* AstBuilder::Error(SourceRange range) { return arena_.New<ast::ErrorExpr>(range); }

bool AstBuilder::TooDeep(size_t extra, SourceRange range) {
  if (depth_ + extra <= static_cast<size_t>(kMaxNestingDepth)) return false;
  if (!reported_too_deep_)
    diags_.Error(range, "expression nested too deeply (more than " +
                            std::to_string(kMaxNestingDepth) + " levels)");
  reported_too_deep_ = true;
  return true;
}

std::string_view AstBuilder::TokenText(const Token* token) const {
  SourceRange range = Range(token);
  return text_.substr(range.begin, range.end - range.begin);
}

const ast::Expr* AstBuilder::BuildFile(P::FileContext* ctx) {
  if (!ctx || !ctx->expr()) return Error({file_, 0, static_cast<uint32_t>(text_.size())});
  return BuildExpr(ctx->expr());
}

const ast::Expr* AstBuilder::BuildExpr(P::ExprContext* ctx) {
  if (!ctx) return Error({file_, 0, 0});
  SourceRange range = Range(ctx);
  if (ctx->exception || ctx->children.empty()) return Error(range);
  ParseTree* first = ctx->children[0];
  if (auto* rule = RuleOf(first); rule && rule->getRuleIndex() == P::RuleOpExpr)
    return BuildOperand(rule);

  Depth depth(*this);
  if (TooDeep(0, range)) return Error(range);
  if (RuleOf(first)) return BuildLambda(ctx);  // a pattern
  switch (TokenType(first)) {
    case P::ID:
      return BuildLambda(ctx);
    case P::LET:
      return BuildLet(ctx);
    case P::IF:
      return arena_.New<ast::If>(range, BuildExpr(ctx->expr(0)), BuildExpr(ctx->expr(1)),
                                 BuildExpr(ctx->expr(2)));
    case P::ASSERT:
      return arena_.New<ast::Assert>(range, BuildExpr(ctx->expr(0)), BuildExpr(ctx->expr(1)));
    case P::WITH:
      diags_.Error(Range(first),
                   "'with' is not supported: Strata's scoping is static; bring names into scope "
                   "with let or inherit");
      return Error(range);
    default:
      return Error(range);
  }
}

const ast::Expr* AstBuilder::BuildOperand(ParseTree* tree) {
  ParserRuleContext* ctx = RuleOf(tree);
  if (!ctx) return Error(Range(tree));
  // Skip the levels that hold a single operand (most of them, most of the time).
  while (IsPassThrough(ctx->getRuleIndex()) && ctx->children.size() == 1 && !ctx->exception) {
    ParserRuleContext* child = RuleOf(ctx->children[0]);
    if (!child) return Error(Range(ctx));
    ctx = child;
  }
  if (ctx->exception) return Error(Range(ctx));
  switch (ctx->getRuleIndex()) {
    case P::RuleOpExpr:
      return BuildOpExpr(ctx);
    case P::RuleApp:
      return BuildApp(static_cast<P::AppContext*>(ctx));
    case P::RuleSelect:
      return BuildSelect(static_cast<P::SelectContext*>(ctx));
    case P::RulePrimary:
      return BuildPrimary(static_cast<P::PrimaryContext*>(ctx));
    case P::RuleString:
      return BuildString(static_cast<P::StringContext*>(ctx));
    case P::RuleIndString:
      return BuildIndString(static_cast<P::IndStringContext*>(ctx));
    case P::RuleExpr:
      return BuildExpr(static_cast<P::ExprContext*>(ctx));
    default:
      return Error(Range(ctx));
  }
}

namespace {

// An operator waiting on the stack of BuildOpExpr.
struct PendingOp {
  Token* token;
  int precedence;
  bool prefix;
};

// Binding power of a binary operator (higher binds tighter); see the grammar's table.
int Precedence(size_t token_type, bool& right_assoc) {
  right_assoc = false;
  switch (token_type) {
    case P::PIPE:
      return 1;
    case P::IMPL:
      right_assoc = true;
      return 2;
    case P::OROR:
      return 3;
    case P::ANDAND:
      return 4;
    case P::EQEQ:
    case P::NEQ:
      return 5;
    case P::LT:
    case P::LE:
    case P::GT:
    case P::GE:
      return 6;
    case P::UPDATE:
      right_assoc = true;
      return 7;
    case P::PLUS:
    case P::MINUS:
      return 9;
    case P::STAR:
    case P::SLASH:
      return 10;
    case P::CONCAT:
      right_assoc = true;
      return 11;
    default:
      return 0;
  }
}

constexpr int kNotPrecedence = 8;       // `!` binds looser than `+`
constexpr int kHasAttrPrecedence = 12;  // `e ? a.b`
constexpr int kNegPrecedence = 13;      // unary `-`

}  // namespace

const ast::Expr* AstBuilder::BuildOpExpr(ParserRuleContext* ctx) {
  // opExpr : (MINUS | BANG)* app ((binary op) (MINUS | BANG)* app | QUESTION attrPath)*
  // Operator precedence parsing with two explicit stacks: no recursion per operator.
  // A chain of binary operators counts as one level, however long: it is flat in the parse
  // tree and built here with explicit stacks (the evaluator runs a pipeline in a loop). Each
  // prefix operator (`- - - x`) still counts, as it nests.
  SourceRange range = Range(ctx);
  size_t levels = 1;
  bool operand_next = true;
  for (ParseTree* child : ctx->children) {
    if (RuleOf(child)) {
      operand_next = false;
    } else if (operand_next) {
      ++levels;  // a prefix operator
    } else {
      operand_next = true;  // a binary operator (or `?`, whose attrPath is a rule)
    }
  }
  if (TooDeep(levels, range)) return Error(range);
  Depth depth(*this, static_cast<int>(levels));

  llvm::SmallVector<const ast::Expr*, 8> values;
  llvm::SmallVector<PendingOp, 8> ops;
  llvm::SmallVector<Token*, 4> prefixes;
  auto reduce = [&] {
    PendingOp op = ops.pop_back_val();
    const ast::Expr* rhs = values.pop_back_val();
    if (op.prefix) {
      ast::UnaryOp unary = op.token->getType() == P::BANG ? ast::UnaryOp::kNot : ast::UnaryOp::kNeg;
      values.push_back(
          arena_.New<ast::Unary>(SourceRange::Join(Range(op.token), rhs->range()), unary, rhs));
      return;
    }
    const ast::Expr* lhs = values.pop_back_val();
    SourceRange joined = SourceRange::Join(lhs->range(), rhs->range());
    if (op.token->getType() == P::PIPE)  // `x |> f` is `f x`
      values.push_back(arena_.New<ast::Apply>(
          joined, rhs, arena_.Copy(llvm::ArrayRef<const ast::Expr*>(lhs)), /*pipe=*/true));
    else
      values.push_back(arena_.New<ast::Binary>(joined, BinaryOpOf(op.token->getType()),
                                               Range(op.token), lhs, rhs));
  };

  bool expect_operand = true;
  auto& children = ctx->children;
  for (size_t i = 0; i < children.size(); ++i) {
    ParseTree* child = children[i];
    if (IsErrorNode(child)) return Error(range);
    if (ParserRuleContext* rule = RuleOf(child)) {
      if (!expect_operand || rule->getRuleIndex() != P::RuleApp) return Error(range);
      const ast::Expr* value;
      Token* literal =
          !prefixes.empty() && prefixes.back()->getType() == P::MINUS ? SingleToken(rule) : nullptr;
      if (literal && literal->getType() == P::INT) {
        // `-5` is a literal (and `-9223372036854775808`, the least Int, is not an overflow).
        value = BuildInt(literal, prefixes.back());
        prefixes.pop_back();
      } else {
        value = BuildOperand(rule);
      }
      for (Token* prefix : prefixes)
        ops.push_back(
            {prefix, prefix->getType() == P::BANG ? kNotPrecedence : kNegPrecedence, true});
      prefixes.clear();
      values.push_back(value);
      expect_operand = false;
      continue;
    }
    Token* token = TokenOf(child);
    if (!token) return Error(range);
    if (expect_operand) {
      if (token->getType() != P::MINUS && token->getType() != P::BANG) return Error(range);
      prefixes.push_back(token);
      continue;
    }
    if (token->getType() == P::QUESTION) {
      auto* path_ctx =
          i + 1 < children.size() ? dynamic_cast<P::AttrPathContext*>(children[i + 1]) : nullptr;
      llvm::SmallVector<ast::AttrName, 4> path;
      if (!path_ctx || !BuildAttrPath(path_ctx, path)) return Error(range);
      while (!ops.empty() && ops.back().precedence > kHasAttrPrecedence) reduce();
      const ast::Expr* target = values.pop_back_val();
      values.push_back(arena_.New<ast::HasAttr>(SourceRange::Join(target->range(), Range(path_ctx)),
                                                target,
                                                arena_.Copy(llvm::ArrayRef<ast::AttrName>(path))));
      ++i;
      continue;
    }
    bool right_assoc;
    int precedence = Precedence(token->getType(), right_assoc);
    if (precedence == 0) return Error(range);
    while (!ops.empty() && (ops.back().precedence > precedence ||
                            (ops.back().precedence == precedence && !right_assoc)))
      reduce();
    ops.push_back({token, precedence, false});
    expect_operand = true;
  }
  if (expect_operand || values.empty()) return Error(range);
  while (!ops.empty()) reduce();
  return values.back();
}

const ast::Expr* AstBuilder::BuildApp(P::AppContext* ctx) {
  SourceRange range = Range(ctx);
  llvm::SmallVector<ParseTree*, 8> operands;
  for (ParseTree* child : ctx->children) {
    if (!RuleOf(child)) return Error(range);
    operands.push_back(child);
  }
  const ast::Expr* fn = BuildOperand(operands[0]);
  llvm::SmallVector<const ast::Expr*, 8> args;
  for (size_t i = 1; i < operands.size(); ++i) args.push_back(BuildOperand(operands[i]));
  return arena_.New<ast::Apply>(range, fn, arena_.Copy(llvm::ArrayRef<const ast::Expr*>(args)));
}

const ast::Expr* AstBuilder::BuildSelect(P::SelectContext* ctx) {
  // select : primary (DOT attrPath (OR_KW select)?)?
  SourceRange range = Range(ctx);
  size_t n = ctx->children.size();
  if ((n != 3 && n != 5) || !ctx->primary() || !ctx->attrPath()) return Error(range);
  const ast::Expr* target = BuildOperand(ctx->primary());
  llvm::SmallVector<ast::AttrName, 4> path;
  if (!BuildAttrPath(ctx->attrPath(), path)) return Error(range);
  const ast::Expr* fallback = nullptr;
  if (n == 5) {
    if (!ctx->select()) return Error(range);
    Depth depth(*this);
    if (TooDeep(0, range)) return Error(range);
    fallback = BuildOperand(ctx->select());
  }
  return arena_.New<ast::Select>(range, target, arena_.Copy(llvm::ArrayRef<ast::AttrName>(path)),
                                 fallback);
}

const ast::Expr* AstBuilder::BuildPrimary(P::PrimaryContext* ctx) {
  SourceRange range = Range(ctx);
  if (ctx->children.empty()) return Error(range);
  ParseTree* first = ctx->children[0];
  if (RuleOf(first)) return BuildOperand(first);  // string, indString
  Token* token = TokenOf(first);
  if (!token) return Error(range);
  switch (token->getType()) {
    case P::ID:
      return arena_.New<ast::Var>(range, Symbol::Intern(TokenText(token)));
    case P::INT:
      return BuildInt(token, nullptr);
    case P::FLOAT:
      diags_.Error(range,
                   "Strata has no floating-point numbers; numbers are 64-bit integers (Int)");
      return Error(range);
    case P::TRUE:
      return arena_.New<ast::BoolLit>(range, true);
    case P::FALSE:
      return arena_.New<ast::BoolLit>(range, false);
    case P::PATH:
      return BuildPath(token);
    case P::STD_PATH:
      diags_.Error(range, "a <...> lookup is only allowed after import, as in 'import " +
                              std::string(TokenText(token)) + "'");
      return Error(range);
    case P::LABEL:  // the lexer makes one only after `import`, which reads it itself
      diags_.Error(range, "a //label is only allowed after import, as in 'import " +
                              std::string(TokenText(token)) + "'");
      return Error(range);
    case P::IMPORT:
      return BuildImport(ctx);
    case P::REC:
      diags_.Error(Range(token),
                   "'rec' is not supported: a let is recursive, so write "
                   "'let ... in { ... }'");
      return Error(range);
    default:
      break;
  }
  Depth depth(*this);
  if (TooDeep(0, range)) return Error(range);
  switch (token->getType()) {
    case P::LPAREN: {
      const ast::Expr* inner = BuildExpr(ctx->expr());
      if (ctx->type()) return arena_.New<ast::Annotated>(range, inner, BuildType(ctx->type()));
      return inner;
    }
    case P::LBRACE:
      return BuildRecord(ctx, ctx->binding());
    case P::LBRACK: {
      llvm::SmallVector<const ast::Expr*, 16> elements;
      for (ParseTree* child : ctx->children)
        if (RuleOf(child)) elements.push_back(BuildOperand(child));
      return arena_.New<ast::List>(range, arena_.Copy(llvm::ArrayRef<const ast::Expr*>(elements)));
    }
    default:
      return Error(range);
  }
}

}  // namespace strata::syntax
