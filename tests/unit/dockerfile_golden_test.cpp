// Golden dumps of tests/golden/dockerfile/*.Dockerfile, conformance over the shared corpus,
// and a parse-time check on a generated 10,000-instruction Dockerfile.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/diag/diagnostics.h"
#include "compiler/dockerfile/args.h"
#include "compiler/dockerfile/dump.h"
#include "compiler/dockerfile/parser.h"
#include "tests/unit/test_support.h"

namespace strata::dockerfile {
namespace {

namespace fs = std::filesystem;
using testing::CorpusDir;
using testing::ReadFile;
using testing::SourceDir;

// The golden text: the dump (BuildKit's parser alone), then the diagnostics (parse, instruction
// checks, then expansion) when there are any.
std::string Render(const fs::path& path) {
  diag::SourceManager sources;
  diag::DiagnosticEngine diags;
  diag::FileId file = sources.AddBuffer(path.filename().string(), ReadFile(path));
  std::optional<Dockerfile> parsed = ParseDockerfileSyntax(sources, file, diags);
  std::ostringstream out;
  if (parsed) {
    DumpAst(out, *parsed);
    if (ValidateDockerfile(*parsed, diags)) ExpandDockerfile(*parsed, {}, diags);
  }
  if (!diags.diagnostics().empty()) out << "--- diagnostics\n" << diags.Format(sources);
  return out.str();
}

}  // namespace

TEST_CASE("golden dumps of tests/golden/dockerfile", "[dockerfile][golden]") {
  fs::path dir = SourceDir() / "tests" / "golden" / "dockerfile";
  REQUIRE(fs::exists(dir));
  bool update = std::getenv("UPDATE_GOLDEN") && std::string(std::getenv("UPDATE_GOLDEN")) == "1";
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".Dockerfile") continue;
    ++cases;
    fs::path expected_path = entry.path();
    expected_path.replace_extension(".expected");
    std::string actual = Render(entry.path());
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << actual;
      continue;
    }
    INFO("case " << entry.path().filename().string() << " (UPDATE_GOLDEN=1 rewrites it)");
    REQUIRE(fs::exists(expected_path));
    CHECK(actual == ReadFile(expected_path));
    bool should_fail = entry.path().filename().string().rfind("fail-", 0) == 0;
    CHECK((actual.find(": error: ") != std::string::npos) == should_fail);
  }
  CHECK(cases >= 10);
}

TEST_CASE("every Dockerfile of the shared corpus parses", "[dockerfile][conformance]") {
  fs::path dir = CorpusDir();
  if (!fs::exists(dir)) {
    WARN("corpus folder " << dir.string() << " is absent: conformance skipped");
    return;
  }
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    bool dockerfile = name.size() > 11 && name.substr(name.size() - 11) == ".Dockerfile";
    if (!entry.is_regular_file() || !(dockerfile || name.rfind("Dockerfile", 0) == 0)) continue;
    ++files;
    diag::SourceManager sources;
    diag::DiagnosticEngine diags;
    diag::FileId file = sources.AddBuffer(name, ReadFile(entry.path()));
    auto parsed = ParseDockerfile(sources, file, diags);
    INFO(entry.path().string() << "\n" << diags.Format(sources));
    CHECK(parsed.has_value());
  }
  CHECK(files > 10);
}

TEST_CASE("a generated 10,000-instruction Dockerfile parses quickly", "[dockerfile][perf]") {
  std::string text = "# syntax=docker/dockerfile:1\nARG BASE=alpine\nFROM $BASE AS s0\n";
  for (int i = 1; i < 9999; ++i) {
    switch (i % 8) {
      case 0:
        text += "FROM s" + std::to_string(i - 8) + " AS s" + std::to_string(i) + "\n";
        break;
      case 1:
        text += "ENV V" + std::to_string(i) + "=\"value $BASE\" W=x\n";
        break;
      case 2:
        text += "RUN --mount=type=cache,target=/c echo " + std::to_string(i) + " && \\\n    true\n";
        break;
      case 3:
        text += "COPY --chown=1:1 src/" + std::to_string(i) + " /dst/\n";
        break;
      case 4:
        text += "RUN <<EOF\necho heredoc\nEOF\n";
        break;
      case 5:
        text += "LABEL k" + std::to_string(i) + "=v\n";
        break;
      case 6:
        text += "CMD [\"run\", \"" + std::to_string(i) + "\"]\n";
        break;
      default:
        text += "WORKDIR /w/${V" + std::to_string(i - 6) + "}\n";
        break;
    }
  }
  diag::SourceManager sources;
  diag::DiagnosticEngine diags;
  diag::FileId file = sources.AddBuffer("Dockerfile", text);
  auto start = std::chrono::steady_clock::now();
  auto parsed = ParseDockerfile(sources, file, diags);
  REQUIRE(parsed);
  auto parsed_at = std::chrono::steady_clock::now();
  auto expanded = ExpandDockerfile(*parsed, {}, diags);
  auto end = std::chrono::steady_clock::now();
  REQUIRE(expanded);
  CHECK(parsed->instructions.size() == 10000);
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  WARN("parse: " << ms(parsed_at - start) << " ms, expand: " << ms(end - parsed_at) << " ms");
  CHECK(ms(end - start) < 5000);
}

}  // namespace strata::dockerfile
