// Unit tests of the checker's type representation: interning, unification, occurs check, rows.
#include <catch2/catch.hpp>

#include "compiler/types/builtin_types.h"
#include "compiler/types/checker.h"
#include "compiler/types/type_printer.h"
#include "compiler/types/unify.h"

namespace strata::types {
namespace {

Symbol S(const char* name) { return Symbol::Intern(name); }

TEST_CASE("types: compound types are interned", "[types]") {
  TypeContext c;
  REQUIRE(c.List(c.Int()) == c.List(c.Int()));
  REQUIRE(c.Function(c.Int(), c.String()) == c.Function(c.Int(), c.String()));
  REQUIRE(c.Function(c.Int(), c.String()) != c.Function(c.String(), c.Int()));
  FieldType a{S("a"), c.Int()}, b{S("b"), c.String()};
  // Field order in the input does not matter.
  REQUIRE(c.ClosedRecord({a, b}) == c.ClosedRecord({b, a}));
}

TEST_CASE("types: unification binds variables", "[types]") {
  TypeContext c;
  Unifier u(c);
  TypeVar* a = c.FreshVar(1);
  REQUIRE(u.Unify(c.List(a), c.List(c.Int())));
  REQUIRE(Resolve(a) == c.Int());
  REQUIRE_FALSE(u.Unify(c.List(a), c.List(c.String())));
  REQUIRE(ToString(c.Function(c.List(c.Int()), c.Function(c.Int(), c.Bool()))) ==
          "List Int -> Int -> Bool");
  REQUIRE(ToString(c.Function(c.Function(c.Int(), c.Int()), c.Int())) == "(Int -> Int) -> Int");
}

TEST_CASE("types: occurs check rejects infinite types", "[types]") {
  TypeContext c;
  Unifier u(c);
  TypeVar* a = c.FreshVar(1);
  REQUIRE_FALSE(u.Unify(a, c.List(a)));
  REQUIRE(u.mismatch().kind == MismatchKind::kOccurs);
  REQUIRE(Resolve(a) == a);
}

TEST_CASE("types: the error type unifies with everything", "[types]") {
  TypeContext c;
  Unifier u(c);
  REQUIRE(u.Unify(c.Error(), c.Int()));
  REQUIRE(u.Unify(c.List(c.String()), c.Error()));
}

TEST_CASE("types: open rows gain the other side's fields", "[types]") {
  TypeContext c;
  Unifier u(c);
  TypeVar* field = c.FreshVar(1);
  Type* open = c.Record({{S("name"), field}}, c.FreshVar(1, true));
  Type* closed = c.ClosedRecord({{S("name"), c.String()}, {S("port"), c.Int()}});
  REQUIRE(u.Unify(open, closed));
  REQUIRE(Resolve(field) == c.String());
  REQUIRE(ToString(open) == "{ name :: String; port :: Int }");
}

TEST_CASE("types: closed records report missing and unexpected fields", "[types]") {
  TypeContext c;
  Unifier u(c);
  Type* want = c.ClosedRecord({{S("url"), c.String()}, {S("sha256"), c.String()}});
  Type* got = c.ClosedRecord({{S("url"), c.String()}});
  REQUIRE_FALSE(u.Unify(want, got));
  REQUIRE(u.mismatch().kind == MismatchKind::kMissingField);
  REQUIRE(u.mismatch().field == S("sha256"));
  REQUIRE_FALSE(u.Unify(got, want));
  REQUIRE(u.mismatch().kind == MismatchKind::kUnexpectedField);
}

TEST_CASE("types: optional fields may be omitted", "[types]") {
  TypeContext c;
  Unifier u(c);
  Type* opts = ParseSignature(c, "{ cache? :: List String; network? :: Bool }");
  REQUIRE(u.Unify(opts, c.ClosedRecord({})));
  REQUIRE(u.Unify(opts, c.ClosedRecord({{S("network"), c.Bool()}})));
  REQUIRE_FALSE(u.Unify(opts, c.ClosedRecord({{S("network"), c.Int()}})));
  REQUIRE(DescribeMismatch(u.mismatch(), opts, c.ClosedRecord({{S("network"), c.Int()}})) ==
          "in field 'network': expected Bool, found Int");
  REQUIRE_FALSE(u.Unify(opts, c.ClosedRecord({{S("netwrk"), c.Bool()}})));
  REQUIRE(u.mismatch().kind == MismatchKind::kUnexpectedField);
}

TEST_CASE("types: two open rows share a fresh tail", "[types]") {
  TypeContext c;
  Unifier u(c);
  Type* r1 = c.Record({{S("a"), c.Int()}}, c.FreshVar(1, true));
  Type* r2 = c.Record({{S("b"), c.String()}}, c.FreshVar(1, true));
  REQUIRE(u.Unify(r1, r2));
  REQUIRE(ToString(r1) == "{ a :: Int; b :: String; ... }");
  REQUIRE(ToString(r2) == "{ a :: Int; b :: String; ... }");
}

TEST_CASE("types: builtin signatures parse", "[types]") {
  TypeContext c;
  for (const BuiltinSignature& b : BuiltinSignatures())
    REQUIRE(ParseSignature(c, b.signature) != nullptr);
  REQUIRE(ToString(ParseSignature(c, "(a -> b) -> List a -> List b")) ==
          "(a -> b) -> List a -> List b");
  REQUIRE(ToString(ParseSignature(c, "FetchOpts -> Artifact")) ==
          "{ sha256 :: String; url :: String } -> Artifact");
  REQUIRE(ToString(ParseSignature(c, "{ ... } -> List String")) == "{ ... } -> List String");
  // The table is sorted, so the evaluator's table can be compared with it.
  auto table = BuiltinSignatures();
  for (size_t i = 1; i < table.size(); ++i) REQUIRE(table[i - 1].name < table[i].name);
}

}  // namespace
}  // namespace strata::types
