// Expression evaluation: names, thunks, lets, records, strings, selection and imports.
#include "compiler/eval/machine.h"

#include <algorithm>

#include "compiler/graph/local_source.h"
#include "compiler/graph/ops.h"

namespace strata::eval {

using diag::SourceRange;

Machine::Machine(syntax::ModuleLoader& loader, diag::DiagnosticEngine& diags, graph::Graph& graph,
                 graph::LocalSourceHasher& hasher)
    : loader_(loader), diags_(diags), graph_(graph), hasher_(hasher) {
  true_ = heap_.Done(Value::Bool(true));
  false_ = heap_.Done(Value::Bool(false));
  InstallBuiltins();
}

Machine::~Machine() = default;

void Machine::InstallBuiltins() {
  std::vector<const BuiltinDef*> defs;
  for (auto table : {StageBuiltins(), ListBuiltins(), StringBuiltins(), RecordBuiltins()})
    for (const BuiltinDef& def : table) defs.push_back(&def);
  Symbol* names = heap_.Array<Symbol>(defs.size());
  for (size_t i = 0; i < defs.size(); ++i) names[i] = Symbol::Intern(defs[i]->name);
  builtins_env_ = heap_.NewEnv(nullptr, heap_.MakeScope(names, defs.size()));
  for (size_t i = 0; i < defs.size(); ++i) {
    Thunk* slot;
    if (defs[i]->arity == 0) {
      // Made on first use, so an unused `scratch` adds no node to the graph.
      slot = heap_.New<Thunk>();
      slot->state = Thunk::State::kBuiltin0;
      slot->pending.builtin = defs[i];
    } else {
      auto* f = heap_.New<FunctionData>();
      f->builtin = defs[i];
      slot = heap_.Done(Value::Function(f));
    }
    builtins_env_->slots[i] = slot;
  }
}

void Machine::Report(SourceRange range, std::string message) {
  diags_.Error(range, std::move(message));
}

void Machine::Fail(SourceRange range, std::string message) {
  throw EvalError{range, std::move(message), {}};
}

void Machine::TypeError(SourceRange range, std::string_view what, std::string_view expected,
                        Value found) {
  Fail(range, "internal type error: " + std::string(what) + " should be " + std::string(expected) +
                  ", found " + std::string(KindName(found.kind())));
}

std::string_view Machine::SourceText(SourceRange range) const {
  if (!range.valid()) return {};
  std::string_view text = loader_.sources().Text(range.file);
  if (range.begin > range.end || range.end > text.size()) return {};
  return text.substr(range.begin, range.end - range.begin);
}

Value Machine::Force(Thunk* thunk) {
  switch (thunk->state) {
    case Thunk::State::kDone:
      return thunk->value;
    case Thunk::State::kForcing:
      Fail(thunk->pending.expr ? thunk->pending.expr->range() : SourceRange{},
           "infinite recursion: this value depends on itself");
    case Thunk::State::kExpr: {
      DepthGuard guard(*this, thunk->pending.expr->range());
      thunk->state = Thunk::State::kForcing;
      try {
        Value value = Eval(thunk->pending.expr, thunk->pending.env);
        thunk->value = value;
      } catch (...) {
        // Leave it re-forceable, so a later force reports the real error again.
        thunk->state = Thunk::State::kExpr;
        throw;
      }
      break;
    }
    case Thunk::State::kApply: {
      const ApplyData* apply = thunk->pending.apply;
      DepthGuard guard(*this, apply->call);
      thunk->state = Thunk::State::kForcing;
      try {
        Value function = apply->lazy_function ? Expect(apply->lazy_function, ValueKind::kFunction,
                                                       apply->call, "the function given to map")
                                              : apply->function;
        Value value = Apply(function, apply->arg, apply->call);
        thunk->value = value;
      } catch (...) {
        thunk->state = Thunk::State::kApply;
        throw;
      }
      break;
    }
    case Thunk::State::kBuiltin0: {
      const BuiltinDef* def = thunk->pending.builtin;
      Value value = def->fn(*this, nullptr, SourceRange{});
      thunk->value = value;
      break;
    }
  }
  thunk->state = Thunk::State::kDone;  // the value now holds the storage of expr and env
  return thunk->value;
}

Thunk* Machine::Suspend(const ast::Expr* expr, Env* env) {
  switch (expr->kind()) {
    case ast::Kind::kVar:
      // Share the binding's thunk: memoisation then spans every use of the name. (A slot
      // not filled yet, in a let being bound, is null: then defer the lookup.)
      if (Thunk* t = Lookup(env, llvm::cast<ast::Var>(expr)->name)) return t;
      break;
    case ast::Kind::kInt:
      return heap_.Done(Value::Int(llvm::cast<ast::IntLit>(expr)->value));
    case ast::Kind::kBool:
      return llvm::cast<ast::BoolLit>(expr)->value ? true_ : false_;
    case ast::Kind::kLambda: {
      auto* f = heap_.New<FunctionData>();
      f->lambda = llvm::cast<ast::Lambda>(expr);
      f->env = env;
      return heap_.Done(Value::Function(f));
    }
    default:
      break;
  }
  return heap_.Deferred(expr, env);
}

Value Machine::EvalPipe(const ast::Apply* last, Env* env) {
  // `x |> f1 |> ... |> fN` is fN (... (f1 x)). Evaluated lazily, forcing it would nest one
  // force and one call per step; here each step's result is computed before the next step
  // runs (as nixpkgs' lib.pipe, a foldl', does), in a loop: a pipeline of any length needs
  // constant stack. The first value stays lazy, and so does a step that fails: its error is
  // raised only if a later step uses its result, as in `fN (... (f1 x))`.
  llvm::SmallVector<const ast::Apply*, 16> steps;  // outermost first
  const ast::Expr* first = last;
  while (auto* step = llvm::dyn_cast<ast::Apply>(first)) {
    if (!step->pipe || step->args.size() != 1) break;
    steps.push_back(step);
    first = step->args[0];
  }
  Thunk* acc = Suspend(first, env);
  for (size_t i = steps.size(); i-- > 0;) {
    if (i == 0) return Apply(Eval(steps[i]->fn, env), acc, steps[i]->range());
    try {
      acc = heap_.Done(Apply(Eval(steps[i]->fn, env), acc, steps[i]->range()));
    } catch (const EvalError&) {
      acc = heap_.AppliedLazy(Suspend(steps[i]->fn, env), acc, steps[i]->range());
    }
  }
  return Force(acc);  // Not reached: `last` is a step.
}

Value Machine::Eval(const ast::Expr* expr, Env* env) {
  switch (expr->kind()) {
    case ast::Kind::kInt:
      return Value::Int(llvm::cast<ast::IntLit>(expr)->value);
    case ast::Kind::kBool:
      return Value::Bool(llvm::cast<ast::BoolLit>(expr)->value);
    case ast::Kind::kString:
      return EvalString(llvm::cast<ast::StringLit>(expr), env);
    case ast::Kind::kPath:
      return EvalPath(llvm::cast<ast::PathLit>(expr));
    case ast::Kind::kVar: {
      auto* var = llvm::cast<ast::Var>(expr);
      Thunk* t = Lookup(env, var->name);
      if (!t)
        Fail(expr->range(), "internal error: unbound name '" + std::string(var->name.str()) + "'");
      if (t->state == Thunk::State::kForcing)
        Fail(expr->range(), "infinite recursion: '" + std::string(var->name.str()) +
                                "' is used while its own value is computed");
      return Force(t);
    }
    case ast::Kind::kRecord:
      return EvalRecord(llvm::cast<ast::Record>(expr), env);
    case ast::Kind::kList: {
      auto* list = llvm::cast<ast::List>(expr);
      Thunk** items = heap_.Array<Thunk*>(list->elements.size());
      for (size_t i = 0; i < list->elements.size(); ++i) items[i] = Suspend(list->elements[i], env);
      return Value::List(heap_.New<ListData>(ListData{items, list->elements.size()}));
    }
    case ast::Kind::kLambda: {
      auto* f = heap_.New<FunctionData>();
      f->lambda = llvm::cast<ast::Lambda>(expr);
      f->env = env;
      return Value::Function(f);
    }
    case ast::Kind::kApply: {
      auto* apply = llvm::cast<ast::Apply>(expr);
      if (apply->pipe) return EvalPipe(apply, env);
      Value function = Eval(apply->fn, env);
      for (const ast::Expr* arg : apply->args)
        function = Apply(function, Suspend(arg, env), expr->range());
      return function;
    }
    case ast::Kind::kLet:
      return EvalLet(llvm::cast<ast::Let>(expr), env);
    case ast::Kind::kIf: {
      auto* node = llvm::cast<ast::If>(expr);
      Value cond = ExpectValue(Eval(node->cond, env), ValueKind::kBool, node->cond->range(),
                               "the condition");
      return Eval(cond.boolean() ? node->then_branch : node->else_branch, env);
    }
    case ast::Kind::kAssert: {
      auto* node = llvm::cast<ast::Assert>(expr);
      Value cond = ExpectValue(Eval(node->cond, env), ValueKind::kBool, node->cond->range(),
                               "the assertion");
      if (!cond.boolean())
        Fail(node->cond->range(),
             "assertion failed: " + std::string(SourceText(node->cond->range())));
      return Eval(node->body, env);
    }
    case ast::Kind::kSelect:
      return EvalSelect(llvm::cast<ast::Select>(expr), env);
    case ast::Kind::kHasAttr:
      return EvalHasAttr(llvm::cast<ast::HasAttr>(expr), env);
    case ast::Kind::kBinary:
      return EvalBinary(llvm::cast<ast::Binary>(expr), env);
    case ast::Kind::kUnary:
      return EvalUnary(llvm::cast<ast::Unary>(expr), env);
    case ast::Kind::kImport:
      return EvalImport(llvm::cast<ast::Import>(expr));
    case ast::Kind::kAnnotated:
      return Eval(llvm::cast<ast::Annotated>(expr)->expr, env);
    case ast::Kind::kError:
      break;
  }
  Fail(expr->range(), "internal error: cannot evaluate an expression that had a syntax error");
}

Value Machine::EvalString(const ast::StringLit* s, Env* env) {
  if (s->parts.empty()) return heap_.StringNoCopy({});
  if (s->parts.size() == 1 && !s->parts[0].expr) return heap_.StringNoCopy(s->parts[0].text);
  if (s->parts.size() == 1 && s->parts[0].text.empty()) {  // "${x}": no copy needed
    Value v = Eval(s->parts[0].expr, env);
    if (v.is(ValueKind::kInt))
      Fail(s->parts[0].expr->range(), "cannot interpolate an Int into a string; use toString");
    return ExpectValue(v, ValueKind::kString, s->parts[0].expr->range(), "an interpolated value");
  }
  std::string text;
  for (const ast::StringPart& part : s->parts) {
    if (!part.expr) {
      text += part.text;
      continue;
    }
    Value v = Eval(part.expr, env);
    if (v.is(ValueKind::kInt))
      Fail(part.expr->range(), "cannot interpolate an Int into a string; use toString");
    ExpectValue(v, ValueKind::kString, part.expr->range(), "an interpolated value");
    text += v.string();
  }
  return heap_.String(text);
}

Value Machine::EvalPath(const ast::PathLit* p) {
  std::string path(p->path);
  auto it = local_sources_.find(path);
  if (it != local_sources_.end()) return Value::Node(it->second);
  graph::LocalSourceHasher::Result hash = hasher_.Hash(path);
  if (!hash.error.empty())
    Fail(p->range(), "cannot read local source " + std::string(p->written) + ": " + hash.error);
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  size_t slash = trimmed.find_last_of('/');
  std::string name = slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
  if (name.empty()) name = "/";
  const graph::Node* node = graph::MakeLocal(graph_, path, name, hash.digest, p->range());
  local_sources_.emplace(path, node);
  return Value::Node(node);
}

Value Machine::EvalRecord(const ast::Record* r, Env* env) {
  RecordField* fields = heap_.Array<RecordField>(r->fields.size());
  for (size_t i = 0; i < r->fields.size(); ++i)
    fields[i] = RecordField{r->fields[i].name, Suspend(r->fields[i].value, env)};
  std::sort(fields, fields + r->fields.size(),
            [](const RecordField& a, const RecordField& b) { return a.name < b.name; });
  return Value::Record(heap_.New<RecordData>(RecordData{fields, r->fields.size()}));
}

const Scope& Machine::ScopeFor(const void* key,
                               llvm::function_ref<void(std::vector<Symbol>&)> collect_names) {
  auto it = scopes_.find(key);
  if (it != scopes_.end()) return it->second;
  std::vector<Symbol> names;
  collect_names(names);
  Symbol* copy = heap_.Array<Symbol>(names.size());
  std::copy(names.begin(), names.end(), copy);
  return scopes_[key] = heap_.MakeScope(copy, names.size());
}

Value Machine::EvalLet(const ast::Let* let, Env* env) {
  Scope scope = ScopeFor(let, [&](std::vector<Symbol>& names) {
    for (const ast::Binding& b : let->bindings) names.push_back(b.name);
  });
  Env* inner = heap_.NewEnv(env, scope);
  for (size_t i = 0; i < let->bindings.size(); ++i) {
    const ast::Binding& b = let->bindings[i];
    // `inherit x;` reads x from outside the let (else it would be its own black hole).
    inner->slots[i] = Suspend(b.value, b.inherited ? env : inner);
  }
  return Eval(let->body, inner);
}

Value Machine::EvalSelect(const ast::Select* s, Env* env) {
  Value v = Eval(s->target, env);
  for (const ast::AttrName& attr : s->path) {
    if (!v.is(ValueKind::kRecord)) {
      if (s->fallback) return Eval(s->fallback, env);
      TypeError(attr.range, "the value selected from", "a record", v);
    }
    const RecordField* field = FindField(v.record(), attr.name);
    if (!field) {
      if (s->fallback) return Eval(s->fallback, env);
      std::string message = "missing attribute '" + std::string(attr.name.str()) + "'";
      if (v.record().empty()) {
        message += " (the record is empty)";
      } else {
        message += "; the record has: ";
        size_t shown = 0;
        for (const RecordField& f : v.record()) {
          if (shown++ == 20) {
            message += ", ...";
            break;
          }
          if (shown > 1) message += ", ";
          message += f.name.str();
        }
      }
      Fail(attr.range, message);
    }
    v = Force(field->value);
  }
  return v;
}

Value Machine::EvalHasAttr(const ast::HasAttr* h, Env* env) {
  Value v = Eval(h->target, env);
  for (const ast::AttrName& attr : h->path) {
    if (!v.is(ValueKind::kRecord)) return Value::Bool(false);
    const RecordField* field = FindField(v.record(), attr.name);
    if (!field) return Value::Bool(false);
    if (&attr != &h->path.back()) v = Force(field->value);
  }
  return Value::Bool(true);
}

Value Machine::EvalImport(const ast::Import* i) {
  size_t errors_before = diags_.error_count();
  const syntax::Module* module = loader_.LoadImport(i);
  if (!module) {
    if (diags_.error_count() > errors_before) throw EvalError{i->range(), "", {}};
    Fail(i->range(), "cannot import " + std::string(i->path));
  }
  return EvalModule(module);
}

Value Machine::EvalModule(const syntax::Module* module) {
  auto [it, inserted] = modules_.try_emplace(module, nullptr);
  if (inserted) it->second = heap_.Deferred(module->root, builtins_env_);
  return Force(it->second);
}

}  // namespace strata::eval
