// Pins derivation keys and the canonical encoding: these hex keys must never change
// without bumping kEncodingVersion (docs/graph-encoding.md).
#include <algorithm>
#include <catch2/catch.hpp>

#include "compiler/graph/encoding.h"
#include "compiler/graph/node.h"
#include "compiler/graph/ops.h"

namespace strata::graph {
namespace {

std::string U64Le(uint64_t v) {
  std::string out;
  for (int i = 0; i < 8; ++i) out += static_cast<char>(v >> (8 * i));
  return out;
}

std::string Str(std::string_view s) { return U64Le(s.size()) + std::string(s); }

TEST_CASE("graph key: Hex prints high half first, 32 lowercase digits", "[graph]") {
  Key key{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  CHECK(key.Hex() == "0123456789abcdeffedcba9876543210");
  CHECK(Key{}.Hex() == std::string(32, '0'));
}

TEST_CASE("graph key: canonical encoding of scratch is byte-exact", "[graph]") {
  std::string expected = Str("strata-graph-v2") + Str("scratch") + U64Le(0) + U64Le(0);
  CHECK(CanonicalEncoding(Op::kScratch, {}, {}) == expected);
}

TEST_CASE("graph key: canonical encoding of params and inputs is byte-exact", "[graph]") {
  Graph graph;
  const Node* scratch = MakeScratch(graph);
  std::vector<Param> params{{"value", nlohmann::json::array({"A", 1})},
                            {"field", "env"},
                            {"note", "host only", /*keyed=*/false}};
  std::string input_key(16, '\0');
  for (int i = 0; i < 8; ++i) {
    input_key[i] = static_cast<char>(scratch->key().high >> (56 - 8 * i));
    input_key[8 + i] = static_cast<char>(scratch->key().low >> (56 - 8 * i));
  }
  std::string expected = Str("strata-graph-v2") + Str("config") + U64Le(2) +  //
                         Str("field") + "s" + Str("env") +                    //
                         Str("value") + "a" + U64Le(2) + "s" + Str("A") + "i" + U64Le(1) +
                         U64Le(1) + input_key;
  CHECK(CanonicalEncoding(Op::kConfig, params, {scratch}) == expected);
}

TEST_CASE("graph key: value encodings", "[graph]") {
  auto enc = [](const nlohmann::json& value) {
    std::string out;
    AppendCanonicalValue(out, value);
    return out;
  };
  CHECK(enc(nullptr) == "n");
  CHECK(enc(true) == "t");
  CHECK(enc(false) == "f");
  CHECK(enc(-1) == "i" + U64Le(~0ULL));
  // One integer, one encoding, however the JSON library stored it.
  CHECK(enc(nlohmann::json(uint64_t{7})) == enc(nlohmann::json(int64_t{7})));
  CHECK(enc(nlohmann::json::object({{"b", 1}, {"a", "x"}})) ==
        "o" + U64Le(2) + Str("a") + "s" + Str("x") + Str("b") + "i" + U64Le(1));
  // Length prefixes keep ["ab"] and ["a", "b"] apart.
  CHECK(enc(nlohmann::json::array({"ab"})) != enc(nlohmann::json::array({"a", "b"})));
}

TEST_CASE("graph key: golden keys never change", "[graph]") {
  Graph graph;
  const Node* scratch = MakeScratch(graph);
  const Node* pull = MakePull(graph, "busybox", "");
  const Node* workdir = MakeConfig(graph, pull, "workdir", "/src");
  const Node* run = MakeExecShell(graph, workdir, "make", {});
  const Node* local = MakeLocal(graph, "/home/me/src", "src", "00112233445566778899aabbccddeeff");
  const Node* copy = MakeCopy(graph, scratch, MakeSelect(graph, run, "/out/app"), "/app", {});
  // Computed once, and reproduced by the independent Python encoder in
  // docs/graph-encoding.md; a second implementation must match them.
  CHECK(scratch->key().Hex() == "e45a040577bf993a2bc95886d0318c59");
  CHECK(pull->key().Hex() == "b8d1a00c2125379377a64e52e9daa1b3");
  CHECK(workdir->key().Hex() == "4ce70ef7ebc11bbd850d5e8c9d251810");
  CHECK(run->key().Hex() == "7faa7d8543a4217ae2ae978b656fa69a");
  CHECK(local->key().Hex() == "f7a9cbf045e2af672621745ffe2b14ef");
  CHECK(copy->key().Hex() == "58eebdd4dd731f2a35e535547fcf653a");
}

TEST_CASE("graph key: every keyed param and input changes the key", "[graph]") {
  Graph graph;
  const Node* base = MakePull(graph, "busybox", "");
  Key key = MakeExecShell(graph, base, "make", {})->key();
  CHECK(MakeExecShell(graph, base, "make all", {})->key() != key);
  CHECK(MakeExecShell(graph, MakePull(graph, "alpine", ""), "make", {})->key() != key);
  CHECK(MakeExecArgv(graph, base, {"make"}, {})->key() != key);
  ExecOptions options;
  options.cache = {"/root/.cache"};
  CHECK(MakeExecShell(graph, base, "make", options)->key() != key);
  CHECK(MakePull(graph, "busybox", "sha256:00")->key() != base->key());
  // The op is part of the key even with equal params and inputs.
  CHECK(ComputeKey(Op::kLoad, {}, {base}) != ComputeKey(Op::kMinimal, {}, {base}));
  // Input order matters.
  const Node* other = MakePull(graph, "alpine", "");
  CHECK(ComputeKey(Op::kCopy, {}, {base, other}) != ComputeKey(Op::kCopy, {}, {other, base}));
}

TEST_CASE("graph key: param order does not matter, unkeyed params do not count", "[graph]") {
  std::vector<Param> ab{{"a", 1}, {"b", "x"}};
  std::vector<Param> ba{{"b", "x"}, {"a", 1}};
  CHECK(ComputeKey(Op::kFetch, ab, {}) == ComputeKey(Op::kFetch, ba, {}));
  std::vector<Param> with_unkeyed = ab;
  with_unkeyed.push_back({"path", "/somewhere", /*keyed=*/false});
  CHECK(ComputeKey(Op::kFetch, with_unkeyed, {}) == ComputeKey(Op::kFetch, ab, {}));
  // A null value is not the same as no param.
  std::vector<Param> with_null = ab;
  with_null.push_back({"c", nullptr});
  CHECK(ComputeKey(Op::kFetch, with_null, {}) != ComputeKey(Op::kFetch, ab, {}));

  Graph graph;
  const Node* here = MakeLocal(graph, "/a/src", "src", "digest");
  const Node* there = MakeLocal(graph, "/b/src", "src", "digest");
  // Same content, one key; but two nodes, each with its own host path (a builtin that reads
  // the path, such as `dockerfile`'s default context, must see its own folder).
  CHECK(here->key() == there->key());
  CHECK(here != there);
  REQUIRE(here->Find("path") != nullptr);
  REQUIRE(there->Find("path") != nullptr);
  CHECK(*here->Find("path") == "/a/src");
  CHECK(*there->Find("path") == "/b/src");
  CHECK(MakeLocal(graph, "/b/src", "src", "digest") == there);
  CHECK(graph.Lookup(here->key()) == here);  // the first node made with the key
  CHECK(graph.size() == 1);                  // one derivation
}

TEST_CASE("graph: Get hash-conses, Lookup finds, params come out sorted", "[graph]") {
  Graph graph;
  const Node* a = graph.Get(Op::kFetch, {{"url", "http://x"}, {"sha256", "ab"}}, {});
  const Node* b = graph.Get(Op::kFetch, {{"sha256", "ab"}, {"url", "http://x"}}, {});
  CHECK(a == b);
  CHECK(graph.size() == 1);
  CHECK(graph.Lookup(a->key()) == a);
  CHECK(graph.Lookup(Key{1, 2}) == nullptr);
  REQUIRE(a->params().size() == 2);
  CHECK(a->params()[0].name == "sha256");
  CHECK(a->params()[1].name == "url");
  REQUIRE(a->Find("url") != nullptr);
  CHECK(*a->Find("url") == "http://x");
  CHECK(a->Find("nope") == nullptr);
  CHECK(a->key() == ComputeKey(Op::kFetch, a->params(), {}));
  // Many nodes keep their addresses while the table grows.
  std::vector<const Node*> made;
  for (int i = 0; i < 5000; ++i) made.push_back(MakePull(graph, "img" + std::to_string(i), ""));
  for (int i = 0; i < 5000; ++i) CHECK(MakePull(graph, "img" + std::to_string(i), "") == made[i]);
  CHECK(graph.size() == 5001);
}

TEST_CASE("graph: Lookup gives the first node made with a key, size counts keys", "[graph]") {
  // Two nodes share a key when they differ only in unkeyed params; Lookup must give the first
  // made whichever kind it is (one map answers for nodes without unkeyed params).
  std::vector<Param> keyed{{"url", "http://x"}, {"sha256", "ab"}};
  std::vector<Param> unkeyed = keyed;
  unkeyed.push_back({"note", "host only", /*keyed=*/false});
  {
    Graph graph;
    const Node* first = graph.Get(Op::kFetch, unkeyed, {});
    const Node* second = graph.Get(Op::kFetch, keyed, {});
    CHECK(first != second);
    CHECK(first->key() == second->key());
    CHECK(graph.Lookup(first->key()) == first);
    CHECK(graph.WithUnkeyedParams(first->key()).size() == 1);
    CHECK(graph.size() == 1);
  }
  {
    Graph graph;
    const Node* first = graph.Get(Op::kFetch, keyed, {});
    const Node* second = graph.Get(Op::kFetch, unkeyed, {});
    CHECK(first != second);
    CHECK(graph.Lookup(first->key()) == first);
    CHECK(graph.Get(Op::kFetch, unkeyed, {}) == second);
    CHECK(graph.size() == 1);
    graph.Get(Op::kFetch, {{"url", "http://y"}, {"note", "z", /*keyed=*/false}}, {});
    CHECK(graph.size() == 2);
  }
}

TEST_CASE("graph: shares_key marks every node of a key made twice, ordinals count nodes made",
          "[graph]") {
  std::vector<Param> keyed{{"url", "http://x"}, {"sha256", "ab"}};
  std::vector<Param> unkeyed = keyed;
  unkeyed.push_back({"note", "host only", /*keyed=*/false});
  std::vector<Param> unkeyed_too = keyed;
  unkeyed_too.push_back({"note", "elsewhere", /*keyed=*/false});
  // Each order of a node without unkeyed params and two with them.
  for (int first : {0, 1, 2}) {
    Graph graph;
    const Node* lone = graph.Get(Op::kFetch, {{"url", "http://y"}}, {});
    std::vector<std::vector<Param>> kinds{keyed, unkeyed, unkeyed_too};
    std::rotate(kinds.begin(), kinds.begin() + first, kinds.end());
    const Node* a = graph.Get(Op::kFetch, kinds[0], {});
    CHECK(!a->shares_key());
    const Node* b = graph.Get(Op::kFetch, kinds[1], {});
    CHECK(a->shares_key());
    CHECK(b->shares_key());
    const Node* c = graph.Get(Op::kFetch, kinds[2], {});
    CHECK(c->shares_key());
    CHECK(!lone->shares_key());
    CHECK(graph.nodes_made() == 4);
    CHECK(graph.size() == 2);
    CHECK(lone->ordinal() == 0);
    CHECK(a->ordinal() == 1);
    CHECK(b->ordinal() == 2);
    CHECK(c->ordinal() == 3);
    CHECK(graph.Get(Op::kFetch, kinds[1], {}) == b);  // hash-consed: nothing made
    CHECK(graph.nodes_made() == 4);
  }
}

TEST_CASE("graph: the node table finds every node again as it grows", "[graph]") {
  // 200,000 nodes take the table through fifteen doublings, the last two past 2 MiB of slots
  // (their own mapping, support::HugePageArray); every Get of a made node and every Lookup of
  // its key must still find that node, and a new key none.
  constexpr int kNodes = 200000;
  Graph graph;
  std::vector<const Node*> made;
  for (int i = 0; i < kNodes; ++i) {
    made.push_back(MakeSelect(graph, MakeScratch(graph), "/p" + std::to_string(i)));
    if (i % 97 == 0) graph.Reserve(i);  // Reserve in between changes nothing
  }
  CHECK(graph.size() == kNodes + 1);  // the selects and one scratch
  CHECK(graph.nodes_made() == kNodes + 1);
  for (int i = 0; i < kNodes; ++i) {
    const Node* again = MakeSelect(graph, MakeScratch(graph), "/p" + std::to_string(i));
    REQUIRE(again == made[i]);
    REQUIRE(graph.Lookup(made[i]->key()) == made[i]);
    graph.Prefetch(made[i]->key());
  }
  CHECK(graph.Lookup(Key{1, 2}) == nullptr);
  CHECK(graph.nodes_made() == kNodes + 1);
}

TEST_CASE("graph: OpName", "[graph]") {
  CHECK(OpName(Op::kScratch) == "scratch");
  CHECK(OpName(Op::kExec) == "exec");
  CHECK(OpName(Op::kMinimal) == "minimal");
  CHECK(OpName(Op::kLoad) == "load");
  CHECK(OpName(Op::kText) == "text");
}

TEST_CASE("graph: text nodes are keyed by name and content", "[graph]") {
  Graph graph;
  const Node* a = MakeText(graph, "config.txt", "hello\n");
  CHECK(a == MakeText(graph, "config.txt", "hello\n"));
  CHECK(a->op() == Op::kText);
  CHECK(!IsStage(a));
  CHECK(a->inputs().empty());
  CHECK(*a->Find("name") == "config.txt");
  CHECK(*a->Find("content") == "hello\n");
  CHECK(MakeText(graph, "config.txt", "hello")->key() != a->key());
  CHECK(MakeText(graph, "other.txt", "hello\n")->key() != a->key());
  // Same params under another op: a different key.
  CHECK(ComputeKey(Op::kText, a->params(), {}) == a->key());
  CHECK(ComputeKey(Op::kFetch, a->params(), {}) != a->key());
}

}  // namespace
}  // namespace strata::graph
