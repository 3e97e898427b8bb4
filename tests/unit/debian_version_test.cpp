// Debian version ordering: hand-picked cases, and ~2,800 pairs whose order dpkg recorded
// (tests/unit/fixtures/debian/version_pairs.txt), re-asked of dpkg itself when it is installed.
#include <sstream>
#include <vector>

#include "runtime/debian/version.h"
#include "tests/unit/test_support.h"

namespace strata::debian {
namespace {

int Sign(int value) { return (value > 0) - (value < 0); }

struct Pair {
  std::string a, b;
  int expected;
};

std::vector<Pair> LoadPairs() {
  std::istringstream in(
      testing::ReadFile(testing::SourceDir() / "tests/unit/fixtures/debian/version_pairs.txt"));
  std::vector<Pair> pairs;
  for (Pair pair; in >> pair.a >> pair.b >> pair.expected;) pairs.push_back(pair);
  return pairs;
}

TEST_CASE("debian versions: epochs, tildes and revisions order as dpkg orders them", "[debian]") {
  CHECK(CompareVersions("1.0", "1.0") == 0);
  CHECK(CompareVersions("0:1.0", "1.0") == 0);
  CHECK(CompareVersions("1.01", "1.1") == 0);
  CHECK(CompareVersions("1:0.1", "2.0") > 0);    // the epoch wins
  CHECK(CompareVersions("1.0~rc1", "1.0") < 0);  // '~' sorts before the end
  CHECK(CompareVersions("1.0~~", "1.0~") < 0);
  CHECK(CompareVersions("1.0~rc1-1", "1.0-1") < 0);
  CHECK(CompareVersions("1.0-1", "1.0-1+b1") < 0);
  CHECK(CompareVersions("1.0-1+deb12u10", "1.0-1+deb12u2") > 0);  // digits as numbers
  CHECK(CompareVersions("1.0a", "1.0+") < 0);                     // letters before other characters
  CHECK(CompareVersions("1.0", "1.0.0") < 0);
  CHECK(CompareVersions("2.36-9+deb12u14", "2.36-9+deb12u9") > 0);
  CHECK(CompareVersions("1:1.2.13.dfsg-1", "1:1.2.0") > 0);
  CHECK(CompareVersions("10:1", "2:1") > 0);
  CHECK(CompareVersions("1.0-1.1", "1.0-1") > 0);
  CHECK(CompareVersions("99999999999999999999", "99999999999999999998") > 0);  // beyond 64 bits
}

TEST_CASE("debian versions: validity", "[debian]") {
  CHECK(IsValidVersion("1.0"));
  CHECK(IsValidVersion("1:2.36-9+deb12u14"));
  CHECK(IsValidVersion("3.11.2-6+deb12u8"));
  CHECK(IsValidVersion("1.0~rc1"));
  CHECK_FALSE(IsValidVersion(""));
  CHECK_FALSE(IsValidVersion("a1"));
  CHECK_FALSE(IsValidVersion("1.0-"));
  CHECK_FALSE(IsValidVersion("x:1.0"));
  CHECK_FALSE(IsValidVersion("1.0 beta"));
}

TEST_CASE("debian versions: the recorded dpkg answers on ~2,800 pairs", "[debian]") {
  std::vector<Pair> pairs = LoadPairs();
  REQUIRE(pairs.size() > 2500);
  size_t wrong = 0;
  for (const Pair& pair : pairs) {
    if (Sign(CompareVersions(pair.a, pair.b)) == pair.expected) continue;
    if (++wrong <= 10) UNSCOPED_INFO(pair.a << " vs " << pair.b << ": dpkg says " << pair.expected);
  }
  CHECK(wrong == 0);
}

TEST_CASE("debian versions: agree with the installed dpkg on a sample of the pairs",
          "[debian][dpkg]") {
  if (testing::ShellStdout("command -v dpkg").empty()) {
    WARN("dpkg is not installed; the recorded answers were still checked");
    return;
  }
  // Every 10th pair, all asked of dpkg in one shell: "lt" then "eq", one answer per line.
  std::vector<Pair> pairs = LoadPairs();
  std::string script;
  std::vector<const Pair*> asked;
  for (size_t i = 0; i < pairs.size(); i += 10) {
    asked.push_back(&pairs[i]);
    script += "if dpkg --compare-versions '" + pairs[i].a + "' lt '" + pairs[i].b +
              "'; then echo -1; elif dpkg --compare-versions '" + pairs[i].a + "' eq '" +
              pairs[i].b + "'; then echo 0; else echo 1; fi\n";
  }
  testing::TempDir dir("dpkg-versions");
  testing::WriteFile(dir.path + "/ask.sh", script);
  std::istringstream answers(testing::ShellStdout("sh " + dir.path + "/ask.sh 2>/dev/null"));
  size_t checked = 0;
  for (const Pair* pair : asked) {
    int dpkg_answer;
    REQUIRE(answers >> dpkg_answer);
    INFO(pair->a << " vs " << pair->b);
    CHECK(Sign(CompareVersions(pair->a, pair->b)) == dpkg_answer);
    ++checked;
  }
  CHECK(checked == asked.size());
}

}  // namespace
}  // namespace strata::debian
