// The front end of one invocation: the sources (with an editor's overlay), the module
// loader, checker, evaluator, one local-source hasher, the lockfile and the Dockerfile
// pipeline. The CLI (and later a language server) drives it; it touches no store and reads
// no environment variable: every setting comes in through FrontendOptions.
#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"
#include "compiler/dockerfile/lower.h"
#include "compiler/driver/base_image_source.h"
#include "compiler/driver/dockerfile_pipeline.h"
#include "compiler/graph/local_source.h"
#include "compiler/graph/lockfile.h"
#include "compiler/graph/node.h"

namespace strata::syntax {
class ModuleLoader;
struct Module;
}  // namespace strata::syntax
namespace strata::types {
class Checker;
class CheckRecorder;
class Type;
}  // namespace strata::types
namespace strata::eval {
class Evaluator;
}

namespace strata::driver {

// A malformed `--arg` (the CLI exits 2 for it).
struct UsageError {
  std::string message;
};

// `-f FILE` (a file, or a directory holding build.strata) and `--arg K=V` values.
struct ProgramInput {
  std::string file = "build.strata";
  std::vector<std::string> args;
};

struct FrontendOptions {
  // The local-source hash cache file; "" keeps the hashes in memory only.
  std::string hash_cache_path;
  // The parse cache's directory (syntax/parse_cache.h); "" parses every file.
  std::string parse_cache_dir;
  // How unpinned inputs are treated (`strata lock`, `--locked`).
  graph::LockPolicy lock_policy = graph::LockPolicy::kUse;
  // Base image configs for Dockerfiles (ONBUILD triggers, Env); null: none known.
  BaseImageSource* base_images = nullptr;
};

class Frontend {
 public:
  explicit Frontend(FrontendOptions options = {});
  ~Frontend();
  Frontend(const Frontend&) = delete;
  Frontend& operator=(const Frontend&) = delete;

  // An editor's unsaved text for `path`, used instead of the file on disk.
  void SetOverlay(const std::string& path, std::string text) {
    sources_.SetOverlay(path, std::move(text));
  }

  // Parses the entry file and its imports, and reads strata.lock beside it; false when
  // either cannot be read or the program has syntax errors.
  bool Load(const std::string& file);
  // Type-checks the loaded program; false on type errors.
  bool Check();
  // The loaded program's type, printed.
  std::string TypeText() const;
  // Evaluates the program's value, applying `--arg` values when it is a function of a record
  // pattern (converted by the parameter's type). Throws UsageError for a malformed --arg.
  bool Evaluate(const std::vector<std::string>& args);
  // Load + Check + Evaluate.
  bool Run(const ProgramInput& input);
  // The stages and artifacts of `target` (attribute names) in the evaluated value; false after
  // errors. A record of targets gives all of them; `is_node` says whether the target is one
  // stage or artifact itself.
  bool CollectTargets(const std::vector<std::string>& target,
                      std::vector<const graph::Node*>& nodes, bool* is_node = nullptr);
  // Checks and evaluates `expr` with the evaluated value as `self`, printing the result.
  bool EvalExpression(const std::string& expr, std::ostream& out);
  // Workspaces (workspace_packages.h): one Frontend evaluates many packages, so an imported
  // package is checked and evaluated once. Sets the root `import //dir` resolves against and
  // reads ROOT/strata.lock, which pins the images of every package; false when it is unreadable.
  bool OpenWorkspace(const std::string& root);
  struct NamedNode {
    std::string name;  // dotted attribute path
    const graph::Node* node;
  };
  // Loads, checks and evaluates a package's build.strata (a function of a record pattern is
  // called with its defaults) and appends its stage and artifact attributes by dotted path;
  // false when this package (or what it imports) has errors, which go to diags().
  bool EvaluatePackage(const std::string& file, std::vector<NamedNode>& out);
  // The packages (`//dir`) that the loaded package `file` imports, directly or through plain
  // file imports, sorted.
  std::vector<std::string> ImportedPackages(const std::string& file) const;
  // Every file module (an absolute path, not the stdlib) that the loaded `file` imports,
  // directly or through other modules and packages, and `file` itself: what its value read;
  // each with the hash (graph::ContentHashHex) of the text that was parsed. A cache stores an
  // answer only while each file still has that hash: a file edited during the evaluation
  // must not be recorded by its new text beside the old text's answer.
  std::map<std::string, std::string> ModuleFiles(const std::string& file) const;
  // The folder from which `import //dir` found the workspace root by searching upward ("" when
  // no such import ran or the root was given: OpenWorkspace).
  const std::string& WorkspaceRootFoundFrom() const;
  // The files read to lower a Dockerfile (`dockerfile ./Dockerfile`) into `node`, the stage it
  // gave: the Dockerfile and both places its .dockerignore may be (present or not); null when
  // no lowering gave `node`. An entry "" is an input the package cache cannot track.
  const std::vector<std::string>* DockerfileFiles(const graph::Node* node) const {
    auto it = lowering_files_.find(node);
    return it == lowering_files_.end() ? nullptr : &it->second;
  }

  // Prints the loaded entry's AST.
  void PrintAst(std::ostream& out) const;

  // For a language server, which keeps one Frontend over many edits: loads `file` (or
  // returns it as loaded), syntax errors or not (the parser leaves error nodes); null when it
  // cannot be read. Diagnostics go to diags() as usual: read the ones added since a mark.
  const syntax::Module* LoadModule(const std::string& file);
  // Checks a module LoadModule gave (once; again after Forget); null for null.
  const types::Type* CheckModule(const syntax::Module* module);
  // Drops `file`'s parse and check so the next LoadModule reads its text (the overlay) again.
  // The caller forgets the modules that import it as well.
  void Forget(const std::string& file);
  // Reports every expression's type, binding and use the checker sees (null: none).
  void SetCheckRecorder(types::CheckRecorder* recorder);

  // Lowers a Dockerfile (the one pipeline), pinning its FROMs by the strata.lock beside it.
  const graph::Node* LowerDockerfile(const dockerfile::DockerfileInput& input);

  // Prints the collected diagnostics, sorted, with source lines.
  void PrintDiagnostics(std::ostream& out) const;
  bool has_errors() const { return diags_.has_errors(); }
  // A located error or a plain one (range {}).
  void Error(diag::SourceRange range, std::string message) {
    diags_.Error(range, std::move(message));
  }
  // Prints one error at `range` (with its source line), apart from the collected ones.
  void PrintError(std::ostream& out, diag::SourceRange range, const std::string& message) const;
  // "FILE:LINE:COL" of a range.
  std::string Location(diag::SourceRange range) const;

  diag::SourceManager& sources() { return sources_; }
  diag::DiagnosticEngine& diags() { return diags_; }
  graph::Graph& graph() { return graph_; }
  graph::LocalSourceHasher& hasher() { return *hasher_; }
  const graph::Lockfile& lockfile() const { return lockfile_; }
  // The entry file's path as loaded ("" before Load).
  std::string entry_path() const;
  // The lock keys of every network step without sha256 evaluated so far (NetworkLockKey).
  const std::set<std::string>& network_keys() const;
  // The settings the Dockerfile pipeline runs with in this invocation.
  DockerfileSettings dockerfile_settings() const;

 private:
  // Loads strata.lock at `path` (a missing file pins nothing) and hands it to the evaluator;
  // false after an error diagnostic.
  bool UseLockfile(const std::string& path);
  // Reads ROOT/strata.workspace and imports `<std/...>` from its vendored stdlib, if it names
  // one; false after an error diagnostic.
  bool UseWorkspaceConfig(const std::string& root);

  FrontendOptions options_;
  diag::SourceManager sources_;
  diag::DiagnosticEngine diags_;
  struct Phases;
  std::unique_ptr<Phases> phases_;
  graph::Graph graph_;
  std::unique_ptr<graph::LocalSourceHasher> hasher_;
  graph::Lockfile lockfile_;
  const syntax::Module* entry_ = nullptr;
  const types::Type* entry_type_ = nullptr;
  std::map<const graph::Node*, std::vector<std::string>> lowering_files_;
};

// Runs `work` (a whole command) on a thread whose stack is deep enough for the parser,
// checker and evaluator on deeply nested input (each has its own depth guard below it).
void RunOnFrontendStack(const std::function<void()>& work);

// Tunes malloc for the front end's many small long-lived objects (support/heap_tuning.h). Call
// first in main, before any thread starts.
void TuneHeap();

}  // namespace strata::driver
