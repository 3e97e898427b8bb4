// The lazy evaluator: turns a checked program into values and derivation-graph nodes.
//
// Every public function catches evaluation errors and reports them to the DiagnosticEngine
// (at the failing expression, with notes where useful); nothing throws out of it. Values
// live in the Evaluator's arena and stay valid as long as it does. Deep recursion ends in an
// "evaluation too deep" diagnostic; callers should still run it on a large stack
// (support::RunOnLargeStack) so that the guard, not the stack, is the limit.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/dockerfile/lower.h"
#include "compiler/eval/value.h"
#include "compiler/graph/lockfile.h"
#include "compiler/graph/node.h"
#include "compiler/syntax/ast.h"
#include "compiler/syntax/module_loader.h"

namespace strata::graph {
class LocalSourceHasher;
}

namespace strata::eval {

class Machine;
struct EvalError;

class Evaluator {
 public:
  Evaluator(syntax::ModuleLoader& loader, diag::DiagnosticEngine& diags, graph::Graph& graph,
            graph::LocalSourceHasher& hasher);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  // The module's value in weak head normal form; nullopt after reporting an error.
  std::optional<Value> EvalModule(const syntax::Module* module);

  struct Argument {
    std::string name;
    Value value;
  };
  // Calls a top-level `{ version ? "dev", ... }: ...` with `--arg` values. An unknown name
  // (without `...`) or a missing required one is an error naming the accepted parameters.
  // A value that is not a function is returned as is when there are no arguments.
  std::optional<Value> ApplyArguments(Value function, const std::vector<Argument>& args);

  // Evaluates `expr` (e.g. from `strata eval EXPR`) with `self` bound to `self`.
  std::optional<Value> EvalWithSelf(const ast::Expr* expr, Value self);

  // Follows an attribute path (`strata build a.b`); the error names the available attributes.
  std::optional<Value> SelectPath(Value root, const std::vector<std::string>& path);

  // Forces deeply and prints in Strata syntax: `{ a = 1; b = "x"; }` (sorted), `[ 1 2 ]`,
  // quoted strings, `<function>`, `<stage KEY>` / `<artifact KEY>`. False after an error
  // (then nothing, or a partial line, was written).
  bool Print(std::ostream& out, Value value);

  // Forces deeply and appends every Stage/Artifact in a record/list tree, in attribute
  // order, each once. Functions and scalars are skipped.
  bool CollectNodes(Value value, std::vector<const graph::Node*>& out);
  // Forces the record tree of a workspace package's value and appends every Stage or Artifact
  // attribute with its dotted path (`services.api`), sorted by path; lists, functions and
  // scalars are skipped (a package's targets are its attributes).
  bool CollectNamedNodes(Value value, std::vector<std::pair<std::string, const graph::Node*>>& out);

  Value MakeString(std::string text);
  Value MakeInt(int64_t value);
  Value MakeBool(bool value);

  // Nesting limit of forces and calls (default 10,000).
  void set_max_depth(uint32_t depth);
  // The program's strata.lock: `image "ref"` takes its digest from it (set before evaluating).
  void set_lockfile(graph::Lockfile lockfile);
  void set_lock_policy(graph::LockPolicy policy);
  // How `dockerfile ./Dockerfile {...}` is lowered: the driver's pipeline.
  void set_dockerfile_lowerer(dockerfile::DockerfileLowerer lowerer);
  // The lock keys of every network step without sha256 evaluated so far (NetworkLockKey).
  const std::set<std::string>& network_keys() const;
  // Bytes held by the value arena (for benchmarks).
  size_t bytes_allocated() const;

 private:
  template <typename F>
  auto Guarded(F&& work) -> std::optional<decltype(work())>;
  void Report(const EvalError& error);

  diag::DiagnosticEngine& diags_;
  std::unique_ptr<Machine> machine_;
};

}  // namespace strata::eval
