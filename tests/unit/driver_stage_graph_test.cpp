// The stage graph `strata query` reads from the package cache: stages only, each once, with the
// stages it stands on through selects and other artifacts.
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "compiler/driver/stage_graph.h"
#include "compiler/graph/ops.h"

namespace strata::driver {
namespace {

// The graph as key → the keys of its stage inputs.
std::map<std::string, std::set<std::string>> Edges(const std::vector<StageNode>& stages) {
  std::map<std::string, std::set<std::string>> out;
  for (const StageNode& stage : stages) {
    std::set<std::string>& inputs = out[stage.key];
    for (uint32_t input : stage.inputs) inputs.insert(stages.at(input).key);
  }
  return out;
}

TEST_CASE("a stage graph bypasses artifacts and keeps each stage once", "[workspace]") {
  graph::Graph graph;
  const graph::Node* base = graph::MakePull(graph, "busybox", "sha256:" + std::string(64, '1'));
  const graph::Node* builder = graph::MakeExecShell(graph, base, "echo x > /out", {});
  const graph::Node* tool = graph::MakeExecShell(graph, base, "echo y > /tool", {});
  // An artifact of an artifact of a stage: app stands on builder through two selects.
  const graph::Node* out = graph::MakeSelect(graph, graph::MakeSelect(graph, builder, "/"), "out");
  const graph::Node* text = graph::MakeText(graph, "a.txt", "a");
  const graph::Node* app =
      graph::MakeCopy(graph, graph::MakeScratch(graph), out, "/out", graph::CopyOptions{});
  const graph::Node* app2 = graph::MakeCopy(graph, app, text, "/a.txt", graph::CopyOptions{});
  const graph::Node* labelled = graph::MakeConfig(graph, app2, "user", "1");

  std::vector<StageNode> stages = StageGraphOf({labelled, tool, app});
  auto key = [](const graph::Node* node) { return node->key().Hex(); };
  std::map<std::string, std::set<std::string>> expected = {
      {key(labelled), {key(app2)}},
      {key(app2), {key(app)}},
      {key(app), {key(graph::MakeScratch(graph)), key(builder)}},
      {key(graph::MakeScratch(graph)), {}},
      {key(builder), {key(base)}},
      {key(tool), {key(base)}},
      {key(base), {}},
  };
  CHECK(stages.size() == expected.size());  // each once, no artifact
  CHECK(Edges(stages) == expected);
  for (const StageNode& stage : stages)
    for (uint32_t input : stage.inputs) CHECK(input < stages.size());
  CHECK(StageGraphOf({}).empty());
}

}  // namespace
}  // namespace strata::driver
