// `strata lsp`: the language server over stdin/stdout (docs/lsp.md).
#include <iostream>

#include "compiler/lsp/server.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"

namespace strata::cli {

int LspCommand(const std::vector<std::string>& args) {
  po::options_description options("strata lsp");
  // `--stdio` is what most clients pass; stdio is the only transport.
  options.add_options()("stdio", "talk LSP over stdin and stdout (the default and only transport)");
  ParsedCommand parsed = ParseCommand("strata lsp [--stdio]", options, args, 0);
  (void)parsed;
  std::ios::sync_with_stdio(false);
  std::cin.tie(nullptr);
  lsp::Server server(std::cin, std::cout);
  return server.Run();
}

}  // namespace strata::cli
