// Documents, their analysis through one long-lived Frontend, and what an edit invalidates.
#include "compiler/lsp/workspace.h"

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>

#include "compiler/lsp/positions.h"
#include "compiler/support/hex_escape.h"
#include "compiler/syntax/module_loader.h"
#include "stdlib/embedded.h"

namespace strata::lsp {
namespace {

namespace fs = std::filesystem;

// The Frontend's arenas keep every parse and check of every edit; a fresh one after this
// many analyses bounds the memory of a long session (it costs one re-check of the stdlib).
constexpr size_t kAnalysesBeforeRestart = 500;
// How many rounds of blanking error lines are tried before giving up on a repair.
constexpr int kRepairRounds = 4;

std::string Canonical(const std::string& path) {
  std::error_code error;
  fs::path canonical = fs::weakly_canonical(path, error);
  return error ? path : canonical.string();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Blanks (with spaces) the lines holding the diagnostics' starts; false if none was found.
bool BlankLines(std::string& text, const std::vector<diag::Diagnostic>& errors) {
  bool changed = false;
  for (const diag::Diagnostic& d : errors) {
    uint32_t at = std::min<uint32_t>(d.range.begin, static_cast<uint32_t>(text.size()));
    size_t begin = at == 0 ? 0 : text.rfind('\n', at - 1) + 1;  // npos + 1 is 0
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    for (size_t i = begin; i < end; ++i)
      if (text[i] != ' ' && text[i] != '\r') {
        text[i] = ' ';
        changed = true;
      }
  }
  return changed;
}

// `r.` with nothing after it (the user is about to type a field) ends the expression: the dot
// becomes `;`, which usually completes the binding it is in (`x = r.` and the next line).
bool CloseDanglingDots(std::string& text) {
  bool changed = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '.' || i == 0 ||
        !(std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_'))
      continue;
    if (i + 1 < text.size() && !std::isspace(static_cast<unsigned char>(text[i + 1]))) continue;
    text[i] = ';';
    changed = true;
  }
  return changed;
}

}  // namespace

std::string UriToPath(const std::string& uri) {
  if (uri.rfind("file://", 0) != 0) return uri;
  std::string path;
  for (size_t i = 7; i < uri.size(); ++i) {
    int high = 0, low = 0;
    if (uri[i] == '%' && i + 2 < uri.size() && (high = HexValue(uri[i + 1])) >= 0 &&
        (low = HexValue(uri[i + 2])) >= 0) {
      path += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      path += uri[i];
    }
  }
  return path;
}

std::string PathToUri(const std::string& path) {
  if (path.empty() || path[0] != '/') return path;
  return "file://" + support::HexEscape(path, {"/-._~"});
}

Workspace::Workspace() {
  std::error_code error;
  stdlib_dir_ =
      (fs::temp_directory_path(error) / ("strata-lsp-stdlib-" + std::to_string(::getpid())))
          .string();
  Restart();
}

Workspace::~Workspace() {
  std::error_code error;
  fs::remove_all(stdlib_dir_, error);
}

void Workspace::Restart() {
  import_errors_.clear();
  facts_ = std::make_unique<Facts>();
  frontend_ = std::make_unique<driver::Frontend>();
  frontend_->SetCheckRecorder(facts_.get());
  for (auto& [uri, document] : documents_) {
    document.module = nullptr;
    frontend_->SetOverlay(document.path, document.text);
  }
  analyses_since_restart_ = 0;
}

Document* Workspace::Find(const std::string& uri) {
  auto it = documents_.find(uri);
  return it == documents_.end() ? nullptr : &it->second;
}

std::set<std::string> Workspace::Invalidate(const std::string& path) {
  std::set<std::string> done;
  std::vector<std::string> work{path};
  while (!work.empty()) {
    std::string next = work.back();
    work.pop_back();
    if (!done.insert(next).second) continue;
    for (const std::string& importer : facts_->Importers(next)) work.push_back(importer);
  }
  for (const std::string& p : done) {
    for (auto& [uri, document] : documents_)
      if (document.path == p && document.module) {
        facts_->Forget(document.module->file);
        document.module = nullptr;
      }
    frontend_->Forget(p);
  }
  return done;
}

std::vector<std::string> Workspace::Update(const std::string& uri, std::string text,
                                           int64_t version) {
  if (++analyses_since_restart_ > kAnalysesBeforeRestart) Restart();
  Document& document = documents_[uri];
  document.uri = uri;
  document.path = Canonical(UriToPath(uri));
  document.text = std::move(text);
  document.version = version;
  frontend_->SetOverlay(document.path, document.text);
  // Imported modules that are not open are forgotten too: their facts go with their file.
  std::set<std::string> stale = Invalidate(document.path);
  // The changed file first: the files importing it then find it checked.
  Analyse(document);
  std::vector<std::string> analysed{uri};
  for (auto& [other_uri, other] : documents_) {
    if (&other == &document || (other.module && !stale.count(other.path))) continue;
    Analyse(other);
    analysed.push_back(other_uri);
  }
  return analysed;
}

std::vector<std::string> Workspace::Close(const std::string& uri) {
  std::vector<std::string> analysed;
  Document* document = Find(uri);
  if (!document) return analysed;
  std::string path = document->path;
  Invalidate(path);
  frontend_->sources().ClearOverlay(path);
  documents_.erase(uri);
  // The closed file's text on disk may differ: open documents importing it see the disk's now.
  for (auto& [other_uri, other] : documents_) {
    if (other.module) continue;
    Analyse(other);
    analysed.push_back(other_uri);
  }
  return analysed;
}

void Workspace::Analyse(Document& document) {
  diag::DiagnosticEngine& diags = frontend_->diags();
  document.analysed = document.text;
  document.repaired = false;
  std::vector<diag::Diagnostic> syntax_errors;
  const syntax::Module* module = nullptr;
  for (int round = 0; round <= kRepairRounds; ++round) {
    frontend_->Forget(document.path);
    frontend_->SetOverlay(document.path, document.analysed);
    size_t mark = diags.diagnostics().size();
    module = frontend_->LoadModule(document.path);
    std::vector<diag::Diagnostic> errors;
    for (size_t i = mark; i < diags.diagnostics().size(); ++i)
      if (module && diags.diagnostics()[i].range.file == module->file)
        errors.push_back(diags.diagnostics()[i]);
    if (round == 0) syntax_errors = errors;
    if (errors.empty() || !module || round == kRepairRounds) break;
    // Close dangling dots first, then blank the broken lines, and parse again, so the rest of
    // the file is analysed.
    bool changed = (round == 0 && CloseDanglingDots(document.analysed)) ||
                   BlankLines(document.analysed, errors);
    if (!changed) break;
    document.repaired = true;
  }
  // The editor's text stays the overlay: an importing file must see what the user wrote.
  frontend_->SetOverlay(document.path, document.text);
  document.module = module;
  if (!module) {
    document.diagnostics = syntax_errors;
    return;
  }
  facts_->SetModule(module);
  size_t mark = diags.diagnostics().size();
  frontend_->CheckModule(module);
  ++checks_;
  if (!syntax_errors.empty()) {
    document.diagnostics = syntax_errors;
    return;
  }
  document.diagnostics.clear();
  for (size_t i = mark; i < diags.diagnostics().size(); ++i) {
    const diag::Diagnostic& d = diags.diagnostics()[i];
    if (d.range.file == module->file || !d.range.valid()) document.diagnostics.push_back(d);
    // Kept by file (a module is checked once, then cached): every file importing it says so
    // at its import, with the first error as a related location.
    if (d.severity == diag::Severity::kError && d.range.valid()) {
      auto [it, inserted] = import_errors_.try_emplace(d.range.file, 0, d);
      ++it->second.first;
    }
  }
  const FileFacts* file_facts = facts_->For(module->file);
  if (!file_facts) return;
  for (const auto& [expr, type] : file_facts->exprs) {
    auto* import = llvm::dyn_cast<ast::Import>(expr);
    const syntax::Module* target = import ? facts_->ImportTarget(import) : nullptr;
    auto it = target ? import_errors_.find(target->file) : import_errors_.end();
    if (it == import_errors_.end()) continue;
    const diag::Diagnostic& first = it->second.second;
    diag::Diagnostic d;
    d.range = import->range();
    d.message = "the imported file has " + std::to_string(it->second.first) +
                (it->second.first == 1 ? " error: " : " errors, the first: ") +
                diag::FormatLocation(frontend_->sources(), first.range) + ": " + first.message;
    d.notes.push_back({first.range, first.message});
    document.diagnostics.push_back(std::move(d));
  }
}

void Workspace::AnalyseVariant(const std::string& uri, std::string text) {
  Document* document = Find(uri);
  if (!document) return;
  std::vector<diag::Diagnostic> published = document->diagnostics;
  std::string original = document->text;
  // Only this file is analysed again: files importing it keep their facts of the real text.
  if (document->module) facts_->Forget(document->module->file);
  document->text = std::move(text);
  Analyse(*document);
  document->text = std::move(original);
  document->diagnostics = std::move(published);
  frontend_->SetOverlay(document->path, document->text);
}

std::string Workspace::UriOfFile(diag::FileId file) {
  const std::string& name = frontend_->sources().Name(file);
  if (name.size() > 6 && name.rfind("<std/", 0) == 0 && name.back() == '>') {
    std::string module = name.substr(5, name.size() - 6);
    std::optional<std::string_view> text = stdlib::Lookup(module);
    if (!text) return name;
    fs::path path = fs::path(stdlib_dir_) / "std" / (module + ".strata");
    std::error_code error;
    fs::create_directories(path.parent_path(), error);
    if (!fs::exists(path, error)) std::ofstream(path) << *text;
    return PathToUri(path.string());
  }
  return PathToUri(Canonical(name));
}

}  // namespace strata::lsp
