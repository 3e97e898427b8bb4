// Shared fixture for the [runc] sandbox tests: a busybox layer and a RuncRunner in a temp dir.
#include "tests/unit/exec_runc_fixture.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "runtime/exec/busybox_layer.h"
#include "runtime/exec/scratch_dir.h"

namespace strata::exec::testing {

void RequireRootAndRunc() {
  INFO("the [runc] tests need root (overlayfs mounts, runc); run them as root");
  REQUIRE(::geteuid() == 0);
  auto runc = RuncRunner::FindRunc("");
  INFO("the [runc] tests need runc: apt-get install -y runc busybox-static");
  REQUIRE(bool(runc));
  INFO("the [runc] tests need a static busybox at /bin/busybox: apt-get install -y busybox-static");
  REQUIRE(::access("/bin/busybox", X_OK) == 0);
}

static std::string MakeRoot() {
  char templ[] = "/tmp/strata-exec-test-XXXXXX";
  REQUIRE(::mkdtemp(templ) != nullptr);
  return templ;
}

RuncFixture::RuncFixture()
    : root(MakeRoot()),
      layer(root + "/layer"),
      bundles(root + "/bundles"),
      runner(RuncOptions{"", root + "/state", root + "/bundles"}) {
  RequireRootAndRunc();
  auto err = WriteBusyboxLayer(layer);
  INFO((err ? llvm::toString(std::move(err)) : std::string()));
  REQUIRE(::access((layer + "/bin/sh").c_str(), X_OK) == 0);
}

RuncFixture::~RuncFixture() { llvm::consumeError(RemoveTree(root)); }

RunSpec RuncFixture::Spec(std::vector<std::string> argv) {
  RunSpec spec;
  int n = next_++;
  spec.lower_dirs = {layer};
  spec.upper_dir = root + "/upper" + std::to_string(n);
  spec.work_dir = root + "/work" + std::to_string(n);
  spec.argv = std::move(argv);
  return spec;
}

RunSpec RuncFixture::Shell(const std::string& script) { return Spec({"sh", "-c", script}); }

RunResult RuncFixture::Run(const RunSpec& spec) {
  auto result = runner.Run(spec);
  if (!result) FAIL("Run failed: " << llvm::toString(result.takeError()));
  return *result;
}

std::string RuncFixture::Output(const RunResult& r) {
  std::string out;
  for (const auto& line : r.last_lines) out += line + "\n";
  return out;
}

bool RuncFixture::MountsMention(const std::string& text) {
  std::ifstream mounts("/proc/mounts");
  std::stringstream all;
  all << mounts.rdbuf();
  return all.str().find(text) != std::string::npos;
}

}  // namespace strata::exec::testing
