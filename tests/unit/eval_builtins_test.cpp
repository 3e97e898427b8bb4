// Every list, string and record builtin, and the builtin name table.
#include <algorithm>
#include <catch2/catch.hpp>

#include "compiler/eval/builtins.h"
#include "tests/unit/eval_fixture.h"

using strata::eval::testing::EvalFixture;

namespace {

std::string Run(const std::string& text) {
  EvalFixture f;
  return f.Run(text);
}

}  // namespace

TEST_CASE("builtins: the name table is complete and sorted", "[eval][builtins]") {
  std::vector<std::string_view> names = strata::eval::BuiltinNames();
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
  for (const char* name : {"scratch",
                           "image",
                           "load",
                           "run",
                           "runWith",
                           "copy",
                           "copyWith",
                           "fetch",
                           "workdir",
                           "env",
                           "user",
                           "entrypoint",
                           "cmd",
                           "expose",
                           "label",
                           "volume",
                           "healthcheck",
                           "stopsignal",
                           "shell",
                           "minimal",
                           "map",
                           "filter",
                           "foldl",
                           "length",
                           "elem",
                           "head",
                           "tail",
                           "concatMap",
                           "concatLists",
                           "range",
                           "concatStringsSep",
                           "replaceStrings",
                           "substring",
                           "stringLength",
                           "toString",
                           "hasAttr",
                           "attrNames",
                           "abort",
                           "exec",
                           "execWith",
                           "exposePort",
                           "onbuild",
                           "ignore",
                           "dockerfile",
                           "text",
                           "loadTag",
                           "elemAt",
                           "debian",
                           "keepModes"})
    CHECK(std::binary_search(names.begin(), names.end(), std::string_view(name)));
  CHECK(names.size() == 49);
}

TEST_CASE("builtins: lists", "[eval][builtins]") {
  CHECK(Run("map (x: x + 1) [ 1 2 3 ]") == "[ 2 3 4 ]");
  CHECK(Run("map (x: x) [ ]") == "[ ]");
  CHECK(Run("filter (x: x > 1) [ 1 2 3 ]") == "[ 2 3 ]");
  CHECK(Run("foldl (acc: x: acc + x) 0 [ 1 2 3 ]") == "6");
  CHECK(Run("foldl (acc: x: [ x ] ++ acc) [ ] [ 1 2 3 ]") == "[ 3 2 1 ]");
  CHECK(Run("foldl (acc: x: acc) 7 [ ]") == "7");
  CHECK(Run("length [ 1 2 3 ]") == "3");
  CHECK(Run("[ (elem 2 [ 1 2 ]) (elem \"z\" [ \"a\" ]) (elem [ 1 ] [ [ 1 ] ]) ]") ==
        "[ true false true ]");
  CHECK(Run("head [ 4 5 ]") == "4");
  CHECK(Run("tail [ 4 5 6 ]") == "[ 5 6 ]");
  CHECK(Run("head [ ]") == "error: head of an empty list");
  CHECK(Run("tail [ ]") == "error: tail of an empty list");
  CHECK(Run("concatMap (x: [ x x ]) [ 1 2 ]") == "[ 1 1 2 2 ]");
  CHECK(Run("concatLists [ [ 1 ] [ ] [ 2 3 ] ]") == "[ 1 2 3 ]");
  CHECK(Run("range 1 4") == "[ 1 2 3 4 ]");
  CHECK(Run("range 3 2") == "[ ]");
  // The span of a range near the ends of Int does not fit in an Int: refused, not a crash.
  CHECK(Run("range 9223372036854775806 9223372036854775807") ==
        "[ 9223372036854775806 9223372036854775807 ]");
  CHECK_THAT(Run("range (-5) 9223372036854775807"), Catch::Contains("range: too many elements"));
  CHECK_THAT(Run("range (-9223372036854775807 - 1) 0"),
             Catch::Contains("range: too many elements"));
  CHECK_THAT(Run("range (-9223372036854775807 - 1) 9223372036854775807"),
             Catch::Contains("range: too many elements"));
  CHECK(Run("[ 1 ] ++ [ 2 ] ++ [ ]") == "[ 1 2 ]");
}

TEST_CASE("builtins: strings", "[eval][builtins]") {
  CHECK(Run("toString (-7)") == "\"-7\"");
  CHECK(Run("toString 42") == "\"42\"");
  CHECK(Run("toString \"s\"") == "\"s\"");
  CHECK(Run("concatStringsSep \", \" [ \"a\" \"b\" \"c\" ]") == "\"a, b, c\"");
  CHECK(Run("concatStringsSep \"-\" [ ]") == "\"\"");
  CHECK(Run("replaceStrings [ \"a\" \"b\" ] [ \"1\" \"22\" ] \"abcab\"") == "\"122c122\"");
  CHECK(Run("replaceStrings [ \"aa\" \"a\" ] [ \"x\" \"y\" ] \"aaa\"") == "\"xy\"");
  CHECK(Run("replaceStrings [ \"\" ] [ \"-\" ] \"ab\"") == "\"-a-b-\"");
  CHECK_THAT(Run("replaceStrings [ \"a\" ] [ ] \"x\""),
             Catch::Contains("1 patterns but 0 replacements"));
  CHECK(Run("substring 1 3 \"hello\"") == "\"ell\"");
  CHECK(Run("substring 3 100 \"hello\"") == "\"lo\"");
  CHECK(Run("substring 9 1 \"hello\"") == "\"\"");
  CHECK_THAT(Run("substring (-1) 1 \"hello\""), Catch::Contains("negative start"));
  CHECK(Run("stringLength \"hello\"") == "5");
  CHECK(Run("stringLength \"\"") == "0");
}

TEST_CASE("builtins: records", "[eval][builtins]") {
  CHECK(Run("hasAttr \"a\" { a = 1; }") == "true");
  CHECK(Run("hasAttr \"b\" { a = 1; }") == "false");
  CHECK(Run("attrNames { zeta = 1; alpha = 2; mid = 3; }") == "[ \"alpha\" \"mid\" \"zeta\" ]");
  CHECK(Run("attrNames { }") == "[ ]");
}

TEST_CASE("builtins: partial application and higher order use", "[eval][builtins]") {
  CHECK(Run("let add1 = map (x: x + 1); in add1 [ 1 2 ]") == "[ 2 3 ]");
  CHECK(Run("let f = concatStringsSep \"/\"; in [ (f [ \"a\" \"b\" ]) (f [ \"c\" ]) ]") ==
        "[ \"a/b\" \"c\" ]");
  CHECK(Run("map toString [ 1 2 ]") == "[ \"1\" \"2\" ]");
}

TEST_CASE("builtins: ill-typed calls are diagnostics, not crashes", "[eval][builtins]") {
  CHECK_THAT(Run("length 3"), Catch::StartsWith("error: internal type error"));
  CHECK_THAT(Run("map 1 [ 1 ]"), Catch::StartsWith("error: internal type error"));
  CHECK_THAT(Run("1 2"), Catch::StartsWith("error: internal type error"));
  CHECK_THAT(Run("1 + \"a\""), Catch::StartsWith("error: internal type error"));
  CHECK_THAT(Run("{ a = 1; }.a.b"), Catch::StartsWith("error: internal type error"));
}
