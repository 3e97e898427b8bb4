// The graph printers: order, format, and no host paths in text or DOT.
#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

#include "compiler/graph/ops.h"
#include "compiler/graph/print.h"

namespace strata::graph {
namespace {

struct Sample {
  Graph graph;
  const Node* src;
  const Node* builder;
  const Node* app;
  Sample() {
    src = MakeLocal(graph, "/home/me/project/src", "src", "00112233445566778899aabbccddeeff");
    const Node* base = MakePull(graph, "busybox", "");
    builder = MakeExecShell(graph, MakeCopy(graph, base, src, ".", {}), "make", {});
    app = MakeConfig(
        graph,
        MakeCopy(graph, MakeScratch(graph), MakeSelect(graph, builder, "/out/app"), "/app", {}),
        "entrypoint", nlohmann::json::array({"/app"}));
  }
};

TEST_CASE("graph print: topological order, inputs first, each node once", "[graph]") {
  Sample s;
  std::vector<const Node*> order = TopologicalOrder({s.app, s.builder, s.app});
  REQUIRE(order.size() == 8);
  CHECK(order.back() == s.app);
  for (size_t i = 0; i < order.size(); ++i) {
    for (const Node* input : order[i]->inputs()) {
      auto at = std::find(order.begin(), order.end(), input) - order.begin();
      CHECK(static_cast<size_t>(at) < i);
    }
  }
  // Ties go by first reach: the first root's first input chain comes first.
  CHECK(order[0]->op() == Op::kScratch);
  CHECK(TopologicalOrder({s.builder}).size() == 4);
}

TEST_CASE("graph print: two nodes with one key (one content, two folders) print once", "[graph]") {
  Sample s;
  const Node* other =
      MakeLocal(s.graph, "/elsewhere/src", "src", "00112233445566778899aabbccddeeff");
  REQUIRE(other != s.src);
  REQUIRE(other->key() == s.src->key());
  const Node* copied = MakeCopy(s.graph, MakeScratch(s.graph), other, "/x", {});
  std::vector<const Node*> order = TopologicalOrder({s.builder, copied, other});
  CHECK(order.size() == 6);  // pull, local (once), copy, exec; scratch, the second copy
  CHECK(std::count_if(order.begin(), order.end(),
                      [&](const Node* node) { return node->key() == s.src->key(); }) == 1);
  // A node without host paths made before a local source of its key: one derivation too.
  Graph graph;
  const Node* plain = graph.Get(Op::kLocal, {{"name", "src"}, {"digest", "d"}}, {});
  const Node* twin = MakeLocal(graph, "/a/src", "src", "d");
  REQUIRE(plain != twin);
  REQUIRE(plain->key() == twin->key());
  CHECK(
      TopologicalOrder({plain, twin, MakeCopy(graph, MakeScratch(graph), twin, "/x", {})}).size() ==
      3);
  // Many nodes: the set grows and still finds each key once.
  std::vector<const Node*> roots;
  for (int i = 0; i < 3000; ++i) roots.push_back(MakePull(s.graph, "img" + std::to_string(i), ""));
  roots.insert(roots.end(), roots.begin(), roots.end());
  CHECK(TopologicalOrder(roots).size() == 3000);
}

TEST_CASE("graph print: nodes of two graphs with the same ordinals each print once", "[graph]") {
  // The walk marks nodes by ordinal; another graph's node with a taken ordinal is still new.
  Graph first;
  Graph second;
  const Node* a = MakePull(first, "a", "");
  const Node* b = MakePull(second, "b", "");
  REQUIRE(a->ordinal() == b->ordinal());
  std::vector<const Node*> order = TopologicalOrder({a, b, a, b});
  REQUIRE(order.size() == 2);
  CHECK(order[0] == a);
  CHECK(order[1] == b);
  const Node* copy_a = MakeCopy(first, MakeScratch(first), a, "/a", {});
  const Node* copy_b = MakeCopy(second, MakeScratch(second), b, "/b", {});
  CHECK(TopologicalOrder({copy_a, copy_b, copy_a}).size() == 6);
}

TEST_CASE("graph print: text", "[graph]") {
  Sample s;
  std::ostringstream out;
  PrintText(out, {s.builder});
  std::string k_src = s.src->key().Hex();
  std::string k_pull = s.builder->inputs()[0]->inputs()[0]->key().Hex();
  std::string k_copy = s.builder->inputs()[0]->key().Hex();
  std::string expected = k_pull + "  pull     ref=\"busybox\"\n" + k_src +
                         "  local    digest=\"00112233445566778899aabbccddeeff\" name=\"src\"\n" +
                         k_copy + "  copy     dest=\".\" <- " + k_pull + " " + k_src + "\n" +
                         s.builder->key().Hex() + "  exec     shell=\"make\" <- " + k_copy + "\n";
  CHECK(out.str() == expected);
  CHECK(out.str().find("/home/me") == std::string::npos);

  std::ostringstream scratch;
  PrintText(scratch, {MakeScratch(s.graph)});
  CHECK(scratch.str() == MakeScratch(s.graph)->key().Hex() + "  scratch\n");
}

TEST_CASE("graph print: json has every param and marks unkeyed ones", "[graph]") {
  Sample s;
  std::ostringstream out;
  PrintJson(out, {s.app});
  nlohmann::json doc = nlohmann::json::parse(out.str());
  CHECK(doc["version"] == "strata-graph-v2");
  CHECK(doc["roots"] == nlohmann::json::array({s.app->key().Hex()}));
  REQUIRE(doc["nodes"].size() == 8);
  CHECK(doc["nodes"].back()["key"] == s.app->key().Hex());
  CHECK(doc["nodes"].back()["op"] == "config");
  CHECK(doc["nodes"].back()["params"]["value"] == nlohmann::json::array({"/app"}));
  bool saw_local = false;
  for (const auto& node : doc["nodes"]) {
    if (node["op"] != "local") continue;
    saw_local = true;
    CHECK(node["params"]["path"] == "/home/me/project/src");
    CHECK(node["unkeyed"] == nlohmann::json::array({"path"}));
  }
  CHECK(saw_local);
  // Stable: printing twice gives the same bytes; the top-level keys keep their order.
  std::ostringstream again;
  PrintJson(again, {s.app});
  CHECK(again.str() == out.str());
  CHECK(out.str().rfind("{\n  \"version\"", 0) == 0);
  // The streaming printer lays the document out exactly as nlohmann's dump(2) does.
  nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(out.str());
  CHECK(ordered.dump(2, ' ', false) + "\n" == out.str());
}

TEST_CASE("graph print: dot", "[graph]") {
  Sample s;
  std::ostringstream out;
  PrintDot(out, {s.app});
  std::string dot = out.str();
  CHECK(dot.rfind("digraph strata {", 0) == 0);
  CHECK(dot.find("\"" + s.builder->key().Hex() + "\" -> \"") != std::string::npos);
  CHECK(dot.find("label=\"exec " + s.builder->key().Hex().substr(0, 8) + "\\nmake\"") !=
        std::string::npos);
  CHECK(dot.find("style=bold") != std::string::npos);
  CHECK(dot.find("/home/me") == std::string::npos);
  CHECK(dot.back() == '\n');
}

TEST_CASE("graph print: invalid UTF-8 in a param prints instead of throwing", "[graph]") {
  Graph graph;
  const Node* exec = MakeExecShell(graph, MakeScratch(graph), "echo \xff", {});
  std::ostringstream text, json, dot;
  PrintText(text, {exec});
  PrintJson(json, {exec});
  PrintDot(dot, {exec});
  CHECK(text.str().find("shell=\"echo \xEF\xBF\xBD\"") != std::string::npos);
  CHECK(nlohmann::json::parse(json.str())["nodes"][1]["params"]["shell"] == "echo \xEF\xBF\xBD");
  CHECK(dot.str().find("echo \xff") != std::string::npos);
}

}  // namespace
}  // namespace strata::graph
