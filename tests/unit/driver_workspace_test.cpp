// Workspaces: label and pattern parsing, the package list, near names, and packages evaluated
// through one Frontend (targets by dotted path, libraries, the package import graph).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/driver/frontend.h"
#include "compiler/driver/workspace.h"
#include "compiler/driver/workspace_packages.h"
#include "test_support.h"

namespace strata::driver {
namespace {

void Write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

LabelPattern Parse(const std::string& text) {
  std::string error;
  std::optional<LabelPattern> pattern = ParseLabelPattern(text, error);
  INFO(error);
  REQUIRE(pattern);
  return *pattern;
}

bool Malformed(const std::string& text) {
  std::string error;
  return !ParseLabelPattern(text, error) && !error.empty();
}

TEST_CASE("labels and patterns", "[workspace]") {
  LabelPattern label = Parse("//services/api:web.main");
  CHECK(label.package == "services/api");
  CHECK(label.target == "web.main");
  CHECK(!label.recursive);
  CHECK(Parse("//services/api").target == "default");
  CHECK(!Parse("//services/api").target_given);
  CHECK(Parse("//:t").package.empty());
  LabelPattern all = Parse("//...");
  CHECK((all.recursive && all.package.empty()));
  LabelPattern under = Parse("//services/...");
  CHECK((under.recursive && under.package == "services"));
  CHECK(Parse("//a-b/c.d/e+f:x").package == "a-b/c.d/e+f");
  CHECK(Malformed("services/api"));
  CHECK(Malformed("//a//b"));
  CHECK(Malformed("//a/../b"));
  CHECK(Malformed("//a:"));
  CHECK(Malformed("//a:b..c"));
  CHECK(Malformed("//a/...:t"));
  CHECK(Malformed("//a b"));
  CHECK(LabelText("a/b", "t") == "//a/b:t");
  CHECK(PackageUnder("a/b", "a"));
  CHECK(PackageUnder("a", "a"));
  CHECK(!PackageUnder("ab", "a"));
  CHECK(PackageUnder("x", ""));
}

TEST_CASE("near names", "[workspace]") {
  std::vector<std::string> names = {"pkgs/p1", "pkgs/p10", "pkgs/p100", "libs/base", ""};
  std::vector<std::string> near = NearNames("pkgs/p1000", names);
  REQUIRE(!near.empty());
  CHECK(near[0] == "pkgs/p100");
  CHECK(NearNames("zzzzzzzzzz", names).empty());
}

TEST_CASE("packages, targets and imports", "[workspace]") {
  testing::TempDir dir("workspace");
  std::string root = std::filesystem::canonical(dir.path).string();
  Write(root + "/strata.workspace", "");
  Write(root + "/libs/base/build.strata",
        "{ version = \"1\"; mk = n: scratch |> label \"n\" n; }\n");
  Write(root + "/libs/more/build.strata",
        "let b = import //libs/base; in { v = b.version + \"0\"; }\n");
  Write(root + "/app/helper.strata", "import //libs/more\n");
  Write(root + "/app/build.strata",
        "let m = import ./helper.strata; b = import //libs/base; in\n"
        "{ default = b.mk m.v; svc.api = b.mk \"api\"; svc.n = 1; art = scratch / \"x\"; }\n");
  Write(root + "/.hidden/build.strata", "{ }\n");
  Write(root + "/app/sub/build.strata", "{ x = scratch; }\n");

  CHECK(FindWorkspaceRoot(root + "/app/sub") == root);
  CHECK(ListPackages(root) == std::vector<std::string>{"app", "app/sub", "libs/base", "libs/more"});

  Frontend frontend;
  REQUIRE(frontend.OpenWorkspace(root));
  WorkspacePackages workspace(frontend, root);
  bool loaded = workspace.Load(Parse("//..."));
  std::ostringstream diags;
  frontend.PrintDiagnostics(diags);
  INFO(diags.str());
  REQUIRE(loaded);
  std::vector<std::string> labels;
  for (const auto& [label, target] : workspace.targets()) labels.push_back(label);
  // Artifacts and scalars are no targets; nested records give dotted paths.
  CHECK(labels == std::vector<std::string>{"//app/sub:x", "//app:default", "//app:svc.api"});
  CHECK(workspace.IsLibrary("libs/base"));
  CHECK(!workspace.IsLibrary("app"));
  // Through a plain file import, and each package once.
  CHECK(workspace.Imports("app") == std::vector<std::string>{"libs/base", "libs/more"});
  CHECK(workspace.Imports("libs/more") == std::vector<std::string>{"libs/base"});

  std::string error;
  CHECK(workspace.Match(Parse("//app:svc"), error)->size() == 1);
  CHECK(!workspace.Match(Parse("//app:defualt"), error));
  CHECK(error == "no target //app:defualt; near: //app:default");
  error.clear();
  CHECK(!workspace.Match(Parse("//libs/base"), error));
  CHECK(error.find("holds no stage") != std::string::npos);
}

TEST_CASE("a package cycle and a missing package are errors at the import", "[workspace]") {
  testing::TempDir dir("workspace-bad");
  std::string root = std::filesystem::canonical(dir.path).string();
  Write(root + "/strata.workspace", "");
  Write(root + "/cyc/a/build.strata", "let b = import //cyc/b; in { a = scratch; }\n");
  Write(root + "/cyc/b/build.strata", "let a = import //cyc/a; in { b = scratch; }\n");
  Write(root + "/lost/build.strata", "let x = import //libs/nope; in { a = scratch; }\n");
  Frontend frontend;
  REQUIRE(frontend.OpenWorkspace(root));
  WorkspacePackages workspace(frontend, root);
  CHECK(!workspace.Load(Parse("//cyc/a")));
  CHECK(!workspace.Load(Parse("//lost")));
  std::ostringstream diags;
  frontend.PrintDiagnostics(diags);
  CHECK(diags.str().find("import cycle: //cyc/a -> //cyc/b -> //cyc/a") != std::string::npos);
  CHECK(diags.str().find("cannot import '//libs/nope': no package //libs/nope in the workspace") !=
        std::string::npos);
  CHECK(!workspace.Loaded("cyc/a"));
}

// Every label `strata targets` prints must be one the label commands take, and one label one
// target. Before, a quoted attribute "a.b" and a nested a.b both printed as //q:a.b and only one
// was built by //...; `//sp ace:default` and `//q:x y` were listed, then refused as malformed.
TEST_CASE("a target or package no label can name is an error, not a lost or unusable label",
          "[workspace]") {
  testing::TempDir dir("workspace-names");
  std::string root = std::filesystem::canonical(dir.path).string();
  Write(root + "/strata.workspace", "");
  Write(root + "/dup/build.strata",
        "{ \"a.b\" = scratch |> label \"k\" \"quoted\"; a.b = scratch |> label \"k\" \"nested\"; "
        "}\n");
  Write(root + "/odd/build.strata", "{ \"x y\" = scratch; ok = scratch; \"if\" = scratch; }\n");
  Write(root + "/sp ace/build.strata", "{ default = scratch; }\n");
  Write(root + "/fine/build.strata", "{ default = scratch; }\n");
  Frontend frontend;
  REQUIRE(frontend.OpenWorkspace(root));
  WorkspacePackages workspace(frontend, root);
  CHECK(!workspace.Load(Parse("//...")));
  std::ostringstream diags;
  frontend.PrintDiagnostics(diags);
  INFO(diags.str());
  CHECK(diags.str().find("two targets of //dup are named a.b") != std::string::npos);
  CHECK(diags.str().find("target \"x y\" of //odd cannot be named by a label") !=
        std::string::npos);
  CHECK(diags.str().find("'sp ace' cannot be named by a label") != std::string::npos);
  CHECK(workspace.Loaded("fine"));
  CHECK(!workspace.Loaded("dup"));
  CHECK(!workspace.Loaded("odd"));
  std::string error;
  for (const auto& [label, target] : workspace.targets()) {
    INFO(label);
    CHECK(ParseLabelPattern(label, error));
  }
}

}  // namespace
}  // namespace strata::driver
