// Scopes, recursive lets generalized SCC by SCC, schemes and their instantiation.
#include <llvm/ADT/StringRef.h>

#include <algorithm>

#include "compiler/types/infer.h"
#include "compiler/types/let_dependencies.h"

namespace strata::types {

Inferencer::Inferencer(TypeContext& context, diag::DiagnosticEngine& diags, ImportHandler imports)
    : context_(context), diags_(diags), imports_(std::move(imports)), unifier_(context) {}

Scheme* Inferencer::NewScheme(Type* type, bool poly) {
  auto* scheme = new (context_.allocator().Allocate<Scheme>()) Scheme();
  scheme->type = type;
  scheme->poly = poly;
  return scheme;
}

void Inferencer::Define(Symbol name, const Scheme* scheme) { Push(name, scheme); }

void Inferencer::Push(Symbol name, const Scheme* scheme) {
  scopes_[name.opaque()].push_back(scheme);
}

void Inferencer::Pop(Symbol name) {
  auto it = scopes_.find(name.opaque());
  if (it != scopes_.end() && !it->second.empty()) it->second.pop_back();
}

const Scheme* Inferencer::Lookup(Symbol name) const {
  auto it = scopes_.find(name.opaque());
  if (it == scopes_.end() || it->second.empty()) return nullptr;
  return it->second.back();
}

std::string Inferencer::Suggest(Symbol name) const {
  llvm::StringRef wanted(name.str().data(), name.str().size());
  // Up to a third of the name may differ ("nmae" -> "name").
  unsigned limit = std::max<unsigned>(1, (static_cast<unsigned>(wanted.size()) + 2) / 3);
  unsigned best = limit + 1;
  std::string best_name;
  for (const auto& [key, stack] : scopes_) {
    if (stack.empty()) continue;
    const auto* spelling = static_cast<const std::string_view*>(key);
    llvm::StringRef candidate(spelling->data(), spelling->size());
    unsigned distance = wanted.edit_distance(candidate, true, limit);
    if (distance > limit || distance >= std::min(wanted.size(), candidate.size())) continue;
    if (distance < best || (distance == best && candidate < llvm::StringRef(best_name))) {
      best = distance;
      best_name = candidate.str();
    }
  }
  return best_name;
}

// The unbound variables of a predicate's types.
void CollectVars(Type* type, llvm::SmallVectorImpl<TypeVar*>& out) {
  type = Resolve(type);
  if (!type->has_vars()) return;
  if (auto* var = llvm::dyn_cast<TypeVar>(type)) {
    out.push_back(var);
  } else if (auto* list = llvm::dyn_cast<ListTypeNode>(type)) {
    CollectVars(list->element, out);
  } else if (auto* fn = llvm::dyn_cast<FunctionTypeNode>(type)) {
    CollectVars(fn->param, out);
    CollectVars(fn->result, out);
  } else if (auto* record = llvm::dyn_cast<RecordTypeNode>(type)) {
    for (const FieldType& f : record->fields) CollectVars(f.type, out);
    CollectVars(record->tail, out);
  }
}

void CollectExposedVars(Type* type, llvm::SmallVectorImpl<TypeVar*>& out) {
  type = Resolve(type);
  if (!type->has_vars()) return;
  if (auto* var = llvm::dyn_cast<TypeVar>(type)) {
    out.push_back(var);
  } else if (auto* list = llvm::dyn_cast<ListTypeNode>(type)) {
    CollectExposedVars(list->element, out);
  } else if (auto* fn = llvm::dyn_cast<FunctionTypeNode>(type)) {
    CollectExposedVars(fn->param, out);
    CollectExposedVars(fn->result, out);
  } else if (llvm::isa<RecordTypeNode>(type)) {
    CollectExposedVars(Flatten(type).tail, out);
  }
}

Type* Inferencer::Copy(Type* type, llvm::DenseMap<TypeVar*, Type*>& fresh) {
  type = Resolve(type);
  if (!type->has_vars()) return type;
  switch (type->tag()) {
    case TypeTag::kVar: {
      auto* var = llvm::cast<TypeVar>(type);
      if (var->level != kGenericLevel) return var;
      auto [it, inserted] = fresh.try_emplace(var, nullptr);
      if (inserted) it->second = context_.FreshVar(level_, var->is_row);
      return it->second;
    }
    case TypeTag::kList:
      return context_.List(Copy(llvm::cast<ListTypeNode>(type)->element, fresh));
    case TypeTag::kFunction: {
      auto* fn = llvm::cast<FunctionTypeNode>(type);
      Type* param = Copy(fn->param, fresh);
      return context_.Function(param, Copy(fn->result, fresh));
    }
    case TypeTag::kRecord: {
      auto* record = llvm::cast<RecordTypeNode>(type);
      llvm::SmallVector<FieldType, 8> fields;
      for (const FieldType& f : record->fields)
        fields.push_back({f.name, Copy(f.type, fresh), f.optional});
      return context_.Record(fields, Copy(record->tail, fresh));
    }
    default:
      return type;
  }
}

Type* Inferencer::Instantiate(const Scheme* scheme, diag::SourceRange use, Symbol via) {
  if (!scheme->poly) return scheme->type;
  llvm::DenseMap<TypeVar*, Type*> fresh;
  Type* type = Copy(scheme->type, fresh);
  // A predicate whose variables all sit inside record fields belongs to those fields (a library
  // of helpers): it stays dormant until such a field is used or one of its variables is bound.
  llvm::SmallVector<TypeVar*, 8> exposed;
  if (!scheme->predicates.empty()) CollectExposedVars(scheme->type, exposed);
  for (const Predicate* p : scheme->predicates) {
    llvm::SmallVector<TypeVar*, 4> vars;
    for (Type* t : {p->lhs, p->rhs, p->result}) CollectVars(t, vars);
    bool dormant = std::none_of(vars.begin(), vars.end(), [&](TypeVar* v) {
      return std::find(exposed.begin(), exposed.end(), v) != exposed.end();
    });
    Type* lhs = Copy(p->lhs, fresh);
    Type* rhs = Copy(p->rhs, fresh);
    AddPredicate(p->kind, lhs, rhs, Copy(p->result, fresh), use, via.empty() ? p->via : via,
                 dormant);
  }
  return type;
}

bool Inferencer::Generalize(Type* type) {
  type = Resolve(type);
  if (!type->has_vars()) return false;
  switch (type->tag()) {
    case TypeTag::kVar: {
      auto* var = llvm::cast<TypeVar>(type);
      if (var->level == kGenericLevel) return true;
      if (var->level <= level_) return false;
      var->level = kGenericLevel;
      return true;
    }
    case TypeTag::kList:
      return Generalize(llvm::cast<ListTypeNode>(type)->element);
    case TypeTag::kFunction: {
      auto* fn = llvm::cast<FunctionTypeNode>(type);
      bool a = Generalize(fn->param);
      return Generalize(fn->result) || a;
    }
    case TypeTag::kRecord: {
      auto* record = llvm::cast<RecordTypeNode>(type);
      bool any = Generalize(record->tail);
      for (const FieldType& f : record->fields) any = Generalize(f.type) || any;
      return any;
    }
    default:
      return false;
  }
}

void Inferencer::SettlePredicates(llvm::ArrayRef<Scheme*> schemes) {
  llvm::SmallVector<Predicate*, 4> generic;
  llvm::SmallVector<Predicate*, 4> ambiguous;
  size_t kept = 0;
  for (Predicate* p : pending_) {
    if (p->solved) continue;
    llvm::SmallVector<TypeVar*, 4> vars;
    CollectVars(p->lhs, vars);
    CollectVars(p->rhs, vars);
    CollectVars(p->result, vars);
    bool any_generic = false, any_outer = false, any_inner = false;
    for (TypeVar* v : vars) {
      if (v->level == kGenericLevel)
        any_generic = true;
      else if (v->level <= level_)
        any_outer = true;
      else
        any_inner = true;
    }
    if (vars.empty()) {
      Solve(p);
      if (!p->solved) pending_[kept++] = p;
    } else if (any_outer || (!any_generic && !any_inner)) {
      pending_[kept++] = p;
    } else if (any_generic) {
      for (TypeVar* v : vars)
        if (v->level != kGenericLevel && v->level > level_) v->level = kGenericLevel;
      generic.push_back(p);
    } else {
      ambiguous.push_back(p);
    }
  }
  pending_.resize(kept);
  for (Scheme* scheme : schemes) {
    if (generic.empty()) break;
    llvm::SmallVector<Predicate*, 4> all(scheme->predicates.begin(), scheme->predicates.end());
    all.append(generic.begin(), generic.end());
    Predicate** data = context_.allocator().Allocate<Predicate*>(all.size());
    std::copy(all.begin(), all.end(), data);
    scheme->predicates = llvm::ArrayRef<Predicate*>(data, all.size());
    scheme->poly = true;
  }
  for (Predicate* p : ambiguous) Default(p);
}

Type* Inferencer::InferLet(const ast::Let* e) {
  size_t n = e->bindings.size();
  llvm::SmallVector<Scheme*, 8> schemes(n, nullptr);
  // `inherit x;` takes x from outside the let: resolve those before the let's names are visible.
  for (size_t i = 0; i < n; ++i) {
    const ast::Binding& b = e->bindings[i];
    if (!b.inherited) continue;
    if (auto* var = llvm::dyn_cast<ast::Var>(b.value)) {
      if (const Scheme* outer = Lookup(var->name)) {
        schemes[i] = const_cast<Scheme*>(outer);
        continue;
      }
    }
    ++level_;
    Type* t = Infer(b.value);
    --level_;
    schemes[i] = NewScheme(t, false);
    schemes[i]->poly = Generalize(t);
    SettlePredicates({schemes[i]});
  }
  for (size_t i = 0; i < n; ++i) {
    if (!schemes[i]) schemes[i] = NewScheme(context_.Error(), false);
    Push(e->bindings[i].name, schemes[i]);
  }
  for (const std::vector<uint32_t>& component : LetComponents(e)) {
    ++level_;
    for (uint32_t i : component) {
      schemes[i]->type = context_.FreshVar(level_);
      schemes[i]->poly = false;
    }
    for (uint32_t i : component) {
      const ast::Binding& b = e->bindings[i];
      Type* t = Infer(b.value);
      if (b.annotation) {
        llvm::DenseMap<const void*, Type*> vars;
        Type* declared = FromAnnotation(b.annotation, vars);
        if (Expect(declared, t, b.value->range(), "")) t = declared;
      }
      // The binding's type is its value's own: a recursive call inside may have bound the
      // variable to the call's record (`f { x = 1; }` has x required and no other field),
      // while the value's record pattern says which fields are optional.
      if (Expect(schemes[i]->type, t, b.value->range(), "")) schemes[i]->type = t;
    }
    --level_;
    llvm::SmallVector<Scheme*, 4> members;
    for (uint32_t i : component) {
      schemes[i]->poly = Generalize(schemes[i]->type);
      members.push_back(schemes[i]);
      if (recorder_) recorder_->OnBinding(e->bindings[i].name_range, schemes[i], schemes[i]->type);
    }
    SettlePredicates(members);
  }
  Type* body = Infer(e->body);
  for (size_t i = n; i-- > 0;) Pop(e->bindings[i].name);
  return body;
}

const Scheme* Inferencer::InferTopLevel(const ast::Expr* expr) {
  ++level_;
  Type* t = Infer(expr);
  --level_;
  Scheme* scheme = NewScheme(t, false);
  scheme->poly = Generalize(t);
  SettlePredicates({scheme});
  for (Predicate* p : pending_) Default(p);
  pending_.clear();
  return scheme;
}

Type* Inferencer::InferMonomorphic(const ast::Expr* expr) {
  Type* t = Infer(expr);
  // Nothing generalizes here: whatever is still ambiguous defaults now.
  for (size_t i = 0; i < pending_.size(); ++i) Default(pending_[i]);
  pending_.clear();
  return t;
}

Type* Inferencer::FromAnnotation(const ast::TypeExpr* type,
                                 llvm::DenseMap<const void*, Type*>& vars) {
  switch (type->kind()) {
    case ast::TypeKind::kNamed: {
      std::string_view name = llvm::cast<ast::NamedType>(type)->name.str();
      if (name == "Int") return context_.Int();
      if (name == "Bool") return context_.Bool();
      if (name == "String") return context_.String();
      if (name == "Stage") return context_.Stage();
      if (name == "Artifact") return context_.Artifact();
      diags_.Error(
          type->range(),
          "unknown type '" + std::string(name) +
              "'; the types are Int, Bool, String, Stage, Artifact, List, records and functions");
      return context_.Error();
    }
    case ast::TypeKind::kVar: {
      auto [it, inserted] =
          vars.try_emplace(llvm::cast<ast::VarType>(type)->name.opaque(), nullptr);
      if (inserted) it->second = context_.FreshVar(level_);
      return it->second;
    }
    case ast::TypeKind::kList:
      return context_.List(FromAnnotation(llvm::cast<ast::ListType>(type)->element, vars));
    case ast::TypeKind::kFunction: {
      auto* fn = llvm::cast<ast::FunctionType>(type);
      Type* param = FromAnnotation(fn->param, vars);
      return context_.Function(param, FromAnnotation(fn->result, vars));
    }
    case ast::TypeKind::kRecord: {
      auto* record = llvm::cast<ast::RecordType>(type);
      llvm::SmallVector<FieldType, 8> fields;
      for (const ast::RecordTypeField& f : record->fields) {
        if (std::any_of(fields.begin(), fields.end(),
                        [&](const FieldType& g) { return g.name == f.name; })) {
          diags_.Error(f.name_range,
                       "duplicate field '" + std::string(f.name.str()) + "' in record type");
          continue;
        }
        fields.push_back({f.name, FromAnnotation(f.type, vars), false});
      }
      Type* tail = record->open ? static_cast<Type*>(context_.FreshVar(level_, true))
                                : context_.EmptyRowType();
      return context_.Record(fields, tail);
    }
    case ast::TypeKind::kError:
      return context_.Error();
  }
  return context_.Error();
}

}  // namespace strata::types
