// The deb822 parser and the relation parser.
#include "runtime/debian/control_file.h"
#include "runtime/debian/relation.h"
#include "tests/unit/test_support.h"

namespace strata::debian {
namespace {

TEST_CASE("deb822: stanzas, continuation lines, comments and case-insensitive names", "[debian]") {
  std::string text =
      "Package: a\nVersion: 1.0\nDescription: short\n more text\n .\n last\n\n\n"
      "# a comment\npackage: b\nDepends: c,\n d (>= 2)\r\n";
  llvm::Expected<std::vector<Stanza>> stanzas = ParseControl(text, "Packages");
  testing::RequireOk(stanzas);
  REQUIRE(stanzas->size() == 2);
  CHECK((*stanzas)[0].Get("package") == "a");
  CHECK((*stanzas)[0].Get("Description") == "short\n more text\n .\n last");
  CHECK((*stanzas)[0].line == 1);
  CHECK((*stanzas)[1].Get("Package") == "b");
  CHECK((*stanzas)[1].Get("Depends") == "c,\n d (>= 2)");
  CHECK((*stanzas)[1].line == 10);
  CHECK_FALSE((*stanzas)[1].Has("Version"));
}

TEST_CASE("deb822: a Release file's SHA256 list", "[debian]") {
  std::string text =
      "Codename: bookworm\nSHA256:\n 0123  42 main/binary-amd64/Packages\n abcd 7 main/Contents\n";
  llvm::Expected<std::vector<Stanza>> stanzas = ParseControl(text, "Release");
  testing::RequireOk(stanzas);
  std::vector<llvm::StringRef> lines = ValueLines((*stanzas)[0].Get("SHA256"));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "0123  42 main/binary-amd64/Packages");
}

TEST_CASE("deb822: malformed lines are errors naming the line", "[debian]") {
  llvm::Expected<std::vector<Stanza>> no_colon =
      ParseControl("Package: a\nnot a field\n", "Packages");
  REQUIRE(!no_colon);
  CHECK(llvm::toString(no_colon.takeError()) ==
        "Packages:2: expected 'Name: value', found 'not a field'");
  llvm::Expected<std::vector<Stanza>> orphan = ParseControl(" orphan\n", "Packages");
  REQUIRE(!orphan);
  CHECK(llvm::toString(orphan.takeError()).find("Packages:1: a continuation line") == 0);
}

TEST_CASE("relations: alternatives, versions, qualifiers, restrictions", "[debian]") {
  llvm::Expected<std::vector<RelationGroup>> groups = ParseRelations(
      "libc6 (>= 2.34), python3:any (>= 3.11~) | python3-dev:native, foo:amd64 [amd64 !i386] "
      "<!nocheck>,\n debconf (>= 0.5) | debconf-2.0");
  testing::RequireOk(groups);
  REQUIRE(groups->size() == 4);
  CHECK((*groups)[0][0].name == "libc6");
  CHECK((*groups)[0][0].op == VersionOp::kGreaterEqual);
  CHECK((*groups)[0][0].version == "2.34");
  REQUIRE((*groups)[1].size() == 2);
  CHECK((*groups)[1][0].arch_qualifier == "any");
  CHECK((*groups)[1][0].version == "3.11~");
  CHECK((*groups)[1][1].name == "python3-dev");
  CHECK((*groups)[1][1].arch_qualifier == "native");
  CHECK((*groups)[1][1].op == VersionOp::kAny);
  CHECK((*groups)[2][0].arch_qualifier == "amd64");
  CHECK((*groups)[2][0].arch_restrictions == std::vector<std::string>{"amd64", "!i386"});
  CHECK((*groups)[2][0].profiles == std::vector<std::string>{"!nocheck"});
  CHECK((*groups)[3][1].name == "debconf-2.0");
  CHECK((*groups)[1][0].ToString() == "python3:any (>= 3.11~)");
}

TEST_CASE("relations: every operator, the obsolete ones read as dpkg reads them", "[debian]") {
  auto op = [](const std::string& text) {
    llvm::Expected<std::vector<RelationGroup>> groups = ParseRelations("a (" + text + " 1)");
    testing::RequireOk(groups);
    return (*groups)[0][0].op;
  };
  CHECK(op("<<") == VersionOp::kLess);
  CHECK(op("<=") == VersionOp::kLessEqual);
  CHECK(op("=") == VersionOp::kEqual);
  CHECK(op(">=") == VersionOp::kGreaterEqual);
  CHECK(op(">>") == VersionOp::kGreater);
  CHECK(op("<") == VersionOp::kLessEqual);
  CHECK(op(">") == VersionOp::kGreaterEqual);
  CHECK(VersionSatisfies("1.0", VersionOp::kLess, "1.0.1"));
  CHECK_FALSE(VersionSatisfies("1.0", VersionOp::kGreater, "1.0"));
  CHECK(VersionSatisfies("1:0.1", VersionOp::kGreaterEqual, "9.9"));
  CHECK(VersionSatisfies("2.0~rc1", VersionOp::kLess, "2.0"));
  CHECK(ParseRelations("")->empty());
}

TEST_CASE("relations: malformed fields are errors", "[debian]") {
  for (const char* bad : {"a (>= 1", "a (~ 1)", "a | , b", "a (>= )", "a b", "a:", "a [amd64"}) {
    INFO(bad);
    llvm::Expected<std::vector<RelationGroup>> groups = ParseRelations(bad);
    CHECK(!groups);
    if (!groups) CHECK(llvm::toString(groups.takeError()).find("malformed relation") == 0);
  }
}

}  // namespace
}  // namespace strata::debian
