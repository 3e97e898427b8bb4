// One compiler session for a command: load the entry file, type-check it, evaluate it.
#include "runtime/cli/session.h"

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <iostream>

#include "runtime/schedule/work_dir.h"
#include "stdlib/embedded.h"

namespace strata::cli {
namespace {

std::optional<eval::Value> ConvertArgument(eval::Evaluator& evaluator, const types::ArgumentInfo& info,
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

std::string DefaultStoreDir() {
  if (const char* store = std::getenv("STRATA_STORE"); store && *store) return store;
  if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache && *cache)
    return std::string(cache) + "/strata";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/strata";
  return "/tmp/strata-cache";
}

Session::Session() {
  // The local-source hash cache lives in the store so unchanged trees are not re-read.
  std::string store = DefaultStoreDir();
  std::string cache_path;
  // 0700, as Store::Open makes it (docs/store.md, "Who may read the store").
  if (::mkdir(store.c_str(), 0700) == 0 || errno == EEXIST) cache_path = store + "/local-hash-cache";
  // Any command on the store ends what builds killed with SIGKILL left running or mounted.
  llvm::consumeError(schedule::CleanStaleWorkDirs(store).takeError());
  hasher_ = std::make_unique<graph::LocalSourceHasher>(cache_path);
  loader_ = std::make_unique<syntax::ModuleLoader>(sources_, arena_, diags_,
                                                   [](std::string_view name) { return stdlib::Lookup(name); });
  if (!cache_path.empty()) loader_->EnableParseCache(store + "/parse-cache");
  checker_ = std::make_unique<types::Checker>(*loader_, diags_);
  evaluator_ = std::make_unique<eval::Evaluator>(*loader_, diags_, graph_, *hasher_);
}

Session::~Session() = default;

bool Session::Load(const std::string& file) {
  entry_ = loader_->LoadEntry(file);
  if (entry_ == nullptr || diags_.has_errors()) return false;
  // strata.lock beside the entry file pins `image "ref"` to digests (see docs/registry.md).
  llvm::Expected<std::optional<eval::Lockfile>> lock = eval::Lockfile::Load(eval::LockfilePathFor(entry_->path));
  if (!lock) {
    diags_.Error({}, llvm::toString(lock.takeError()));
    return false;
  }
  if (*lock) evaluator_->set_lockfile(std::move(**lock));
  return true;
}

bool Session::Check() {
  entry_type_ = checker_->CheckModule(entry_);
  return !diags_.has_errors();
}

std::optional<eval::Value> Session::Evaluate(const std::vector<std::string>& args) {
  std::optional<eval::Value> value = evaluator_->EvalModule(entry_);
  if (!value) return std::nullopt;
  bool takes_arguments = checker_->IsFunctionOfRecordPattern(entry_);
  if (!takes_arguments) {
    if (!args.empty())
      throw UsageError{"--arg given, but " + entry_->path +
                       " is not a function of a record pattern ({ name ? default, ... }: ...)"};
    return value;
  }
  std::vector<types::ArgumentInfo> infos = checker_->Arguments(entry_);
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
    std::optional<eval::Value> converted = ConvertArgument(*evaluator_, info ? *info : fallback, text);
    arguments.push_back({name, *converted});
  }
  return evaluator_->ApplyArguments(*value, arguments);
}

const types::Type* Session::value_type() {
  if (checker_->IsFunctionOfRecordPattern(entry_)) return types::FunctionResult(entry_type_);
  return entry_type_;
}

std::optional<eval::Value> Session::Run(const ProgramInput& input) {
  if (!Load(input.file) || !Check()) return std::nullopt;
  return Evaluate(input.args);
}

int Session::Finish() {
  diags_.Print(std::cerr, sources_);
  return diags_.has_errors() ? kExitProgramError : kExitOk;
}

}  // namespace strata::cli
