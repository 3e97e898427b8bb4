// The front end of one invocation: load, check, evaluate, and lower Dockerfiles.
#include "compiler/driver/frontend.h"

#include <charconv>
#include <filesystem>
#include <functional>
#include <ostream>
#include <set>

#include "compiler/dockerfile/dockerignore.h"
#include "compiler/eval/evaluator.h"
#include "compiler/support/heap_tuning.h"
#include "compiler/support/large_stack.h"
#include "compiler/syntax/ast.h"
#include "compiler/syntax/ast_print.h"
#include "compiler/syntax/module_loader.h"
#include "compiler/syntax/source_paths.h"
#include "compiler/syntax/workspace_config.h"
#include "compiler/syntax/workspace_root.h"
#include "compiler/types/checker.h"
#include "stdlib/embedded.h"

namespace strata::driver {
namespace {

// Visits `file`'s module and every module it imports, directly or not, each once, depth first;
// `visit` returns whether to walk into that module's imports.
void WalkModules(const syntax::ModuleLoader& loader, const std::string& file,
                 const std::function<bool(const syntax::Module*)>& visit) {
  const syntax::Module* start = loader.Find(file);
  std::set<const syntax::Module*> seen{start};
  std::vector<const syntax::Module*> stack{start};
  while (!stack.empty()) {
    const syntax::Module* module = stack.back();
    stack.pop_back();
    if (!module || !visit(module)) continue;
    for (const syntax::Module* imported : loader.ImportsOf(module))
      if (seen.insert(imported).second) stack.push_back(imported);
  }
}

std::optional<eval::Value> ConvertArgument(eval::Evaluator& evaluator,
                                           const types::ArgumentInfo& info,
                                           const std::string& text) {
  switch (info.kind) {
    case types::ArgKind::kString:
      return evaluator.MakeString(text);
    case types::ArgKind::kInt: {
      int64_t value = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size() || text.empty())
        throw UsageError{"--arg " + info.name + "=" + text + ": parameter '" + info.name +
                         "' is an Int, and '" + text + "' is not a 64-bit integer"};
      return evaluator.MakeInt(value);
    }
    case types::ArgKind::kBool:
      if (text == "true") return evaluator.MakeBool(true);
      if (text == "false") return evaluator.MakeBool(false);
      throw UsageError{"--arg " + info.name + "=" + text + ": parameter '" + info.name +
                       "' is a Bool: give true or false"};
    case types::ArgKind::kOther:
      break;
  }
  throw UsageError{"--arg " + info.name + ": parameter '" + info.name + "' has type " +
                   info.type_text + "; --arg can set only String, Int and Bool parameters"};
}

}  // namespace

// The phases that hold the program (declared here so frontend.h needs none of their headers).
struct Frontend::Phases {
  ast::Arena arena;
  std::unique_ptr<syntax::ModuleLoader> loader;
  std::unique_ptr<types::Checker> checker;
  std::unique_ptr<eval::Evaluator> evaluator;
  std::optional<eval::Value> value;
};

Frontend::Frontend(FrontendOptions options)
    : options_(std::move(options)), phases_(std::make_unique<Phases>()) {
  hasher_ = std::make_unique<graph::LocalSourceHasher>(options_.hash_cache_path);
  phases_->loader = std::make_unique<syntax::ModuleLoader>(
      sources_, phases_->arena, diags_, [](std::string_view name) { return stdlib::Lookup(name); });
  if (!options_.parse_cache_dir.empty())
    phases_->loader->EnableParseCache(options_.parse_cache_dir);
  phases_->checker = std::make_unique<types::Checker>(*phases_->loader, diags_);
  phases_->evaluator =
      std::make_unique<eval::Evaluator>(*phases_->loader, diags_, graph_, *hasher_);
  phases_->evaluator->set_lock_policy(options_.lock_policy);
  // `dockerfile ./Dockerfile {...}` in a program: the same pipeline, pinned by the program's lock.
  phases_->evaluator->set_dockerfile_lowerer([this](const dockerfile::DockerfileInput& input,
                                                    diag::DiagnosticEngine& diags) {
    const graph::Node* node =
        LowerDockerfileInput(input, dockerfile_settings(), graph_, *hasher_, sources_, diags);
    if (node) {
      std::vector<std::string>& files = lowering_files_[node];
      if (input.text || !input.build_contexts.empty() || options_.base_images) {
        files.push_back("");  // text, build contexts or base image configs: not tracked
      } else {
        std::string path = dockerfile::AbsolutePath(input.dockerfile);
        std::string dir = input.context_dir.empty() ? path.substr(0, path.find_last_of('/'))
                                                    : dockerfile::AbsolutePath(input.context_dir);
        files.insert(files.end(), {path, path + ".dockerignore", dir + "/.dockerignore"});
      }
    }
    return node;
  });
}

Frontend::~Frontend() = default;

DockerfileSettings Frontend::dockerfile_settings() const {
  DockerfileSettings settings;
  settings.lockfile = &lockfile_;
  settings.locked = options_.lock_policy == graph::LockPolicy::kLocked;
  settings.base_images = options_.base_images;
  return settings;
}

bool Frontend::Load(const std::string& file) {
  entry_ = phases_->loader->LoadEntry(file);
  if (entry_ == nullptr || diags_.has_errors()) return false;
  // strata.lock beside the entry file pins `image "ref"` to digests (see docs/registry.md). A
  // package of a workspace without one is pinned by the workspace root's, as `strata build
  // //label` pins it (OpenWorkspace), so both give the same keys.
  // A program inside a workspace imports the workspace's stdlib (strata.workspace).
  std::optional<std::string> root = syntax::FindWorkspaceRoot(syntax::BaseDirectory(entry_->path));
  if (root && !UseWorkspaceConfig(*root)) return false;
  std::string lock_path = graph::LockfilePathFor(entry_->path);
  std::error_code error;
  if (!std::filesystem::exists(lock_path, error) && root) lock_path = *root + "/strata.lock";
  return UseLockfile(lock_path);
}

bool Frontend::UseWorkspaceConfig(const std::string& root) {
  std::optional<syntax::WorkspaceConfig> config =
      syntax::ReadWorkspaceConfig(root, sources_, phases_->arena, diags_);
  if (!config) return false;
  phases_->loader->set_stdlib_dir(config->stdlib_dir);
  return true;
}

bool Frontend::UseLockfile(const std::string& path) {
  llvm::Expected<std::optional<graph::Lockfile>> lock = graph::Lockfile::Load(path);
  if (!lock) {
    diags_.Error({}, llvm::toString(lock.takeError()));
    return false;
  }
  if (*lock) {
    lockfile_ = std::move(**lock);
    phases_->evaluator->set_lockfile(lockfile_);
  }
  return true;
}

bool Frontend::Check() {
  entry_type_ = phases_->checker->CheckModule(entry_);
  return !diags_.has_errors();
}

std::string Frontend::TypeText() const { return types::ToString(entry_type_); }

bool Frontend::Evaluate(const std::vector<std::string>& args) {
  eval::Evaluator& evaluator = *phases_->evaluator;
  types::Checker& checker = *phases_->checker;
  std::optional<eval::Value> value = evaluator.EvalModule(entry_);
  if (!value) return false;
  if (!checker.IsFunctionOfRecordPattern(entry_)) {
    if (!args.empty())
      throw UsageError{"--arg given, but " + entry_->path +
                       " is not a function of a record pattern ({ name ? default, ... }: ...)"};
    phases_->value = value;
    return true;
  }
  std::vector<types::ArgumentInfo> infos = checker.Arguments(entry_);
  std::vector<eval::Evaluator::Argument> arguments;
  for (const std::string& arg : args) {
    size_t equals = arg.find('=');
    if (equals == std::string::npos || equals == 0)
      throw UsageError{"--arg " + arg + ": expected NAME=VALUE"};
    std::string name = arg.substr(0, equals);
    std::string text = arg.substr(equals + 1);
    const types::ArgumentInfo* info = nullptr;
    for (const types::ArgumentInfo& candidate : infos)
      if (candidate.name == name) info = &candidate;
    // Unknown names go to the evaluator as strings: it accepts them under `...` and
    // otherwise reports the parameters the program takes.
    types::ArgumentInfo fallback{name, types::ArgKind::kString, "String", true};
    std::optional<eval::Value> converted =
        ConvertArgument(evaluator, info ? *info : fallback, text);
    arguments.push_back({name, *converted});
  }
  phases_->value = evaluator.ApplyArguments(*value, arguments);
  return phases_->value.has_value();
}

bool Frontend::Run(const ProgramInput& input) {
  if (!Load(input.file) || !Check()) return false;
  return Evaluate(input.args);
}

bool Frontend::CollectTargets(const std::vector<std::string>& target,
                              std::vector<const graph::Node*>& nodes, bool* is_node) {
  if (!phases_->value) return false;
  std::optional<eval::Value> selected = phases_->evaluator->SelectPath(*phases_->value, target);
  if (selected && is_node) *is_node = selected->kind() == eval::ValueKind::kNode;
  return selected && phases_->evaluator->CollectNodes(*selected, nodes);
}

bool Frontend::EvalExpression(const std::string& expr, std::ostream& out) {
  if (!phases_->value) return false;
  const syntax::Module* module = phases_->loader->LoadBuffer("<expr>", expr);
  if (!module || diags_.has_errors()) return false;
  // The type of `self`: the entry's, or its result type when --arg values were applied.
  const types::Type* self_type = phases_->checker->IsFunctionOfRecordPattern(entry_)
                                     ? types::FunctionResult(entry_type_)
                                     : entry_type_;
  phases_->checker->CheckWithSelf(module->root, self_type);
  if (diags_.has_errors()) return false;
  std::optional<eval::Value> value =
      phases_->evaluator->EvalWithSelf(module->root, *phases_->value);
  if (value && phases_->evaluator->Print(out, *value)) out << "\n";
  return value.has_value();
}

const std::string& Frontend::WorkspaceRootFoundFrom() const {
  return phases_->loader->workspace_root_found_from();
}

bool Frontend::OpenWorkspace(const std::string& root) {
  phases_->loader->set_workspace_root(root);
  return UseWorkspaceConfig(root) && UseLockfile(root + "/strata.lock");
}

bool Frontend::EvaluatePackage(const std::string& file, std::vector<NamedNode>& out) {
  size_t errors_before = diags_.error_count();
  const syntax::Module* module = phases_->loader->LoadEntry(file);
  if (!module || diags_.error_count() != errors_before) return false;
  phases_->checker->CheckModule(module);
  if (diags_.error_count() != errors_before) return false;
  std::optional<eval::Value> value = phases_->evaluator->EvalModule(module);
  if (value && phases_->checker->IsFunctionOfRecordPattern(module))
    value = phases_->evaluator->ApplyArguments(*value, {});
  std::vector<std::pair<std::string, const graph::Node*>> named;
  if (!value || !phases_->evaluator->CollectNamedNodes(*value, named)) return false;
  for (auto& [name, node] : named) out.push_back({std::move(name), node});
  return diags_.error_count() == errors_before;
}

std::vector<std::string> Frontend::ImportedPackages(const std::string& file) const {
  const syntax::ModuleLoader& loader = *phases_->loader;
  const syntax::Module* start = loader.Find(file);
  std::set<std::string> packages;
  WalkModules(loader, file, [&](const syntax::Module* module) {
    if (module == start) return true;
    // A package ends the walk: what it imports is its own dependency.
    if (std::optional<std::string> label = loader.LabelOf(module->path)) {
      packages.insert(*label);
      return false;
    }
    return true;
  });
  return {packages.begin(), packages.end()};
}

std::map<std::string, std::string> Frontend::ModuleFiles(const std::string& file) const {
  std::map<std::string, std::string> files;
  const syntax::ModuleLoader& loader = *phases_->loader;
  WalkModules(loader, file, [&](const syntax::Module* module) {
    if (!module->path.empty() && module->path[0] == '/') {
      std::string hash = graph::ContentHashHex(sources_.Text(module->file));
      for (const std::string& spelling : loader.SpellingsOf(module)) files.emplace(spelling, hash);
      files.emplace(module->path, std::move(hash));
    }
    return true;
  });
  return files;
}

void Frontend::PrintAst(std::ostream& out) const {
  if (entry_) syntax::PrintAst(out, entry_->root);
}

const graph::Node* Frontend::LowerDockerfile(const dockerfile::DockerfileInput& input) {
  // strata.lock beside the Dockerfile pins FROM images, as it pins `image "ref"`.
  llvm::Expected<std::optional<graph::Lockfile>> lock = graph::Lockfile::Load(
      graph::LockfilePathFor(input.text ? std::string("-") : input.dockerfile));
  if (!lock) {
    diags_.Error({}, llvm::toString(lock.takeError()));
    return nullptr;
  }
  if (*lock) lockfile_ = std::move(**lock);
  return LowerDockerfileInput(input, dockerfile_settings(), graph_, *hasher_, sources_, diags_);
}

const syntax::Module* Frontend::LoadModule(const std::string& file) {
  // The editor sees the stdlib its workspace builds with; a strata.workspace that does not
  // read is the command line's to report (the built-in stdlib stands in meanwhile).
  std::string stdlib_dir;
  if (std::optional<std::string> root = syntax::FindWorkspaceRoot(syntax::BaseDirectory(file))) {
    diag::DiagnosticEngine ignored;
    if (std::optional<syntax::WorkspaceConfig> config =
            syntax::ReadWorkspaceConfig(*root, sources_, phases_->arena, ignored))
      stdlib_dir = config->stdlib_dir;
  }
  phases_->loader->set_stdlib_dir(std::move(stdlib_dir));
  return phases_->loader->LoadEntry(file);
}

const types::Type* Frontend::CheckModule(const syntax::Module* module) {
  return module ? phases_->checker->CheckModule(module) : nullptr;
}

void Frontend::Forget(const std::string& file) {
  if (const syntax::Module* module = phases_->loader->Forget(file))
    phases_->checker->Forget(module);
}

void Frontend::SetCheckRecorder(types::CheckRecorder* recorder) {
  phases_->checker->set_recorder(recorder);
}

void Frontend::PrintError(std::ostream& out, diag::SourceRange range,
                          const std::string& message) const {
  diag::DiagnosticEngine one;
  one.Error(range, message);
  one.Print(out, sources_);
}

void Frontend::PrintDiagnostics(std::ostream& out) const { diags_.Print(out, sources_); }

std::string Frontend::Location(diag::SourceRange range) const {
  return diag::FormatLocation(sources_, range);
}

std::string Frontend::entry_path() const { return entry_ ? entry_->path : std::string(); }

const std::set<std::string>& Frontend::network_keys() const {
  return phases_->evaluator->network_keys();
}

void RunOnFrontendStack(const std::function<void()>& work) { support::RunOnLargeStack(work); }

void TuneHeap() { support::TuneHeap(); }

}  // namespace strata::driver
