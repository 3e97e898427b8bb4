// One compiler session for a command: load the entry file, type-check it, evaluate it.
//
// Owns every phase object; the commands (check, eval, graph, parse) drive it and print.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"
#include "compiler/eval/evaluator.h"
#include "compiler/graph/local_source.h"
#include "compiler/graph/node.h"
#include "compiler/syntax/ast.h"
#include "compiler/syntax/module_loader.h"
#include "compiler/types/checker.h"

namespace strata::cli {

// Exit codes of every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitProgramError = 1;
inline constexpr int kExitUsage = 2;

// Thrown for usage errors (bad flags, a malformed --arg); main prints it and exits 2.
struct UsageError {
  std::string message;
};

// `-f FILE` (a file, or a directory holding build.strata) and `--arg K=V` values.
struct ProgramInput {
  std::string file = "build.strata";
  std::vector<std::string> args;
};

class Session {
 public:
  Session();
  ~Session();

  // Parses the entry file and its imports; false when it cannot be read or has syntax errors.
  bool Load(const std::string& file);
  // Type-checks the loaded program; false on type errors.
  bool Check();
  // Evaluates the program's value, applying `--arg` values when it is a function of a record
  // pattern (converted by the parameter's type). Throws UsageError for a malformed --arg.
  std::optional<eval::Value> Evaluate(const std::vector<std::string>& args);
  // Load + Check + Evaluate.
  std::optional<eval::Value> Run(const ProgramInput& input);

  // Prints the collected diagnostics to stderr; returns the exit code they imply.
  int Finish();

  diag::SourceManager& sources() { return sources_; }
  diag::DiagnosticEngine& diags() { return diags_; }
  syntax::ModuleLoader& loader() { return *loader_; }
  types::Checker& checker() { return *checker_; }
  eval::Evaluator& evaluator() { return *evaluator_; }
  graph::Graph& graph() { return graph_; }
  const syntax::Module* entry() const { return entry_; }
  const types::Type* entry_type() const { return entry_type_; }
  // The type of the value Evaluate returns: the entry's type, or its result type when the
  // program is a function of a record pattern (the --arg values are applied).
  const types::Type* value_type();

 private:
  diag::SourceManager sources_;
  diag::DiagnosticEngine diags_;
  ast::Arena arena_;
  graph::Graph graph_;
  std::unique_ptr<graph::LocalSourceHasher> hasher_;
  std::unique_ptr<syntax::ModuleLoader> loader_;
  std::unique_ptr<types::Checker> checker_;
  std::unique_ptr<eval::Evaluator> evaluator_;
  const syntax::Module* entry_ = nullptr;
  const types::Type* entry_type_ = nullptr;
};

// Where Strata keeps its caches: --store, else $STRATA_STORE, else $XDG_CACHE_HOME/strata,
// else ~/.cache/strata.
std::string DefaultStoreDir();

}  // namespace strata::cli
