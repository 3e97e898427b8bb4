// [runc] tests of RuncRunner: output, exit codes, the upper-dir diff, users, env and cleanup.
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <iostream>

#include "tests/unit/exec_runc_fixture.h"

using namespace strata::exec;
using strata::exec::testing::RuncFixture;

namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool DirEmpty(const std::string& path) {
  auto* dir = ::opendir(path.c_str());
  if (!dir) return true;
  int entries = 0;
  while (auto* e = ::readdir(dir))
    if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") ++entries;
  ::closedir(dir);
  return entries == 0;
}

}  // namespace

TEST_CASE("runc: echo hello prints, exits 0, streams lines and captures output", "[runc]") {
  RuncFixture f;
  auto spec = f.Spec({"echo", "hello"});
  std::vector<std::string> streamed;
  spec.on_line = [&](llvm::StringRef line) { streamed.push_back(line.str()); };
  spec.output_path = f.root + "/out.log";
  auto r = f.Run(spec);
  CHECK(r.exit_code == 0);
  CHECK(r.Succeeded());
  CHECK(r.last_lines == std::vector<std::string>{"hello"});
  CHECK(streamed == std::vector<std::string>{"hello"});
  CHECK(ReadAll(spec.output_path) == "hello\n");
  CHECK(r.seconds > 0);
}

TEST_CASE("runc: a failing step reports its status and the last 20 lines", "[runc]") {
  RuncFixture f;
  auto r = f.Run(f.Shell("seq 1 30; exit 3"));
  CHECK(r.exit_code == 3);
  CHECK(!r.Succeeded());
  REQUIRE(r.last_lines.size() == 20);
  CHECK(r.last_lines.front() == "11");
  CHECK(r.last_lines.back() == "30");
  // stderr is in the same stream (runc copies it through its own pipe, so its order
  // relative to stdout is approximate).
  auto err = f.Run(f.Shell("echo oops >&2; exit 1"));
  CHECK(err.exit_code == 1);
  CHECK(err.last_lines == std::vector<std::string>{"oops"});
}

TEST_CASE("runc: a missing command fails the step, not the sandbox", "[runc]") {
  RuncFixture f;
  auto r = f.Run(f.Spec({"/no/such/program"}));
  CHECK(r.exit_code != 0);
  CHECK_THAT(RuncFixture::Output(r), Catch::Contains("no/such/program"));
}

TEST_CASE("runc: written files land in the upper dir only, with no mount placeholders", "[runc]") {
  RuncFixture f;
  auto spec = f.Shell("echo data > /newfile && mkdir -p /opt/app && echo x > /opt/app/y");
  auto r = f.Run(spec);
  REQUIRE(r.exit_code == 0);
  CHECK(ReadAll(spec.upper_dir + "/newfile") == "data\n");
  CHECK(Exists(spec.upper_dir + "/opt/app/y"));
  CHECK(!Exists(f.layer + "/newfile"));
  CHECK(!Exists(f.layer + "/opt"));
  // runc created /etc/hosts as a mount point (copying /etc up): neither is output.
  CHECK(!Exists(spec.upper_dir + "/etc"));
  for (const char* mountpoint : {"/proc", "/dev", "/sys"})
    CHECK(!Exists(spec.upper_dir + mountpoint));
}

TEST_CASE("runc: deletions become overlayfs whiteouts and opaque dirs", "[runc]") {
  RuncFixture f;
  REQUIRE(::mkdir((f.layer + "/data").c_str(), 0755) == 0);
  std::ofstream(f.layer + "/data/old") << "old\n";
  auto spec = f.Shell("rm /etc/motd && rm -rf /data && mkdir /data && touch /data/new");
  auto r = f.Run(spec);
  REQUIRE(r.exit_code == 0);
  struct stat st;
  REQUIRE(::lstat((spec.upper_dir + "/etc/motd").c_str(), &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  CHECK(st.st_rdev == makedev(0, 0));
  CHECK(Exists(f.layer + "/etc/motd"));  // the lower layer is untouched
  char value[8] = {};
  ssize_t n = ::lgetxattr((spec.upper_dir + "/data").c_str(), "trusted.overlay.opaque", value,
                          sizeof(value));
  CHECK(n == 1);
  CHECK(value[0] == 'y');
  CHECK(Exists(spec.upper_dir + "/data/new"));
  CHECK(!Exists(spec.upper_dir + "/data/old"));
}

TEST_CASE("runc: the step runs as the named user with no capabilities", "[runc]") {
  RuncFixture f;
  auto spec = f.Shell("id -u; id -g; id -G; echo $HOME; grep CapEff /proc/self/status");
  spec.user = "builder";
  auto r = f.Run(spec);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.last_lines.size() == 5);
  CHECK(r.last_lines[0] == "1000");
  CHECK(r.last_lines[1] == "1000");
  CHECK(r.last_lines[2] == "1000 50");
  CHECK(r.last_lines[3] == "/home/builder");
  CHECK_THAT(r.last_lines[4], Catch::EndsWith("0000000000000000"));

  auto numeric = f.Shell("id -u; id -g");
  numeric.user = "1234:55";
  auto rn = f.Run(numeric);
  CHECK(rn.last_lines == std::vector<std::string>{"1234", "55"});
}

TEST_CASE("runc: an unknown user name is a sandbox error that leaves nothing mounted", "[runc]") {
  RuncFixture f;
  auto spec = f.Spec({"true"});
  spec.user = "ghost";
  auto r = f.runner.Run(spec);
  REQUIRE(!r);
  CHECK_THAT(llvm::toString(r.takeError()), Catch::Contains("unable to find user 'ghost'"));
  CHECK(DirEmpty(f.bundles));
  CHECK(!RuncFixture::MountsMention(f.root));
}

TEST_CASE("runc: env, cwd and hostname apply; missing cwd is created", "[runc]") {
  RuncFixture f;
  auto spec = f.Shell("echo $FOO; pwd; hostname; echo $PATH");
  spec.env = {"FOO=bar baz"};
  spec.cwd = "/work/dir";
  auto r = f.Run(spec);
  REQUIRE(r.exit_code == 0);
  CHECK(r.last_lines ==
        std::vector<std::string>{"bar baz", "/work/dir", "strata",
                                 "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"});
  CHECK(Exists(spec.upper_dir + "/work/dir"));
}

TEST_CASE("runc: host files are invisible inside", "[runc]") {
  RuncFixture f;
  std::string marker = "/tmp/strata-host-marker-" + std::to_string(::getpid());
  std::ofstream(marker) << "host\n";
  auto r =
      f.Run(f.Shell("if test -e " + marker + "; then echo visible; else echo hidden; fi; ls /"));
  ::unlink(marker.c_str());
  REQUIRE(r.exit_code == 0);
  CHECK(r.last_lines.front() == "hidden");
  CHECK_THAT(RuncFixture::Output(r), !Catch::Contains("work"));  // the host has /work
}

TEST_CASE("runc: the network namespace has only loopback, up, and no routes", "[runc]") {
  RuncFixture f;
  auto dev = f.Run(f.Spec({"cat", "/proc/net/dev"}));
  REQUIRE(dev.exit_code == 0);
  std::vector<std::string> interfaces;
  for (const auto& line : dev.last_lines)
    if (line.find('|') == std::string::npos)  // skip the two header lines
      interfaces.push_back(llvm::StringRef(line).split(':').first.trim().str());
  CHECK(interfaces == std::vector<std::string>{"lo"});

  auto route = f.Run(f.Spec({"cat", "/proc/net/route"}));
  REQUIRE(route.exit_code == 0);
  CHECK(route.last_lines.size() == 1);  // the header only

  auto link = f.Run(f.Spec({"ip", "-o", "link"}));
  REQUIRE(link.last_lines.size() == 1);
  CHECK_THAT(link.last_lines[0], Catch::Contains("lo:") && Catch::Contains("UP"));
}

TEST_CASE("runc: a timeout kills the step", "[runc]") {
  RuncFixture f;
  auto spec = f.Shell("echo started; sleep 30");
  spec.timeout = std::chrono::milliseconds(500);
  auto start = std::chrono::steady_clock::now();
  auto r = f.Run(spec);
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(r.timed_out);
  CHECK(!r.Succeeded());
  CHECK(r.last_lines == std::vector<std::string>{"started"});
  CHECK(took < std::chrono::seconds(10));
  CHECK(DirEmpty(f.bundles));
}

TEST_CASE("runc: overlay and bundle are gone after runs", "[runc]") {
  RuncFixture f;
  for (int i = 0; i < 3; ++i) CHECK(f.Run(f.Spec({"true"})).exit_code == 0);
  CHECK(f.Run(f.Spec({"false"})).exit_code == 1);
  CHECK(DirEmpty(f.bundles));
  CHECK(!RuncFixture::MountsMention(f.root));
}

TEST_CASE("runc: sandbox errors are clear", "[runc]") {
  RuncFixture f;
  auto no_argv = f.Spec({});
  auto r = f.runner.Run(no_argv);
  REQUIRE(!r);
  CHECK_THAT(llvm::toString(r.takeError()), Catch::Contains("argv is empty"));
  RuncRunner bad(RuncOptions{"/nonexistent/runc", f.root + "/state", f.bundles});
  auto r2 = bad.Run(f.Spec({"true"}));
  REQUIRE(!r2);
  CHECK_THAT(llvm::toString(r2.takeError()), Catch::Contains("runc not found"));
}

// Not run by default: `strata_unit_tests '[.bench]'` prints the cost of one `true` step.
TEST_CASE("runc: time per true step", "[.bench][runc]") {
  RuncFixture f;
  constexpr int kRuns = 20;
  f.Run(f.Spec({"true"}));  // warm the page cache
  double total = 0;
  for (int i = 0; i < kRuns; ++i) {
    auto r = f.Run(f.Spec({"true"}));
    REQUIRE(r.exit_code == 0);
    total += r.seconds;
  }
  std::cout << "RuncRunner: " << (total / kRuns) * 1000 << " ms per `true` step (mount + runc "
            << "run + unmount), average of " << kRuns << "\n";
  CHECK(total > 0);
}
