// The resolver on small Packages indexes: alternatives, virtual packages, versions with epochs
// and tildes, cycles, base-system packages, conflicts and unsatisfiable chains.
#include <memory>

#include "runtime/debian/package_index.h"
#include "runtime/debian/resolver.h"
#include "tests/unit/test_support.h"

namespace strata::debian {
namespace {

constexpr const char* kWhere = "bookworm/main amd64";

std::unique_ptr<PackageIndex> Index(const std::string& text) {
  llvm::Expected<std::unique_ptr<PackageIndex>> index =
      PackageIndex::Parse(text, "amd64", "Packages");
  testing::RequireOk(index);
  return std::move(*index);
}

std::string Pkg(const std::string& name, const std::string& version, const std::string& extra = "",
                const std::string& arch = "amd64") {
  return "Package: " + name + "\nVersion: " + version + "\nArchitecture: " + arch +
         "\nPriority: optional\n" + "Filename: pool/main/" + name + "_" + version + "_" + arch +
         ".deb\nSize: 100\nSHA256: " + std::string(64, 'a') + "\n" + extra +
         (extra.empty() ? "" : "\n") + "\n";
}

// "name=version" of each package of the closure, sorted.
std::vector<std::string> Closure(const PackageIndex& index,
                                 const std::vector<std::string>& requested) {
  llvm::Expected<Resolution> resolution = Resolve(index, requested, kWhere);
  testing::RequireOk(resolution);
  std::vector<std::string> names;
  for (const Package* package : resolution->packages)
    names.push_back((package->name + "=" + package->version).str());
  return names;
}

std::string Failure(const PackageIndex& index, const std::vector<std::string>& requested) {
  llvm::Expected<Resolution> resolution = Resolve(index, requested, kWhere);
  if (resolution) return "resolved";
  return llvm::toString(resolution.takeError());
}

TEST_CASE("resolver: Depends and Pre-Depends, versions, the highest version chosen", "[debian]") {
  auto index =
      Index(Pkg("app", "1.0", "Pre-Depends: libc (>= 2.0)\nDepends: libz (>= 1:1.2~), data") +
            Pkg("libc", "2.36-9") + Pkg("libc", "2.36-9+deb12u4") + Pkg("libz", "1:1.2.13-1") +
            Pkg("data", "1.0", "", "all") + Pkg("other", "1.0", "", "arm64"));
  CHECK(index->Size() == 5);  // the arm64 stanza is skipped
  CHECK(Closure(*index, {"app"}) ==
        std::vector<std::string>{"app=1.0", "data=1.0", "libc=2.36-9+deb12u4", "libz=1:1.2.13-1"});
  CHECK(Closure(*index, {"libc=2.36-9"}) == std::vector<std::string>{"libc=2.36-9"});
}

TEST_CASE("resolver: alternatives take the first one that exists, or one already chosen",
          "[debian]") {
  auto index =
      Index(Pkg("app", "1", "Depends: missing | second | third") + Pkg("second", "1") +
            Pkg("third", "1") + Pkg("tool", "1", "Depends: fourth | third") + Pkg("fourth", "1"));
  CHECK(Closure(*index, {"app"}) == std::vector<std::string>{"app=1", "second=1"});
  CHECK(Closure(*index, {"third", "tool"}) == std::vector<std::string>{"third=1", "tool=1"});
}

TEST_CASE("resolver: virtual packages and versioned Provides", "[debian]") {
  auto index = Index(Pkg("app", "1", "Depends: debconf-2.0, libgcc1 (>= 1:3.0)") +
                     Pkg("cdebconf", "1", "Provides: debconf-2.0") +
                     Pkg("debconf-alt", "1", "Provides: debconf-2.0", "all") +
                     Pkg("libgcc-s1", "12.2.0", "Provides: libgcc1 (= 1:12.2.0)") +
                     Pkg("old", "1", "Depends: libgcc1 (>= 2:1)"));
  // Two providers: the alphabetically first of equal priority; the versioned one meets >=.
  CHECK(Closure(*index, {"app"}) ==
        std::vector<std::string>{"app=1", "cdebconf=1", "libgcc-s1=12.2.0"});
  // A provider already chosen is used.
  CHECK(Closure(*index, {"debconf-alt", "app"}) ==
        std::vector<std::string>{"app=1", "debconf-alt=1", "libgcc-s1=12.2.0"});
  CHECK(Failure(*index, {"old"}) ==
        "old \xE2\x86\x92 libgcc1 (>= 2:1): no package \"libgcc1\" in bookworm/main amd64");
}

TEST_CASE("resolver: epochs and tildes in relations", "[debian]") {
  auto index =
      Index(Pkg("app", "1", "Depends: lib (>= 2.0~rc1), tool (<< 1:0)") + Pkg("lib", "2.0~rc2") +
            Pkg("tool", "5.0") + Pkg("strict", "1", "Depends: lib (>= 2.0)"));
  CHECK(Closure(*index, {"app"}) == std::vector<std::string>{"app=1", "lib=2.0~rc2", "tool=5.0"});
  CHECK(Failure(*index, {"strict"}) ==
        "strict \xE2\x86\x92 lib (>= 2.0): no version of \"lib\" satisfies (>= 2.0) in "
        "bookworm/main amd64 (it has 2.0~rc2)");
}

TEST_CASE("resolver: :any and :native qualifiers; another architecture finds nothing", "[debian]") {
  auto index = Index(Pkg("app", "1", "Depends: python3:any, perl:native") +
                     Pkg("python3", "3.11", "Multi-Arch: allowed") + Pkg("perl", "5.36") +
                     Pkg("cross", "1", "Depends: perl:i386"));
  CHECK(Closure(*index, {"app"}) == std::vector<std::string>{"app=1", "perl=5.36", "python3=3.11"});
  CHECK(Failure(*index, {"cross"}) ==
        "cross \xE2\x86\x92 perl:i386: no package \"perl:i386\" in bookworm/main amd64");
}

TEST_CASE("resolver: cycles end", "[debian]") {
  auto index = Index(Pkg("a", "1", "Depends: b") + Pkg("b", "1", "Pre-Depends: c") +
                     Pkg("c", "1", "Depends: a (= 1)"));
  CHECK(Closure(*index, {"a"}) == std::vector<std::string>{"a=1", "b=1", "c=1"});
}

TEST_CASE("resolver: base-system packages are left out unless named", "[debian]") {
  auto index = Index(Pkg("app", "1", "Depends: dpkg (>= 1.13), libc, tzdata") +
                     Pkg("dpkg", "1.21", "Essential: yes\nDepends: tar") +
                     Pkg("tar", "1.34", "Essential: yes") + Pkg("libc", "2.36") +
                     "Package: tzdata\nVersion: 2024a\nArchitecture: all\nPriority: required\n\n");
  llvm::Expected<Resolution> resolution = Resolve(*index, {"app"}, kWhere);
  testing::RequireOk(resolution);
  CHECK(resolution->packages.size() == 2);
  CHECK(resolution->skipped == std::vector<std::string>{"dpkg", "tzdata"});
  CHECK(Closure(*index, {"app", "dpkg"}) ==
        std::vector<std::string>{"app=1", "dpkg=1.21", "libc=2.36"});
}

// apt runs on a system where every base-system package is installed, so a group one of them
// satisfies, as any alternative and by Provides too, needs nothing more: in bookworm perl-base
// provides libscalar-list-utils-perl and sysvinit-utils provides lsb-base, and mawk is required.
TEST_CASE("resolver: a group a base-system package satisfies is satisfied", "[debian]") {
  std::string base =
      Pkg("perl-base", "5.36", "Essential: yes\nProvides: libscalar (= 1:1.62), libsocket") +
      "Package: sysvinit-utils\nVersion: 3.06\nArchitecture: amd64\nPriority: required\n"
      "Provides: lsb-base (= 11.6)\n\n"
      "Package: mawk\nVersion: 1.3.4\nArchitecture: amd64\nPriority: required\n\n";
  std::string others = Pkg("libscalar", "1:1.63") + Pkg("libsocket", "2.0") +
                       Pkg("lsb-base", "11.6") + Pkg("gawk", "5.2") + Pkg("libz", "1");
  auto index = Index(
      Pkg("app", "1",
          "Depends: libscalar (>= 1:1.50), libsocket, lsb-base (>= 11.0), gawk | mawk, libz") +
      base + others);
  llvm::Expected<Resolution> resolution = Resolve(*index, {"app"}, kWhere);
  testing::RequireOk(resolution);
  std::vector<std::string> names;
  for (const Package* package : resolution->packages) names.push_back(package->name.str());
  CHECK(names == std::vector<std::string>{"app", "libz"});
  CHECK(resolution->skipped == std::vector<std::string>{"mawk", "perl-base", "sysvinit-utils"});
  // A version the base-system package does not provide is not satisfied by it.
  auto newer = Index(Pkg("app", "1", "Depends: libscalar (>= 1:1.63)") + base + others);
  CHECK(Closure(*newer, {"app"}) == std::vector<std::string>{"app=1", "libscalar=1:1.63"});
  // A package the request names is chosen as before.
  CHECK(Closure(*index, {"app", "gawk"}) ==
        std::vector<std::string>{"app=1", "gawk=5.2", "libz=1"});
}

// apt installs a package's dependencies before it looks at the next group of the package that
// needed it (depth first), so a later group the first one's dependencies satisfy needs nothing
// more: bookworm's vim-voom depends on "vim-athena | ..., vim (>= 2:8.1) | neovim", and
// vim-athena depends on vim-motif, which provides vim (= 2:9.0); apt adds no vim.
TEST_CASE("resolver: dependencies are resolved depth first, as apt does", "[debian]") {
  auto index = Index(Pkg("voom", "1", "Depends: athena | nox, vim (>= 2:8.1) | neovim") +
                     Pkg("athena", "2:9.0", "Depends: motif") +
                     Pkg("motif", "2:9.0", "Provides: vim (= 2:9.0)") + Pkg("vim", "2:9.0") +
                     Pkg("nox", "2:9.0") + Pkg("neovim", "0.7"));
  CHECK(Closure(*index, {"voom"}) ==
        std::vector<std::string>{"athena=2:9.0", "motif=2:9.0", "voom=1"});
}

TEST_CASE("resolver: Conflicts and Breaks inside the closure are errors", "[debian]") {
  auto index =
      Index(Pkg("a", "1", "Conflicts: b") + Pkg("b", "1") + Pkg("c", "1", "Breaks: d (<< 2)") +
            Pkg("d", "1") + Pkg("e", "1", "Provides: mta\nConflicts: mta") +
            Pkg("f", "1", "Provides: mta\nConflicts: mta") + Pkg("g", "1", "Breaks: d (<< 1)"));
  CHECK(Failure(*index, {"a", "b"}) == "a conflicts with b (b 1): both are in the closure");
  CHECK(Failure(*index, {"c", "d"}) == "c breaks d (<< 2) (d 1): both are in the closure");
  CHECK(Closure(*index, {"e"}) ==
        std::vector<std::string>{"e=1"});  // conflicting with what it provides
  CHECK(Failure(*index, {"e", "f"}) == "e conflicts with mta, which f (in the closure) provides");
  CHECK(Closure(*index, {"g", "d"}) == std::vector<std::string>{"d=1", "g=1"});
}

TEST_CASE("resolver: an unsatisfiable request names the whole chain", "[debian]") {
  auto index = Index(Pkg("python3-flask", "2.2", "Depends: python3-werkzeug (>= 2.2)") +
                     Pkg("python3-werkzeug", "2.2.2", "Depends: python3-jinja2 | python3-x") +
                     Pkg("python3-jinja2", "3.1", "Depends: x"));
  CHECK(Failure(*index, {"python3-flask"}) ==
        "python3-flask \xE2\x86\x92 python3-werkzeug \xE2\x86\x92 python3-jinja2 \xE2\x86\x92 x: "
        "no package \"x\" in bookworm/main amd64");
  CHECK(Failure(*index, {"nothere"}) == "nothere: no package \"nothere\" in bookworm/main amd64");
  CHECK(Failure(*index, {"python3-jinja2=9"}) ==
        "python3-jinja2 (= 9): no version of \"python3-jinja2\" satisfies (= 9) in bookworm/main "
        "amd64 (it has 3.1)");
}

TEST_CASE("resolver: a malformed index is an error naming its line", "[debian]") {
  llvm::Expected<std::unique_ptr<PackageIndex>> index =
      PackageIndex::Parse("Package: a\nVersion: 1\n", "amd64", "Packages");
  REQUIRE(!index);
  CHECK(llvm::toString(index.takeError()) ==
        "Packages:1: a package stanza needs Package, Version and Architecture");
}

TEST_CASE("resolver: excluded packages are left out with what only they need", "[debian]") {
  // A JRE-like closure: the server needs libc, not the printing and sound libraries.
  auto index = Index(Pkg("jre", "1", "Depends: libc, libcups2, libasound2 | libasound-alt, libz") +
                     Pkg("libc", "1") + Pkg("libz", "1", "Depends: libc") +
                     Pkg("libcups2", "1", "Depends: libavahi, libc") + Pkg("libavahi", "1") +
                     Pkg("libasound2", "1") + Pkg("libasound-alt", "1") +
                     Pkg("tool", "1", "Depends: libavahi"));
  auto with = [&](const std::vector<std::string>& requested,
                  const std::vector<std::string>& exclude) {
    llvm::Expected<Resolution> resolution = Resolve(*index, requested, kWhere, exclude);
    testing::RequireOk(resolution);
    std::vector<std::string> names;
    for (const Package* package : resolution->packages) names.push_back(package->name.str());
    return names;
  };
  CHECK(with({"jre"}, {}) ==
        std::vector<std::string>{"jre", "libasound2", "libavahi", "libc", "libcups2", "libz"});
  // The group "libasound2 | libasound-alt" is left unsatisfied, not given its alternative.
  CHECK(with({"jre"}, {"libcups2", "libasound2"}) ==
        std::vector<std::string>{"jre", "libc", "libz"});
  // What another package still needs stays.
  CHECK(with({"jre", "tool"}, {"libcups2"}) ==
        std::vector<std::string>{"jre", "libasound2", "libavahi", "libc", "libz", "tool"});
  llvm::Expected<Resolution> both = Resolve(*index, {"jre"}, kWhere, {"jre"});
  REQUIRE_FALSE(static_cast<bool>(both));
  CHECK(llvm::toString(both.takeError()) == "jre is both requested and excluded");
  llvm::Expected<Resolution> stale = Resolve(*index, {"jre"}, kWhere, {"libcups"});
  REQUIRE_FALSE(static_cast<bool>(stale));
  CHECK(llvm::toString(stale.takeError()) ==
        "exclude: no package in the closure depends on \"libcups\" (in bookworm/main amd64)");
}

}  // namespace
}  // namespace strata::debian
