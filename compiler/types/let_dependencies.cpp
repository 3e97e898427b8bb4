// Finds which let bindings mention which, and orders them by Tarjan's SCC algorithm.
#include "compiler/types/let_dependencies.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/SmallVector.h>

#include <algorithm>

namespace strata::types {
namespace {

// Collects the let's own bindings that an expression mentions free.
class MentionFinder {
 public:
  explicit MentionFinder(const llvm::DenseMap<const void*, uint32_t>& names) : names_(names) {}

  void Walk(const ast::Expr* e, std::vector<uint32_t>& out) {
    out_ = &out;
    Visit(e);
  }

 private:
  void Bind(syntax::Symbol s, int delta) {
    if (names_.count(s.opaque())) shadowed_[s.opaque()] += delta;
  }

  void Visit(const ast::Expr* e) {
    switch (e->kind()) {
      case ast::Kind::kVar: {
        auto* var = llvm::cast<ast::Var>(e);
        auto it = names_.find(var->name.opaque());
        if (it != names_.end() && shadowed_.lookup(var->name.opaque()) == 0)
          out_->push_back(it->second);
        return;
      }
      case ast::Kind::kString:
        for (const ast::StringPart& p : llvm::cast<ast::StringLit>(e)->parts)
          if (p.expr) Visit(p.expr);
        return;
      case ast::Kind::kRecord:
        for (const ast::Field& f : llvm::cast<ast::Record>(e)->fields) Visit(f.value);
        return;
      case ast::Kind::kList:
        for (const ast::Expr* item : llvm::cast<ast::List>(e)->elements) Visit(item);
        return;
      case ast::Kind::kLambda: {
        auto* lambda = llvm::cast<ast::Lambda>(e);
        ForEachParam(lambda, +1);
        if (lambda->pattern)
          for (const ast::PatternField& f : lambda->pattern->fields)
            if (f.default_value) Visit(f.default_value);
        Visit(lambda->body);
        ForEachParam(lambda, -1);
        return;
      }
      case ast::Kind::kApply: {
        auto* apply = llvm::cast<ast::Apply>(e);
        Visit(apply->fn);
        for (const ast::Expr* arg : apply->args) Visit(arg);
        return;
      }
      case ast::Kind::kLet: {
        auto* let = llvm::cast<ast::Let>(e);
        for (const ast::Binding& b : let->bindings)
          if (b.inherited) Visit(b.value);
        for (const ast::Binding& b : let->bindings) Bind(b.name, +1);
        for (const ast::Binding& b : let->bindings)
          if (!b.inherited) Visit(b.value);
        Visit(let->body);
        for (const ast::Binding& b : let->bindings) Bind(b.name, -1);
        return;
      }
      case ast::Kind::kIf: {
        auto* i = llvm::cast<ast::If>(e);
        Visit(i->cond);
        Visit(i->then_branch);
        Visit(i->else_branch);
        return;
      }
      case ast::Kind::kAssert:
        Visit(llvm::cast<ast::Assert>(e)->cond);
        Visit(llvm::cast<ast::Assert>(e)->body);
        return;
      case ast::Kind::kSelect: {
        auto* s = llvm::cast<ast::Select>(e);
        Visit(s->target);
        if (s->fallback) Visit(s->fallback);
        return;
      }
      case ast::Kind::kHasAttr:
        Visit(llvm::cast<ast::HasAttr>(e)->target);
        return;
      case ast::Kind::kBinary:
        Visit(llvm::cast<ast::Binary>(e)->lhs);
        Visit(llvm::cast<ast::Binary>(e)->rhs);
        return;
      case ast::Kind::kUnary:
        Visit(llvm::cast<ast::Unary>(e)->operand);
        return;
      case ast::Kind::kAnnotated:
        Visit(llvm::cast<ast::Annotated>(e)->expr);
        return;
      case ast::Kind::kInt:
      case ast::Kind::kBool:
      case ast::Kind::kPath:
      case ast::Kind::kImport:
      case ast::Kind::kError:
        return;
    }
  }

  void ForEachParam(const ast::Lambda* lambda, int delta) {
    if (!lambda->pattern) {
      Bind(lambda->param, delta);
      return;
    }
    for (const ast::PatternField& f : lambda->pattern->fields) Bind(f.name, delta);
    if (!lambda->pattern->as_name.empty()) Bind(lambda->pattern->as_name, delta);
  }

  const llvm::DenseMap<const void*, uint32_t>& names_;
  llvm::DenseMap<const void*, int> shadowed_;
  std::vector<uint32_t>* out_ = nullptr;
};

}  // namespace

std::vector<std::vector<uint32_t>> LetComponents(const ast::Let* let) {
  uint32_t n = static_cast<uint32_t>(let->bindings.size());
  llvm::DenseMap<const void*, uint32_t> names;
  for (uint32_t i = 0; i < n; ++i)
    if (!let->bindings[i].inherited) names[let->bindings[i].name.opaque()] = i;
  std::vector<std::vector<uint32_t>> edges(n);
  MentionFinder finder(names);
  for (uint32_t i = 0; i < n; ++i) {
    if (let->bindings[i].inherited) continue;
    finder.Walk(let->bindings[i].value, edges[i]);
    std::sort(edges[i].begin(), edges[i].end());
    edges[i].erase(std::unique(edges[i].begin(), edges[i].end()), edges[i].end());
  }

  // Iterative Tarjan: components come out dependencies first.
  constexpr uint32_t kUnvisited = UINT32_MAX;
  std::vector<uint32_t> index(n, kUnvisited), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<uint32_t> stack;
  std::vector<std::pair<uint32_t, size_t>> calls;  // (node, next edge)
  std::vector<std::vector<uint32_t>> components;
  uint32_t counter = 0;
  for (uint32_t root = 0; root < n; ++root) {
    if (let->bindings[root].inherited || index[root] != kUnvisited) continue;
    calls.push_back({root, 0});
    while (!calls.empty()) {
      auto& [v, next] = calls.back();
      if (next == 0 && index[v] == kUnvisited) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        on_stack[v] = true;
      }
      if (next < edges[v].size()) {
        uint32_t w = edges[v][next++];
        if (index[w] == kUnvisited) {
          calls.push_back({w, 0});
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      uint32_t done = v;
      calls.pop_back();
      if (!calls.empty()) low[calls.back().first] = std::min(low[calls.back().first], low[done]);
      if (low[done] == index[done]) {
        std::vector<uint32_t> component;
        uint32_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          component.push_back(w);
        } while (w != done);
        std::sort(component.begin(), component.end());
        components.push_back(std::move(component));
      }
    }
  }
  return components;
}

}  // namespace strata::types
