// Every Dockerfile error: its message, its `Dockerfile:line:col` and its caret line.
#include <catch2/catch.hpp>
#include <string>

#include "compiler/diag/diagnostics.h"
#include "compiler/dockerfile/parser.h"

namespace strata::dockerfile {
namespace {

// Parses `text` and returns the printed diagnostics; the parse must have failed.
std::string Errors(const std::string& text) {
  diag::SourceManager sources;
  diag::DiagnosticEngine diags;
  diag::FileId file = sources.AddBuffer("Dockerfile", text);
  auto parsed = ParseDockerfile(sources, file, diags);
  CHECK_FALSE(parsed.has_value());
  CHECK(diags.has_errors());
  return diags.Format(sources);
}

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("unknown instruction, with a suggestion and a caret", "[dockerfile][errors]") {
  std::string out = Errors("FORM alpine\n");
  CHECK(out ==
        "Dockerfile:1:1: error: unknown instruction: FORM (did you mean FROM?)\n"
        "  FORM alpine\n"
        "  ^~~~\n");
  CHECK(Has(Errors("FROM a\nxyzzy b\n"), "Dockerfile:2:1: error: unknown instruction: xyzzy\n"));
}

TEST_CASE("flag errors", "[dockerfile][errors]") {
  CHECK(Has(Errors("FROM a\nCOPY --fro=x a b\n"),
            "Dockerfile:2:6: error: unknown flag --fro for COPY (did you mean --from?)"));
  CHECK(Has(Errors("FROM a\nENV --x=1 a=b\n"), "Dockerfile:2:5: error: unknown flag --x for ENV"));
  CHECK(Has(Errors("FROM a\nCOPY --from=a --from=b x y\n"),
            "Dockerfile:2:15: error: duplicate flag specified: --from"));
  CHECK(Has(Errors("FROM a\nCOPY --link=maybe a b\n"),
            "error: expecting boolean value for flag --link, not: maybe"));
  CHECK(Has(Errors("FROM a\nCOPY --link= a b\n"), "error: missing a value on flag: --link"));
  CHECK(Has(Errors("FROM a\nCOPY --chown a b\n"), "error: missing a value on flag: --chown"));
  CHECK(Has(Errors("FROM a\nCOPY --from=$x a b\n"),
            "Dockerfile:2:6: error: variables are not supported in COPY --from"));
  CHECK(
      Has(Errors("FROM a\nCOPY --from=${x} a b\n"), "variables are not supported in COPY --from"));
}

TEST_CASE("argument errors of each instruction", "[dockerfile][errors]") {
  CHECK(Has(Errors("FROM a\nENV foo\n"), "Dockerfile:2:5: error: ENV foo has no value"));
  CHECK(Has(Errors("FROM a\nENV\n"), "Dockerfile:2:1: error: ENV requires at least one argument"));
  CHECK(Has(Errors("FROM a\nENV a=b c\n"),
            "Dockerfile:2:9: error: syntax error - can't find = in \"c\". Must be of the form: "
            "name=value"));
  CHECK(Has(Errors("FROM a\nLABEL =x\n"), "error: LABEL names can not be blank"));
  CHECK(Has(Errors("FROM x AS 1bad\n"),
            "Dockerfile:1:11: error: invalid name for build stage: \"1bad\", name can't start "
            "with a number or contain symbols"));
  CHECK(Has(Errors("FROM x AS a$b\n"), "invalid name for build stage: \"a$b\""));
  CHECK(Has(Errors("FROM a b\n"), "error: FROM requires either one or three arguments"));
  CHECK(Has(Errors("FROM\n"), "error: FROM requires either one or three arguments"));
  CHECK(Has(Errors("FROM a AS x\nFROM b AS X\n"),
            "Dockerfile:2:11: error: duplicate stage name \"X\""));
  CHECK(Has(Errors("FROM a\nCOPY a\n"),
            "error: COPY requires at least two arguments, but only one was provided"));
  CHECK(Has(Errors("FROM a\nADD\n"), "error: ADD requires at least two arguments, but none were"));
  CHECK(Has(Errors("FROM a\nUSER\n"), "error: USER requires exactly one argument"));
  CHECK(Has(Errors("FROM a\nWORKDIR\n"), "error: WORKDIR requires exactly one argument"));
  CHECK(Has(Errors("FROM a\nSTOPSIGNAL\n"), "error: STOPSIGNAL requires exactly one argument"));
  CHECK(Has(Errors("FROM a\nEXPOSE\n"), "error: EXPOSE requires at least one argument"));
  CHECK(Has(Errors("FROM a\nVOLUME\n"), "error: VOLUME requires at least one argument"));
  CHECK(
      Has(Errors("FROM a\nVOLUME [\"\"]\n"), "error: VOLUME specified can not be an empty string"));
  CHECK(Has(Errors("FROM a\nARG\n"), "error: ARG requires at least one argument"));
  CHECK(Has(Errors("FROM a\nARG =x\n"), "error: ARG names can not be blank"));
  CHECK(Has(Errors("FROM a\nRUN\n"), "error: RUN requires at least one argument"));
  CHECK(Has(Errors("FROM a\nSHELL /bin/sh -c\n"),
            "Dockerfile:2:7: error: SHELL requires the arguments to be in JSON form"));
  CHECK(Has(Errors("FROM a\nCMD [\"a\", 1]\n"),
            "Dockerfile:2:5: error: when using JSON array syntax, arrays must be comprised of "
            "strings only"));
}

TEST_CASE("HEALTHCHECK and ONBUILD errors", "[dockerfile][errors]") {
  CHECK(Has(Errors("FROM a\nHEALTHCHECK\n"), "error: HEALTHCHECK requires at least one argument"));
  CHECK(Has(Errors("FROM a\nHEALTHCHECK FOO x\n"),
            "Dockerfile:2:13: error: unknown type \"FOO\" in HEALTHCHECK (try CMD)"));
  CHECK(Has(Errors("FROM a\nHEALTHCHECK NONE x\n"), "error: HEALTHCHECK NONE takes no arguments"));
  CHECK(Has(Errors("FROM a\nHEALTHCHECK CMD\n"), "error: missing command after HEALTHCHECK CMD"));
  CHECK(Has(Errors("FROM a\nHEALTHCHECK --interval=abc CMD x\n"),
            "error: invalid duration \"abc\" for --interval"));
  CHECK(Has(Errors("FROM a\nHEALTHCHECK --timeout=10us CMD x\n"),
            "error: interval \"timeout\" cannot be less than 1ms"));
  CHECK(Has(Errors("FROM a\nHEALTHCHECK --retries=-1 CMD x\n"),
            "error: --retries must be at least 1 (not -1)"));
  // BuildKit 20.10 refuses 0 too (buildkit_diff/refuse-healthcheck-zero-retries).
  CHECK(Has(Errors("FROM a\nHEALTHCHECK --retries=0 CMD x\n"),
            "Dockerfile:2:13: error: --retries must be at least 1 (not 0)"));
  CHECK(Has(Errors("FROM a\nHEALTHCHECK --retries=x CMD x\n"), "error: invalid --retries value"));
  CHECK(Has(Errors("FROM a\nONBUILD\n"), "error: ONBUILD requires at least one argument"));
  CHECK(Has(Errors("FROM a\nONBUILD ONBUILD RUN x\n"),
            "Dockerfile:2:9: error: chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"));
  CHECK(Has(Errors("FROM a\nONBUILD FROM x\n"), "error: FROM isn't allowed as an ONBUILD trigger"));
  CHECK(Has(Errors("FROM a\nONBUILD COPY --fro=x a b\n"), "error: unknown flag --fro for COPY"));
}

TEST_CASE("heredoc, directive and file errors", "[dockerfile][errors]") {
  CHECK(Has(Errors("FROM a\nRUN <<EOF\nabc\n"),
            "Dockerfile:2:5: error: unterminated heredoc: no line \"EOF\" ends the here-document"));
  CHECK(Has(
      Errors("FROM a\nRUN [\"cat\", \"<<EOF\"]\n"),
      "error: heredoc \"<<EOF\" in the JSON form of RUN: heredocs work only in the shell form"));
  CHECK(Has(Errors("# escape=x\nFROM a\n"),
            "Dockerfile:1:1: error: invalid escape token 'x' does not match ` or \\"));
  CHECK(Has(Errors("# escape=`\n# escape=\\\nFROM a\n"),
            "Dockerfile:2:1: error: only one escape parser directive can be used"));
  CHECK(Has(Errors(""), "error: file with no instructions"));
  CHECK(Has(Errors("# only a comment\n\n"), "error: file with no instructions"));
  CHECK(
      Has(Errors(std::string("\xFE\xFF\xD8\x00", 4)), "error: cannot read Dockerfile as UTF-16BE"));
}

TEST_CASE("all errors of a file are reported, sorted by position", "[dockerfile][errors]") {
  std::string out = Errors("FROM a AS 1x\nFORM b\nCOPY --nope a b\nENV x\n");
  size_t a = out.find("1:11"), b = out.find("2:1"), c = out.find("3:6"), d = out.find("4:5");
  CHECK(a != std::string::npos);
  CHECK(b != std::string::npos);
  CHECK(c != std::string::npos);
  CHECK(d != std::string::npos);
  CHECK((a < b && b < c && c < d));
}

}  // namespace strata::dockerfile
