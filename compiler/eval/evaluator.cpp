// The public face of the evaluator: catches evaluation errors and reports them.
#include "compiler/eval/evaluator.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <unordered_set>

#include "compiler/eval/machine.h"
#include "compiler/graph/ops.h"
#include "compiler/syntax/string_literals.h"

namespace strata::eval {
namespace {

// Prints a deeply forced value.
void PrintValue(Machine& m, std::string& out, Value value) {
  Machine::DepthGuard guard(m, {});
  switch (value.kind()) {
    case ValueKind::kInt:
      out += std::to_string(value.integer());
      break;
    case ValueKind::kBool:
      out += value.boolean() ? "true" : "false";
      break;
    case ValueKind::kString:
      out += syntax::QuoteString(value.string());
      break;
    case ValueKind::kFunction:
      out += "<function>";
      break;
    case ValueKind::kNode:
      out += graph::IsStage(value.node()) ? "<stage " : "<artifact ";
      out += value.node()->key().Hex();
      out += '>';
      break;
    case ValueKind::kList:
      out += '[';
      for (Thunk* item : value.list()) {
        out += ' ';
        PrintValue(m, out, m.Force(item));
      }
      out += " ]";
      break;
    case ValueKind::kRecord:
      out += '{';
      for (const RecordField& field : value.record()) {
        out += ' ';
        // `{ "a-b" = 1; }` prints quoted: `a-b` would read back as a subtraction.
        if (syntax::IsPlainName(field.name.str()))
          out += field.name.str();
        else
          out += syntax::QuoteString(field.name.str());
        out += " = ";
        PrintValue(m, out, m.Force(field.value));
        out += ';';
      }
      out += " }";
      break;
  }
}

void Collect(Machine& m, Value value, std::unordered_set<const graph::Node*>& seen,
             std::vector<const graph::Node*>& out) {
  Machine::DepthGuard guard(m, {});
  if (value.is(ValueKind::kNode)) {
    if (seen.insert(value.node()).second) out.push_back(value.node());
  } else if (value.is(ValueKind::kList)) {
    for (Thunk* item : value.list()) Collect(m, m.Force(item), seen, out);
  } else if (value.is(ValueKind::kRecord)) {
    for (const RecordField& field : value.record()) Collect(m, m.Force(field.value), seen, out);
  }
}

void CollectNamed(Machine& m, Value value, const std::string& prefix,
                  std::vector<std::pair<std::string, const graph::Node*>>& out) {
  Machine::DepthGuard guard(m, {});
  if (value.is(ValueKind::kNode)) {
    out.emplace_back(prefix, value.node());
  } else if (value.is(ValueKind::kRecord)) {
    // Fields are sorted by spelling, so the paths come out sorted too.
    for (const RecordField& field : value.record())
      CollectNamed(m, m.Force(field.value),
                   prefix.empty() ? std::string(field.name.str())
                                  : prefix + "." + std::string(field.name.str()),
                   out);
  }
}

}  // namespace

Evaluator::Evaluator(syntax::ModuleLoader& loader, diag::DiagnosticEngine& diags,
                     graph::Graph& graph, graph::LocalSourceHasher& hasher)
    : diags_(diags), machine_(std::make_unique<Machine>(loader, diags, graph, hasher)) {}

Evaluator::~Evaluator() = default;

void Evaluator::Report(const EvalError& error) {
  if (error.message.empty()) return;  // already reported
  diag::Diagnostic& d = diags_.Error(error.range, error.message);
  d.notes.insert(d.notes.end(), error.notes.begin(), error.notes.end());
}

template <typename F>
auto Evaluator::Guarded(F&& work) -> std::optional<decltype(work())> {
  machine_->ResetDepth();
  try {
    return work();
  } catch (const EvalError& error) {
    Report(error);
  } catch (const std::bad_alloc&) {
    diags_.Error({}, "out of memory during evaluation");
  }
  machine_->ResetDepth();
  return std::nullopt;
}

std::optional<Value> Evaluator::EvalModule(const syntax::Module* module) {
  if (!module || !module->root) return std::nullopt;
  return Guarded([&] { return machine_->EvalModule(module); });
}

std::optional<Value> Evaluator::ApplyArguments(Value function, const std::vector<Argument>& args) {
  return Guarded([&]() -> Value {
    if (!function.is(ValueKind::kFunction)) {
      if (!args.empty()) machine_->Fail({}, "--arg given, but the program is not a function");
      return function;
    }
    const FunctionData* f = function.function();
    const ast::Pattern* pattern = f->lambda ? f->lambda->pattern : nullptr;
    Heap& heap = machine_->heap();
    std::vector<RecordField> fields;
    for (const Argument& arg : args) {
      Symbol name = Symbol::Intern(arg.name);
      for (const RecordField& seen : fields)
        if (seen.name == name) machine_->Fail({}, "--arg " + arg.name + " is given twice");
      fields.push_back({name, heap.Done(arg.value)});
    }
    if (pattern) {
      std::string accepted;
      for (const ast::PatternField& p : pattern->fields) {
        if (!accepted.empty()) accepted += ", ";
        accepted += p.name.str();
      }
      if (accepted.empty()) accepted = "none";
      for (const Argument& arg : args) {
        Symbol name = Symbol::Intern(arg.name);
        bool known = std::any_of(pattern->fields.begin(), pattern->fields.end(),
                                 [&](const ast::PatternField& p) { return p.name == name; });
        if (!known && !pattern->ellipsis)
          throw EvalError{pattern->range,
                          "unknown argument '" + arg.name + "'; the program accepts: " + accepted,
                          {}};
      }
      for (const ast::PatternField& p : pattern->fields) {
        bool given = std::any_of(args.begin(), args.end(),
                                 [&](const Argument& a) { return a.name == p.name.str(); });
        if (!given && !p.default_value)
          throw EvalError{p.name_range,
                          "missing argument '" + std::string(p.name.str()) +
                              "' (give it with --arg " + std::string(p.name.str()) + "=VALUE)",
                          {}};
      }
    }
    diag::SourceRange at = f->lambda ? f->lambda->range() : diag::SourceRange{};
    return machine_->Apply(function, heap.Done(heap.Record(fields)), at);
  });
}

std::optional<Value> Evaluator::EvalWithSelf(const ast::Expr* expr, Value self) {
  if (!expr) return std::nullopt;
  return Guarded([&] {
    static const Symbol kSelf = Symbol::Intern("self");
    Heap& heap = machine_->heap();
    Env* env = heap.NewEnv(machine_->builtins_env(), Scope{&kSelf, 1, nullptr});
    env->slots[0] = heap.Done(self);
    return machine_->Eval(expr, env);
  });
}

std::optional<Value> Evaluator::SelectPath(Value root, const std::vector<std::string>& path) {
  return Guarded([&] {
    Value v = root;
    std::string walked;
    for (const std::string& step : path) {
      if (!v.is(ValueKind::kRecord))
        machine_->Fail({}, "cannot select '" + step +
                               "': " + (walked.empty() ? "the program" : walked) + " is a " +
                               std::string(KindName(v.kind())) + ", not a record");
      const RecordField* field = FindField(v.record(), Symbol::Intern(step));
      if (!field) {
        std::string names;
        for (const RecordField& f : v.record()) {
          if (!names.empty()) names += ", ";
          names += f.name.str();
        }
        machine_->Fail({}, "no attribute '" + step + "' in " +
                               (walked.empty() ? "the program" : walked) +
                               "; available: " + (names.empty() ? "none" : names));
      }
      walked += walked.empty() ? step : "." + step;
      v = machine_->Force(field->value);
    }
    return v;
  });
}

bool Evaluator::Print(std::ostream& out, Value value) {
  std::optional<std::string> text = Guarded([&] {
    std::string buffer;
    PrintValue(*machine_, buffer, value);
    return buffer;
  });
  if (!text) return false;
  out << *text;
  return true;
}

bool Evaluator::CollectNodes(Value value, std::vector<const graph::Node*>& out) {
  std::unordered_set<const graph::Node*> seen(out.begin(), out.end());
  std::optional<bool> ok = Guarded([&] {
    Collect(*machine_, value, seen, out);
    return true;
  });
  return ok.has_value();
}

bool Evaluator::CollectNamedNodes(Value value,
                                  std::vector<std::pair<std::string, const graph::Node*>>& out) {
  std::optional<bool> ok = Guarded([&] {
    CollectNamed(*machine_, value, "", out);
    return true;
  });
  return ok.has_value();
}

Value Evaluator::MakeString(std::string text) { return machine_->heap().String(text); }
Value Evaluator::MakeInt(int64_t value) { return Value::Int(value); }
Value Evaluator::MakeBool(bool value) { return Value::Bool(value); }
void Evaluator::set_max_depth(uint32_t depth) { machine_->set_max_depth(depth); }
void Evaluator::set_lockfile(graph::Lockfile lockfile) {
  machine_->set_lockfile(std::move(lockfile));
}
void Evaluator::set_lock_policy(graph::LockPolicy policy) { machine_->set_lock_policy(policy); }
void Evaluator::set_dockerfile_lowerer(dockerfile::DockerfileLowerer lowerer) {
  machine_->set_dockerfile_lowerer(std::move(lowerer));
}
const std::set<std::string>& Evaluator::network_keys() const { return machine_->network_keys(); }
size_t Evaluator::bytes_allocated() const { return machine_->heap().bytes_allocated(); }

}  // namespace strata::eval
