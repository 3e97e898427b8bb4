// The fixture shared by the [runc] sandbox tests (see exec_runc_fixture_test.cpp).
#pragma once

#include <string>
#include <vector>

#include "runtime/exec/runc_runner.h"

namespace strata::exec::testing {

// FAILs (never skips) with a clear message when root, runc or busybox-static is missing.
void RequireRootAndRunc();

struct RuncFixture {
  RuncFixture();
  ~RuncFixture();

  // A spec over the busybox layer with a fresh upper and work dir.
  RunSpec Spec(std::vector<std::string> argv);
  RunSpec Shell(const std::string& script);
  // Runs and FAILs on a sandbox error.
  RunResult Run(const RunSpec& spec);
  static std::string Output(const RunResult& r);
  static bool MountsMention(const std::string& text);

  std::string root;     // everything below is removed at the end
  std::string layer;    // the busybox layer
  std::string bundles;  // bundle parent: must be empty after every Run
  RuncRunner runner;

 private:
  int next_ = 0;
};

}  // namespace strata::exec::testing
