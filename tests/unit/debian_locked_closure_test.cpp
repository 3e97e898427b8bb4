// A locked closure is checked against its .debs' control files before it is built.
#include "runtime/debian/locked_closure.h"
#include "tests/unit/test_support.h"

namespace strata::debian {
namespace {

const char kBash[] = "Package: bash\nVersion: 5.2.15-2+b13\nArchitecture: amd64\n";
const char kMawk[] =
    "Package: mawk\nVersion: 1.3.4\nArchitecture: amd64\nProvides: awk, fake (= 2)\n";

std::string ErrorOf(llvm::Error err) { return err ? llvm::toString(std::move(err)) : ""; }

TEST_CASE("locked closure: a .deb must be the package, version and arch it is locked as",
          "[debian]") {
  testing::RequireOk(CheckControlIs(kBash, "bash", "5.2.15-2+b13", "amd64", "pool/b.deb"));
  CHECK(ErrorOf(CheckControlIs(kBash, "bash", "9.9", "amd64", "pool/b.deb")) ==
        "the file locked as bash 9.9 (amd64) is bash 5.2.15-2+b13 (amd64) by its control file "
        "(pool/b.deb)");
  CHECK(ErrorOf(CheckControlIs(kBash, "libc6", "5.2.15-2+b13", "amd64", "pool/b.deb"))
            .find("locked as libc6") != std::string::npos);
  CHECK(ErrorOf(CheckControlIs(kBash, "bash", "5.2.15-2+b13", "all", "pool/b.deb"))
            .find("(all) is bash 5.2.15-2+b13 (amd64)") != std::string::npos);
  CHECK_FALSE(ErrorOf(CheckControlIs("", "bash", "1", "amd64", "pool/b.deb")).empty());
}

TEST_CASE("locked closure: every request is a package of it or provided by one", "[debian]") {
  std::vector<std::string> controls = {kBash, kMawk};
  testing::RequireOk(
      CheckClosureHasRequested({"bash", "bash=5.2.15-2+b13", "awk", "fake=2"}, controls));
  CHECK(ErrorOf(CheckClosureHasRequested({"bash", "coreutils"}, controls)) ==
        "has no package coreutils");
  CHECK(ErrorOf(CheckClosureHasRequested({"bash=5.2"}, controls)) == "has no package bash=5.2");
  // An unversioned Provides does not satisfy a versioned request (as the resolver reads it).
  CHECK(ErrorOf(CheckClosureHasRequested({"awk=1"}, controls)) == "has no package awk=1");
  CHECK(ErrorOf(CheckClosureHasRequested({"fake=3"}, controls)) == "has no package fake=3");
}

}  // namespace
}  // namespace strata::debian
