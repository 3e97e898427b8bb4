// `strata import` round trips: the translation of each Dockerfile type-checks, evaluates and
// gives the same derivation graph (keys included) as the direct lowering; the translations of
// tests/golden/import/*.Dockerfile match their .expected files (UPDATE_GOLDEN=1 rewrites them).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "compiler/dockerfile/dockerignore.h"
#include "compiler/dockerfile/lower.h"
#include "compiler/dockerfile/parser.h"
#include "compiler/dockerfile/translate.h"
#include "compiler/eval/builtins.h"
#include "compiler/eval/evaluator.h"
#include "compiler/graph/print.h"
#include "compiler/support/large_stack.h"
#include "compiler/syntax/module_loader.h"
#include "compiler/types/checker.h"
#include "stdlib/embedded.h"
#include "tests/unit/test_support.h"

namespace strata::dockerfile {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::SourceDir;

struct RoundTrip {
  bool lowered = false;
  std::string errors;       // diagnostics of parsing and lowering
  std::string lower_graph;  // PrintText of the direct lowering
  std::string program;      // the translation
  std::string program_graph;
  std::string program_errors;
};

// The graph text of `default` in the program at `file` (checked and evaluated).
std::string EvaluateProgram(const std::string& file, std::string& errors) {
  diag::SourceManager sources;
  diag::DiagnosticEngine diags;
  ast::Arena arena;
  graph::Graph graph;
  graph::LocalSourceHasher hasher;
  syntax::ModuleLoader loader(sources, arena, diags,
                              [](std::string_view n) { return stdlib::Lookup(n); });
  types::Checker checker(loader, diags);
  eval::Evaluator evaluator(loader, diags, graph, hasher);
  std::string text;
  support::RunOnLargeStack([&] {
    const syntax::Module* module = loader.LoadEntry(file);
    if (!module || diags.has_errors()) return;
    checker.CheckModule(module);
    if (diags.has_errors()) return;
    std::optional<eval::Value> value = evaluator.EvalModule(module);
    if (value && checker.IsFunctionOfRecordPattern(module))
      value = evaluator.ApplyArguments(*value, {});
    if (value) value = evaluator.SelectPath(*value, {"default"});
    std::vector<const graph::Node*> nodes;
    if (!value || !evaluator.CollectNodes(*value, nodes)) return;
    std::ostringstream out;
    graph::PrintText(out, nodes);
    text = out.str();
  });
  errors = diags.Format(sources);
  return text;
}

// Copies `context` (if any) to DIR/ctx, creating the COPY sources it lacks as small files,
// lowers the Dockerfile against it, writes the translation to DIR/out/build.strata and
// evaluates it.
RoundTrip Run(const fs::path& dockerfile_path, const fs::path& context, const fs::path& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir / "out");
  if (fs::exists(context)) fs::copy(context, dir / "ctx", fs::copy_options::recursive);
  fs::create_directories(dir / "ctx");
  RoundTrip result;
  for (int attempt = 0; attempt < 50; ++attempt) {
    diag::SourceManager sources;
    diag::DiagnosticEngine diags;
    std::optional<diag::FileId> file = sources.AddFile(dockerfile_path.string());
    REQUIRE(file);
    std::optional<Dockerfile> parsed = ParseDockerfile(sources, *file, diags);
    if (!parsed) {
      result.errors = diags.Format(sources);
      return result;
    }
    graph::Graph graph;
    graph::LocalSourceHasher hasher;
    std::string ctx = AbsolutePath((dir / "ctx").string());
    std::vector<std::string> exclude = ReadDockerignore(FindDockerignore("", ctx));
    LowerOptions lower;
    std::string error;
    lower.context = MakeContextNode(graph, hasher, ctx, exclude, error);
    REQUIRE(lower.context);
    lower.hasher = &hasher;
    const graph::Node* root = LowerDockerfile(*parsed, lower, graph, diags);
    if (!root) {
      result.errors = diags.Format(sources);
      static const std::regex kMissing("COPY source \"([^\"]+)\" not found");
      std::smatch match;
      if (!std::regex_search(result.errors, match, kMissing)) return result;
      fs::path missing = dir / "ctx" / match[1].str();
      fs::create_directories(missing.parent_path());
      std::ofstream(missing) << "x\n";
      continue;
    }
    result.lowered = true;
    std::ostringstream out;
    graph::PrintText(out, {root});
    result.lower_graph = out.str();

    TranslateOptions translate;
    translate.context_dir = ctx;
    translate.context_exclude = exclude;
    translate.output_dir = (dir / "out").string();
    for (std::string_view name : eval::BuiltinNames()) translate.reserved_names.emplace_back(name);
    std::optional<std::string> program = TranslateDockerfile(*parsed, translate, diags);
    REQUIRE(program);
    result.program = *program;
    std::ofstream(dir / "out" / "build.strata") << *program;
    result.program_graph =
        EvaluateProgram((dir / "out" / "build.strata").string(), result.program_errors);
    return result;
  }
  return result;
}

TEST_CASE("dockerfile import: golden translations round-trip to the same keys",
          "[dockerfile][golden]") {
  fs::path folder = SourceDir() / "tests/golden/import";
  bool update = std::getenv("UPDATE_GOLDEN") != nullptr;
  size_t cases = 0;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().extension() != ".Dockerfile") continue;
    ++cases;
    std::string name = entry.path().stem().string();
    SECTION(name) {
      fs::path context = folder / (name + ".context");
      RoundTrip trip =
          Run(entry.path(), context, fs::temp_directory_path() / "strata-import-test" / name);
      INFO(trip.errors);
      REQUIRE(trip.lowered);
      INFO(trip.program);
      INFO(trip.program_errors);
      CHECK(trip.program_graph == trip.lower_graph);
      fs::path expected = folder / (name + ".expected");
      if (update) std::ofstream(expected) << trip.program;
      CHECK(trip.program == ReadFile(expected));
    }
  }
  CHECK(cases >= 6);
}

// Every parser golden case, and every Dockerfile of the organisation's corpus when one is
// beside the checkout, must round-trip. The count asserted is of the project's own cases only:
// a plain clone has no corpus, and its tests must not depend on one.
TEST_CASE("dockerfile import: parser cases and the corpus round-trip", "[dockerfile]") {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(SourceDir() / "tests/golden/dockerfile"))
    if (entry.path().extension() == ".Dockerfile" &&
        entry.path().stem().string().rfind("ok-", 0) == 0)
      files.push_back(entry.path());
  const size_t own_files = files.size();
  fs::path corpus = SourceDir() / "../shared/corpus";
  if (fs::exists(corpus))
    for (const auto& entry : fs::recursive_directory_iterator(corpus))
      if (entry.is_regular_file() &&
          entry.path().filename().string().find("Dockerfile") != std::string::npos)
        files.push_back(entry.path());
  size_t lowered = 0, own_lowered = 0, same = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    const fs::path& file = files[i];
    RoundTrip trip =
        Run(file, {}, fs::temp_directory_path() / "strata-import-corpus" / file.filename());
    if (!trip.lowered) continue;
    ++lowered;
    own_lowered += i < own_files;
    INFO(file.string() << "\n" << trip.program << "\n" << trip.program_errors);
    CHECK(trip.program_graph == trip.lower_graph);
    same += trip.program_graph == trip.lower_graph;
  }
  WARN("round trip: " << same << " of " << lowered << " lowered Dockerfiles (" << files.size()
                      << " read)");
  CHECK(own_lowered >= 9);
}

}  // namespace
}  // namespace strata::dockerfile
