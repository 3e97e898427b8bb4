// The Strata parser: runs the lexer and the ANTLR parser on a large stack, reports syntax errors,
// builds the AST and drops the parse tree (a top-level let binding by binding: top_level_let.h).
#include "compiler/syntax/parser.h"

#include <antlr4-runtime.h>

#include <memory>
#include <string>

#include "StrataParser.h"
#include "compiler/support/large_stack.h"
#include "compiler/syntax/ast_builder.h"
#include "compiler/syntax/parse_tree.h"
#include "compiler/syntax/parser_rig.h"
#include "compiler/syntax/syntax_errors.h"
#include "compiler/syntax/top_level_let.h"

namespace strata::syntax {
namespace {

using grammar::StrataParser;

std::string TooDeepMessage() {
  return "expression nested too deeply (more than " + std::to_string(kMaxNestingDepth) + " levels)";
}

// Lexes and parses `file`, then calls build(parser) to run a start rule and build the AST.
template <typename Build>
void RunParser(diag::SourceManager& sources, diag::FileId file, diag::DiagnosticEngine& diags,
               Build&& build, bool keep_comments = false) {
  std::string_view text = sources.Text(file);
  auto offset = [&](size_t at) { return static_cast<uint32_t>(std::min(at, text.size())); };
  SyntaxErrorSink sink(file, diags, text.size());
  try {
    // The rig lexes everything first, so an unterminated string or comment is reported where
    // it starts and the parser's complaints about the end of the file are its fallout.
    ParserRig rig(text, sink, keep_comments);
    const TokenBuffer& lexed = rig.lexed;
    TokenStream& tokens = rig.tokens;
    StrataParser& parser = rig.parser;
    if (!lexed.open_strings().empty())
      sink.ReportUnterminated(lexed.open_strings().front(), "unterminated string");
    if (lexed.unterminated_comment() != TokenBuffer::kNone)
      sink.ReportUnterminated(lexed.unterminated_comment(), "unterminated comment");
    build(parser, tokens);
  } catch (const NestingTooDeep& e) {
    diags.Error({file, offset(e.offset), offset(e.offset + 1)}, TooDeepMessage());
  } catch (const TooManyErrors&) {
    // Already reported.
  } catch (const std::exception& e) {
    diags.Error({file, 0, 0}, std::string("internal error in the parser: ") + e.what());
  }
}

}  // namespace

const ast::Expr* Parse(diag::SourceManager& sources, diag::FileId file, ast::Arena& arena,
                       diag::DiagnosticEngine& diags, LetParsing let_parsing) {
  const ast::Expr* root = nullptr;
  support::RunOnLargeStack([&] {
    if (let_parsing == LetParsing::kPerBinding) root = ParseTopLevelLet(sources, file, arena);
    if (root) return;
    RunParser(sources, file, diags, [&](StrataParser& parser, TokenStream&) {
      StrataParser::FileContext* tree = parser.file();
      AstBuilder builder(sources, file, arena, diags);
      root = builder.BuildFile(tree);
    });
  });
  if (!root) {
    uint32_t size = static_cast<uint32_t>(sources.Text(file).size());
    root = arena.New<ast::ErrorExpr>(diag::SourceRange{file, 0, size});
  }
  return root;
}

const ast::TypeExpr* ParseType(diag::SourceManager& sources, diag::FileId file, ast::Arena& arena,
                               diag::DiagnosticEngine& diags) {
  const ast::TypeExpr* type = nullptr;
  support::RunOnLargeStack([&] {
    RunParser(sources, file, diags, [&](StrataParser& parser, TokenStream&) {
      StrataParser::TypeFileContext* tree = parser.typeFile();
      AstBuilder builder(sources, file, arena, diags);
      type = builder.BuildTypeFile(tree);
    });
  });
  if (!type) {
    uint32_t size = static_cast<uint32_t>(sources.Text(file).size());
    type = arena.New<ast::ErrorType>(diag::SourceRange{file, 0, size});
  }
  return type;
}

void ParseWithComments(diag::SourceManager& sources, diag::FileId file,
                       diag::DiagnosticEngine& diags, const TreeUser& use) {
  size_t errors_before = diags.error_count();
  support::RunOnLargeStack([&] {
    RunParser(
        sources, file, diags,
        [&](StrataParser& parser, TokenStream& tokens) {
          StrataParser::FileContext* tree = parser.file();
          if (diags.error_count() == errors_before) use(tree, tokens.buffer());
        },
        /*keep_comments=*/true);
  });
}

}  // namespace strata::syntax
