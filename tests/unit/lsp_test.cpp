// The language server's pieces: Content-Length framing, UTF-16 positions, doc comments, and
// the workspace's incremental re-checks (an edit re-checks the file and what imports it).
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "compiler/lsp/features.h"
#include "compiler/lsp/json_rpc.h"
#include "compiler/lsp/positions.h"
#include "compiler/lsp/server.h"
#include "compiler/lsp/workspace.h"
#include "test_support.h"

namespace strata::lsp {
namespace {

TEST_CASE("framing reads messages by Content-Length", "[lsp]") {
  std::istringstream in(
      "Content-Length: 2\r\n\r\n{}Content-Type: x\r\ncontent-length:3\r\n\r\n[1]");
  std::string body, error;
  REQUIRE(ReadMessage(in, body, error) == ReadStatus::kMessage);
  CHECK(body == "{}");
  REQUIRE(ReadMessage(in, body, error) == ReadStatus::kMessage);
  CHECK(body == "[1]");
  CHECK(ReadMessage(in, body, error) == ReadStatus::kEnd);
}

TEST_CASE("framing reports a bad or missing Content-Length and goes on", "[lsp]") {
  std::istringstream in("Content-Length: abc\r\n\r\nX-Other: 1\r\n\r\nContent-Length: 1\r\n\r\n7");
  std::string body, error;
  CHECK(ReadMessage(in, body, error) == ReadStatus::kBadHeader);
  CHECK(error.find("bad Content-Length") != std::string::npos);
  CHECK(ReadMessage(in, body, error) == ReadStatus::kBadHeader);
  CHECK(error.find("without a Content-Length") != std::string::npos);
  REQUIRE(ReadMessage(in, body, error) == ReadStatus::kMessage);
  CHECK(body == "7");
}

TEST_CASE("framing: a stream that ends inside a body is the end", "[lsp]") {
  std::istringstream in("Content-Length: 10\r\n\r\n{}");
  std::string body, error;
  CHECK(ReadMessage(in, body, error) == ReadStatus::kEnd);
}

TEST_CASE("framing writes the byte length of the body", "[lsp]") {
  std::ostringstream out;
  WriteMessage(out, Json{{"a", "é"}});
  CHECK(out.str() == "Content-Length: 10\r\n\r\n{\"a\":\"é\"}");
}

TEST_CASE("positions count UTF-16 code units", "[lsp]") {
  // é is 2 bytes and 1 unit, ✓ 3 bytes and 1 unit, 😀 4 bytes and 2 units.
  std::string text = "ab\né✓😀x\r\nlast";
  LineIndex index(text);
  CHECK(index.line_count() == 3);
  uint32_t x = static_cast<uint32_t>(text.find('x'));
  Position p = index.ToPosition(x);
  CHECK(p.line == 1);
  CHECK(p.character == 4);
  CHECK(index.ToOffset(p) == x);
  CHECK(index.ToOffset({1, 0}) == 3);
  CHECK(index.ToOffset({1, 1}) == 5);
  // Past the line's end: before its CR LF; past the last line: the end.
  CHECK(index.ToOffset({1, 99}) == x + 1);
  CHECK(index.ToOffset({7, 0}) == text.size());
  CHECK(index.ToPosition(static_cast<uint32_t>(text.size())).line == 2);
  // Inside a UTF-8 sequence: the character's start.
  CHECK(index.ToPosition(4).character == 0);
}

TEST_CASE("doc comments are the # lines right above a binding", "[lsp]") {
  std::string text = "let\n  # not this\n\n  # One.\n  #  Two.\n  x = 1;\nin x";
  CHECK(DocComment(text, static_cast<uint32_t>(text.find("x ="))) == "One.\n Two.");
  CHECK(DocComment(text, static_cast<uint32_t>(text.find("in x"))) == "");
  std::string parameter = "# Doc.\nf = x: x;";
  CHECK(DocComment(parameter, 0) == "");
  CHECK(DocComment(parameter, static_cast<uint32_t>(parameter.find("f ="))) == "Doc.");
  CHECK(DocComment(parameter, static_cast<uint32_t>(parameter.find("x:"))) == "");
}

TEST_CASE("an edit re-checks the file and the files that import it, not the others", "[lsp]") {
  testing::TempDir dir("lsp-unit");
  std::ofstream(dir.path + "/lib.strata") << "{ a = 1; }\n";
  std::string lib = "file://" + dir.path + "/lib.strata";
  std::string main = "file://" + dir.path + "/main.strata";
  std::string other = "file://" + dir.path + "/other.strata";
  Workspace workspace;
  workspace.Update(lib, "{ a = 1; }\n", 1);
  workspace.Update(main, "(import ./lib.strata).a + 1\n", 1);
  workspace.Update(other, "let s = import <std/go>; in 2\n", 1);
  REQUIRE(workspace.Find(main)->diagnostics.empty());
  size_t before = workspace.checks();
  // The library changes: it and main are checked again; other is not.
  std::vector<std::string> analysed = workspace.Update(lib, "{ a = \"x\"; }\n", 2);
  CHECK(analysed.size() == 2);
  CHECK(std::find(analysed.begin(), analysed.end(), other) == analysed.end());
  CHECK(workspace.checks() - before == 2);
  // main sees the unsaved text of lib: `"x" + 1` is an error now.
  CHECK_FALSE(workspace.Find(main)->diagnostics.empty());
  // An error inside an imported file is shown at the import.
  workspace.Update(main, "(import ./lib.strata).a\n", 2);
  workspace.Update(lib, "{ a = 1 + \"s\"; }\n", 3);
  REQUIRE(workspace.Find(lib)->diagnostics.size() == 1);
  const std::vector<diag::Diagnostic>& at_import = workspace.Find(main)->diagnostics;
  REQUIRE(at_import.size() == 1);
  CHECK(at_import[0].message.find("the imported file has 1 error: ") == 0);
  CHECK(at_import[0].notes.size() == 1);
  // An edit of other re-checks only other (its stdlib import is checked already).
  before = workspace.checks();
  CHECK(workspace.Update(other, "3\n", 2) == std::vector<std::string>{other});
  CHECK(workspace.checks() - before == 1);
}

TEST_CASE("the server answers malformed messages with protocol errors", "[lsp]") {
  std::istringstream in;
  std::ostringstream out;
  Server server(in, out);
  server.HandleMessage("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}");
  CHECK(out.str().find("\"capabilities\"") != std::string::npos);
  out.str("");
  server.HandleMessage("{oops");
  CHECK(out.str().find("-32700") != std::string::npos);
  out.str("");
  server.HandleMessage("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"}");
  CHECK(out.str().find("-32601") != std::string::npos);
  out.str("");
  server.HandleMessage(
      "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"textDocument/"
      "definition\",\"params\":{\"position\":1}}");
  CHECK(out.str().find("-32602") != std::string::npos);
  out.str("");
  server.HandleMessage("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"shutdown\"}");
  CHECK(out.str().find("-32600") != std::string::npos);
}

}  // namespace
}  // namespace strata::lsp
