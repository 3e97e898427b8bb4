// [runc] tests of RuncRunner's mounts (bind, tmpfs, cache, secret), scratch, many layers and
// parallel runs.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <thread>

#include "runtime/exec/scratch_dir.h"
#include "tests/unit/exec_runc_fixture.h"

using namespace strata::exec;
using strata::exec::testing::RuncFixture;

namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

// grep -r: whether any regular file under `dir` contains `needle`.
bool TreeContains(const std::string& dir, const std::string& needle) {
  bool found = false;
  std::function<void(const std::string&)> walk = [&](const std::string& path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return;
    if (S_ISREG(st.st_mode)) {
      std::ifstream in(path);
      std::string text((std::istreambuf_iterator<char>(in)), {});
      if (text.find(needle) != std::string::npos) found = true;
    } else if (S_ISDIR(st.st_mode)) {
      if (auto* d = ::opendir(path.c_str())) {
        while (auto* e = ::readdir(d)) {
          std::string name = e->d_name;
          if (name != "." && name != "..") walk(path + "/" + name);
        }
        ::closedir(d);
      }
    }
  };
  walk(dir);
  return found;
}

}  // namespace

TEST_CASE("runc: read-only bind mounts are visible and not writable", "[runc]") {
  RuncFixture f;
  REQUIRE(!MakeDirs(f.root + "/src"));
  std::ofstream(f.root + "/src/main.c") << "int main;\n";
  auto spec =
      f.Shell("cat /src/main.c; touch /src/new 2>/dev/null && echo writable || echo readonly");
  spec.bind_mounts = {{f.root + "/src", "/src"}};
  auto r = f.Run(spec);
  REQUIRE(r.exit_code == 0);
  CHECK(r.last_lines.front() == "int main;");
  CHECK(r.last_lines.back() == "readonly");
  CHECK(!Exists(f.root + "/src/new"));
  CHECK(!Exists(spec.upper_dir + "/src"));  // the mount point placeholder is gone
}

TEST_CASE("runc: tmpfs mounts are writable and leave nothing in the upper dir", "[runc]") {
  RuncFixture f;
  auto spec = f.Shell("echo x > /scratch/file && cat /scratch/file");
  spec.tmpfs_mounts = {{"/scratch", 1 << 20}};
  auto r = f.Run(spec);
  REQUIRE(r.exit_code == 0);
  CHECK(r.last_lines == std::vector<std::string>{"x"});
  CHECK(!Exists(spec.upper_dir + "/scratch"));
}

TEST_CASE("runc: a cache mount persists between runs and is not output", "[runc]") {
  RuncFixture f;
  std::string cache = f.root + "/cache";
  auto first = f.Shell("echo run >> /var/cache/pkg/count");
  first.cache_mounts = {{cache, "/var/cache/pkg"}};
  REQUIRE(f.Run(first).exit_code == 0);
  auto second = f.Shell("echo run >> /var/cache/pkg/count; wc -l < /var/cache/pkg/count");
  second.cache_mounts = {{cache, "/var/cache/pkg"}};
  auto r = f.Run(second);
  CHECK(r.last_lines == std::vector<std::string>{"2"});
  std::ifstream count(cache + "/count");
  std::string text((std::istreambuf_iterator<char>(count)), {});
  CHECK(text == "run\nrun\n");
  CHECK(!Exists(second.upper_dir + "/var"));
  CHECK(!Exists(first.upper_dir + "/var"));
}

TEST_CASE("runc: a secret is readable inside and never reaches the upper dir", "[runc]") {
  RuncFixture f;
  std::string secret = f.root + "/token";
  std::ofstream(secret) << "s3cr3t-value\n";
  auto spec = f.Shell(
      "cat /run/secrets/token; stat -c '%a %u' /run/secrets/token; "
      "(echo hi > /run/secrets/token) 2>/dev/null || echo cannot-write");
  spec.user = "builder";
  SecretMount token;
  token.source = secret;
  token.target = "/run/secrets/token";
  spec.secret_mounts = {token};
  auto r = f.Run(spec);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.last_lines.size() == 3);
  CHECK(r.last_lines[0] == "s3cr3t-value");
  CHECK(r.last_lines[1] == "400 1000");
  CHECK(r.last_lines[2] == "cannot-write");
  CHECK(!Exists(spec.upper_dir + "/run"));
  CHECK(!TreeContains(spec.upper_dir, "s3cr3t"));
  CHECK(!TreeContains(f.bundles, "s3cr3t"));
  CHECK(!RuncFixture::MountsMention(f.root));  // the secrets tmpfs is unmounted too
}

TEST_CASE("runc: a secret whose target dir exists leaves no copied-up parent", "[runc]") {
  RuncFixture f;
  std::string secret = f.root + "/token";
  std::ofstream(secret) << "abc";
  auto spec = f.Spec({"cat", "/root/.netrc"});
  spec.secret_mounts = {{secret, "/root/.netrc", 0, 0, 0400}};
  auto r = f.Run(spec);
  CHECK(r.last_lines == std::vector<std::string>{"abc"});
  CHECK(!Exists(spec.upper_dir + "/root"));
}

TEST_CASE("runc: scratch steps (no lower layers) run a bind-mounted static binary", "[runc]") {
  RuncFixture f;
  auto spec = f.Spec({"/busybox", "sh", "-c", "/busybox echo hi > /out; /busybox cat /out"});
  spec.lower_dirs.clear();
  spec.bind_mounts = {{"/bin/busybox", "/busybox"}};
  auto r = f.Run(spec);
  REQUIRE(r.exit_code == 0);
  CHECK(r.last_lines == std::vector<std::string>{"hi"});
  CHECK(Exists(spec.upper_dir + "/out"));
  // Every mount point runc had to create (/proc, /dev, /sys, /etc/hosts, /busybox) is gone.
  for (const char* mountpoint : {"/busybox", "/proc", "/dev", "/sys", "/etc"})
    CHECK(!Exists(spec.upper_dir + mountpoint));
}

TEST_CASE("runc: more lower layers than fit in one page of mount options", "[runc]") {
  RuncFixture f;
  auto spec = f.Shell("cat /layer-0 /layer-149; ls /bin/sh");
  std::string dir = f.root + "/layers-with-a-deliberately-long-directory-name-for-the-limit";
  for (int i = 0; i < 150; ++i) {
    std::string layer = dir + "/layer-number-" + std::to_string(i);
    REQUIRE(!MakeDirs(layer));
    std::ofstream(layer + "/layer-" + std::to_string(i)) << "layer " << i << "\n";
    spec.lower_dirs.push_back(layer);
  }
  auto r = f.Run(spec);
  REQUIRE(r.exit_code == 0);
  CHECK(r.last_lines == std::vector<std::string>{"layer 0", "layer 149", "/bin/sh"});
  CHECK(!RuncFixture::MountsMention(f.root));
}

TEST_CASE("runc: the top layer wins over lower ones; odd path characters work", "[runc]") {
  RuncFixture f;
  std::string top = f.root + "/top,with:odd\\chars";
  REQUIRE(!MakeDirs(top + "/etc"));
  std::ofstream(top + "/etc/motd") << "from top\n";
  auto spec = f.Spec({"cat", "/etc/motd"});
  spec.lower_dirs.push_back(top);
  CHECK(f.Run(spec).last_lines == std::vector<std::string>{"from top"});
}

TEST_CASE("runc: two steps in parallel both succeed", "[runc]") {
  RuncFixture f;
  auto a = f.Shell("echo A > /who; sleep 0.2; cat /who");
  auto b = f.Shell("echo B > /who; sleep 0.2; cat /who");
  llvm::Expected<RunResult> ra =
      llvm::make_error<llvm::StringError>("not run", llvm::inconvertibleErrorCode());
  llvm::Expected<RunResult> rb =
      llvm::make_error<llvm::StringError>("not run", llvm::inconvertibleErrorCode());
  llvm::consumeError(ra.takeError());
  llvm::consumeError(rb.takeError());
  std::thread ta([&] { ra = f.runner.Run(a); });
  std::thread tb([&] { rb = f.runner.Run(b); });
  ta.join();
  tb.join();
  if (!ra) FAIL(llvm::toString(ra.takeError()));
  if (!rb) FAIL(llvm::toString(rb.takeError()));
  CHECK(ra->last_lines == std::vector<std::string>{"A"});
  CHECK(rb->last_lines == std::vector<std::string>{"B"});
  CHECK(!RuncFixture::MountsMention(f.root));
}
