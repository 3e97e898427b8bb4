// Function application: closures, record patterns (defaults, `@`, `...`) and builtins.
#include <algorithm>

#include "compiler/eval/machine.h"

namespace strata::eval {

using diag::SourceRange;

Value Machine::Apply(Value function, Thunk* arg, SourceRange call) {
  if (!function.is(ValueKind::kFunction))
    TypeError(call, "the called value", "a function", function);
  const FunctionData* f = function.function();
  if (f->lambda) return CallClosure(f, arg, call);
  const BuiltinDef* def = f->builtin;
  if (f->arg_count + 1 == def->arity) {
    Thunk* args[8];
    std::copy(f->args, f->args + f->arg_count, args);
    args[f->arg_count] = arg;
    DepthGuard guard(*this, call);
    return def->fn(*this, args, call);
  }
  auto* partial = heap_.New<FunctionData>();
  partial->builtin = def;
  Thunk** args = heap_.Array<Thunk*>(f->arg_count + 1);
  std::copy(f->args, f->args + f->arg_count, args);
  args[f->arg_count] = arg;
  partial->args = args;
  partial->arg_count = f->arg_count + 1;
  return Value::Function(partial);
}

Value Machine::CallClosure(const FunctionData* f, Thunk* arg, SourceRange call) {
  DepthGuard guard(*this, call);
  const ast::Lambda* lambda = f->lambda;
  try {
    if (!lambda->pattern) {
      Env* env = heap_.NewEnv(f->env, Scope{&lambda->param, 1, nullptr});
      env->slots[0] = arg;
      return Eval(lambda->body, env);
    }
    return BindPattern(lambda, f->env, arg, call);
  } catch (EvalError& error) {
    // Name the innermost few call sites, so an error deep in a shared function says
    // which use of it failed.
    constexpr size_t kMaxCallNotes = 3;
    if (!error.message.empty() && call.valid() && error.notes.size() < kMaxCallNotes &&
        (call.file != error.range.file || call.begin != error.range.begin)) {
      bool seen = false;
      for (const diag::Note& note : error.notes)
        seen |= note.range.file == call.file && note.range.begin == call.begin;
      if (!seen) error.notes.push_back({call, "in this call"});
    }
    throw;
  }
}

Value Machine::BindPattern(const ast::Lambda* lambda, Env* outer, Thunk* arg, SourceRange call) {
  const ast::Pattern* pattern = lambda->pattern;
  llvm::ArrayRef<RecordField> given = ForceRecord(arg, call, "the argument of a record pattern");
  Scope scope = ScopeFor(pattern, [&](std::vector<Symbol>& names) {
    for (const ast::PatternField& field : pattern->fields) names.push_back(field.name);
    if (!pattern->as_name.empty()) names.push_back(pattern->as_name);
  });
  Env* env = heap_.NewEnv(outer, scope);
  for (size_t i = 0; i < pattern->fields.size(); ++i) {
    const ast::PatternField& field = pattern->fields[i];
    if (const RecordField* found = FindField(given, field.name)) {
      env->slots[i] = found->value;
    } else if (field.default_value) {
      // Defaults see the other fields (and the `@` name): they live in the pattern's env.
      env->slots[i] = Suspend(field.default_value, env);
    } else {
      EvalError error{call,
                      "missing attribute '" + std::string(field.name.str()) +
                          "' in the argument of this function",
                      {}};
      error.notes.push_back({field.name_range, "the parameter is declared here"});
      throw error;
    }
  }
  if (!pattern->as_name.empty()) env->slots[pattern->fields.size()] = arg;
  if (!pattern->ellipsis) {
    for (const RecordField& g : given) {
      bool known = std::any_of(pattern->fields.begin(), pattern->fields.end(),
                               [&](const ast::PatternField& p) { return p.name == g.name; });
      if (!known) {
        EvalError error{call,
                        "unexpected attribute '" + std::string(g.name.str()) +
                            "' in the argument of this function",
                        {}};
        error.notes.push_back({pattern->range, "the pattern has no `...`"});
        throw error;
      }
    }
  }
  return Eval(lambda->body, env);
}

}  // namespace strata::eval
