// Tests for the executor's scheduling with FakeSandboxRunner: only needed nodes run,
// independent nodes run in parallel, records make cache hits, a failure stops dependents.
#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>

#include "compiler/graph/ops.h"
#include "runtime/exec/fake_sandbox_runner.h"
#include "runtime/schedule/executor.h"
#include "runtime/schedule/op_context.h"
#include "tests/unit/test_support.h"

using namespace strata;

namespace {

struct Fixture : testing::TempStore {
  Fixture() : TempStore("schedule") {}
  graph::Graph graph;

  const graph::Node* Run(const graph::Node* stage, const std::string& command) {
    return graph::MakeExecShell(graph, stage, command, {});
  }
};

// The shell command of a recorded spec ("/bin/sh -c CMD").
std::string Command(const exec::RunSpec& spec) { return spec.argv.back(); }

exec::RunResult Ok() {
  exec::RunResult result;
  result.exit_code = 0;
  return result;
}

// Writes a file named after the command into the step's upper dir, so every step adds a layer.
llvm::Expected<exec::RunResult> WriteMarker(const exec::RunSpec& spec) {
  std::ofstream(spec.upper_dir + "/" + Command(spec)) << Command(spec);
  return Ok();
}

std::set<std::string> Commands(const exec::FakeSandboxRunner& runner) {
  std::set<std::string> commands;
  for (const exec::RunSpec& spec : runner.Calls()) commands.insert(Command(spec));
  return commands;
}

}  // namespace

TEST_CASE("schedule: only the nodes the target needs run", "[schedule]") {
  Fixture f;
  const graph::Node* base = graph::MakeScratch(f.graph);
  const graph::Node* a = f.Run(f.Run(base, "a1"), "a2");
  f.Run(base, "unused");
  exec::FakeSandboxRunner runner(WriteMarker);
  schedule::RecordingProgress progress;
  schedule::Executor executor(*f.store, runner, {}, &progress);
  auto output = executor.Build(a);
  REQUIRE(bool(output));
  CHECK(Commands(runner) == std::set<std::string>{"a1", "a2"});
  CHECK(output->image.layers.size() == 2);
  CHECK(output->image.history.back().created_by == "RUN a2");
  // a2 ran on top of a1's layer.
  REQUIRE(runner.Calls().size() == 2);
  CHECK(runner.Calls()[1].lower_dirs.size() == 1);
  CHECK(progress.Count(schedule::ProgressEvent::Type::kDone) == 3);  // scratch, a1, a2
}

TEST_CASE("schedule: independent nodes run in parallel", "[schedule]") {
  Fixture f;
  const graph::Node* base = graph::MakeScratch(f.graph);
  const graph::Node* left = f.Run(base, "left");
  const graph::Node* right = f.Run(base, "right");
  const graph::Node* target =
      graph::MakeCopy(f.graph, right, graph::MakeSelect(f.graph, left, "/left"), "/", {});

  std::mutex mu;
  std::condition_variable cv;
  int running = 0, most = 0;
  exec::FakeSandboxRunner runner([&](const exec::RunSpec& spec) -> llvm::Expected<exec::RunResult> {
    std::unique_lock<std::mutex> lock(mu);
    most = std::max(most, ++running);
    cv.notify_all();
    // Wait (bounded) for the other step: with parallelism both are in here at once.
    cv.wait_for(lock, std::chrono::seconds(5), [&] { return most >= 2; });
    --running;
    lock.unlock();
    return WriteMarker(spec);
  });
  schedule::ExecutorOptions options;
  options.jobs = 2;
  schedule::Executor executor(*f.store, runner, options);
  auto output = executor.Build(target);
  REQUIRE(bool(output));
  CHECK(most == 2);
  CHECK(Commands(runner) == std::set<std::string>{"left", "right"});
  CHECK(output->image.layers.size() == 2);
}

TEST_CASE("schedule: records make a second build a cache hit", "[schedule]") {
  Fixture f;
  const graph::Node* target = f.Run(f.Run(graph::MakeScratch(f.graph), "one"), "two");
  {
    exec::FakeSandboxRunner runner(WriteMarker);
    schedule::Executor executor(*f.store, runner, {});
    REQUIRE(bool(executor.Build(target)));
    CHECK(executor.stats().executed == 3);
  }
  auto record = f.store->GetNodeRecord(schedule::RecordKeys(oci::LayerOptions{}).Of(*target));
  REQUIRE(bool(record));
  REQUIRE(record->has_value());
  CHECK((**record)["kind"] == "stage");
  CHECK((**record)["inputs"].size() == 1);

  exec::FakeSandboxRunner runner(WriteMarker);
  schedule::RecordingProgress progress;
  schedule::Executor executor(*f.store, runner, {}, &progress);
  auto output = executor.Build(target);
  REQUIRE(bool(output));
  CHECK(runner.Calls().empty());
  CHECK(executor.stats().executed == 0);
  CHECK(progress.Count(schedule::ProgressEvent::Type::kCached) == 1);  // the target only
  CHECK(progress.Count(schedule::ProgressEvent::Type::kStart) == 0);
  CHECK(output->image.layers.size() == 2);

  schedule::ExecutorOptions no_cache;
  no_cache.no_cache = true;
  exec::FakeSandboxRunner again(WriteMarker);
  schedule::Executor rebuild(*f.store, again, no_cache);
  auto rebuilt = rebuild.Build(target);
  REQUIRE(bool(rebuilt));
  CHECK(again.Calls().size() == 2);
  CHECK(rebuilt->image.layers[1].digest == output->image.layers[1].digest);  // reproducible
}

TEST_CASE("schedule: a failing step stops its dependents and is not recorded", "[schedule]") {
  Fixture f;
  const graph::Node* failing = f.Run(graph::MakeScratch(f.graph), "broken");
  const graph::Node* after = f.Run(failing, "after");
  exec::FakeSandboxRunner runner([](const exec::RunSpec& spec) -> llvm::Expected<exec::RunResult> {
    exec::RunResult result;
    result.exit_code = spec.argv.back() == "broken" ? 3 : 0;
    result.last_lines = {"compiling", "error: it broke"};
    return result;
  });
  schedule::Executor executor(*f.store, runner, {});
  auto output = executor.Build(after);
  REQUIRE_FALSE(bool(output));
  std::string message = llvm::toString(output.takeError());
  CHECK_THAT(message, Catch::Contains(failing->key().Hex()));
  CHECK_THAT(message, Catch::Contains("exit status 3"));
  CHECK_THAT(message, Catch::Contains("broken"));
  CHECK_THAT(message, Catch::Contains("error: it broke"));
  CHECK(Commands(runner) == std::set<std::string>{"broken"});
  auto record = f.store->GetNodeRecord(schedule::RecordKeys(oci::LayerOptions{}).Of(*failing));
  REQUIRE(bool(record));
  CHECK_FALSE(record->has_value());
}

TEST_CASE("schedule: a missing required secret fails before anything runs", "[schedule]") {
  Fixture f;
  graph::ExecOptions options;
  options.secrets.push_back({"token", "/run/secrets/token", true});
  const graph::Node* first = f.Run(graph::MakeScratch(f.graph), "first");
  const graph::Node* target = graph::MakeExecShell(f.graph, first, "use-secret", options);
  exec::FakeSandboxRunner runner(WriteMarker);
  schedule::Executor executor(*f.store, runner, {});
  auto output = executor.Build(target);
  REQUIRE_FALSE(bool(output));
  CHECK_THAT(llvm::toString(output.takeError()), Catch::Contains("--secret id=token"));
  CHECK(runner.Calls().empty());
}

TEST_CASE("schedule: a cache with options is named by its id and made with its owner and mode",
          "[schedule]") {
  // BuildKit's `--mount=type=cache,id=shared,uid=1001,gid=1002,mode=0700`: one id under two
  // targets is one folder, made 0700 and owned 1001:1002; a later step asking for another
  // owner finds it as it was made. Naming by target or ignoring uid/gid/mode fails this.
  Fixture f;
  const graph::Node* stage = graph::MakeScratch(f.graph);
  graph::ExecOptions first;
  first.caches = {{"/c1", "shared", 1001, 1002, 0700}};
  graph::ExecOptions second;
  second.caches = {{"/c2", "shared", 0, 0, 0755}};
  graph::ExecOptions plain;
  plain.cache = {"/c3"};
  plain.caches = {{"/c4", "", 7, 7, 0750}};  // no id: the target's cache
  exec::FakeSandboxRunner runner;
  schedule::Executor executor(*f.store, runner, {});
  REQUIRE(bool(executor.Build(graph::MakeExecShell(f.graph, stage, "a", first))));
  REQUIRE(bool(executor.Build(graph::MakeExecShell(f.graph, stage, "b", second))));
  REQUIRE(bool(executor.Build(graph::MakeExecShell(f.graph, stage, "c", plain))));
  std::vector<exec::RunSpec> calls = runner.Calls();
  REQUIRE(calls.size() == 3);
  REQUIRE(calls[0].cache_mounts.size() == 1);
  REQUIRE(calls[1].cache_mounts.size() == 1);
  CHECK(calls[0].cache_mounts[0].target == "/c1");
  CHECK(calls[1].cache_mounts[0].target == "/c2");
  CHECK(calls[0].cache_mounts[0].source == calls[1].cache_mounts[0].source);
  CHECK(calls[0].cache_mounts[0].source == f.store->Root() + "/cache/shared");
  struct stat st;
  REQUIRE(::stat(calls[0].cache_mounts[0].source.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0700);
  CHECK(st.st_uid == 1001);
  CHECK(st.st_gid == 1002);
  // Without an id, the cache is the target's, the same folder a plain `cache` entry uses.
  REQUIRE(calls[2].cache_mounts.size() == 2);
  CHECK(calls[2].cache_mounts[0].source ==
        f.store->Root() + "/cache/" + schedule::CacheDirName("/c3"));
  CHECK(calls[2].cache_mounts[1].source ==
        f.store->Root() + "/cache/" + schedule::CacheDirName("/c4"));
}

TEST_CASE("schedule: a step's variables win over the image Env, each name once", "[schedule]") {
  // A Dockerfile's `ENV B=2` then `ARG B=step`: BuildKit's RUN sees B=step. Giving the image's
  // value instead (or both) fails this.
  Fixture f;
  const graph::Node* stage = graph::MakeScratch(f.graph);
  stage = graph::MakeConfig(f.graph, stage, "env", nlohmann::json::array({"A", "1"}));
  stage = graph::MakeConfig(f.graph, stage, "env", nlohmann::json::array({"B", "2"}));
  graph::ExecOptions options;
  options.env = {"B=step", "C=3"};
  const graph::Node* merged = graph::MakeExecShell(f.graph, stage, "a", options);
  options.env = {"PATH=/opt/bin"};
  const graph::Node* path = graph::MakeExecShell(f.graph, stage, "b", options);
  exec::FakeSandboxRunner runner;
  schedule::Executor executor(*f.store, runner, {});
  REQUIRE(bool(executor.Build(merged)));
  REQUIRE(bool(executor.Build(path)));
  std::vector<exec::RunSpec> calls = runner.Calls();
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].env == std::vector<std::string>{"A=1", "B=step", "C=3",
                                                 "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
                                                 "/usr/bin:/sbin:/bin"});
  // The step's PATH replaces the default one rather than sitting beside it.
  CHECK(calls[1].env == std::vector<std::string>{"A=1", "B=2", "PATH=/opt/bin"});
}

TEST_CASE("schedule: exec specs follow the image config", "[schedule]") {
  Fixture f;
  const graph::Node* stage = graph::MakeScratch(f.graph);
  stage = graph::MakeConfig(f.graph, stage, "env", nlohmann::json::array({"A", "1"}));
  stage = graph::MakeConfig(f.graph, stage, "workdir", "/src");
  stage = graph::MakeConfig(f.graph, stage, "user", "builder");
  stage = graph::MakeConfig(f.graph, stage, "shell", nlohmann::json::array({"/bin/bash", "-ec"}));
  graph::ExecOptions options;
  options.cache = {"/root/.cache"};
  const graph::Node* target = graph::MakeExecShell(f.graph, stage, "make", options);
  exec::FakeSandboxRunner runner;
  schedule::Executor executor(*f.store, runner, {});
  auto output = executor.Build(target);
  REQUIRE(bool(output));
  std::vector<exec::RunSpec> calls = runner.Calls();
  REQUIRE(calls.size() == 1);
  const exec::RunSpec& spec = calls[0];
  CHECK(spec.argv == std::vector<std::string>{"/bin/bash", "-ec", "make"});
  CHECK(spec.cwd == "/src");
  CHECK(spec.user == "builder");
  CHECK(spec.env.front() == "A=1");
  CHECK_THAT(spec.env.back(), Catch::StartsWith("PATH="));
  REQUIRE(spec.cache_mounts.size() == 1);
  CHECK(spec.cache_mounts[0].target == "/root/.cache");
  CHECK(spec.cache_mounts[0].source ==
        f.store->Root() + "/cache/" + schedule::CacheDirName("/root/.cache"));
  // An empty diff adds no layer, only history.
  CHECK(output->image.layers.empty());
  CHECK(output->image.history.back().empty_layer);
}
