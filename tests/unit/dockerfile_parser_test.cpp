// The Dockerfile parser: directives, encodings, continuations, heredocs, JSON form, every
// instruction's dump in BuildKit's format.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/diag/diagnostics.h"
#include "compiler/dockerfile/dump.h"
#include "compiler/dockerfile/parser.h"
#include "tests/unit/test_support.h"

namespace strata::dockerfile {
namespace {

using testing::CorpusDir;

struct Parsed {
  diag::SourceManager sources;
  diag::DiagnosticEngine diags;
  std::optional<Dockerfile> dockerfile;
  std::string Dump() const {
    std::ostringstream out;
    if (dockerfile) DumpAst(out, *dockerfile);
    return out.str();
  }
  std::string Messages() const { return diags.Format(sources); }
};

std::unique_ptr<Parsed> Parse(std::string text) {
  auto parsed = std::make_unique<Parsed>();
  diag::FileId file = parsed->sources.AddBuffer("Dockerfile", std::move(text));
  parsed->dockerfile = ParseDockerfile(parsed->sources, file, parsed->diags);
  return parsed;
}

}  // namespace

TEST_CASE("parser directives come only before anything else", "[dockerfile][parser]") {
  auto p = Parse(
      "# syntax=docker/dockerfile:1\n#  ESCAPE = `\n# check=skip=all\nFROM a\nRUN echo `\n  hi\n");
  REQUIRE(p->dockerfile);
  REQUIRE(p->dockerfile->directives.size() == 3);
  CHECK(p->dockerfile->directives[0].name == "syntax");
  CHECK(p->dockerfile->directives[0].value == "docker/dockerfile:1");
  CHECK(p->dockerfile->directives[1].name == "escape");
  CHECK(p->dockerfile->directives[2].value == "skip=all");
  CHECK(p->dockerfile->escape_token == '`');
  CHECK(p->Dump() == "(from \"a\")\n(run \"echo   hi\")\n");

  // After a plain comment, an empty line or an instruction, a directive is just a comment.
  for (const char* text :
       {"# hello\n# escape=`\nFROM a\nRUN a \\\n b\n", "\n# escape=`\nFROM a\nRUN a \\\n b\n",
        "FROM a\n# escape=`\nRUN a \\\n b\n"}) {
    auto q = Parse(text);
    REQUIRE(q->dockerfile);
    CHECK(q->dockerfile->escape_token == '\\');
    CHECK(q->Dump() == "(from \"a\")\n(run \"a  b\")\n");
  }
  // An unknown key ends the directives too.
  auto r = Parse("# foo=bar\n# escape=`\nFROM a\n");
  REQUIRE(r->dockerfile);
  CHECK(r->dockerfile->directives.empty());
}

TEST_CASE("parser strips a UTF-8 BOM and decodes UTF-16 and UTF-32", "[dockerfile][parser]") {
  const std::string expected = "(from \"debian:11\")\n(user \"root\")\n(run \"foo bar\")\n";
  CHECK(Parse("\xEF\xBB\xBF"
              "FROM debian:11\nUSER root\nRUN foo bar\n")
            ->Dump() == expected);
  std::string utf16le = "\xFF\xFE";
  for (char c : std::string("FROM debian:11\nUSER root\nRUN foo bar\n"))
    utf16le += c, utf16le += '\0';
  auto p = Parse(utf16le);
  CHECK(p->Dump() == expected);
  CHECK(p->sources.Text(p->dockerfile->file).substr(0, 4) == "FROM");

  auto odd = Parse(
      "\xFF\xFE"
      "F");
  CHECK_FALSE(odd->dockerfile);
  CHECK(odd->Messages().find("cannot read Dockerfile as UTF-16LE") != std::string::npos);

  std::filesystem::path dir = CorpusDir() / "language-docker";
  if (!std::filesystem::exists(dir)) {
    WARN("corpus folder " << dir.string() << " is absent: skipping its BOM files");
    return;
  }
  for (const char* name :
       {"Dockerfile.bom.utf8", "Dockerfile.bom.utf16le", "Dockerfile.bom.utf16be",
        "Dockerfile.bom.utf32le", "Dockerfile.bom.utf32be"}) {
    std::ifstream in(dir / name, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    auto q = Parse(bytes.str());
    INFO(name << "\n" << q->Messages());
    CHECK(q->Dump() == expected);
  }
}

TEST_CASE("continuations skip comments and empty lines", "[dockerfile][parser]") {
  auto p = Parse("FROM a\nRUN a \\\n# comment\n   # indented comment\n  b \\\n\n  c\n");
  REQUIRE(p->dockerfile);
  CHECK(p->Dump() == "(from \"a\")\n(run \"a   b   c\")\n");
  CHECK(p->Messages().find("warning: empty continuation line") != std::string::npos);
  const Instruction& run = p->dockerfile->instructions[1];
  CHECK(run.start_line == 2);
  CHECK(run.end_line == 7);
  // A continuation at the end of the file ends the instruction.
  CHECK(Parse("FROM a\nRUN a \\")->Dump() == "(from \"a\")\n(run \"a\")\n");
  // CRLF line ends and blanks after the escape are fine.
  CHECK(Parse("FROM a\r\nRUN a \\  \r\n b\r\n")->Dump() == "(from \"a\")\n(run \"a  b\")\n");
}

TEST_CASE("an escaped escape at the end of a line is no continuation", "[dockerfile][parser]") {
  // BuildKit continues a line only when its last escape token follows something else (or
  // stands alone on the line): `\\` is an escaped backslash, and so the line ends.
  auto p = Parse("FROM a\nENV C trailing\\\\\nRUN x \\\\  \nRUN y \\\\\\\nRUN z\n\\\nRUN w\n");
  INFO(p->Messages());
  REQUIRE(p->dockerfile);
  CHECK(p->Dump() ==
        "(from \"a\")\n(env \"C\" \"trailing\\\\\\\\\" \"\")\n(run \"x \\\\\\\\\")\n"
        "(run \"y \\\\\\\\\\\\\")\n(run \"z\")\n(run \"w\")\n");
  // The same with a backtick escape token.
  auto q = Parse("# escape=`\nFROM a\nRUN x ``\nRUN y `\n  z\n");
  INFO(q->Messages());
  REQUIRE(q->dockerfile);
  CHECK(q->Dump() == "(from \"a\")\n(run \"x ``\")\n(run \"y   z\")\n");
}

TEST_CASE("the syntax parse leaves instruction checks to validation", "[dockerfile][parser]") {
  std::string text = "FROM a AS 1x\nRUN --mnt=x true\nHEALTHCHECK CMD\nCPY . .\n";
  diag::SourceManager sources;
  diag::DiagnosticEngine diags;
  diag::FileId file = sources.AddBuffer("Dockerfile", text);
  std::optional<Dockerfile> syntax = ParseDockerfileSyntax(sources, file, diags);
  REQUIRE(syntax);
  CHECK(diags.error_count() == 0);
  std::ostringstream dump;
  DumpAst(dump, *syntax);
  CHECK(dump.str() ==
        "(from \"a\" \"AS\" \"1x\")\n(run [\"--mnt=x\"] \"true\")\n(healthcheck \"CMD\")\n(cpy)\n");
  CHECK_FALSE(ValidateDockerfile(*syntax, diags));
  CHECK(diags.error_count() == 4);
  // The full parse reports the same errors, in line order, and gives no Dockerfile.
  auto full = Parse(text);
  CHECK_FALSE(full->dockerfile);
  CHECK(full->diags.error_count() == 4);
  CHECK(full->Messages().find("Dockerfile:3:13: error: missing command after HEALTHCHECK CMD") !=
        std::string::npos);
}

TEST_CASE("comments before an instruction are kept", "[dockerfile][parser]") {
  auto p = Parse("# one\n#   two  \nFROM a\n#\n# three\nRUN x\n");
  REQUIRE(p->dockerfile);
  CHECK(p->dockerfile->instructions[0].comments == std::vector<std::string>{"one", "two"});
  // A bare `#` resets the collected comments, as in BuildKit.
  CHECK(p->dockerfile->instructions[1].comments == std::vector<std::string>{"three"});
}

TEST_CASE("heredocs in every form", "[dockerfile][parser]") {
  auto p = Parse(
      "FROM a\n"
      "RUN <<EOF\necho hi\nEOF\n"
      "RUN <<-EOT bash\n\techo tab\n\tEOT\n"
      "COPY <<\"A\" <<'B' /dest/\n$x\nA\n$y\nB\n"
      "RUN 3<<FD cat /dev/fd/3\nx\nFD\n"
      "RUN echo '<<NOT' \"<<NOR\"\n"
      "ONBUILD RUN <<X\nbody\nX\n");
  INFO(p->Messages());
  REQUIRE(p->dockerfile);
  const auto& in = p->dockerfile->instructions;
  REQUIRE(in.size() == 7);
  REQUIRE(in[1].heredocs.size() == 1);
  CHECK(in[1].heredocs[0].name == "EOF");
  CHECK(in[1].heredocs[0].body == "echo hi\n");
  CHECK(in[1].heredocs[0].expand);
  CHECK(in[2].heredocs[0].strip_tabs);
  CHECK(in[2].heredocs[0].body == "\techo tab\n");
  CHECK(in[2].heredocs[0].Content() == "echo tab\n");
  REQUIRE(in[3].heredocs.size() == 2);
  CHECK(in[3].heredocs[0].name == "A");
  CHECK_FALSE(in[3].heredocs[0].expand);
  CHECK(in[3].heredocs[1].name == "B");
  CHECK_FALSE(in[3].heredocs[1].expand);
  CHECK(in[3].heredocs[1].body == "$y\n");
  CHECK(in[4].heredocs[0].fd == 3);
  CHECK(in[5].heredocs.empty());
  REQUIRE(in[6].trigger);
  CHECK(in[6].trigger->heredocs[0].body == "body\n");
  CHECK(p->Dump() ==
        "(from \"a\")\n(run \"<<EOF\")\n(run \"<<-EOT bash\")\n"
        "(copy \"<<\\\"A\\\"\" \"<<'B'\" \"/dest/\")\n(run \"3<<FD cat /dev/fd/3\")\n"
        "(run \"echo '<<NOT' \\\"<<NOR\\\"\")\n(onbuild (run \"<<X\"))\n");
}

TEST_CASE("JSON form, and the fallback to shell form", "[dockerfile][parser]") {
  auto p = Parse(
      "FROM a\nCMD [\"a\", \"b c\"]\nCMD [a, b]\nCOPY [\"a b\", \"c\"]\nCOPY [ \"x\" y\n"
      "ENTRYPOINT []\nRUN [\"sh\", \\\n \"-c\"]\n");
  INFO(p->Messages());
  REQUIRE(p->dockerfile);
  CHECK(p->Dump() ==
        "(from \"a\")\n(cmd \"a\" \"b c\")\n(cmd \"[a, b]\")\n(copy \"a b\" \"c\")\n"
        "(copy \"[\" \"\\\"x\\\"\" \"y\")\n(entrypoint)\n(run \"sh\" \"-c\")\n");
  CHECK(p->dockerfile->instructions[1].json_form);
  CHECK_FALSE(p->dockerfile->instructions[2].json_form);
}

TEST_CASE("every instruction dumps like BuildKit", "[dockerfile][parser]") {
  auto p = Parse(R"(from --platform=$BUILDPLATFORM golang:1.22 AS build
ARG A B=2 "C=3 4"
ENV a=1 b="x y"
ENV k v  w
Label "com.x"="y"
EXPOSE 80   443/udp
USER app:app
WORKDIR /a b
VOLUME ["/data"]
VOLUME /a /b
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5m --timeout=3s CMD curl -f http://localhost/ || exit 1
HEALTHCHECK NONE
HEALTHCHECK CMD ["curl", "x"]
ONBUILD RUN echo hi
MAINTAINER me <me@x>
SHELL ["/bin/bash", "-c"]
ENTRYPOINT ["/app"]
CMD echo "hi"	tab
COPY --from=build --chown="1:1" /out /app
ADD --link https://x/y.tgz /tmp/
RUN --mount=type=cache,target=/root/.cache -- go build
)");
  INFO(p->Messages());
  REQUIRE(p->dockerfile);
  CHECK(p->Dump() == R"((from ["--platform=$BUILDPLATFORM"] "golang:1.22" "AS" "build")
(arg "A" "B=2" "\"C=3 4\"")
(env "a" "1" "=" "b" "\"x y\"" "=")
(env "k" "v  w" "")
(label "\"com.x\"" "\"y\"" "=")
(expose "80" "443/udp")
(user "app:app")
(workdir "/a b")
(volume "/data")
(volume "/a" "/b")
(stopsignal "SIGTERM")
(healthcheck ["--interval=5m" "--timeout=3s"] "CMD" "curl -f http://localhost/ || exit 1")
(healthcheck "NONE")
(healthcheck "CMD" "curl" "x")
(onbuild (run "echo hi"))
(maintainer "me <me@x>")
(shell "/bin/bash" "-c")
(entrypoint "/app")
(cmd "echo \"hi\"\ttab")
(copy ["--from=build" "--chown=1:1"] "/out" "/app")
(add ["--link"] "https://x/y.tgz" "/tmp/")
(run ["--mount=type=cache,target=/root/.cache"] "go build")
)");
  // MAINTAINER is deprecated: a warning, not an error.
  CHECK(p->Messages().find("warning: MAINTAINER is deprecated") != std::string::npos);
  const Instruction& from = p->dockerfile->instructions[0];
  CHECK(from.kind == InstructionKind::kFrom);
  CHECK(from.name == "from");
  REQUIRE(from.flags.size() == 1);
  CHECK(from.flags[0].name == "platform");
  CHECK(*from.flags[0].value == "$BUILDPLATFORM");
  CHECK(p->sources.Position(from.flags[0].range.file, from.flags[0].range.begin).col == 6);
}

TEST_CASE("Go quoting of control bytes, Unicode and invalid UTF-8", "[dockerfile][parser]") {
  auto p =
      Parse(std::string("FROM a\nRUN a\x01"
                        "b\x7f\xff \xC3\xA9 \xE2\x80\x8B\n"));
  REQUIRE(p->dockerfile);
  CHECK(p->Dump() == "(from \"a\")\n(run \"a\\x01b\\x7f\\xff é \\u200b\")\n");
}

}  // namespace strata::dockerfile
