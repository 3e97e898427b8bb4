// Converts ANTLR's parse tree into the AST once, removing sugar on the way (see ast.h).
// Internal to compiler/syntax: the generated parser types go no further than this folder.
#pragma once

#include <llvm/ADT/SmallVector.h>

#include <memory>
#include <string>
#include <vector>

#include "StrataParser.h"
#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"
#include "compiler/syntax/ast.h"

namespace strata::syntax {

class AstBuilder {
 public:
  using P = grammar::StrataParser;

  AstBuilder(diag::SourceManager& sources, diag::FileId file, ast::Arena& arena,
             diag::DiagnosticEngine& diags);

  const ast::Expr* BuildFile(P::FileContext* ctx);
  const ast::TypeExpr* BuildTypeFile(P::TypeFileContext* ctx);

  // ---- shared helpers (used by the build_*.cpp files) ----
  diag::SourceRange Range(const antlr4::Token* token) const;
  diag::SourceRange Range(antlr4::tree::ParseTree* tree) const;
  const ast::Expr* Error(diag::SourceRange range);
  diag::DiagnosticEngine& diags() { return diags_; }
  ast::Arena& arena() { return arena_; }

  // Expressions (ast_builder.cpp).
  const ast::Expr* BuildExpr(P::ExprContext* ctx);
  // Any rule from `opExpr` down to `primary`, `string` and `indString`.
  const ast::Expr* BuildOperand(antlr4::tree::ParseTree* tree);

  // Counts AST nesting while a node's children are built (see kMaxNestingDepth).
  struct Depth {
    explicit Depth(AstBuilder& builder, int levels = 1) : builder(builder), levels(levels) {
      builder.depth_ += levels;
    }
    ~Depth() { builder.depth_ -= levels; }
    AstBuilder& builder;
    int levels;
  };

  const ast::Expr* BuildOpExpr(antlr4::ParserRuleContext* ctx);
  const ast::Expr* BuildApp(P::AppContext* ctx);
  const ast::Expr* BuildSelect(P::SelectContext* ctx);
  const ast::Expr* BuildPrimary(P::PrimaryContext* ctx);
  // Reports (once) and returns true when `extra` more levels would nest too deeply.
  bool TooDeep(size_t extra, diag::SourceRange range);

  // Bindings, records, lets, patterns (build_bindings.cpp).
  const ast::Expr* BuildRecord(antlr4::ParserRuleContext* ctx,
                               const std::vector<P::BindingContext*>& bindings);
  const ast::Expr* BuildLet(P::ExprContext* ctx);
  const ast::Expr* BuildLambda(P::ExprContext* ctx);
  const ast::Pattern* BuildPattern(P::PatternContext* ctx);
  // The names of an attribute path; false (after reporting) when one is not a constant name.
  bool BuildAttrPath(P::AttrPathContext* ctx, llvm::SmallVectorImpl<ast::AttrName>& out);
  bool BuildAttrName(P::AttrContext* ctx, ast::AttrName& out);

  // Literals, imports and types (build_literals.cpp).
  // `minus` is the `-` folded into a negative literal, or null.
  const ast::Expr* BuildInt(antlr4::Token* token, const antlr4::Token* minus);
  const ast::Expr* BuildString(P::StringContext* ctx);
  const ast::Expr* BuildIndString(P::IndStringContext* ctx);
  const ast::Expr* BuildPath(antlr4::Token* token);
  const ast::Expr* BuildImport(P::PrimaryContext* ctx);
  const ast::Expr* MakeString(diag::SourceRange range,
                              const std::vector<struct StringPiece>& pieces);
  std::string_view TokenText(const antlr4::Token* token) const;

  const ast::TypeExpr* BuildType(P::TypeContext* ctx);
  const ast::TypeExpr* BuildTypeApp(P::TypeAppContext* ctx);
  const ast::TypeExpr* BuildTypeAtom(P::TypeAtomContext* ctx);

 private:
  diag::SourceManager& sources_;
  diag::FileId file_;
  ast::Arena& arena_;
  diag::DiagnosticEngine& diags_;
  std::string_view text_;
  std::string base_dir_;
  int depth_ = 0;
  bool reported_too_deep_ = false;
};

class BindingMerger;

// A let built one binding at a time, so that the parser can free each binding's parse tree
// before it parses the next (top_level_let.cpp); BuildLet goes through it too, so both ways
// merge, check and report the same.
class IncrementalLet {
 public:
  explicit IncrementalLet(AstBuilder& builder);
  ~IncrementalLet();
  // Adds one `binding` rule (a definition or an inherit), reporting duplicates.
  void Add(grammar::StrataParser::BindingContext* ctx);
  // The bindings in source order, dotted keys merged.
  std::vector<ast::Binding> Bindings();

 private:
  AstBuilder& builder_;
  std::unique_ptr<BindingMerger> merger_;
};

// Token type of a terminal node, or 0 for a rule context (or an error node).
size_t TokenType(antlr4::tree::ParseTree* tree);
// The token of a terminal node (not an error node), or null.
antlr4::Token* TokenOf(antlr4::tree::ParseTree* tree);
// The rule context if `tree` is one, else null.
antlr4::ParserRuleContext* RuleOf(antlr4::tree::ParseTree* tree);
// True for nodes ANTLR's error recovery inserted or skipped.
bool IsErrorNode(antlr4::tree::ParseTree* tree);

}  // namespace strata::syntax
