// A persistent cache of parsed files, keyed by their exact text, so that a second run over
// unchanged files skips the ANTLR parse (most of the front end's time on a large program).
#pragma once

#include <string>

#include "compiler/diag/diagnostics.h"
#include "compiler/diag/source.h"
#include "compiler/syntax/ast.h"

namespace strata::syntax {

class ParseCache {
 public:
  // Entries live in `dir` (made on first store); an empty dir disables the cache.
  explicit ParseCache(std::string dir);

  // The AST of `file`, as syntax::Parse gives it. An entry is used only when its key matches
  // (a hash of the text, the file's name, the working directory that path literals are
  // resolved against, and the compiler binary) and its checksum and every node check out;
  // anything else (missing, stale, damaged, unreadable) is parsed again and the entry
  // rewritten. Only parses that reported no diagnostic are stored, so a cached file never
  // hides an error or a warning.
  const ast::Expr* Parse(diag::SourceManager& sources, diag::FileId file, ast::Arena& arena,
                         diag::DiagnosticEngine& diags);

  // What happened to the last Parse (tests).
  enum class Outcome { kDisabled, kHit, kMissStored, kMissNotStored };
  Outcome last_outcome() const { return last_; }

 private:
  std::string dir_;
  Outcome last_ = Outcome::kDisabled;
};

}  // namespace strata::syntax
