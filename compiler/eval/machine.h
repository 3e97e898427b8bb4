// The evaluator's core, shared by the expression evaluator, the operators and the builtins.
//
// Internal to compiler/eval: errors are thrown as EvalError and caught by the public
// Evaluator (evaluator.h), which turns them into diagnostics.
#pragma once

#include <llvm/ADT/STLFunctionalExtras.h>

#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/dockerfile/lower.h"
#include "compiler/eval/value.h"
#include "compiler/graph/lockfile.h"
#include "compiler/graph/node.h"
#include "compiler/syntax/module_loader.h"

namespace strata::graph {
class LocalSourceHasher;
}

namespace strata::eval {

// An evaluation error on its way to the public boundary. An empty message means the error
// was already reported (e.g. by the module loader).
struct EvalError {
  diag::SourceRange range;
  std::string message;
  std::vector<diag::Note> notes;
};

class Machine;

// A builtin: `arity` arguments (as thunks, so a builtin forces only what it needs).
using BuiltinFn = Value (*)(Machine& m, Thunk* const* args, diag::SourceRange call);
struct BuiltinDef {
  std::string_view name;
  uint32_t arity;
  BuiltinFn fn;
};

// Default nesting limit of forces and calls (Nix's default max-call-depth is the same).
inline constexpr uint32_t kDefaultMaxDepth = 10000;

class Machine {
 public:
  Machine(syntax::ModuleLoader& loader, diag::DiagnosticEngine& diags, graph::Graph& graph,
          graph::LocalSourceHasher& hasher);
  ~Machine();

  Heap& heap() { return heap_; }
  graph::Graph& graph() { return graph_; }
  graph::LocalSourceHasher& hasher() { return hasher_; }
  syntax::ModuleLoader& loader() { return loader_; }
  Env* builtins_env() { return builtins_env_; }
  void set_max_depth(uint32_t depth) { max_depth_ = depth; }
  const graph::Lockfile& lockfile() const { return lockfile_; }
  void set_lockfile(graph::Lockfile lockfile) { lockfile_ = std::move(lockfile); }
  graph::LockPolicy lock_policy() const { return lock_policy_; }
  void set_lock_policy(graph::LockPolicy policy) { lock_policy_ = policy; }
  // The driver's Dockerfile pipeline, for the `dockerfile` builtin (null: the builtin fails).
  const dockerfile::DockerfileLowerer& dockerfile_lowerer() const { return dockerfile_lowerer_; }
  void set_dockerfile_lowerer(dockerfile::DockerfileLowerer lowerer) {
    dockerfile_lowerer_ = std::move(lowerer);
  }
  // The lock keys of the network steps without sha256 the program made (NetworkLockKey).
  std::set<std::string>& network_keys() { return network_keys_; }
  // A located error that does not stop evaluation (so that all of them are reported).
  void Report(diag::SourceRange range, std::string message);

  // Evaluates to weak head normal form.
  Value Eval(const ast::Expr* expr, Env* env);
  Value Force(Thunk* thunk);
  // A thunk for `expr` in `env` without allocating when it is a name or a literal.
  Thunk* Suspend(const ast::Expr* expr, Env* env);
  // Applies a function value to one argument; `call` locates errors.
  Value Apply(Value function, Thunk* arg, diag::SourceRange call);
  // The module's value (each module is evaluated once).
  Value EvalModule(const syntax::Module* module);

  // Forces and checks the kind; an unexpected kind is an internal type error at `at`.
  Value Expect(Thunk* thunk, ValueKind kind, diag::SourceRange at, std::string_view what);
  Value ExpectValue(Value value, ValueKind kind, diag::SourceRange at, std::string_view what);
  int64_t ForceInt(Thunk* t, diag::SourceRange at, std::string_view what = "argument");
  bool ForceBool(Thunk* t, diag::SourceRange at, std::string_view what = "argument");
  std::string_view ForceString(Thunk* t, diag::SourceRange at, std::string_view what = "argument");
  llvm::ArrayRef<Thunk*> ForceList(Thunk* t, diag::SourceRange at,
                                   std::string_view what = "argument");
  llvm::ArrayRef<RecordField> ForceRecord(Thunk* t, diag::SourceRange at,
                                          std::string_view what = "argument");
  const graph::Node* ForceNode(Thunk* t, diag::SourceRange at, std::string_view what = "argument");
  std::vector<std::string> ForceStringList(Thunk* t, diag::SourceRange at,
                                           std::string_view what = "argument");

  // Forces every element and field, recursively (for printing, equality, collecting).
  void DeepForce(Value value, diag::SourceRange at);
  // Structural equality; forces what it compares.
  bool Equal(Value a, Value b, diag::SourceRange at);

  [[noreturn]] void Fail(diag::SourceRange range, std::string message);
  [[noreturn]] void TypeError(diag::SourceRange range, std::string_view what,
                              std::string_view expected, Value found);
  // Source text of a range, for messages (`assertion failed: x > 0`).
  std::string_view SourceText(diag::SourceRange range) const;

  // Depth guard for every nested force and call.
  class DepthGuard {
   public:
    DepthGuard(Machine& m, diag::SourceRange at) : m_(m) {
      if (++m_.depth_ > m_.max_depth_) {
        --m_.depth_;
        m_.Fail(at, "evaluation too deep (more than " + std::to_string(m_.max_depth_) +
                        " nested calls); is there unbounded recursion?");
      }
    }
    ~DepthGuard() { --m_.depth_; }

   private:
    Machine& m_;
  };
  void ResetDepth() { depth_ = 0; }

 private:
  Value EvalString(const ast::StringLit* s, Env* env);
  Value EvalPath(const ast::PathLit* p);
  Value EvalRecord(const ast::Record* r, Env* env);
  Value EvalLet(const ast::Let* let, Env* env);
  Value EvalSelect(const ast::Select* s, Env* env);
  Value EvalHasAttr(const ast::HasAttr* h, Env* env);
  Value EvalBinary(const ast::Binary* b, Env* env);
  Value EvalPipe(const ast::Apply* last, Env* env);
  Value EvalUnary(const ast::Unary* u, Env* env);
  Value EvalImport(const ast::Import* i);
  Value CallClosure(const FunctionData* f, Thunk* arg, diag::SourceRange call);
  Value BindPattern(const ast::Lambda* lambda, Env* env, Thunk* arg, diag::SourceRange call);
  // The slots of a let or a record pattern, made once per node: `collect_names` lists them the
  // first time only.
  const Scope& ScopeFor(const void* key,
                        llvm::function_ref<void(std::vector<Symbol>&)> collect_names);
  void InstallBuiltins();

  syntax::ModuleLoader& loader_;
  diag::DiagnosticEngine& diags_;
  graph::Graph& graph_;
  graph::LocalSourceHasher& hasher_;
  Heap heap_;
  Env* builtins_env_ = nullptr;
  uint32_t depth_ = 0;
  uint32_t max_depth_ = kDefaultMaxDepth;
  llvm::DenseMap<const void*, Scope> scopes_;
  llvm::DenseMap<const syntax::Module*, Thunk*> modules_;
  std::unordered_map<std::string, const graph::Node*> local_sources_;
  Thunk* true_ = nullptr;
  Thunk* false_ = nullptr;
  graph::Lockfile lockfile_;
  graph::LockPolicy lock_policy_ = graph::LockPolicy::kUse;
  dockerfile::DockerfileLowerer dockerfile_lowerer_;
  std::set<std::string> network_keys_;
};

// The builtin tables, one per concept (builtins_*.cpp).
llvm::ArrayRef<BuiltinDef> StageBuiltins();
llvm::ArrayRef<BuiltinDef> ListBuiltins();
llvm::ArrayRef<BuiltinDef> StringBuiltins();
llvm::ArrayRef<BuiltinDef> RecordBuiltins();

}  // namespace strata::eval
