// The image-config fold over small graphs: config nodes accumulate down a stage in order,
// exec and copy pass the config on, roots supply theirs, and a bad change is an error.
#include <catch2/catch.hpp>

#include "compiler/graph/image_config_fold.h"
#include "compiler/graph/ops.h"

namespace strata::graph {
namespace {

using Json = nlohmann::json;

llvm::Expected<Json> NoRoot(const Node& root) {
  FAIL("no root config expected for " << OpName(root.op()));
  return Json::object();
}

TEST_CASE("config fold: workdir, env, user and shell accumulate down a stage",
          "[graph][config_fold]") {
  Graph graph;
  const Node* stage = MakeScratch(graph);
  stage = MakeConfig(graph, stage, "workdir", "/src");
  stage = MakeConfig(graph, stage, "env", Json::array({"A", "1"}));
  stage = MakeExecShell(graph, stage, "make", {});
  stage = MakeConfig(graph, stage, "workdir", "app/../build");       // relative to /src
  stage = MakeConfig(graph, stage, "env", Json::array({"A", "2"}));  // replaces A
  stage = MakeConfig(graph, stage, "env", Json::array({"B", "x=y"}));
  stage = MakeCopy(graph, stage, MakeText(graph, "f", "x"), "/etc/f", {});
  stage = MakeConfig(graph, stage, "user", "65532");
  stage = MakeConfig(graph, stage, "shell", Json::array({"/bin/bash", "-c"}));
  llvm::Expected<Json> config = FoldStageConfig(*stage, NoRoot);
  REQUIRE(static_cast<bool>(config));
  CHECK((*config)["WorkingDir"] == "/src/build");
  CHECK((*config)["Env"] == Json::array({"A=2", "B=x=y"}));
  CHECK((*config)["User"] == "65532");
  CHECK((*config)["Shell"] == Json::array({"/bin/bash", "-c"}));
}

TEST_CASE("config fold: the root's config comes from the caller", "[graph][config_fold]") {
  Graph graph;
  const Node* base = MakePull(graph, "alpine:3.19", "");
  const Node* stage = MakeConfig(graph, base, "env", Json::array({"PATH", "/opt/bin"}));
  stage = MakeConfig(graph, stage, "cmd", Json::array());  // unsets the base's Cmd
  stage = MakeConfig(graph, stage, "onbuild", "RUN echo hi");
  int calls = 0;
  llvm::Expected<Json> config =
      FoldStageConfig(*stage, [&](const Node& root) -> llvm::Expected<Json> {
        ++calls;
        CHECK(&root == base);
        return Json{
            {"Env", {"PATH=/usr/bin", "HOME=/root"}}, {"Cmd", {"/bin/sh"}}, {"WorkingDir", "/w"}};
      });
  REQUIRE(static_cast<bool>(config));
  CHECK(calls == 1);
  CHECK((*config)["Env"] == Json::array({"PATH=/opt/bin", "HOME=/root"}));
  CHECK(!config->contains("Cmd"));
  CHECK((*config)["WorkingDir"] == "/w");
  CHECK((*config)["OnBuild"] == Json::array({"RUN echo hi"}));
  const Node* cleared = MakeConfig(graph, stage, "onbuild", "");
  llvm::Expected<Json> after =
      FoldStageConfig(*cleared, [](const Node&) -> llvm::Expected<Json> { return Json::object(); });
  REQUIRE(static_cast<bool>(after));
  CHECK(!after->contains("OnBuild"));
}

TEST_CASE("config fold: one change, and what it rejects", "[graph][config_fold]") {
  Json config = {{"WorkingDir", "/a"}};
  llvm::Expected<std::string> created = FoldConfigChange(config, "expose", "8080");
  REQUIRE(static_cast<bool>(created));
  CHECK(*created == "EXPOSE 8080/tcp");
  CHECK(config["ExposedPorts"].contains("8080/tcp"));

  Json before = config;
  llvm::Expected<std::string> bad = FoldConfigChange(config, "env", "X=1");
  REQUIRE_FALSE(static_cast<bool>(bad));
  CHECK(llvm::toString(bad.takeError()).find("expected [name, value]") != std::string::npos);
  CHECK(config == before);  // unchanged
  llvm::Expected<std::string> unknown = FoldConfigChange(config, "colour", "red");
  REQUIRE_FALSE(static_cast<bool>(unknown));
  CHECK(llvm::toString(unknown.takeError()).find("unknown config field 'colour'") !=
        std::string::npos);

  Graph graph;
  const Node* stage =
      MakeConfig(graph, MakeScratch(graph), "healthcheck", Json{{"interval", "5s"}});
  llvm::Expected<Json> folded = FoldStageConfig(*stage, NoRoot);
  REQUIRE_FALSE(static_cast<bool>(folded));
  CHECK(llvm::toString(folded.takeError()).find("config healthcheck") != std::string::npos);
  llvm::Expected<Json> artifact = FoldStageConfig(*MakeText(graph, "f", "x"), NoRoot);
  REQUIRE_FALSE(static_cast<bool>(artifact));
  CHECK(llvm::toString(artifact.takeError()).find("is not a stage") != std::string::npos);
}

}  // namespace
}  // namespace strata::graph
