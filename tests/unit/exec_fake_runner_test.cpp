// Tests for FakeSandboxRunner, the root-free SandboxRunner other components test against.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "runtime/exec/fake_sandbox_runner.h"
#include "runtime/exec/scratch_dir.h"

using namespace strata::exec;

TEST_CASE("exec: the fake runner records specs and plays scripted results", "[exec][fake]") {
  char templ[] = "/tmp/strata-exec-fake-XXXXXX";
  REQUIRE(::mkdtemp(templ) != nullptr);
  std::string root = templ;
  FakeSandboxRunner fake([&](const RunSpec& spec) -> llvm::Expected<RunResult> {
    std::ofstream(spec.upper_dir + "/built") << "x";
    RunResult r;
    r.exit_code = spec.argv[0] == "fail" ? 2 : 0;
    r.last_lines = {"line one", "line two"};
    return r;
  });
  RunSpec spec;
  spec.argv = {"make"};
  spec.upper_dir = root + "/upper";
  spec.output_path = root + "/out.log";
  std::vector<std::string> streamed;
  spec.on_line = [&](llvm::StringRef line) { streamed.push_back(line.str()); };
  auto ok = fake.Run(spec);
  REQUIRE(bool(ok));
  CHECK(ok->Succeeded());
  CHECK(streamed == std::vector<std::string>{"line one", "line two"});
  struct stat st;
  CHECK(::stat((spec.upper_dir + "/built").c_str(), &st) == 0);
  std::ifstream log(spec.output_path);
  std::string text((std::istreambuf_iterator<char>(log)), {});
  CHECK(text == "line one\nline two\n");

  spec.argv = {"fail"};
  auto failed = fake.Run(spec);
  REQUIRE(bool(failed));
  CHECK(failed->exit_code == 2);
  CHECK(fake.Calls().size() == 2);
  CHECK(fake.Calls()[1].argv == std::vector<std::string>{"fail"});

  spec.argv.clear();
  auto empty = fake.Run(spec);
  REQUIRE(!empty);
  llvm::consumeError(empty.takeError());
  llvm::consumeError(RemoveTree(root));
}
