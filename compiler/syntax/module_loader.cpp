// Loads Strata files (the entry file, its imports, stdlib modules) and parses each once.
#include "compiler/syntax/module_loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/support/heap_region.h"
#include "compiler/syntax/parser.h"
#include "compiler/syntax/source_paths.h"
#include "compiler/syntax/workspace_root.h"

namespace strata::syntax {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kDirectoryEntry = "build.strata";

// A directory means its build.strata.
std::string EntryFile(const std::string& path) {
  std::error_code error;
  if (fs::is_directory(path, error)) return (fs::path(path) / kDirectoryEntry).string();
  return path;
}

std::string Canonical(const std::string& path) {
  std::error_code error;
  fs::path canonical = fs::weakly_canonical(path, error);
  return error ? path : canonical.string();
}

}  // namespace

ModuleLoader::ModuleLoader(diag::SourceManager& sources, ast::Arena& arena,
                           diag::DiagnosticEngine& diags, StdlibLookup stdlib)
    : sources_(sources), arena_(arena), diags_(diags), stdlib_(std::move(stdlib)) {}

const Module* ModuleLoader::Add(std::string key, diag::FileId file) {
  auto module = std::make_unique<Module>(Module{key, file, nullptr});
  Module* raw = module.get();
  modules_.push_back(std::move(module));
  by_path_[key] = raw;  // before parsing: a module that imports itself finds itself
  by_file_[file] = raw;
  // A large program grows the heap by tens of times its size while it is parsed and evaluated.
  source_bytes_ += sources_.Text(file).size();
  if (source_bytes_ >= support::kPopulateHeapForSourceBytes) support::StartHeapPopulator();
  raw->root = cache_.Parse(sources_, file, arena_, diags_);
  return raw;
}

void ModuleLoader::NoteSpelling(const std::string& key, const std::string& file_name) {
  if (file_name == key || file_name.empty() || file_name[0] != '/') return;
  std::vector<std::string>& spellings = spellings_[key];
  if (std::find(spellings.begin(), spellings.end(), file_name) == spellings.end())
    spellings.push_back(file_name);
}

const std::vector<std::string>& ModuleLoader::SpellingsOf(const Module* module) const {
  static const std::vector<std::string> kNone;
  auto it = spellings_.find(module->path);
  return it == spellings_.end() ? kNone : it->second;
}

const Module* ModuleLoader::LoadEntry(const std::string& path) {
  std::string file_path = EntryFile(path);
  std::string key = Canonical(file_path);
  NoteSpelling(key, file_path);
  if (auto it = by_path_.find(key); it != by_path_.end() && it->second) return it->second;
  std::string reason;
  std::optional<std::string> text = sources_.Read(file_path, reason);
  if (!text) {
    diags_.Error({}, "cannot read " + file_path + ": " + reason);
    return nullptr;
  }
  return Add(key, sources_.AddBuffer(file_path, std::move(*text)));
}

const Module* ModuleLoader::Forget(const std::string& path) {
  for (auto it = by_path_.begin(); it != by_path_.end();) {
    if (it->second == nullptr) {
      it = by_path_.erase(it);
    } else {
      ++it;
    }
  }
  reported_.clear();
  auto it = by_path_.find(Canonical(EntryFile(path)));
  if (it == by_path_.end()) return nullptr;
  const Module* module = it->second;
  by_path_.erase(it);
  return module;
}

const Module* ModuleLoader::Find(const std::string& path) const {
  auto it = by_path_.find(Canonical(EntryFile(path)));
  return it == by_path_.end() ? nullptr : it->second;
}

const Module* ModuleLoader::LoadImport(const ast::Import* import) {
  const Module* module = Resolve(import);
  if (!module) return nullptr;
  if (auto from = by_file_.find(import->range().file); from != by_file_.end()) {
    std::vector<const Module*>& edges = imports_[from->second];
    if (std::find(edges.begin(), edges.end(), module) == edges.end()) edges.push_back(module);
  }
  return module;
}

const std::vector<const Module*>& ModuleLoader::ImportsOf(const Module* module) const {
  static const std::vector<const Module*> kNone;
  auto it = imports_.find(module);
  return it == imports_.end() ? kNone : it->second;
}

std::optional<std::string> ModuleLoader::LabelOf(const std::string& path) const {
  const std::string suffix = "/" + std::string(kDirectoryEntry);
  const std::string& root = workspace_root_;
  if (root.empty() || path.size() < root.size() + suffix.size() ||
      path.compare(0, root.size(), root) != 0 ||
      path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0)
    return std::nullopt;
  if (path.size() == root.size() + suffix.size()) return std::string("//");
  if (path[root.size()] != '/') return std::nullopt;
  return "/" + path.substr(root.size(), path.size() - suffix.size() - root.size());
}

std::string ModuleLoader::LabelFile(const ast::Import* import, std::string& reason) {
  if (workspace_root_.empty()) {
    std::string importer(sources_.Name(import->range().file));
    std::string from = BaseDirectory(importer);
    std::optional<std::string> root = FindWorkspaceRoot(from);
    if (!root) {
      reason = "no " + std::string(kWorkspaceFile) +
               " in this file's folder or above (a workspace "
               "package is named from the workspace root)";
      return "";
    }
    workspace_root_ = *root;
    workspace_root_found_from_ = from;
  }
  std::string package(import->path.substr(2));
  std::string dir = package.empty() ? workspace_root_ : workspace_root_ + "/" + package;
  std::error_code error;
  if (!fs::is_regular_file(fs::path(dir) / kDirectoryEntry, error)) {
    reason = "no package " + std::string(import->path) + " in the workspace (no " +
             (package.empty() ? "" : package + "/") + std::string(kDirectoryEntry) +
             " under its root)";
    return "";
  }
  return dir + "/" + std::string(kDirectoryEntry);
}

const Module* ModuleLoader::Resolve(const ast::Import* import) {
  std::string key, written;
  std::optional<std::string> text;
  std::string file_name, reason = "no such file";
  if (import->stdlib && !stdlib_dir_.empty()) {
    // The workspace's vendored stdlib: `<std/NAME>` is a file like any other import, so every
    // cache records its content (workspace_config.h).
    written = "<" + std::string(import->path) + ">";
    std::string_view name = import->path;
    if (name.substr(0, 4) != "std/" || name.size() == 4 || name.find('/', 4) != name.npos) {
      key = written;
      file_name = written;
      reason = "no such stdlib module";
    } else {
      file_name = stdlib_dir_ + "/" + std::string(name.substr(4)) + ".strata";
      key = Canonical(file_name);
      NoteSpelling(key, file_name);
      if (auto it = by_path_.find(key); it != by_path_.end()) {
        if (it->second || !reported_.insert(import).second) return it->second;
      } else {
        text = sources_.Read(file_name, reason);
        if (!text && reason == std::strerror(ENOENT))
          reason = "no " + file_name + " in the workspace's stdlib folder";
      }
    }
  } else if (import->stdlib) {
    key = "<" + std::string(import->path) + ">";
    written = key;
    file_name = key;
    std::string_view name = import->path;
    if (name.substr(0, 4) == "std/") {
      if (auto it = by_path_.find(key); it != by_path_.end()) return it->second;
      if (std::optional<std::string_view> source = stdlib_ ? stdlib_(name.substr(4)) : std::nullopt)
        text = std::string(*source);
    }
    reason = "no such stdlib module";
  } else {
    bool label = import->path.substr(0, 2) == "//";
    file_name = label ? LabelFile(import, reason) : EntryFile(std::string(import->path));
    key = label && file_name.empty() ? std::string(import->path) : Canonical(file_name);
    NoteSpelling(key, file_name);
    if (label && file_name.empty()) {
      // Reported below, once.
    } else if (auto it = by_path_.find(key); it != by_path_.end()) {
      if (it->second || !reported_.insert(import).second) return it->second;
    } else {
      text = sources_.Read(file_name, reason);
      if (!text && reason == std::strerror(ENOENT)) reason = "no such file";
    }
    // What the user wrote after `import`, for the message.
    std::string_view source = sources_.Text(import->range().file);
    diag::SourceRange range = import->range();
    if (range.end <= source.size() && range.begin <= range.end) {
      written = std::string(source.substr(range.begin, range.end - range.begin));
      if (written.rfind("import", 0) == 0) written.erase(0, 6);
      written.erase(0, written.find_first_not_of(" \t\r\n"));
    }
    if (written.empty()) written = std::string(import->path);
  }
  if (!text) {
    by_path_.emplace(key, nullptr);
    if (reported_.insert(import).second)
      diags_.Error(import->range(), "cannot import '" + written + "': " + reason);
    return nullptr;
  }
  return Add(key, sources_.AddBuffer(file_name, std::move(*text)));
}

const Module* ModuleLoader::LoadBuffer(std::string name, std::string text) {
  diag::FileId file = sources_.AddBuffer(name, std::move(text));
  auto module = std::make_unique<Module>(Module{std::move(name), file, nullptr});
  Module* raw = module.get();
  modules_.push_back(std::move(module));
  raw->root = Parse(sources_, file, arena_, diags_);
  return raw;
}

}  // namespace strata::syntax
