// libFuzzer target for the Strata parser: any bytes must parse to an AST plus diagnostics,
// never a crash, a hang or an internal error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "compiler/diag/diagnostics.h"
#include "compiler/syntax/ast_print.h"
#include "compiler/syntax/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata;
  diag::SourceManager sources;
  diag::DiagnosticEngine diags;
  ast::Arena arena;
  diag::FileId file = sources.AddBuffer("/fuzz/build.strata",
                                        std::string(reinterpret_cast<const char*>(data), size));
  const ast::Expr* root = syntax::Parse(sources, file, arena, diags);
  if (!root) std::abort();
  std::ostringstream out;
  syntax::PrintAst(out, root);
  (void)diags.Format(sources);
  // An internal error is a parser bug, not a user error.
  for (const diag::Diagnostic& d : diags.diagnostics())
    if (d.message.rfind("internal error", 0) == 0) std::abort();
  // The type reader too, on the same bytes.
  diag::FileId type_file =
      sources.AddBuffer("<sig>", std::string(reinterpret_cast<const char*>(data), size));
  if (!syntax::ParseType(sources, type_file, arena, diags)) std::abort();
  return 0;
}
