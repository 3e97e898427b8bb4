// .dockerignore as BuildKit applies it: the pattern matcher on many patterns, the ignore file
// of a Dockerfile named X.Dockerfile, and COPY of directories re-included by exceptions.
#include "compiler/dockerfile/dockerignore.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/diag/diagnostics.h"
#include "compiler/dockerfile/lower.h"
#include "compiler/driver/dockerfile_pipeline.h"
#include "compiler/graph/ignore_patterns.h"
#include "compiler/graph/local_source.h"
#include "compiler/graph/print.h"
#include "test_support.h"

namespace strata::dockerfile {
namespace {

namespace fs = std::filesystem;

// One .dockerignore line set against one path: true when the path is ignored.
bool Ignored(const std::vector<std::string>& lines, const std::string& path) {
  std::vector<std::string> patterns;
  for (const std::string& line : lines) patterns.push_back(graph::CleanIgnorePattern(line));
  return graph::IsIgnoredByPatterns(patterns, path);
}

// A unique directory per test (tests of several checkouts may run at once).
struct Context {
  strata::testing::TempDir temp;
  fs::path dir;
  explicit Context(const std::string& name) : temp("dockerignore-" + name), dir(temp.path) {}
  void Write(const std::string& rel, const std::string& text) const {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel, std::ios::binary) << text;
  }
  // The lowered root's key, or "" with `errors` set.
  std::string Key(const std::string& dockerfile, std::string* errors = nullptr,
                  const std::string& name = "Dockerfile") const {
    Write(name, dockerfile);
    diag::SourceManager sources;
    diag::DiagnosticEngine diags;
    dockerfile::DockerfileInput file;
    file.dockerfile = (dir / name).string();
    graph::Graph graph;
    graph::LocalSourceHasher hasher;
    const graph::Node* root = driver::LowerDockerfileInput(file, {}, graph, hasher, sources, diags);
    if (errors) *errors = diags.Format(sources);
    return root ? root->key().Hex() : "";
  }
};

}  // namespace

TEST_CASE("ignore patterns match as moby/patternmatcher does", "[dockerfile][dockerignore]") {
  struct Case {
    const char* pattern;
    const char* path;
    bool ignored;
  };
  // Single patterns; a path is also ignored when one of its parents matches.
  const Case cases[] = {
      {"**", "file", true},
      {"**", "dir/file", true},
      {"**/", "file", true},
      {"**/**", "dir/file", true},
      {"dir/**", "dir/file", true},
      {"dir/**", "dir/dir2/file", true},
      {"abc/**", "abc", false},
      {"abc/**", "abc/def/ghi", true},
      {"**/dir", "dir", true},
      {"**/dir", "dir/file", true},
      {"**/dir", "xdir", false},
      {"**/dir2/*", "dir/dir2/file", true},
      {"**/dir2/**", "dir/dir2/dir3/file", true},
      {"**file", "file", true},
      {"**file", "dir/file", true},
      {"**file", "dir/xfile", true},
      {"**/file", "dir/dir/file", true},
      {"**/file*", "dir/dir/file.txt", true},
      {"**/file*txt", "dir/dir/file.txt", true},
      {"**/**/*.txt", "dir/dir/file.txt", true},
      {"**/**/*.txt2", "dir/dir/file.txt", false},
      {"**/*.txt", "file.txt", true},
      {"a**/*.txt", "a/dir/dir/file.txt", true},
      {"a/*.txt", "a/dir/file.txt", false},
      {"a/*.txt", "a/file.txt", true},
      {"a/*.txt**", "a/file.txt", true},
      {"a[b-d]e", "ae", false},
      {"a[b-d]e", "ace", true},
      {"a[^b-d]e", "aze", true},
      {"a[^b-d]e", "ace", false},
      {".*", ".foo", true},
      {".*", "foo", false},
      {"abc.def", "abcdef", false},
      {"abc?def", "abcZdef", true},
      {"abc?def", "abc/def", false},
      {"a\\*b", "a*b", true},
      {"a\\*b", "axb", false},
      {"**/foo/bar", "dir/dir2/foo/bar", true},
      {"**/.foo", ".foo", true},
      {"**/.foo", "bar.foo", false},
      {"a(b)c/def", "a(b)c/def", true},
      {"a.|)$(}+{bc", "a.|)$(}+{bc", true},
      {"*", "fileutils.go", true},
      {"*.go", "fileutils.go", true},
      {"*/file", "dir/file", true},
      {"*/file", "dir/dir/file", false},
      // Cleaning: a leading `/` or `./`, `..` and a trailing `/` do not change the pattern.
      {"/build", "build/out/a", true},
      {"./build/", "build", true},
      {"x/../build", "build", true},
      {"/build", "sub/build", false},
      {"docs/", "docs/a.md", true},
  };
  for (const Case& c : cases) {
    INFO("pattern " << c.pattern << " path " << c.path);
    CHECK(Ignored({c.pattern}, c.path) == c.ignored);
  }

  // Several patterns: the last one that matches the path or a parent decides.
  CHECK_FALSE(Ignored({"docs", "!docs/README.md"}, "docs/README.md"));
  CHECK_FALSE(Ignored({"docs/", "!docs/README.md"}, "docs/README.md"));
  CHECK_FALSE(Ignored({"docs/*", "!docs/README.md"}, "docs/README.md"));
  CHECK(Ignored({"docs", "!docs/README.md"}, "docs/other.md"));
  CHECK(Ignored({"!fileutils.go", "*.go"}, "fileutils.go"));
  CHECK_FALSE(Ignored({"*.go", "!fileutils.go"}, "fileutils.go"));
  CHECK_FALSE(Ignored({"**", "!util/docker/web"}, "util/docker/web/foo"));
  CHECK(Ignored({"**", "!util/docker/web", "util/docker/web/foo"}, "util/docker/web/foo"));
  CHECK_FALSE(
      Ignored({"**", "!dist/*.whl"}, "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"));
  // Alternating down a tree.
  std::vector<std::string> alternating = {"a", "!a/b", "a/b/c", "!a/b/c/d"};
  CHECK(Ignored(alternating, "a"));
  CHECK(Ignored(alternating, "a/x"));
  CHECK_FALSE(Ignored(alternating, "a/b"));
  CHECK_FALSE(Ignored(alternating, "a/b/y"));
  CHECK(Ignored(alternating, "a/b/c"));
  CHECK(Ignored(alternating, "a/b/c/z"));
  CHECK_FALSE(Ignored(alternating, "a/b/c/d"));
  CHECK_FALSE(Ignored(alternating, "a/b/c/d/w"));
  // An exception with a glob re-includes files deep inside an excluded tree.
  CHECK_FALSE(Ignored({"node_modules", "!node_modules/**/*.json"}, "node_modules/m/package.json"));
  CHECK(Ignored({"node_modules", "!node_modules/**/*.json"}, "node_modules/m/index.js"));
}

TEST_CASE(".dockerignore lines are read as Docker reads them", "[dockerfile][dockerignore]") {
  std::vector<std::string> patterns = ParseDockerignore(
      "\xEF\xBB\xBF# comment\n  #not-a-comment\n\n ./a/b/ \n! /c/../d\n*.log\r\n");
  CHECK(patterns == std::vector<std::string>{"#not-a-comment", "a/b", "!d", "*.log"});
}

TEST_CASE("X.Dockerfile reads X.Dockerfile.dockerignore before .dockerignore",
          "[dockerfile][dockerignore]") {
  Context ctx("beside");
  ctx.Write(".dockerignore", "*.txt\n");
  ctx.Write("app.Dockerfile.dockerignore", "*.md\n");
  ctx.Write("keep.txt", "t");
  ctx.Write("skip.md", "m");
  std::string dir = ctx.dir.string();
  CHECK(FindDockerignore(dir + "/app.Dockerfile", dir) == dir + "/app.Dockerfile.dockerignore");
  CHECK(FindDockerignore(dir + "/other.Dockerfile", dir) == dir + "/.dockerignore");
  std::string errors;
  CHECK(!ctx.Key("FROM scratch\nCOPY keep.txt /\n", &errors, "app.Dockerfile").empty());
  CHECK(errors.empty());
  ctx.Key("FROM scratch\nCOPY skip.md /\n", &errors, "app.Dockerfile");
  CHECK(errors.find("is excluded by .dockerignore") != std::string::npos);
}

TEST_CASE("COPY of a directory that exceptions re-include below an exclusion",
          "[dockerfile][dockerignore]") {
  Context ctx("alternating");
  ctx.Write(".dockerignore", "a\n!a/b\na/b/c\n!a/b/c/d\n");
  ctx.Write("a/x", "x");
  ctx.Write("a/b/y", "y");
  ctx.Write("a/b/c/z", "z");
  ctx.Write("a/b/c/d/w", "w");
  for (const char* copy : {"COPY a /dst/", "COPY a/b/c /dst/", "COPY a* /dst/", "COPY a/* /dst/"}) {
    std::string errors;
    INFO(copy);
    CHECK(!ctx.Key(std::string("FROM scratch\n") + copy + "\n", &errors).empty());
    CHECK(errors.empty());
  }
  const std::string dockerfile = "FROM scratch\nCOPY a /dst/\n";
  std::string before = ctx.Key(dockerfile);
  // Only what the rules leave is part of the key: a/b/y and a/b/c/d/w.
  ctx.Write("a/x", "x2");
  ctx.Write("a/b/c/z", "z2");
  CHECK(ctx.Key(dockerfile) == before);
  ctx.Write("a/b/c/d/w", "w2");
  std::string changed = ctx.Key(dockerfile);
  CHECK(changed != before);
  ctx.Write("a/b/y", "y2");
  CHECK(ctx.Key(dockerfile) != changed);
  // A file the rules exclude, or a directory with nothing re-included, is still refused.
  std::string errors;
  ctx.Key("FROM scratch\nCOPY a/x /\n", &errors);
  CHECK(errors.find("\"a/x\" is excluded by .dockerignore") != std::string::npos);
  ctx.Write("e/f", "f");
  ctx.Write(".dockerignore", "a\n!a/b\na/b/c\n!a/b/c/d\ne\n");
  ctx.Key("FROM scratch\nCOPY e /e/\n", &errors);
  CHECK(errors.find("\"e\" is excluded by .dockerignore") != std::string::npos);
}

}  // namespace strata::dockerfile

TEST_CASE(".dockerignore patterns Docker refuses: a lone ! and an unclosed [",
          "[dockerfile][dockerignore]") {
  CHECK(strata::graph::IgnorePatternError(strata::graph::CleanIgnorePattern("!")) ==
        "illegal exclusion pattern: \"!\"");
  CHECK(strata::graph::IgnorePatternError(strata::graph::CleanIgnorePattern("  ! ")) ==
        "illegal exclusion pattern: \"!\"");
  CHECK(strata::graph::IgnorePatternError("a[").find("unclosed [") != std::string::npos);
  CHECK(strata::graph::IgnorePatternError("!x/[ab").find("unclosed [") != std::string::npos);
  CHECK(strata::graph::IgnorePatternError("a[b]c").empty());
  CHECK(strata::graph::IgnorePatternError("a\\[").empty());  // an escaped bracket opens no class
  CHECK(strata::graph::IgnorePatternError("!keep").empty());
}
