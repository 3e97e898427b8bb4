// Tests that a local file changed after lowering hashed it never reaches a layer or a mount
// snapshot under the key made from the old content: the build fails naming the file, and the
// store keeps nothing for that key.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "compiler/graph/local_source.h"
#include "compiler/graph/ops.h"
#include "runtime/exec/fake_sandbox_runner.h"
#include "runtime/oci/layer_writer.h"
#include "runtime/schedule/copy_layer.h"
#include "runtime/schedule/executor.h"
#include "runtime/schedule/layer_tree.h"
#include "tests/unit/test_support.h"

using namespace strata;

namespace {

struct Fixture : testing::TempStore {
  Fixture() : TempStore("local-change") {
    tree = dir.path + "/tree";
    std::filesystem::create_directories(tree + "/sub");
    Write(tree + "/sub/a.txt", "original");
    Write(tree + "/b.txt", "kept");
    REQUIRE(::symlink("b.txt", (tree + "/link").c_str()) == 0);
  }
  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
  }
  // The copy of the tree onto scratch, as lowering makes it with `hasher`.
  const graph::Node* Lower(graph::LocalSourceHasher& hasher) {
    graph::LocalSourceHasher::Result hashed = hasher.Hash(tree);
    REQUIRE(hashed.error.empty());
    const graph::Node* local = graph::MakeLocal(graph, tree, "tree", hashed.digest);
    return graph::MakeCopy(graph, graph::MakeScratch(graph), local, "/tree", {});
  }
  // The files under the store's blob directory (a failed build must publish none).
  size_t BlobCount() const {
    size_t count = 0;
    std::string blobs = dir.path + "/store/blobs";
    if (!std::filesystem::exists(blobs)) return 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(blobs))
      if (entry.is_regular_file()) ++count;
    return count;
  }
  // The listed copy of the tree as the copy op plans it, checked against `hasher`'s manifest.
  llvm::Expected<std::vector<oci::TreeEntry>> Plan(const graph::LocalSourceHasher& hasher) {
    schedule::CopyRequest request;
    request.source = tree;
    request.dest = "/tree";
    request.local = true;
    request.manifest = &hasher.manifest();
    std::string parent = dir.path + "/parent";
    std::filesystem::create_directories(parent);
    return schedule::PlanCopyLayer(request, parent, dir.path);
  }
  graph::Graph graph;
  std::string tree;
};

llvm::Expected<exec::RunResult> NoSteps(const exec::RunSpec&) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument), "no steps");
}

std::string Message(llvm::Error err) { return err ? llvm::toString(std::move(err)) : ""; }

}  // namespace

TEST_CASE("local change: a file edited after lowering fails the copy, nothing is stored",
          "[schedule][local]") {
  Fixture f;
  graph::LocalSourceHasher hasher;
  const graph::Node* copy = f.Lower(hasher);
  f.Write(f.tree + "/sub/a.txt", "tampered");  // same size: only the bytes tell

  exec::FakeSandboxRunner runner(NoSteps);
  schedule::ExecutorOptions options;
  options.local_hasher = &hasher;
  schedule::Executor executor(*f.store, runner, options);
  llvm::Expected<schedule::NodeOutput> output = executor.Build(copy);
  REQUIRE_FALSE(bool(output));
  std::string message = llvm::toString(output.takeError());
  CHECK_THAT(message, Catch::Contains(f.tree + "/sub/a.txt changed during the build"));
  CHECK_THAT(message, Catch::Contains("run again"));
  auto record = f.store->GetNodeRecord(executor.RecordKey(*copy));
  REQUIRE(bool(record));
  CHECK_FALSE(record->has_value());
  CHECK(f.BlobCount() == 0);

  // With the original bytes back, the same key builds and holds them.
  f.Write(f.tree + "/sub/a.txt", "original");
  schedule::Executor again(*f.store, runner, options);
  llvm::Expected<schedule::NodeOutput> built = again.Build(copy);
  testing::RequireOk(built);
  CHECK(built->image.layers.size() == 1);
}

TEST_CASE("local change: an executor without the lowering's hasher checks the digest itself",
          "[schedule][local]") {
  Fixture f;
  graph::LocalSourceHasher hasher;
  const graph::Node* copy = f.Lower(hasher);
  f.Write(f.tree + "/sub/a.txt", "tampered");
  exec::FakeSandboxRunner runner(NoSteps);
  schedule::Executor executor(*f.store, runner, {});
  llvm::Expected<schedule::NodeOutput> output = executor.Build(copy);
  REQUIRE_FALSE(bool(output));
  CHECK_THAT(llvm::toString(output.takeError()), Catch::Contains("changed during the build"));
  auto record = f.store->GetNodeRecord(executor.RecordKey(*copy));
  REQUIRE(bool(record));
  CHECK_FALSE(record->has_value());
  CHECK(f.BlobCount() == 0);
}

TEST_CASE("local change: the layer writer hashes each file as it archives it",
          "[schedule][local]") {
  Fixture f;
  graph::LocalSourceHasher hasher;
  f.Lower(hasher);
  // Planned while the tree is as lowered; edited before the writer reads it (the window a
  // file has between the copy's walk and the archive).
  llvm::Expected<std::vector<oci::TreeEntry>> entries = f.Plan(hasher);
  testing::RequireOk(entries);
  f.Write(f.tree + "/sub/a.txt", "tampered");
  llvm::Expected<oci::LayerDescriptor> layer = oci::WriteLayer(*f.store, *entries, {});
  REQUIRE_FALSE(bool(layer));
  CHECK_THAT(llvm::toString(layer.takeError()),
             Catch::Contains(f.tree + "/sub/a.txt changed during the build"));
  CHECK(f.BlobCount() == 0);

  // A mount's snapshot checks the same way.
  std::string snapshot = f.dir.path + "/snapshot";
  std::filesystem::create_directories(snapshot);
  CHECK_THAT(Message(schedule::MaterializeEntries(*entries, snapshot)),
             Catch::Contains("sub/a.txt changed during the build"));

  f.Write(f.tree + "/sub/a.txt", "original");
  llvm::Expected<oci::LayerDescriptor> good = oci::WriteLayer(*f.store, *entries, {});
  testing::RequireOk(good);
}

TEST_CASE("local change: added, removed, re-moded and re-pointed entries fail the plan",
          "[schedule][local]") {
  Fixture f;
  graph::LocalSourceHasher hasher;
  f.Lower(hasher);
  testing::RequireOk(f.Plan(hasher).takeError());
  auto plan_error = [&] {
    llvm::Expected<std::vector<oci::TreeEntry>> entries = f.Plan(hasher);
    return entries ? std::string() : llvm::toString(entries.takeError());
  };

  f.Write(f.tree + "/sub/new.txt", "x");
  CHECK_THAT(plan_error(), Catch::Contains(f.tree + "/sub/new.txt changed during the build"));
  REQUIRE(::unlink((f.tree + "/sub/new.txt").c_str()) == 0);

  REQUIRE(::rename((f.tree + "/b.txt").c_str(), (f.dir.path + "/b.txt").c_str()) == 0);
  CHECK_THAT(plan_error(), Catch::Contains(f.tree + "/b.txt changed during the build"));
  REQUIRE(::rename((f.dir.path + "/b.txt").c_str(), (f.tree + "/b.txt").c_str()) == 0);

  // A directory's mode is checked on the directory the plan lists (a file's by its reader,
  // below).
  REQUIRE(::chmod((f.tree + "/sub").c_str(), 0700) == 0);
  CHECK_THAT(plan_error(), Catch::Contains(f.tree + "/sub changed during the build"));
  REQUIRE(::chmod((f.tree + "/sub").c_str(), 0755) == 0);

  // A file replaced by a directory, and a symlink by a file: readdir shows another kind.
  REQUIRE(::rename((f.tree + "/b.txt").c_str(), (f.dir.path + "/b.txt").c_str()) == 0);
  REQUIRE(::mkdir((f.tree + "/b.txt").c_str(), 0755) == 0);
  CHECK_THAT(plan_error(), Catch::Contains(f.tree + "/b.txt changed during the build"));
  REQUIRE(::rmdir((f.tree + "/b.txt").c_str()) == 0);
  REQUIRE(::rename((f.dir.path + "/b.txt").c_str(), (f.tree + "/b.txt").c_str()) == 0);
  REQUIRE(::unlink((f.tree + "/link").c_str()) == 0);
  f.Write(f.tree + "/link", "b.txt");
  CHECK_THAT(plan_error(), Catch::Contains(f.tree + "/link changed during the build"));
  REQUIRE(::unlink((f.tree + "/link").c_str()) == 0);
  REQUIRE(::symlink("b.txt", (f.tree + "/link").c_str()) == 0);

  REQUIRE(::unlink((f.tree + "/link").c_str()) == 0);
  REQUIRE(::symlink("sub", (f.tree + "/link").c_str()) == 0);
  CHECK_THAT(plan_error(), Catch::Contains(f.tree + "/link changed during the build"));
  REQUIRE(::unlink((f.tree + "/link").c_str()) == 0);
  REQUIRE(::symlink("b.txt", (f.tree + "/link").c_str()) == 0);

  CHECK(plan_error().empty());  // all as lowered again
}

TEST_CASE("local change: a file's mode and size are checked on the file the reader opens",
          "[schedule][local]") {
  Fixture f;
  graph::LocalSourceHasher hasher;
  const graph::Node* copy = f.Lower(hasher);

  // The whole node: an exec bit set after lowering fails the build, and nothing is stored.
  REQUIRE(::chmod((f.tree + "/b.txt").c_str(), 0755) == 0);
  exec::FakeSandboxRunner runner(NoSteps);
  schedule::ExecutorOptions options;
  options.local_hasher = &hasher;
  schedule::Executor executor(*f.store, runner, options);
  llvm::Expected<schedule::NodeOutput> output = executor.Build(copy);
  REQUIRE_FALSE(bool(output));
  CHECK_THAT(llvm::toString(output.takeError()),
             Catch::Contains(f.tree + "/b.txt changed during the build"));
  auto record = f.store->GetNodeRecord(executor.RecordKey(*copy));
  REQUIRE(bool(record));
  CHECK_FALSE(record->has_value());
  CHECK(f.BlobCount() == 0);
  REQUIRE(::chmod((f.tree + "/b.txt").c_str(), 0644) == 0);

  llvm::Expected<std::vector<oci::TreeEntry>> entries = f.Plan(hasher);
  testing::RequireOk(entries);
  auto write_error = [&] {
    llvm::Expected<oci::LayerDescriptor> layer = oci::WriteLayer(*f.store, *entries, {});
    return layer ? std::string() : llvm::toString(layer.takeError());
  };
  auto snapshot_error = [&] {
    std::string snapshot = f.dir.path + "/snapshot";
    std::filesystem::remove_all(snapshot);
    std::filesystem::create_directories(snapshot);
    return Message(schedule::MaterializeEntries(*entries, snapshot));
  };
  REQUIRE(write_error().empty());
  REQUIRE(snapshot_error().empty());

  // The plan takes a file's kind, mode and size from lowering's record (no lstat), so an exec
  // bit set after lowering reaches the reader, which fails on it.
  REQUIRE(::chmod((f.tree + "/b.txt").c_str(), 0755) == 0);
  llvm::Expected<std::vector<oci::TreeEntry>> planned = f.Plan(hasher);
  testing::RequireOk(planned);
  auto b = std::find_if(planned->begin(), planned->end(),
                        [](const oci::TreeEntry& e) { return e.tar_path == "tree/b.txt"; });
  REQUIRE(b != planned->end());
  CHECK(b->mode == 0644);  // as lowering saw it, which the key covers
  CHECK(b->source_mode == 0644);
  CHECK_THAT(write_error(), Catch::Contains(f.tree + "/b.txt changed during the build"));
  CHECK_THAT(snapshot_error(), Catch::Contains(f.tree + "/b.txt changed during the build"));
  REQUIRE(::chmod((f.tree + "/b.txt").c_str(), 0644) == 0);

  // A file that grew (its first bytes as hashed) fails at the open, before any byte is read.
  f.Write(f.tree + "/b.txt", "kept and more");
  CHECK_THAT(write_error(), Catch::Contains(f.tree + "/b.txt changed during the build"));
  CHECK_THAT(snapshot_error(), Catch::Contains(f.tree + "/b.txt changed during the build"));
  f.Write(f.tree + "/b.txt", "kept");

  CHECK(write_error().empty());
  CHECK(snapshot_error().empty());
  CHECK(f.BlobCount() == 1);  // only the good layers, one digest
}
