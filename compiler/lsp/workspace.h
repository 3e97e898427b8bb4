// The language server's documents and their analysis: one long-lived driver::Frontend over
// the editor's unsaved texts (its overlay), re-checking only what an edit can change.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/driver/frontend.h"
#include "compiler/lsp/facts.h"

namespace strata::syntax {
struct Module;
}

namespace strata::lsp {

struct Document {
  std::string uri;
  std::string path;  // absolute, canonical
  std::string text;  // as the editor has it
  int64_t version = 0;
  // The text the analysis ran on: `text`, or (when `text` does not parse) `text` with the
  // lines of its syntax errors blanked. Same length and line breaks, so offsets agree.
  std::string analysed;
  bool repaired = false;
  const syntax::Module* module = nullptr;
  // What to publish: the syntax errors of `text` when it does not parse, else the type
  // errors of its check located in this file.
  std::vector<diag::Diagnostic> diagnostics;
};

class Workspace {
 public:
  Workspace();
  ~Workspace();

  // Opens or replaces a document's text and analyses it again, with every open document
  // that imports it (directly or not); returns the URIs analysed, whose diagnostics to send.
  std::vector<std::string> Update(const std::string& uri, std::string text, int64_t version);
  // Closes a document (its file on disk is used again); returns the URIs analysed again (the
  // open documents importing it).
  std::vector<std::string> Close(const std::string& uri);
  Document* Find(const std::string& uri);

  // Analyses `text` in place of `uri`'s text without changing the document's published
  // diagnostics (completion looks at a variant of the text); the document stays analysed
  // on the variant until its next Update. `text` must have the document's length.
  void AnalyseVariant(const std::string& uri, std::string text);

  driver::Frontend& frontend() { return *frontend_; }
  const Facts& facts() const { return *facts_; }
  // The file path of a range's file, and its text (the stdlib's embedded modules are
  // written to `stdlib_dir` on demand, so an editor can open them).
  std::string UriOfFile(diag::FileId file);
  std::string_view TextOfFile(diag::FileId file) { return frontend_->sources().Text(file); }
  // How many module checks ran (each Update re-checks what changed; tests and the
  // benchmark read this).
  size_t checks() const { return checks_; }

 private:
  void Analyse(Document& document);
  // Forgets `path` and every loaded module that imports it; returns those paths.
  std::set<std::string> Invalidate(const std::string& path);
  void Restart();

  std::unique_ptr<driver::Frontend> frontend_;
  std::unique_ptr<Facts> facts_;
  std::map<std::string, Document> documents_;  // by URI
  // Module path -> the module paths it imports, for every module checked.
  std::map<std::string, std::set<std::string>> imports_;
  // Files with errors that were imported: the error count and the first error.
  std::map<diag::FileId, std::pair<size_t, diag::Diagnostic>> import_errors_;
  size_t checks_ = 0;
  size_t analyses_since_restart_ = 0;
  std::string stdlib_dir_;
};

// file:///a%20b -> /a b (other schemes: the URI as is); and back.
std::string UriToPath(const std::string& uri);
std::string PathToUri(const std::string& path);

}  // namespace strata::lsp
