// Loads Strata files (the entry file, its imports, stdlib modules) and parses each once.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"
#include "compiler/syntax/ast.h"
#include "compiler/syntax/parse_cache.h"

namespace strata::syntax {

struct Module {
  std::string path;  // canonical file path, or `<std/NAME>`, or the buffer's name
  diag::FileId file;
  const ast::Expr* root;
};

class ModuleLoader {
 public:
  // The text of stdlib module NAME (`<std/NAME>`), or nullopt; usually stdlib::Lookup.
  using StdlibLookup = std::function<std::optional<std::string_view>(std::string_view)>;

  ModuleLoader(diag::SourceManager& sources, ast::Arena& arena, diag::DiagnosticEngine& diags,
               StdlibLookup stdlib);

  // Loads a file, or DIR/build.strata for a directory. On failure reports
  // "cannot read FILE: reason" (no range) and returns null.
  const Module* LoadEntry(const std::string& path);
  // Loads what `import` names, once per canonical path (later calls return the same Module).
  // A missing target is reported at the import ("cannot import './x': no such file") and
  // gives null. `import //dir` loads ROOT/dir/build.strata, ROOT being the workspace root
  // (set_workspace_root, else found above the importing file).
  const Module* LoadImport(const ast::Import* import);
  // The modules `module` imported so far (each once, in first-import order), for the
  // workspace's package graph (`strata query`).
  const std::vector<const Module*>& ImportsOf(const Module* module) const;
  // The workspace root that `import //dir` resolves against (absolute, no trailing slash).
  void set_workspace_root(std::string root) { workspace_root_ = std::move(root); }
  // A workspace's vendored stdlib folder (WorkspaceConfig::stdlib_dir): `<std/NAME>` loads
  // DIR/NAME.strata from then on; "" (the default) means the stdlib built into strata.
  void set_stdlib_dir(std::string dir) { stdlib_dir_ = std::move(dir); }
  // The folder whose search upward found the workspace root ("" when it was set, or none was
  // needed): a cache of this evaluation must know which folder's ancestors decided it.
  const std::string& workspace_root_found_from() const { return workspace_root_found_from_; }
  // `//dir` when `path` (canonical) is a package's build.strata under the workspace root
  // (once one is known), for messages such as an import cycle.
  std::optional<std::string> LabelOf(const std::string& path) const;
  // The other absolute paths `module` was loaded through (a symlink on the way makes them
  // differ from its canonical path): a cache of the evaluation checks them too, as pointing
  // such a symlink elsewhere changes what the import loads.
  const std::vector<std::string>& SpellingsOf(const Module* module) const;
  // Parses text held in memory (`strata eval` expressions, tests).
  const Module* LoadBuffer(std::string name, std::string text);

  // Forgets the module of `path` (a file or directory, as for LoadEntry) so that the next load
  // reads its text again (an editor changed it), and every import that failed to load (the
  // file may exist now). Returns the forgotten module (null if none); it stays allocated.
  const Module* Forget(const std::string& path);
  // The loaded module of `path`, or null.
  const Module* Find(const std::string& path) const;

  // Keeps parsed files in `dir` (parse_cache.h) and reuses them while their text is unchanged.
  void EnableParseCache(std::string dir) { cache_ = ParseCache(std::move(dir)); }

  diag::SourceManager& sources() { return sources_; }
  ast::Arena& arena() { return arena_; }

 private:
  const Module* Add(std::string key, diag::FileId file);
  const Module* Resolve(const ast::Import* import);
  void NoteSpelling(const std::string& key, const std::string& file_name);
  // ROOT/dir/build.strata for `//dir`, or "" after reporting why there is none.
  std::string LabelFile(const ast::Import* import, std::string& reason);

  diag::SourceManager& sources_;
  ast::Arena& arena_;
  diag::DiagnosticEngine& diags_;
  StdlibLookup stdlib_;
  ParseCache cache_{""};  // disabled until EnableParseCache
  std::vector<std::unique_ptr<Module>> modules_;
  // Canonical path (or `<std/NAME>`) to its module; null for a target that failed to load.
  std::unordered_map<std::string, const Module*> by_path_;
  // Canonical path to the other paths it was loaded through (SpellingsOf).
  std::unordered_map<std::string, std::vector<std::string>> spellings_;
  std::unordered_set<const ast::Import*> reported_;  // each failing import is reported once
  std::unordered_map<diag::FileId, const Module*> by_file_;
  std::unordered_map<const Module*, std::vector<const Module*>> imports_;
  std::string workspace_root_;  // "" until set or found
  std::string workspace_root_found_from_;
  std::string stdlib_dir_;
  size_t source_bytes_ = 0;  // of every file parsed, for StartHeapPopulator
};

}  // namespace strata::syntax
