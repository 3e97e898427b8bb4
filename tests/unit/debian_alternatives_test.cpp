// update-alternatives links read from postinst scripts (never run), and the merged-/usr path
// mapping that dpkg's writes through /bin → usr/bin amount to.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <set>

#include "runtime/debian/alternatives.h"
#include "runtime/debian/alternatives_db.h"
#include "runtime/debian/usr_merge.h"
#include "tests/unit/test_support.h"

namespace strata::debian {
namespace {

// debhelper's dh_installalternatives snippet, as mawk's postinst has it.
constexpr const char* kMawk = R"SH(#!/bin/sh
set -e
# Automatically added by dh_installalternatives/13.7.1
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ]; then
        update-alternatives --install /usr/bin/awk awk /usr/bin/mawk 5 \
            --slave /usr/share/man/man1/awk.1.gz awk.1.gz /usr/share/man/man1/mawk.1.gz \
            --slave /usr/bin/nawk nawk /usr/bin/mawk
fi
)SH";

// openjdk's hand-written loop: variables, a for loop, slaves built in quoted assignments,
// a command substitution that must not be evaluated, and queries that are not installs.
constexpr const char* kOpenjdk = R"SH(#!/bin/sh
priority=1711
basedir=/usr/lib/jvm/java-17-openjdk-amd64
mandir=$basedir/man
srcext=1.gz
dstext=1.gz
jre_tools='java keytool'
case "$1" in
configure)
    if [ -z "$2" ]; then
	update_alternatives=y
    fi
    for i in $jre_tools; do
	if [ -z "$(update-alternatives --list $i 2>/dev/null | grep ^$basedir/)" ]; then
	    update_alternatives=y
	fi
    done
    if [ -n "$multiarch" ] && [ "$DPKG_MAINTSCRIPT_ARCH" != $(dpkg --print-architecture) ]; then
	priority=$(expr $priority - 1)
    fi
    for i in $jre_tools; do
	unset slave1 slave2 || true
        if [ -e $mandir/man1/$i.$srcext ]; then
	    slave1="--slave \
		/usr/share/man/man1/$i.$dstext \
                $i.$dstext \
                $mandir/man1/$i.$srcext"
	fi
        update-alternatives \
            --install \
            /usr/bin/$i \
            $i \
            $basedir/bin/$i \
            $priority \
	    $slave1 $slave2
    done
    update-alternatives --install /usr/bin/jexec jexec $basedir/lib/jexec $priority --slave \
	    /usr/share/binfmts/jar jexec-binfmt $basedir/lib/jar.binfmt
    update-alternatives --install /usr/bin/x x $(pwd)/x 1
esac
)SH";

TEST_CASE("debian alternatives: debhelper's snippet, master and slaves", "[debian]") {
  ParsedAlternatives parsed = ParseAlternatives(kMawk);
  REQUIRE(parsed.alternatives.size() == 1);
  const Alternative& awk = parsed.alternatives[0];
  CHECK(awk.master.link == "/usr/bin/awk");
  CHECK(awk.master.name == "awk");
  CHECK(awk.master.path == "/usr/bin/mawk");
  CHECK(awk.priority == 5);
  REQUIRE(awk.slaves.size() == 2);
  CHECK(awk.slaves[1].link == "/usr/bin/nawk");
  CHECK(awk.slaves[1].path == "/usr/bin/mawk");
  CHECK(parsed.skipped == 0);
}

TEST_CASE("debian alternatives: variables and for loops are expanded, substitutions skipped",
          "[debian]") {
  ParsedAlternatives parsed = ParseAlternatives(kOpenjdk);
  REQUIRE(parsed.alternatives.size() == 3);
  CHECK(parsed.alternatives[0].master.link == "/usr/bin/java");
  CHECK(parsed.alternatives[0].master.path == "/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
  CHECK(parsed.alternatives[0].priority == 1711);  // the $(expr ...) assignment is not taken
  REQUIRE(parsed.alternatives[0].slaves.size() == 1);
  CHECK(parsed.alternatives[0].slaves[0].link == "/usr/share/man/man1/java.1.gz");
  CHECK(parsed.alternatives[0].slaves[0].path ==
        "/usr/lib/jvm/java-17-openjdk-amd64/man/man1/java.1.gz");
  CHECK(parsed.alternatives[1].master.name == "keytool");
  CHECK(parsed.alternatives[2].master.path == "/usr/lib/jvm/java-17-openjdk-amd64/lib/jexec");
  CHECK(parsed.alternatives[2].slaves.size() == 1);
  CHECK(parsed.skipped == 1);  // the $(pwd) one
}

TEST_CASE("debian alternatives: the highest priority whose path exists wins", "[debian]") {
  testing::TempDir dir("debian-alternatives");
  Alternative low{{"/usr/bin/editor", "editor", "/usr/bin/nano"}, 40, {}};
  Alternative high{
      {"/usr/bin/editor", "editor", "/usr/bin/vim.basic"},
      50,
      {{"/usr/share/man/man1/editor.1.gz", "editor.1.gz", "/usr/share/man/man1/vim.1.gz"}}};
  Alternative missing{{"/usr/bin/editor", "editor", "/usr/bin/emacs"}, 90, {}};
  Alternative bin{{"/bin/ed", "ed", "/bin/ed.real"}, 1, {}};
  Alternative shadowed{{"/usr/bin/real", "real", "/usr/bin/nano"}, 1, {}};
  std::set<std::string> files = {"/usr/bin/nano", "/usr/bin/vim.basic", "/bin/ed.real",
                                 "/usr/bin/real"};
  auto exists = [&](const std::string& path) { return files.count(path) > 0; };
  llvm::Expected<std::vector<std::string>> chosen =
      WriteAlternatives(dir.path, {low, high, missing, bin, shadowed}, exists, exists);
  testing::RequireOk(chosen);
  CHECK(*chosen == std::vector<std::string>{"ed → /bin/ed.real", "editor → /usr/bin/vim.basic"});
  char target[256] = {};
  REQUIRE(::readlink((dir.path + "/usr/bin/editor").c_str(), target, sizeof target) > 0);
  CHECK(std::string(target) == "/etc/alternatives/editor");
  std::fill(std::begin(target), std::end(target), 0);
  REQUIRE(::readlink((dir.path + "/etc/alternatives/editor").c_str(), target, sizeof target) > 0);
  CHECK(std::string(target) == "/usr/bin/vim.basic");
  struct stat st;
  CHECK(::lstat((dir.path + "/usr/share/man/man1/editor.1.gz").c_str(), &st) !=
        0);                                                      // its path is missing
  CHECK(::lstat((dir.path + "/usr/bin/ed").c_str(), &st) == 0);  // /bin/ed at its merged-/usr place
  CHECK(::lstat((dir.path + "/usr/bin/real").c_str(), &st) != 0);  // a package's real file stays
  // The update-alternatives database, as dpkg writes it: every choice whose path exists (the
  // emacs one is dropped), sorted by path, each with a line per slave of the group.
  std::ifstream db(dir.path + "/var/lib/dpkg/alternatives/editor");
  std::string text((std::istreambuf_iterator<char>(db)), std::istreambuf_iterator<char>());
  CHECK(text ==
        "auto\n/usr/bin/editor\neditor.1.gz\n/usr/share/man/man1/editor.1.gz\n\n"
        "/usr/bin/nano\n40\n\n/usr/bin/vim.basic\n50\n/usr/share/man/man1/vim.1.gz\n\n");
  std::ifstream ed(dir.path + "/var/lib/dpkg/alternatives/ed");
  std::string ed_text((std::istreambuf_iterator<char>(ed)), std::istreambuf_iterator<char>());
  CHECK(ed_text == "auto\n/bin/ed\n\n/bin/ed.real\n1\n\n");  // the link as the script names it
  CHECK(::lstat((dir.path + "/var/lib/dpkg/alternatives/emacs").c_str(), &st) != 0);
}

TEST_CASE("debian alternatives database: the winner's master link, a path registered twice once",
          "[debian]") {
  Alternative a{{"/usr/bin/x", "x", "/opt/a"}, 5, {{"/usr/share/x.1", "x.1", "/opt/a.1"}}};
  Alternative b{{"/usr/bin/x-new", "x", "/opt/b"},
                9,
                {{"/usr/share/x-b.1", "x.1", "/opt/b.1"}, {"/l", "y", "/opt/y"}}};
  CHECK(AlternativesDbText(b.master.link, {&b, &a}) ==
        "auto\n/usr/bin/x-new\nx.1\n/usr/share/x-b.1\ny\n/l\n\n/opt/a\n5\n/opt/a.1\n\n/opt/b\n9\n/"
        "opt/b.1\n/opt/y\n\n");
  testing::TempDir dir("debian-alternatives-db");
  Alternative again = a;
  again.priority = 7;
  Alternative newline{{"/usr/bin/z", "z", "/opt/z\nevil"}, 1, {}};
  testing::RequireOk(WriteAlternativesDb(dir.path, {a, b, again, newline},
                                         [](const std::string&) { return true; }));
  std::ifstream db(dir.path + "/var/lib/dpkg/alternatives/x");
  std::string text((std::istreambuf_iterator<char>(db)), std::istreambuf_iterator<char>());
  CHECK(text ==
        "auto\n/usr/bin/x-new\nx.1\n/usr/share/x-b.1\ny\n/l\n\n/opt/a\n7\n/opt/a.1\n\n/opt/b\n9\n/"
        "opt/b.1\n/opt/y\n\n");
  struct stat st;
  CHECK(::lstat((dir.path + "/var/lib/dpkg/alternatives/z").c_str(), &st) != 0);
}

TEST_CASE("debian merged /usr: data.tar paths as dpkg writes them through the links", "[debian]") {
  CHECK(MergedUsrPath("./bin/sh") == "./usr/bin/sh");
  CHECK(MergedUsrPath("./lib64/ld-linux-x86-64.so.2") == "./usr/lib64/ld-linux-x86-64.so.2");
  CHECK(MergedUsrPath("/sbin/ldconfig") == "/usr/sbin/ldconfig");
  CHECK(MergedUsrPath("lib/x86_64-linux-gnu/") == "usr/lib/x86_64-linux-gnu/");
  CHECK(MergedUsrPath("./usr/bin/python3") == "./usr/bin/python3");
  CHECK(MergedUsrPath("./binaries/x") == "./binaries/x");
  CHECK(MergedUsrPath("./etc/bin/x") == "./etc/bin/x");
  CHECK(IsUsrMergedDir("./bin/"));
  CHECK(IsUsrMergedDir("./lib64"));
  CHECK_FALSE(IsUsrMergedDir("./bin/sh"));
}

}  // namespace
}  // namespace strata::debian
