// Parses a top-level `let` binding by binding: ANTLR's tree tracker frees each binding's parse
// tree once its AST is built. On a 10,000-target program the whole parse tree weighed ~30 MB
// next to ~17 MB of tokens and was the run's peak memory; one binding's tree is a few KB.
#include "compiler/syntax/top_level_let.h"

#include <antlr4-runtime.h>

#include <memory>
#include <vector>

#include "StrataParser.h"
#include "compiler/diag/diagnostics.h"
#include "compiler/syntax/ast_builder.h"
#include "compiler/syntax/parser.h"
#include "compiler/syntax/parser_rig.h"
#include "compiler/syntax/syntax_errors.h"

namespace strata::syntax {
namespace {

using grammar::StrataParser;

}  // namespace

const ast::Expr* ParseTopLevelLet(diag::SourceManager& sources, diag::FileId file,
                                  ast::Arena& arena) {
  std::string_view text = sources.Text(file);
  // Anything reported here means "take the ordinary path", which reports it properly.
  diag::DiagnosticEngine scratch;
  SyntaxErrorSink sink(file, scratch, text.size());
  try {
    ParserRig rig(text, sink);
    const TokenBuffer& lexed = rig.lexed;
    TokenStream& tokens = rig.tokens;
    StrataParser& parser = rig.parser;
    auto clean = [&] {
      return parser.getNumberOfSyntaxErrors() == 0 && scratch.diagnostics().empty();
    };
    if (!lexed.open_strings().empty() || lexed.unterminated_comment() != TokenBuffer::kNone)
      return nullptr;
    if (tokens.LA(1) != StrataParser::LET) return nullptr;
    uint32_t begin = static_cast<uint32_t>(tokens.LT(1)->getStartIndex());
    AstBuilder builder(sources, file, arena, scratch);
    // The ordinary path builds the let's parts one level down (BuildExpr's Depth).
    AstBuilder::Depth depth(builder);
    tokens.consume();  // LET
    IncrementalLet let(builder);
    while (tokens.LA(1) != StrataParser::IN && tokens.LA(1) != antlr4::Token::EOF) {
      StrataParser::BindingContext* binding = parser.binding();
      if (!clean()) return nullptr;
      let.Add(binding);
      if (!clean()) return nullptr;
      parser.getTreeTracker().reset();  // this binding's contexts and terminal nodes
    }
    if (tokens.LA(1) != StrataParser::IN) return nullptr;
    tokens.consume();
    std::vector<ast::Binding> bindings = let.Bindings();
    StrataParser::ExprContext* body_ctx = parser.expr();
    if (!clean() || tokens.LA(1) != antlr4::Token::EOF) return nullptr;
    const ast::Expr* body = builder.BuildExpr(body_ctx);
    if (!clean()) return nullptr;
    diag::SourceRange range{file, begin, builder.Range(body_ctx).end};
    return arena.New<ast::Let>(range, arena.Copy(llvm::ArrayRef<ast::Binding>(bindings)), body);
  } catch (...) {
    // Too deep, too many errors, or anything else: the ordinary path says what it is.
    return nullptr;
  }
}

}  // namespace strata::syntax
