// Tests of the parse cache: the AST codec round-trips every golden program, damaged entries
// and changed files fall back to a parse, and files with diagnostics are never stored.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "compiler/syntax/ast_codec.h"
#include "compiler/syntax/ast_print.h"
#include "compiler/syntax/parse_cache.h"
#include "compiler/syntax/parser.h"

namespace strata::syntax {
namespace {

namespace fs = std::filesystem;

std::string Printed(const ast::Expr* root) {
  std::ostringstream out;
  PrintAst(out, root);
  return out.str();
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every node kind, with patterns, annotations, interpolation, selections and operators.
constexpr const char* kEveryKind = R"(
let
  f = { a, b ? 2, ... }@all: a + b;
  g = x: if x > 1 && !(x == 3) then x - 1 else -x;
  s :: String = "v${toString (f { a = 1; })} ${''ind ${"x"}''}";
  r = { x.y = 1; inherit s; z = [ 1 true ./p "q" ]; };
  t = (r :: { x :: { y :: Int; ... }; ... });
in assert r ? x.y; {
  default = scratch |> workdir "/w" |> run "echo ${s}";
  v = r.x.y or 0;
  w = r // { n = [ 1 ] ++ [ 2 ]; } ;
  i = import <std/go>;
  h = g 3 * 4 / 2;
  k = a: b: a -> b || false;
}
)";

TEST_CASE("the AST codec round-trips every golden program and every node kind", "[parse_cache]") {
  diag::SourceManager sources;
  ast::Arena arena;
  std::vector<std::pair<std::string, std::string>> inputs{{"/proj/every.strata", kEveryKind}};
  for (const auto& entry :
       fs::recursive_directory_iterator(fs::path(STRATA_SOURCE_DIR) / "tests/golden"))
    if (entry.path().extension() == ".strata")
      inputs.emplace_back(entry.path().string(), ReadFile(entry.path()));
  REQUIRE(inputs.size() > 50);
  size_t round_tripped = 0;
  for (const auto& [name, text] : inputs) {
    INFO(name);
    diag::DiagnosticEngine diags;
    diag::FileId file = sources.AddBuffer(name, text);
    const ast::Expr* root = Parse(sources, file, arena, diags);
    std::optional<std::string> encoded = EncodeAst(root, file);
    REQUIRE(encoded);
    const ast::Expr* decoded = DecodeAst(*encoded, file, text.size(), arena);
    REQUIRE(decoded);
    CHECK(Printed(decoded) == Printed(root));
    CHECK(EncodeAst(decoded, file) == encoded);  // every field and range, not only the printout
    ++round_tripped;
  }
  CHECK(round_tripped == inputs.size());
}

TEST_CASE("a damaged encoding decodes to null or a tree, never a crash", "[parse_cache]") {
  diag::SourceManager sources;
  ast::Arena arena;
  diag::DiagnosticEngine diags;
  std::string text = kEveryKind;
  diag::FileId file = sources.AddBuffer("/proj/every.strata", text);
  std::optional<std::string> encoded = EncodeAst(Parse(sources, file, arena, diags), file);
  REQUIRE(encoded);
  size_t rejected = 0;
  for (size_t cut = 0; cut < encoded->size(); ++cut)
    rejected += DecodeAst(encoded->substr(0, cut), file, text.size(), arena) == nullptr;
  CHECK(rejected == encoded->size());  // every truncation is noticed
  for (size_t i = 0; i < encoded->size(); ++i) {
    std::string damaged = *encoded;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x5a);
    DecodeAst(damaged, file, text.size(), arena);  // must not crash (ASan/UBSan builds check more)
  }
  // A range beyond the source is refused.
  CHECK(DecodeAst(*encoded, file, 10, arena) == nullptr);
}

struct CacheRun {
  std::string printed;
  std::string errors;
  ParseCache::Outcome outcome;
};

CacheRun RunCache(const std::string& dir, const std::string& text) {
  diag::SourceManager sources;
  ast::Arena arena;
  diag::DiagnosticEngine diags;
  ParseCache cache(dir);
  diag::FileId file = sources.AddBuffer("/proj/build.strata", text);
  const ast::Expr* root = cache.Parse(sources, file, arena, diags);
  return {Printed(root), diags.Format(sources), cache.last_outcome()};
}

TEST_CASE("the parse cache reuses unchanged files and falls back on anything else",
          "[parse_cache]") {
  fs::path dir = fs::temp_directory_path() / ("strata-parse-cache-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  using Outcome = ParseCache::Outcome;
  CacheRun first = RunCache(dir, kEveryKind);
  CHECK(first.outcome == Outcome::kMissStored);
  CacheRun second = RunCache(dir, kEveryKind);
  CHECK(second.outcome == Outcome::kHit);
  CHECK(second.printed == first.printed);

  // A changed file is another key: parsed, and its own entry stored.
  std::string changed = std::string(kEveryKind) + " ";
  CHECK(RunCache(dir, changed).outcome == Outcome::kMissStored);

  // Damage every entry (a flipped byte in the payload): the parse runs again, same tree.
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string bytes = ReadFile(entry.path());
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 1);
    std::ofstream(entry.path(), std::ios::binary | std::ios::trunc) << bytes;
  }
  CacheRun damaged = RunCache(dir, kEveryKind);
  CHECK(damaged.outcome == Outcome::kMissStored);
  CHECK(damaged.printed == first.printed);
  CHECK(RunCache(dir, kEveryKind).outcome == Outcome::kHit);  // rewritten

  // A file with a syntax error is never stored, so its error is reported on every run.
  CacheRun broken = RunCache(dir, "{ a = ; }");
  CHECK(broken.outcome == Outcome::kMissNotStored);
  CHECK_FALSE(broken.errors.empty());
  CacheRun again = RunCache(dir, "{ a = ; }");
  CHECK(again.outcome == Outcome::kMissNotStored);
  CHECK(again.errors == broken.errors);

  CHECK(RunCache("", kEveryKind).outcome == Outcome::kDisabled);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace strata::syntax
