// Changing one input of a program changes exactly the keys downstream of it.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "compiler/graph/print.h"
#include "tests/unit/eval_fixture.h"

namespace strata {
namespace {

// The keys of every node the program's `default` needs, in topological order.
std::vector<std::string> Keys(const std::string& program) {
  eval::testing::EvalFixture fixture;
  std::optional<eval::Value> root = fixture.Eval(program);
  REQUIRE(root);
  std::optional<eval::Value> target = fixture.evaluator().SelectPath(*root, {"default"});
  REQUIRE(target);
  std::vector<const graph::Node*> roots;
  REQUIRE(fixture.evaluator().CollectNodes(*target, roots));
  std::vector<std::string> keys;
  for (const graph::Node* node : graph::TopologicalOrder(roots)) keys.push_back(node->key().Hex());
  return keys;
}

std::string Program(const std::string& second_step) {
  return R"(
    let
      base = image "busybox:1.36" |> workdir "/src";
      builder = base
        |> run "echo one > /a"
        |> run ")" +
         second_step + R"("
        |> run "echo three > /c";
      app = scratch |> copy (builder / "/c") "/c" |> cmd [ "/c" ];
    in { default = app; })";
}

TEST_CASE("a changed step changes exactly the keys downstream of it", "[graph]") {
  std::vector<std::string> before = Keys(Program("echo two > /b"));
  std::vector<std::string> after = Keys(Program("echo TWO > /b"));
  REQUIRE(before.size() == after.size());
  // Order: scratch?, pull, workdir, run one, run two, run three, select, (scratch), copy, cmd.
  std::set<std::string> before_set(before.begin(), before.end());
  std::set<std::string> kept, changed;
  for (const std::string& key : after) (before_set.count(key) ? kept : changed).insert(key);
  // Unchanged: the pull, the workdir, the first run and scratch. Changed: the second and
  // third run, the select, the copy and the cmd.
  CHECK(kept.size() == 4);
  CHECK(changed.size() == 5);
}

TEST_CASE("the same program gives the same keys in two sessions", "[graph]") {
  CHECK(Keys(Program("echo two > /b")) == Keys(Program("echo two > /b")));
}

}  // namespace
}  // namespace strata
