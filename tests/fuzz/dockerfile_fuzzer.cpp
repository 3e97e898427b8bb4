// libFuzzer target for the Dockerfile front end: decode, parse, dump, expand, and the lexer.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "compiler/diag/diagnostics.h"
#include "compiler/dockerfile/args.h"
#include "compiler/dockerfile/dump.h"
#include "compiler/dockerfile/parser.h"
#include "compiler/dockerfile/shell_lexer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata;
  std::string text(reinterpret_cast<const char*>(data), size);
  diag::SourceManager sources;
  diag::DiagnosticEngine diags;
  diag::FileId file = sources.AddBuffer("Dockerfile", text);
  auto parsed = dockerfile::ParseDockerfile(sources, file, diags);
  if (parsed) {
    std::ostringstream dump;
    dockerfile::DumpAst(dump, *parsed);
    dockerfile::ExpandOptions options;
    options.build_args["A"] = "x y";
    dockerfile::ExpandDockerfile(*parsed, options, diags);
  }
  (void)diags.Format(sources);
  // The lexer alone, on the raw bytes, in its normal and raw modes.
  dockerfile::ShellEnv env{{"A", "a b"}, {"EMPTY", ""}};
  dockerfile::ShellLexer lexer;
  (void)lexer.ProcessWords(text, env);
  dockerfile::ShellOptions raw;
  raw.raw_quotes = raw.raw_escapes = raw.skip_unset_env = true;
  (void)dockerfile::ShellLexer(raw).ProcessWord(text, env);
  return 0;
}
