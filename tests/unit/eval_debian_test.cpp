// The `debian` builtin makes one debian node with its defaults written out, rejects misuse at
// the call, takes a locked resolution from strata.lock, and has a pinned key.
#include <catch2/catch.hpp>

#include "compiler/graph/lockfile.h"
#include "compiler/graph/ops.h"
#include "tests/unit/eval_fixture.h"

using strata::eval::Value;
using strata::eval::ValueKind;
using strata::eval::testing::EvalFixture;
using strata::eval::testing::NodeOf;
using strata::graph::Node;
using strata::graph::Op;

namespace {

TEST_CASE("debian: a node with the defaults written out", "[eval][debian]") {
  EvalFixture f;
  const Node* n = NodeOf(f, "debian { packages = [ \"python3-minimal\" ]; }");
  REQUIRE(n);
  CHECK(n->op() == Op::kDebian);
  CHECK(strata::graph::IsStage(n));
  CHECK(*n->Find("suite") == "bookworm");
  CHECK(*n->Find("arch") == "amd64");
  CHECK(*n->Find("packages") == nlohmann::json::array({"python3-minimal"}));
  CHECK(n->Find("mirror") == nullptr);
  CHECK(n->Find("lock") == nullptr);
  // The explicit defaults are the same node.
  CHECK(n == NodeOf(f,
                    "debian { suite = \"bookworm\"; arch = \"amd64\"; packages = [ "
                    "\"python3-minimal\" ]; }"));
  const Node* m = NodeOf(f,
                         "debian { mirror = \"http://m/debian\"; packages = [ \"bash\" ]; } |> "
                         "entrypoint [ \"bash\" ]");
  REQUIRE(m);
  CHECK(*m->inputs()[0]->Find("mirror") == "http://m/debian");
  CHECK(n->Find("exclude") == nullptr);
  // An empty exclude list is the same node; a non-empty one is another node that carries it.
  CHECK(n == NodeOf(f, "debian { packages = [ \"python3-minimal\" ]; exclude = [ ]; }"));
  const Node* x =
      NodeOf(f, "debian { packages = [ \"python3-minimal\" ]; exclude = [ \"libcups2\" ]; }");
  REQUIRE(x);
  CHECK(x != n);
  CHECK(*x->Find("exclude") == nlohmann::json::array({"libcups2"}));
}

TEST_CASE("debian: the key is pinned", "[eval][debian][graph]") {
  strata::graph::Graph graph;
  strata::graph::DebianRequest request;
  request.packages = {"python3-minimal"};
  CHECK(strata::graph::MakeDebian(graph, request)->key().Hex() ==
        "83224c8547d80855e7532c02bb6c49a0");
}

TEST_CASE("debian: misuse is an error at the call", "[eval][debian]") {
  for (auto [text, message] : {
           std::pair{"debian { packages = [ ]; }", "debian: packages is empty"},
           std::pair{"debian { suite = \"bookworm\"; packages = [ \"a b\" ]; }",
                     "'a b' is not a package name"},
           std::pair{"debian { suite = \"../x\"; packages = [ \"a\" ]; }",
                     "'../x' is not a suite name"},
           std::pair{"debian { mirror = \"ftp://x\"; packages = [ \"a\" ]; }",
                     "must be an http:// or https:// URL"},
           std::pair{"debian { packages = [ \"a\" ]; colour = 1; }",
                     "unknown option 'colour' of debian"},
           std::pair{"debian { packages = [ \"a=1\" ]; exclude = [ \"a\" ]; }",
                     "'a' is both in packages and in exclude"},
           std::pair{"debian { packages = [ \"a\" ]; exclude = [ \"b=1\" ]; }",
                     "exclude: 'b=1' is not a package name"},
       }) {
    EvalFixture f;
    INFO(text);
    CHECK_FALSE(f.Eval(text));
    CHECK_THAT(f.FirstError(), Catch::Contains(message));
  }
}

TEST_CASE("debian: a package list that is not a list of strings is a type error",
          "[eval][debian]") {
  EvalFixture f;
  CHECK_FALSE(f.Eval("debian { packages = [ 1 ]; }"));
  CHECK_THAT(f.FirstError(), Catch::Contains("String"));
}

TEST_CASE("debian: a lock entry goes into the node", "[eval][debian]") {
  strata::graph::Lockfile lock;
  nlohmann::json resolution = {
      {"release", {{"date", "d"}, {"sha256", std::string(64, 'b')}}},
      {"packages", nlohmann::json::array({{{"name", "a"},
                                           {"version", "1"},
                                           {"arch", "amd64"},
                                           {"filename", "pool/a.deb"},
                                           {"size", 3},
                                           {"sha256", std::string(64, 'a')}}})}};
  CHECK(strata::graph::DebianLockKey("bookworm", "amd64", "", {"b", "a", "b"}) ==
        "bookworm/amd64 a b");
  CHECK(strata::graph::DebianLockKey("bookworm", "amd64", "http://m", {"a"}) ==
        "bookworm/amd64 a @http://m");
  CHECK(strata::graph::DebianLockKey("bookworm", "amd64", "http://m", {"a"}, {"z", "c", "z"}) ==
        "bookworm/amd64 a -c -z @http://m");
  lock.SetDebian("bookworm/amd64 a", resolution);
  llvm::Expected<strata::graph::Lockfile> reread =
      strata::graph::Lockfile::Parse(lock.Serialize(), "strata.lock");
  REQUIRE(static_cast<bool>(reread));
  CHECK(reread->LookupDebian("bookworm/amd64 a") == resolution);
  EvalFixture f;
  f.evaluator().set_lockfile(*reread);
  const Node* n = NodeOf(f, "debian { packages = [ \"a\" ]; }");
  REQUIRE(n);
  REQUIRE(n->Find("lock"));
  CHECK(*n->Find("lock") == resolution);
  // A lock entry without a package's sha256 is refused when the lockfile is read.
  resolution["packages"][0].erase("sha256");
  lock.SetDebian("bookworm/amd64 a", resolution);
  llvm::Expected<strata::graph::Lockfile> bad =
      strata::graph::Lockfile::Parse(lock.Serialize(), "strata.lock");
  REQUIRE(!static_cast<bool>(bad));
  CHECK_THAT(llvm::toString(bad.takeError()), Catch::Contains("has no \"sha256\""));
}

}  // namespace
