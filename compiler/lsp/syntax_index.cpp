// AST walks for the language server's features.
#include "compiler/lsp/syntax_index.h"

#include "compiler/lsp/facts.h"
#include "compiler/syntax/module_loader.h"

namespace strata::lsp {
namespace {

bool Inside(diag::SourceRange range, uint32_t offset) {
  return range.begin <= offset && offset <= range.end;
}

// Depth-first search for the first expression `match` accepts, entering only expressions
// that cover `offset`.
template <typename Match>
bool FindAt(const ast::Expr* expr, uint32_t offset, Match&& match, int depth = 0) {
  if (!expr || depth > 2000 || !Inside(expr->range(), offset)) return false;
  if (match(expr)) return true;
  bool found = false;
  ForEachChild(expr, [&](const ast::Expr* child) {
    if (!found) found = FindAt(child, offset, match, depth + 1);
  });
  return found;
}

const ast::Expr* Unwrap(const ast::Expr* expr) {
  for (int i = 0; expr && i < 1000; ++i) {
    if (auto* let = llvm::dyn_cast<ast::Let>(expr)) {
      expr = let->body;
    } else if (auto* annotated = llvm::dyn_cast<ast::Annotated>(expr)) {
      expr = annotated->expr;
    } else if (auto* lambda = llvm::dyn_cast<ast::Lambda>(expr); lambda && lambda->pattern) {
      expr = lambda->body;  // a program of `{ args }: { targets }`
    } else {
      break;
    }
  }
  return expr;
}

}  // namespace

void ForEachChild(const ast::Expr* expr, const std::function<void(const ast::Expr*)>& visit) {
  auto v = [&](const ast::Expr* e) {
    if (e) visit(e);
  };
  switch (expr->kind()) {
    case ast::Kind::kString:
      for (const ast::StringPart& p : llvm::cast<ast::StringLit>(expr)->parts) v(p.expr);
      break;
    case ast::Kind::kRecord:
      for (const ast::Field& f : llvm::cast<ast::Record>(expr)->fields) v(f.value);
      break;
    case ast::Kind::kList:
      for (const ast::Expr* e : llvm::cast<ast::List>(expr)->elements) v(e);
      break;
    case ast::Kind::kLambda: {
      auto* e = llvm::cast<ast::Lambda>(expr);
      if (e->pattern)
        for (const ast::PatternField& f : e->pattern->fields) v(f.default_value);
      v(e->body);
      break;
    }
    case ast::Kind::kApply: {
      auto* e = llvm::cast<ast::Apply>(expr);
      v(e->fn);
      for (const ast::Expr* a : e->args) v(a);
      break;
    }
    case ast::Kind::kLet: {
      auto* e = llvm::cast<ast::Let>(expr);
      for (const ast::Binding& b : e->bindings) v(b.value);
      v(e->body);
      break;
    }
    case ast::Kind::kIf: {
      auto* e = llvm::cast<ast::If>(expr);
      v(e->cond);
      v(e->then_branch);
      v(e->else_branch);
      break;
    }
    case ast::Kind::kAssert: {
      auto* e = llvm::cast<ast::Assert>(expr);
      v(e->cond);
      v(e->body);
      break;
    }
    case ast::Kind::kSelect: {
      auto* e = llvm::cast<ast::Select>(expr);
      v(e->target);
      v(e->fallback);
      break;
    }
    case ast::Kind::kHasAttr:
      v(llvm::cast<ast::HasAttr>(expr)->target);
      break;
    case ast::Kind::kBinary: {
      auto* e = llvm::cast<ast::Binary>(expr);
      v(e->lhs);
      v(e->rhs);
      break;
    }
    case ast::Kind::kUnary:
      v(llvm::cast<ast::Unary>(expr)->operand);
      break;
    case ast::Kind::kAnnotated:
      v(llvm::cast<ast::Annotated>(expr)->expr);
      break;
    default:
      break;
  }
}

std::vector<ScopeName> NamesInScope(const ast::Expr* root, uint32_t offset) {
  std::vector<ScopeName> names;
  FindAt(root, offset, [&](const ast::Expr* expr) {
    if (auto* let = llvm::dyn_cast<ast::Let>(expr)) {
      for (const ast::Binding& b : let->bindings)
        names.push_back({b.name, b.name_range, b.inherited ? nullptr : b.value});
    } else if (auto* lambda = llvm::dyn_cast<ast::Lambda>(expr)) {
      if (!lambda->pattern) {
        names.push_back({lambda->param, lambda->param_range, nullptr});
      } else {
        for (const ast::PatternField& f : lambda->pattern->fields)
          names.push_back({f.name, f.name_range, nullptr});
        if (!lambda->pattern->as_name.empty())
          names.push_back({lambda->pattern->as_name, lambda->pattern->range, nullptr});
      }
    }
    return false;  // keep descending
  });
  return names;
}

const ast::Record* RecordLiteralOf(const ast::Expr* expr, const Facts& facts, int depth) {
  if (!expr || depth > 64) return nullptr;
  expr = Unwrap(expr);
  if (auto* record = llvm::dyn_cast<ast::Record>(expr)) return record;
  if (auto* var = llvm::dyn_cast<ast::Var>(expr)) {
    const BindingFact* binding = facts.UseAt(var->range().file, var->range().begin);
    if (!binding) return nullptr;
    NamedValue named;
    const ast::Expr* root = facts.RootOf(binding->site.file);
    if (!root || !LetBindingAt(root, binding->site.begin, named) ||
        named.name_range.begin != binding->site.begin)
      return nullptr;
    return RecordLiteralOf(named.value, facts, depth + 1);
  }
  if (auto* import = llvm::dyn_cast<ast::Import>(expr)) {
    const syntax::Module* module = facts.ImportTarget(import);
    return module ? RecordLiteralOf(module->root, facts, depth + 1) : nullptr;
  }
  if (auto* select = llvm::dyn_cast<ast::Select>(expr)) {
    const ast::Record* record = RecordLiteralOf(select->target, facts, depth + 1);
    for (const ast::AttrName& attr : select->path) {
      if (!record) return nullptr;
      const ast::Expr* value = nullptr;
      for (const ast::Field& f : record->fields)
        if (f.name == attr.name) value = f.value;
      record = value ? RecordLiteralOf(value, facts, depth + 1) : nullptr;
    }
    return record;
  }
  return nullptr;
}

bool FieldAt(const ast::Expr* root, uint32_t offset, NamedValue& out) {
  return FindAt(root, offset, [&](const ast::Expr* expr) {
    auto* record = llvm::dyn_cast<ast::Record>(expr);
    if (!record) return false;
    for (const ast::Field& f : record->fields)
      if (Inside(f.name_range, offset) && f.name_range.file == expr->range().file) {
        out = {f.name, f.name_range, f.value};
        return true;
      }
    return false;
  });
}

bool LetBindingAt(const ast::Expr* root, uint32_t offset, NamedValue& out) {
  return FindAt(root, offset, [&](const ast::Expr* expr) {
    auto* let = llvm::dyn_cast<ast::Let>(expr);
    if (!let) return false;
    for (const ast::Binding& b : let->bindings)
      if (Inside(b.name_range, offset)) {
        out = {b.name, b.name_range, b.value};
        return true;
      }
    return false;
  });
}

bool SelectStepAt(const ast::Expr* root, uint32_t offset, const ast::Select*& select,
                  size_t& step) {
  return FindAt(root, offset, [&](const ast::Expr* expr) {
    auto* s = llvm::dyn_cast<ast::Select>(expr);
    if (!s) return false;
    for (size_t i = 0; i < s->path.size(); ++i)
      if (Inside(s->path[i].range, offset)) {
        select = s;
        step = i;
        return true;
      }
    return false;
  });
}

const ast::Import* ImportAt(const ast::Expr* root, uint32_t offset) {
  const ast::Import* found = nullptr;
  FindAt(root, offset, [&](const ast::Expr* expr) {
    found = llvm::dyn_cast<ast::Import>(expr);
    return found != nullptr;
  });
  return found;
}

namespace {

Symbol MakeSymbol(ast::Symbol name, diag::SourceRange name_range, const ast::Expr* value,
                  bool field, int depth) {
  Symbol symbol{std::string(name.str()),
                name_range,
                diag::SourceRange::Join(name_range, value->range()),
                llvm::isa<ast::Lambda>(value),
                field,
                {}};
  if (auto* record = llvm::dyn_cast<ast::Record>(value); record && depth < 8)
    for (const ast::Field& f : record->fields)
      if (f.name_range.file == record->range().file)
        symbol.children.push_back(MakeSymbol(f.name, f.name_range, f.value, true, depth + 1));
  return symbol;
}

}  // namespace

std::vector<Symbol> TopLevelSymbols(const ast::Expr* root) {
  std::vector<Symbol> symbols;
  const ast::Expr* expr = root;
  for (int i = 0; expr && i < 1000; ++i) {
    if (auto* let = llvm::dyn_cast<ast::Let>(expr)) {
      for (const ast::Binding& b : let->bindings)
        if (b.name_range.file == root->range().file)
          symbols.push_back(MakeSymbol(b.name, b.name_range, b.value, false, 0));
      expr = let->body;
    } else if (auto* annotated = llvm::dyn_cast<ast::Annotated>(expr)) {
      expr = annotated->expr;
    } else if (auto* lambda = llvm::dyn_cast<ast::Lambda>(expr); lambda && lambda->pattern) {
      expr = lambda->body;
    } else {
      break;
    }
  }
  if (auto* record = llvm::dyn_cast_or_null<ast::Record>(expr))
    for (const ast::Field& f : record->fields)
      if (f.name_range.file == root->range().file)
        symbols.push_back(MakeSymbol(f.name, f.name_range, f.value, true, 0));
  return symbols;
}

}  // namespace strata::lsp
