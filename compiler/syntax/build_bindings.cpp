// Converts bindings (records and lets), lambdas and patterns, merging dotted keys
// (`a.b = 1; a.c = 2;` and `a = { b = 1; }; a.c = 2;`) and reporting duplicates.
#include <llvm/ADT/DenseMap.h>

#include <memory>
#include <string>
#include <vector>

#include "compiler/syntax/ast_builder.h"

namespace strata::syntax {

using antlr4::tree::ParseTree;
using diag::SourceRange;
using P = grammar::StrataParser;

namespace {

struct Level;

// One name of a record or let under construction: a value, or attributes still being merged.
struct Node {
  ast::AttrName name;
  std::string path;  // `a.b`, for messages
  const ast::Expr* value = nullptr;
  const ast::TypeExpr* annotation = nullptr;
  bool inherited = false;
  std::unique_ptr<Level> nested;
  SourceRange range;  // every definition that contributed
};

struct Level {
  std::vector<std::unique_ptr<Node>> nodes;  // source order
  llvm::DenseMap<const void*, Node*> by_name;
};

class Merger {
 public:
  Merger(AstBuilder& builder, bool is_let) : builder_(builder), is_let_(is_let) {}

  void Add(llvm::ArrayRef<ast::AttrName> path, const ast::Expr* value,
           const ast::TypeExpr* annotation, bool inherited, SourceRange range) {
    AddAt(root_, "", path, value, annotation, inherited, range);
  }

  std::vector<ast::Field> Fields() { return FieldsOf(root_); }

  std::vector<ast::Binding> Bindings() {
    std::vector<ast::Binding> bindings;
    for (auto& node : root_.nodes)
      bindings.push_back(
          {node->name.name, node->name.range, ValueOf(*node), node->annotation, node->inherited});
    return bindings;
  }

 private:
  void AddAt(Level& start, std::string prefix, llvm::ArrayRef<ast::AttrName> path,
             const ast::Expr* value, const ast::TypeExpr* annotation, bool inherited,
             SourceRange range) {
    Level* level = &start;
    for (size_t i = 0; i < path.size(); ++i) {
      const ast::AttrName& name = path[i];
      std::string full = prefix.empty() ? std::string(name.name.str())
                                        : prefix + "." + std::string(name.name.str());
      bool last = i + 1 == path.size();
      auto found = level->by_name.find(name.name.opaque());
      if (found == level->by_name.end()) {
        auto node = std::make_unique<Node>();
        node->name = name;
        node->path = full;
        node->range = range;
        Node* raw = node.get();
        level->by_name[name.name.opaque()] = raw;
        level->nodes.push_back(std::move(node));
        if (last) {
          raw->value = value;
          raw->annotation = annotation;
          raw->inherited = inherited;
          return;
        }
        raw->nested = std::make_unique<Level>();
        level = raw->nested.get();
        prefix = std::move(full);
        continue;
      }
      Node* node = found->second;
      if (!last) {
        if (!node->nested && !MakeNested(*node))
          return Duplicate(full, name.range, *node, level == &root_);
        node->range = SourceRange::Join(node->range, range);
        level = node->nested.get();
        prefix = std::move(full);
        continue;
      }
      // Two literal records under one name merge: `a = { b = 1; }; a.c = 2;`.
      const auto* record = llvm::dyn_cast_or_null<ast::Record>(value);
      if (record && !annotation && !inherited && (node->nested || MakeNested(*node))) {
        node->range = SourceRange::Join(node->range, range);
        for (const ast::Field& field : record->fields)
          AddAt(*node->nested, full,
                llvm::ArrayRef<ast::AttrName>(ast::AttrName{field.name, field.name_range}),
                field.value, nullptr, false, field.value->range());
        return;
      }
      return Duplicate(full, name.range, *node, level == &root_);
    }
  }

  // Turns a node holding a literal record into one whose attributes can take more.
  bool MakeNested(Node& node) {
    const auto* record = llvm::dyn_cast_or_null<ast::Record>(node.value);
    if (!record || node.annotation || node.inherited) return false;
    node.nested = std::make_unique<Level>();
    node.value = nullptr;
    for (const ast::Field& field : record->fields) {
      auto child = std::make_unique<Node>();
      child->name = {field.name, field.name_range};
      child->path = node.path + "." + std::string(field.name.str());
      child->value = field.value;
      child->range = field.value->range();
      node.nested->by_name[field.name.opaque()] = child.get();
      node.nested->nodes.push_back(std::move(child));
    }
    return true;
  }

  void Duplicate(const std::string& path, SourceRange at, const Node& first, bool top_level) {
    std::string what = is_let_ && top_level ? "duplicate let binding '" : "duplicate attribute '";
    diag::Diagnostic& d = builder_.diags().Error(at, what + path + "'");
    d.notes.push_back({first.name.range, "'" + first.path + "' first defined here"});
  }

  const ast::Expr* ValueOf(const Node& node) {
    if (!node.nested) return node.value;
    std::vector<ast::Field> fields = FieldsOf(*node.nested);
    return builder_.arena().New<ast::Record>(
        node.range, builder_.arena().Copy(llvm::ArrayRef<ast::Field>(fields)));
  }

  std::vector<ast::Field> FieldsOf(const Level& level) {
    std::vector<ast::Field> fields;
    fields.reserve(level.nodes.size());
    for (const auto& node : level.nodes)
      fields.push_back({node->name.name, node->name.range, ValueOf(*node)});
    return fields;
  }

  AstBuilder& builder_;
  bool is_let_;
  Level root_;
};

// Adds one `binding` rule (a definition or an inherit) to `merger`.
void AddBinding(AstBuilder& builder, Merger& merger, P::BindingContext* ctx, bool is_let);

}  // namespace

bool AstBuilder::BuildAttrName(P::AttrContext* ctx, ast::AttrName& out) {
  if (!ctx || ctx->exception || ctx->children.empty()) return false;
  SourceRange range = Range(ctx);
  ParseTree* first = ctx->children[0];
  if (TokenType(first) == P::ID) {
    out = {Symbol::Intern(TokenText(TokenOf(first))), range};
    return true;
  }
  if (auto* string = dynamic_cast<P::StringContext*>(first)) {
    const auto* lit = llvm::dyn_cast<ast::StringLit>(BuildString(string));
    if (!lit) return false;
    if (lit->is_constant()) {
      out = {Symbol::Intern(lit->parts.empty() ? std::string_view() : lit->parts[0].text), range};
      return true;
    }
  }
  if (ctx->exception == nullptr)
    diags_.Error(range,
                 "interpolated attribute names are not supported: attribute names are static");
  return false;
}

bool AstBuilder::BuildAttrPath(P::AttrPathContext* ctx, llvm::SmallVectorImpl<ast::AttrName>& out) {
  if (!ctx || ctx->exception) return false;
  bool ok = true;
  for (ParseTree* child : ctx->children) {
    if (IsErrorNode(child)) return false;
    if (auto* attr = dynamic_cast<P::AttrContext*>(child)) {
      ast::AttrName name;
      if (BuildAttrName(attr, name))
        out.push_back(name);
      else
        ok = false;
    }
  }
  if (ok && TooDeep(out.size(), Range(ctx))) return false;
  return ok && !out.empty();
}

namespace {

void AddBinding(AstBuilder& builder, Merger& merger, P::BindingContext* ctx, bool is_let) {
  if (!ctx || ctx->exception) return;
  if (ctx->INHERIT()) {
    const ast::Expr* source = ctx->expr() ? builder.BuildExpr(ctx->expr()) : nullptr;
    for (P::AttrContext* attr : ctx->attr()) {
      ast::AttrName name;
      if (!builder.BuildAttrName(attr, name)) continue;
      const ast::Expr* value;
      if (source)  // `inherit (r) a;` is `a = r.a;`
        value = builder.arena().New<ast::Select>(
            name.range, source, builder.arena().Copy(llvm::ArrayRef<ast::AttrName>(name)), nullptr);
      else  // `inherit a;` is `a = a;`, with `a` looked up outside a let
        value = builder.arena().New<ast::Var>(name.range, name.name);
      merger.Add(llvm::ArrayRef<ast::AttrName>(name), value, nullptr,
                 /*inherited=*/is_let && !source, builder.Range(attr));
    }
    return;
  }
  llvm::SmallVector<ast::AttrName, 4> path;
  if (!builder.BuildAttrPath(ctx->attrPath(), path)) return;
  const ast::Expr* value = builder.BuildExpr(ctx->expr());
  const ast::TypeExpr* annotation = ctx->type() ? builder.BuildType(ctx->type()) : nullptr;
  if (annotation && !(is_let && path.size() == 1)) {
    // Records (and dotted keys) have no annotation slot: `a.b :: T = v` is `a.b = (v :: T)`.
    value = builder.arena().New<ast::Annotated>(value->range(), value, annotation);
    annotation = nullptr;
  }
  merger.Add(path, value, annotation, /*inherited=*/false, builder.Range(ctx));
}

}  // namespace

const ast::Expr* AstBuilder::BuildRecord(antlr4::ParserRuleContext* ctx,
                                         const std::vector<P::BindingContext*>& bindings) {
  Merger merger(*this, /*is_let=*/false);
  for (P::BindingContext* binding : bindings) AddBinding(*this, merger, binding, /*is_let=*/false);
  std::vector<ast::Field> fields = merger.Fields();
  return arena_.New<ast::Record>(Range(ctx), arena_.Copy(llvm::ArrayRef<ast::Field>(fields)));
}

// Outside the anonymous namespace so that ast_builder.h can name it.
class BindingMerger : public Merger {
 public:
  using Merger::Merger;
};

IncrementalLet::IncrementalLet(AstBuilder& builder)
    : builder_(builder), merger_(std::make_unique<BindingMerger>(builder, /*is_let=*/true)) {}

IncrementalLet::~IncrementalLet() = default;

void IncrementalLet::Add(P::BindingContext* ctx) {
  AddBinding(builder_, *merger_, ctx, /*is_let=*/true);
}

std::vector<ast::Binding> IncrementalLet::Bindings() { return merger_->Bindings(); }

const ast::Expr* AstBuilder::BuildLet(P::ExprContext* ctx) {
  IncrementalLet let(*this);
  for (P::BindingContext* binding : ctx->binding()) let.Add(binding);
  std::vector<ast::Binding> bindings = let.Bindings();
  const ast::Expr* body = BuildExpr(ctx->expr(0));
  return arena_.New<ast::Let>(Range(ctx), arena_.Copy(llvm::ArrayRef<ast::Binding>(bindings)),
                              body);
}

const ast::Expr* AstBuilder::BuildLambda(P::ExprContext* ctx) {
  SourceRange range = Range(ctx);
  if (P::PatternContext* pattern_ctx = ctx->pattern()) {
    const ast::Pattern* pattern = BuildPattern(pattern_ctx);
    return arena_.New<ast::Lambda>(range, Symbol(), SourceRange(), pattern,
                                   BuildExpr(ctx->expr(0)));
  }
  antlr4::tree::TerminalNode* param = ctx->ID();
  if (!param) return Error(range);
  return arena_.New<ast::Lambda>(range, Symbol::Intern(TokenText(param->getSymbol())),
                                 Range(param->getSymbol()), nullptr, BuildExpr(ctx->expr(0)));
}

const ast::Pattern* AstBuilder::BuildPattern(P::PatternContext* ctx) {
  ast::Pattern pattern;
  pattern.range = Range(ctx);
  llvm::SmallVector<ast::PatternField, 8> fields;
  llvm::DenseMap<const void*, SourceRange> seen;
  auto check_duplicate = [&](Symbol name, SourceRange at) {
    auto [it, inserted] = seen.try_emplace(name.opaque(), at);
    if (inserted) return false;
    diag::Diagnostic& d =
        diags_.Error(at, "duplicate pattern field '" + std::string(name.str()) + "'");
    d.notes.push_back({it->second, "'" + std::string(name.str()) + "' first defined here"});
    return true;
  };
  if (P::PatternFieldsContext* list = ctx->patternFields()) {
    pattern.ellipsis = list->ELLIPSIS() != nullptr;
    for (P::PatternFieldContext* field_ctx : list->patternField()) {
      if (field_ctx->exception || !field_ctx->ID()) continue;
      antlr4::Token* name_token = field_ctx->ID()->getSymbol();
      ast::PatternField field;
      field.name = Symbol::Intern(TokenText(name_token));
      field.name_range = Range(name_token);
      if (field_ctx->expr()) field.default_value = BuildExpr(field_ctx->expr());
      if (field_ctx->type()) field.annotation = BuildType(field_ctx->type());
      if (!check_duplicate(field.name, field.name_range)) fields.push_back(field);
    }
  }
  if (antlr4::tree::TerminalNode* as_name = ctx->ID()) {
    Symbol name = Symbol::Intern(TokenText(as_name->getSymbol()));
    if (!check_duplicate(name, Range(as_name->getSymbol()))) pattern.as_name = name;
  }
  pattern.fields = arena_.Copy(llvm::ArrayRef<ast::PatternField>(fields));
  return arena_.New<ast::Pattern>(pattern);
}

}  // namespace strata::syntax
