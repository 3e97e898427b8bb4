// The typed constructors: inputs and params as ops.h documents, defaults left out.
#include <catch2/catch.hpp>

#include "compiler/graph/ops.h"

namespace strata::graph {
namespace {

std::vector<std::string> ParamNames(const Node* node) {
  std::vector<std::string> names;
  for (const Param& param : node->params()) names.push_back(param.name);
  return names;
}

TEST_CASE("graph ops: scratch and pull", "[graph]") {
  Graph graph;
  const Node* scratch = MakeScratch(graph);
  CHECK(scratch->op() == Op::kScratch);
  CHECK(scratch->params().empty());
  CHECK(scratch->inputs().empty());
  CHECK(MakeScratch(graph) == scratch);

  const Node* unlocked = MakePull(graph, "golang:1.22-alpine", "");
  CHECK(ParamNames(unlocked) == std::vector<std::string>{"ref"});
  const Node* locked = MakePull(graph, "golang:1.22-alpine", "sha256:abc");
  CHECK(ParamNames(locked) == std::vector<std::string>{"digest", "ref"});
  CHECK(*locked->Find("digest") == "sha256:abc");
}

TEST_CASE("graph ops: exec with default options has only its command", "[graph]") {
  Graph graph;
  const Node* base = MakePull(graph, "busybox", "");
  const Node* shell = MakeExecShell(graph, base, "echo hi", {});
  CHECK(shell->op() == Op::kExec);
  CHECK(ParamNames(shell) == std::vector<std::string>{"shell"});
  REQUIRE(shell->inputs().size() == 1);
  CHECK(shell->inputs()[0] == base);

  const Node* argv = MakeExecArgv(graph, base, {"echo", "hi"}, {});
  CHECK(ParamNames(argv) == std::vector<std::string>{"argv"});
  CHECK(*argv->Find("argv") == nlohmann::json::array({"echo", "hi"}));
}

TEST_CASE("graph ops: exec options", "[graph]") {
  Graph graph;
  const Node* base = MakePull(graph, "busybox", "");
  const Node* artifact = MakeLocal(graph, "/x/conf", "conf", "d1");
  ExecOptions options;
  options.cache = {"/go/pkg/mod"};
  options.secrets = {{"npmrc", "", true}, {"token", "/t", false}};
  options.mounts = {{artifact, "/mnt/conf"}};
  options.tmpfs = {"/tmp"};
  options.network = true;
  options.output_sha256 = "ff";
  const Node* exec = MakeExecShell(graph, base, "make", options);
  CHECK(ParamNames(exec) == std::vector<std::string>{"cache", "mounts", "network", "output_sha256",
                                                     "secrets", "shell", "tmpfs"});
  REQUIRE(exec->inputs().size() == 2);
  CHECK(exec->inputs()[1] == artifact);
  CHECK(*exec->Find("mounts") == nlohmann::json::parse(R"([{"target": "/mnt/conf"}])"));
  CHECK(*exec->Find("secrets") == nlohmann::json::parse(
                                      R"([{"id": "npmrc", "target": "/run/secrets/npmrc"},
                                          {"id": "token", "target": "/t", "required": false}])"));
  CHECK(*exec->Find("network") == true);

  // The written-out default secret target and the implicit one are the same node.
  ExecOptions implicit;
  implicit.secrets = {{"npmrc", "", true}};
  ExecOptions explicit_target;
  explicit_target.secrets = {{"npmrc", "/run/secrets/npmrc", true}};
  CHECK(MakeExecShell(graph, base, "make", implicit) ==
        MakeExecShell(graph, base, "make", explicit_target));
}

TEST_CASE("graph ops: copy leaves default options out", "[graph]") {
  Graph graph;
  const Node* stage = MakeScratch(graph);
  const Node* src = MakeLocal(graph, "/p/src", "src", "d");
  const Node* plain = MakeCopy(graph, stage, src, "/app", {});
  CHECK(ParamNames(plain) == std::vector<std::string>{"dest"});
  REQUIRE(plain->inputs().size() == 2);
  CHECK(plain->inputs()[0] == stage);
  CHECK(plain->inputs()[1] == src);

  CopyOptions options;
  options.chown = "1000:1000";
  options.chmod = "0755";
  options.link = true;
  options.exclude = {"*.md"};
  const Node* full = MakeCopy(graph, stage, src, "/app", options);
  CHECK(ParamNames(full) == std::vector<std::string>{"chmod", "chown", "dest", "exclude", "link"});
  CHECK(full != plain);
}

TEST_CASE("graph ops: config, select, minimal, load, fetch, local", "[graph]") {
  Graph graph;
  const Node* base = MakePull(graph, "alpine", "");
  const Node* env = MakeConfig(graph, base, "env", nlohmann::json::array({"PATH", "/bin"}));
  CHECK(*env->Find("field") == "env");
  CHECK(*env->Find("value") == nlohmann::json::array({"PATH", "/bin"}));
  const Node* sel = MakeSelect(graph, env, "/bin/sh");
  CHECK(*sel->Find("path") == "/bin/sh");
  CHECK(sel->inputs()[0] == env);
  const Node* minimal = MakeMinimal(graph, base, {"/bin/sh"});
  CHECK(*minimal->Find("executables") == nlohmann::json::array({"/bin/sh"}));
  const Node* fetch = MakeFetch(graph, "https://x/y.tar", "aa");
  CHECK(ParamNames(fetch) == std::vector<std::string>{"sha256", "url"});
  const Node* load = MakeLoad(graph, fetch);
  CHECK(load->inputs()[0] == fetch);
  const Node* local = MakeLocal(graph, "/h/src", "src", "d");
  REQUIRE(local->params().size() == 3);
  CHECK_FALSE(local->params()[2].keyed);  // path
  CHECK(local->params()[2].name == "path");

  CHECK(IsStage(base));
  CHECK(IsStage(env));
  CHECK(IsStage(minimal));
  CHECK(IsStage(load));
  CHECK(IsStage(MakeScratch(graph)));
  CHECK_FALSE(IsStage(sel));
  CHECK_FALSE(IsStage(fetch));
  CHECK_FALSE(IsStage(local));
}

}  // namespace
}  // namespace strata::graph
