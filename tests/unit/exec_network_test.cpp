// Tests for steps with network access: the sandbox config keeps the host's network namespace,
// and the executor accepts such a step only when its output matches the declared checksum.
#include <catch2/catch.hpp>
#include <fstream>

#include "compiler/graph/ops.h"
#include "runtime/exec/fake_sandbox_runner.h"
#include "runtime/exec/oci_config.h"
#include "runtime/schedule/executor.h"
#include "tests/unit/test_support.h"

using namespace strata;

namespace {

std::vector<std::string> Namespaces(const nlohmann::json& config) {
  std::vector<std::string> types;
  for (const auto& ns : config["linux"]["namespaces"]) types.push_back(ns["type"]);
  return types;
}

struct Fixture : testing::TempStore {
  Fixture() : TempStore("network") {}
  graph::Graph graph;
};

// A step that "downloads" a fixed file: what a network step with a pinned result does.
llvm::Expected<exec::RunResult> WriteFixedFile(const exec::RunSpec& spec) {
  std::ofstream(spec.upper_dir + "/downloaded.txt") << "fixed contents\n";
  exec::RunResult result;
  result.exit_code = 0;
  return result;
}

llvm::Expected<exec::RunResult> WriteNothing(const exec::RunSpec&) {
  exec::RunResult result;
  result.exit_code = 0;
  return result;
}

// The diff_id the fixed file's layer has, from a build of the same step without network.
std::string FixedFileDiffId() {
  Fixture f;
  const graph::Node* step = graph::MakeExecShell(f.graph, graph::MakeScratch(f.graph), "fetch", {});
  exec::FakeSandboxRunner runner(WriteFixedFile);
  schedule::Executor executor(*f.store, runner, {});
  auto output = executor.Build(step);
  REQUIRE(bool(output));
  REQUIRE(output->image.layers.size() == 1);
  return output->image.layers[0].diff_id;
}

}  // namespace

TEST_CASE("exec network: config.json has no network namespace only with host_network",
          "[exec][network]") {
  exec::OciProcess process;
  process.argv = {"/bin/true"};
  std::vector<std::string> isolated = Namespaces(exec::BuildOciConfig(process, {}));
  CHECK(std::find(isolated.begin(), isolated.end(), "network") != isolated.end());
  process.host_network = true;
  std::vector<std::string> shared = Namespaces(exec::BuildOciConfig(process, {}));
  CHECK(std::find(shared.begin(), shared.end(), "network") == shared.end());
  CHECK(shared.size() + 1 == isolated.size());
  for (const char* kept : {"pid", "ipc", "uts", "mount"})
    CHECK(std::find(shared.begin(), shared.end(), kept) != shared.end());
}

TEST_CASE("exec network: the right checksum passes, the step gets the network", "[exec][network]") {
  std::string diff_id = FixedFileDiffId();
  REQUIRE(diff_id.rfind("sha256:", 0) == 0);
  for (std::string declared : {diff_id, diff_id.substr(7)}) {  // With or without "sha256:".
    Fixture f;
    graph::ExecOptions options;
    options.network = true;
    options.output_sha256 = declared;
    const graph::Node* step =
        graph::MakeExecShell(f.graph, graph::MakeScratch(f.graph), "fetch", options);
    exec::FakeSandboxRunner runner(WriteFixedFile);
    schedule::Executor executor(*f.store, runner, {});
    auto output = executor.Build(step);
    REQUIRE(bool(output));
    REQUIRE(runner.Calls().size() == 1);
    CHECK(runner.Calls()[0].network);
    REQUIRE(output->image.layers.size() == 1);
    CHECK(output->image.layers[0].diff_id == diff_id);
  }
}

TEST_CASE("exec network: a wrong checksum fails with both digests and records nothing",
          "[exec][network]") {
  std::string diff_id = FixedFileDiffId();
  std::string wrong = "sha256:" + std::string(64, 'a');
  Fixture f;
  graph::ExecOptions options;
  options.network = true;
  options.output_sha256 = wrong;
  const graph::Node* step =
      graph::MakeExecShell(f.graph, graph::MakeScratch(f.graph), "fetch", options);
  exec::FakeSandboxRunner runner(WriteFixedFile);
  schedule::Executor executor(*f.store, runner, {});
  auto output = executor.Build(step);
  REQUIRE_FALSE(bool(output));
  std::string message = llvm::toString(output.takeError());
  CHECK_THAT(message, Catch::Contains("output checksum mismatch"));
  CHECK_THAT(message, Catch::Contains("declared " + wrong));
  CHECK_THAT(message, Catch::Contains("got " + diff_id));
  // No record: the next build runs the step again (and fails again).
  auto again = executor.Build(step);
  REQUIRE_FALSE(bool(again));
  llvm::consumeError(again.takeError());
  CHECK(runner.Calls().size() == 2);
}

TEST_CASE("exec network: a checksum step that changes nothing fails", "[exec][network]") {
  Fixture f;
  graph::ExecOptions options;
  options.output_sha256 = "sha256:" + std::string(64, 'b');
  const graph::Node* step =
      graph::MakeExecShell(f.graph, graph::MakeScratch(f.graph), "noop", options);
  exec::FakeSandboxRunner runner(WriteNothing);
  schedule::Executor executor(*f.store, runner, {});
  auto output = executor.Build(step);
  REQUIRE_FALSE(bool(output));
  CHECK_THAT(llvm::toString(output.takeError()), Catch::Contains("changed no files"));
}

TEST_CASE("exec network: network without a checksum or with a malformed one never runs",
          "[exec][network]") {
  for (std::string declared : {std::string(), std::string("sha256:xyz"), std::string(63, 'a')}) {
    Fixture f;
    graph::ExecOptions options;
    options.network = true;
    options.output_sha256 = declared;
    const graph::Node* step =
        graph::MakeExecShell(f.graph, graph::MakeScratch(f.graph), "fetch", options);
    exec::FakeSandboxRunner runner(WriteFixedFile);
    schedule::Executor executor(*f.store, runner, {});
    auto output = executor.Build(step);
    REQUIRE_FALSE(bool(output));
    std::string message = llvm::toString(output.takeError());
    CHECK_THAT(message, declared.empty() ? Catch::Contains("needs a declared output checksum")
                                         : Catch::Contains("must be 64 hex digits"));
    CHECK(runner.Calls().empty());
  }
}
