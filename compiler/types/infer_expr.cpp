// Inference rules for each kind of expression.
#include <llvm/ADT/DenseSet.h>

#include <algorithm>

#include "compiler/types/infer.h"
#include "compiler/types/type_printer.h"

namespace strata::types {
namespace {

// Deep nesting ends in a diagnostic rather than a stack overflow (the checker runs on a large
// stack).
constexpr int kMaxDepth = 100000;
// A missing-field message lists at most this many of the record's fields.
constexpr size_t kMaxListedFields = 12;

std::string Quote(Symbol s) { return "'" + std::string(s.str()) + "'"; }

// The name to use for a function in messages: `run` in `run 1 s`, `f` in `r.f x`.
std::string FunctionName(const ast::Expr* fn) {
  if (auto* var = llvm::dyn_cast<ast::Var>(fn)) return Quote(var->name);
  if (auto* sel = llvm::dyn_cast<ast::Select>(fn)) return Quote(sel->path.back().name);
  return "the function";
}

std::string Ordinal(size_t n) { return std::to_string(n); }

}  // namespace

Type* Inferencer::Infer(const ast::Expr* expr) {
  if (++depth_ > kMaxDepth) {
    --depth_;
    diags_.Error(expr->range(), "expression is nested too deeply to type-check");
    return context_.Error();
  }
  Type* result = nullptr;
  switch (expr->kind()) {
    case ast::Kind::kInt:
      result = context_.Int();
      break;
    case ast::Kind::kBool:
      result = context_.Bool();
      break;
    case ast::Kind::kString:
      result = InferString(llvm::cast<ast::StringLit>(expr));
      break;
    case ast::Kind::kPath:
      result = context_.Artifact();
      break;
    case ast::Kind::kVar:
      result = InferVar(llvm::cast<ast::Var>(expr));
      break;
    case ast::Kind::kRecord:
      result = InferRecord(llvm::cast<ast::Record>(expr));
      break;
    case ast::Kind::kList:
      result = InferList(llvm::cast<ast::List>(expr));
      break;
    case ast::Kind::kLambda:
      result = InferLambda(llvm::cast<ast::Lambda>(expr));
      break;
    case ast::Kind::kApply:
      result = InferApply(llvm::cast<ast::Apply>(expr));
      break;
    case ast::Kind::kLet:
      result = InferLet(llvm::cast<ast::Let>(expr));
      break;
    case ast::Kind::kIf:
      result = InferIf(llvm::cast<ast::If>(expr));
      break;
    case ast::Kind::kAssert: {
      auto* e = llvm::cast<ast::Assert>(expr);
      Expect(context_.Bool(), Infer(e->cond), e->cond->range(), "condition of 'assert'");
      result = Infer(e->body);
      break;
    }
    case ast::Kind::kSelect:
      result = InferSelect(llvm::cast<ast::Select>(expr));
      break;
    case ast::Kind::kHasAttr:
      // `r ? a` is false for a missing field: it tells nothing about r's type.
      Infer(llvm::cast<ast::HasAttr>(expr)->target);
      result = context_.Bool();
      break;
    case ast::Kind::kBinary:
      result = InferBinary(llvm::cast<ast::Binary>(expr));
      break;
    case ast::Kind::kUnary:
      result = InferUnary(llvm::cast<ast::Unary>(expr));
      break;
    case ast::Kind::kImport: {
      auto* e = llvm::cast<ast::Import>(expr);
      const Scheme* scheme = imports_ ? imports_(e) : nullptr;
      result = scheme ? Instantiate(scheme, e->range(), Symbol()) : context_.Error();
      break;
    }
    case ast::Kind::kAnnotated:
      result = InferAnnotated(llvm::cast<ast::Annotated>(expr));
      break;
    case ast::Kind::kError:
      result = context_.Error();
      break;
  }
  --depth_;
  if (recorder_) recorder_->OnExpr(expr, result);
  return result;
}

Type* Inferencer::InferExpecting(const ast::Expr* expr, Type* expected) {
  Type* want = Resolve(expected);
  if (auto* list = llvm::dyn_cast<ast::List>(expr)) {
    auto* list_type = llvm::dyn_cast<ListTypeNode>(want);
    if (!list_type || llvm::isa<TypeVar>(Resolve(list_type->element))) return Infer(expr);
    for (const ast::Expr* item : list->elements)
      Expect(list_type->element, InferExpecting(item, list_type->element), item->range(),
             "list element");
    if (recorder_) recorder_->OnExpr(expr, want);
    return want;
  }
  if (auto* record = llvm::dyn_cast<ast::Record>(expr)) {
    if (!llvm::isa<RecordTypeNode>(want)) return Infer(expr);
    FlatRecord flat = Flatten(want);
    llvm::SmallVector<FieldType, 8> fields;
    for (const ast::Field& f : record->fields) {
      const FieldType* known = flat.Find(f.name);
      Type* t = known ? InferExpecting(f.value, known->type) : Infer(f.value);
      if (std::none_of(fields.begin(), fields.end(),
                       [&](const FieldType& g) { return g.name == f.name; }))
        fields.push_back({f.name, t, false});
    }
    Type* result = context_.ClosedRecord(fields);
    if (recorder_) recorder_->OnExpr(expr, result);
    return result;
  }
  return Infer(expr);
}

Type* Inferencer::InferString(const ast::StringLit* e) {
  for (const ast::StringPart& part : e->parts)
    if (part.expr)
      Expect(context_.String(), Infer(part.expr), part.expr->range(), "interpolated value");
  return context_.String();
}

Type* Inferencer::InferVar(const ast::Var* e) {
  if (const Scheme* scheme = Lookup(e->name)) {
    if (recorder_) recorder_->OnUse(e, scheme);
    return Instantiate(scheme, e->range(), e->name);
  }
  std::string message = "unbound variable " + Quote(e->name);
  std::string suggestion = Suggest(e->name);
  if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
  diags_.Error(e->range(), message);
  return context_.Error();
}

Type* Inferencer::InferRecord(const ast::Record* e) {
  llvm::SmallVector<FieldType, 8> fields;
  // The parser reports duplicate names; a set keeps this linear for records of 100,000 fields.
  llvm::SmallDenseSet<const void*, 16> seen;
  for (const ast::Field& f : e->fields) {
    Type* t = Infer(f.value);
    if (seen.insert(f.name.opaque()).second) fields.push_back({f.name, t, false});
  }
  return context_.ClosedRecord(fields);
}

Type* Inferencer::InferList(const ast::List* e) {
  Type* element = nullptr;
  for (const ast::Expr* item : e->elements) {
    Type* t = Infer(item);
    if (!element)
      element = t;
    else
      Expect(element, t, item->range(), "list element");
  }
  return context_.List(element ? element : context_.FreshVar(level_));
}

Type* Inferencer::InferLambda(const ast::Lambda* e) {
  if (!e->pattern) {
    Type* param = context_.FreshVar(level_);
    Scheme* scheme = NewScheme(param, false);
    if (recorder_) recorder_->OnBinding(e->param_range, scheme, param);
    Push(e->param, scheme);
    Type* body = Infer(e->body);
    Pop(e->param);
    return context_.Function(param, body);
  }
  const ast::Pattern& pattern = *e->pattern;
  llvm::SmallVector<FieldType, 8> fields;
  llvm::SmallVector<Symbol, 8> pushed;
  for (const ast::PatternField& pf : pattern.fields) {
    if (std::any_of(fields.begin(), fields.end(),
                    [&](const FieldType& g) { return g.name == pf.name; }))
      continue;
    Type* t = context_.FreshVar(level_);
    if (pf.annotation) {
      llvm::DenseMap<const void*, Type*> vars;
      t = FromAnnotation(pf.annotation, vars);
    }
    fields.push_back({pf.name, t, pf.default_value != nullptr});
  }
  Type* tail = pattern.ellipsis ? static_cast<Type*>(context_.FreshVar(level_, true))
                                : context_.EmptyRowType();
  Type* param = context_.Record(fields, tail);
  for (const FieldType& f : fields) {
    Scheme* scheme = NewScheme(f.type, false);
    if (recorder_)
      for (const ast::PatternField& pf : pattern.fields)
        if (pf.name == f.name) recorder_->OnBinding(pf.name_range, scheme, f.type);
    Push(f.name, scheme);
    pushed.push_back(f.name);
  }
  if (!pattern.as_name.empty()) {
    Scheme* scheme = NewScheme(param, false);
    // The parser keeps no range for the `@` name: the pattern's stands for it.
    if (recorder_) recorder_->OnBinding(pattern.range, scheme, param);
    Push(pattern.as_name, scheme);
    pushed.push_back(pattern.as_name);
  }
  // Defaults see the pattern's fields (a default may use another field).
  for (const ast::PatternField& pf : pattern.fields) {
    if (!pf.default_value) continue;
    Type* field_type = nullptr;
    for (const FieldType& f : fields)
      if (f.name == pf.name) field_type = f.type;
    Expect(field_type, Infer(pf.default_value), pf.default_value->range(),
           "default of " + Quote(pf.name));
  }
  Type* body = Infer(e->body);
  for (auto it = pushed.rbegin(); it != pushed.rend(); ++it) Pop(*it);
  return context_.Function(param, body);
}

Type* Inferencer::InferApply(const ast::Apply* e) {
  Type* fn = Infer(e->fn);
  for (size_t i = 0; i < e->args.size(); ++i) {
    const ast::Expr* arg = e->args[i];
    Type* resolved = Resolve(fn);
    Type* param = nullptr;
    Type* result = nullptr;
    if (auto* f = llvm::dyn_cast<FunctionTypeNode>(resolved)) {
      param = f->param;
      result = f->result;
    } else if (llvm::isa<TypeVar>(resolved)) {
      param = context_.FreshVar(level_);
      result = context_.FreshVar(level_);
      UnifyQuiet(resolved, context_.Function(param, result));
    } else {
      if (!llvm::isa<ErrorTypeNode>(resolved)) {
        TypePrinter printer;
        if (i == 0)
          diags_.Error(e->fn->range(), FunctionName(e->fn) + " is not a function; it has type " +
                                           printer.Print(resolved));
        else
          diags_.Error(arg->range(), FunctionName(e->fn) + " takes " + Ordinal(i) +
                                         (i == 1 ? " argument" : " arguments") + " but is given " +
                                         std::to_string(e->args.size()));
      }
      for (size_t j = i; j < e->args.size(); ++j) Infer(e->args[j]);
      return context_.Error();
    }
    Expect(param, InferExpecting(arg, param), arg->range(),
           "argument " + std::to_string(i + 1) + " of " + FunctionName(e->fn), arg);
    fn = result;
  }
  return fn;
}

Type* Inferencer::InferIf(const ast::If* e) {
  Expect(context_.Bool(), Infer(e->cond), e->cond->range(), "condition of 'if'");
  Type* then_type = Infer(e->then_branch);
  Type* else_type = Infer(e->else_branch);
  if (!unifier_.Unify(then_type, else_type)) {
    TypePrinter printer;
    std::string then_text = printer.Print(then_type);
    std::string else_text = printer.Print(else_type);
    diags_.Error(e->else_branch->range(), "the branches of 'if' have different types: 'then' is " +
                                              then_text + ", 'else' is " + else_text);
    RunWoken();
    return context_.Error();
  }
  RunWoken();
  return then_type;
}

Type* Inferencer::InferSelect(const ast::Select* e) {
  Type* t = Infer(e->target);
  bool optional = e->fallback != nullptr;
  Type* fallback = nullptr;
  auto result_with_fallback = [&](Type* field) {
    if (!e->fallback) return field;
    if (!fallback) fallback = Infer(e->fallback);
    Expect(field, fallback, e->fallback->range(), "the value after 'or'");
    return field;
  };
  for (const ast::AttrName& attr : e->path) {
    Type* r = Resolve(t);
    if (llvm::isa<ErrorTypeNode>(r)) {
      if (e->fallback) Infer(e->fallback);
      return context_.Error();
    }
    if (auto* var = llvm::dyn_cast<TypeVar>(r)) {
      Type* field = context_.FreshVar(level_);
      Type* rest = context_.FreshVar(level_, true);
      FieldType ft{attr.name, field, optional};
      unifier_.Bind(var, context_.Record(llvm::ArrayRef<FieldType>(ft), rest));
      RunWoken();
      t = field;
      if (recorder_) recorder_->OnField(attr, t);
      continue;
    }
    if (!llvm::isa<RecordTypeNode>(r)) {
      TypePrinter printer;
      diags_.Error(attr.range, "cannot select field " + Quote(attr.name) +
                                   " from a value of type " + printer.Print(r));
      if (e->fallback) Infer(e->fallback);
      return context_.Error();
    }
    FlatRecord flat = Flatten(r);
    if (const FieldType* f = flat.Find(attr.name)) {
      t = f->type;
      if (recorder_) recorder_->OnField(attr, t);
      continue;
    }
    if (llvm::isa<ErrorTypeNode>(flat.tail)) {
      if (e->fallback) Infer(e->fallback);
      return context_.Error();
    }
    if (auto* row = llvm::dyn_cast<TypeVar>(flat.tail)) {
      Type* field = context_.FreshVar(level_);
      Type* rest = context_.FreshVar(row->level, true);
      FieldType ft{attr.name, field, optional};
      unifier_.Bind(row, context_.Record(llvm::ArrayRef<FieldType>(ft), rest));
      RunWoken();
      t = field;
      if (recorder_) recorder_->OnField(attr, t);
      continue;
    }
    // A closed record without the field.
    if (e->fallback) return fallback ? fallback : (fallback = Infer(e->fallback));
    std::string message = "record has no field " + Quote(attr.name);
    if (flat.fields.empty()) {
      message += "; it has no fields";
    } else {
      message += "; it has: ";
      for (size_t i = 0; i < flat.fields.size() && i < kMaxListedFields; ++i)
        message += (i ? ", " : "") + std::string(flat.fields[i].name.str());
      if (flat.fields.size() > kMaxListedFields) message += ", ...";
    }
    diags_.Error(attr.range, message);
    return context_.Error();
  }
  // A field in use: the dormant predicates of the record's scheme on its type wake up.
  if (!llvm::isa<RecordTypeNode>(Resolve(t))) Activate(t);
  return result_with_fallback(t);
}

Type* Inferencer::InferAnnotated(const ast::Annotated* e) {
  llvm::DenseMap<const void*, Type*> vars;
  Type* declared = FromAnnotation(e->type, vars);
  Expect(declared, InferExpecting(e->expr, declared), e->expr->range(), "");
  return declared;
}

}  // namespace strata::types
