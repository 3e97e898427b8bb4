// Tests that a copy keeps a file's names inside its source as hard links (BuildKit's COPY does):
// the listed COPY layer, with and without lowering's manifest, and select's copy out of a stage.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "compiler/graph/local_source.h"
#include "runtime/schedule/copy_layer.h"
#include "runtime/schedule/root_path.h"
#include "tests/unit/test_support.h"

using namespace strata;

namespace {

void Write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::trunc) << text;
}

// tree/a and tree/sub/b are one file; tree/c is another with the same bytes; tree/d has a
// second name outside the tree.
struct Tree {
  Tree() : dir("copy-links") {
    tree = dir.path + "/tree";
    Write(tree + "/a", "data\n");
    Write(tree + "/c", "data\n");
    Write(tree + "/d", "lone\n");
    std::filesystem::create_directories(tree + "/sub");
    REQUIRE(::link((tree + "/a").c_str(), (tree + "/sub/b").c_str()) == 0);
    REQUIRE(::link((tree + "/d").c_str(), (dir.path + "/outside").c_str()) == 0);
    parent = dir.path + "/parent";
    std::filesystem::create_directories(parent);
  }
  std::map<std::string, const oci::TreeEntry*> ByPath(const std::vector<oci::TreeEntry>& entries) {
    std::map<std::string, const oci::TreeEntry*> out;
    for (const oci::TreeEntry& entry : entries) out[entry.tar_path] = &entry;
    return out;
  }
  void CheckLinked(const std::vector<oci::TreeEntry>& entries) {
    std::map<std::string, const oci::TreeEntry*> by_path = ByPath(entries);
    REQUIRE(by_path.count("copied/a") == 1);
    REQUIRE(by_path.count("copied/sub/b") == 1);
    CHECK(by_path["copied/a"]->kind == oci::EntryKind::kFile);
    CHECK(by_path["copied/a"]->size == 5);
    CHECK(by_path["copied/sub/b"]->kind == oci::EntryKind::kHardlink);
    CHECK(by_path["copied/sub/b"]->link == "copied/a");
    CHECK(by_path["copied/sub/b"]->source_path.empty());
    CHECK(by_path["copied/sub/b"]->mode == by_path["copied/a"]->mode);
    CHECK(by_path["copied/c"]->kind == oci::EntryKind::kFile);  // same bytes, own inode
    CHECK(by_path["copied/d"]->kind == oci::EntryKind::kFile);  // its other name is not copied
    // A link follows its target in the tar.
    size_t a = 0, b = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].tar_path == "copied/a") a = i;
      if (entries[i].tar_path == "copied/sub/b") b = i;
    }
    CHECK(a < b);
  }
  testing::TempDir dir;
  std::string tree, parent;
};

}  // namespace

TEST_CASE("copy links: a stage's file's names in the source stay hard links", "[schedule]") {
  Tree t;
  schedule::CopyRequest request;
  request.source = t.tree;
  request.dest = "/copied/";
  auto entries = schedule::PlanCopyLayer(request, t.parent, t.dir.path);
  testing::RequireOk(entries);
  t.CheckLinked(*entries);
}

TEST_CASE("copy links: the user's files link as lowering recorded them", "[schedule][local]") {
  Tree t;
  graph::LocalSourceHasher hasher;
  REQUIRE(hasher.Hash(t.tree, {}, "", /*keep_modes=*/true).error.empty());
  schedule::CopyRequest request;
  request.source = t.tree;
  request.dest = "/copied/";
  request.local = true;
  request.keep_modes = true;
  request.manifest = &hasher.manifest();
  auto entries = schedule::PlanCopyLayer(request, t.parent, t.dir.path);
  testing::RequireOk(entries);
  t.CheckLinked(*entries);
  std::map<std::string, const oci::TreeEntry*> by_path = t.ByPath(*entries);
  CHECK(by_path["copied/a"]->check_content);  // the bytes the key covers, read once
  // With --chown both names carry the new owner (one inode).
  request.chown = "7:8";
  entries = schedule::PlanCopyLayer(request, t.parent, t.dir.path);
  testing::RequireOk(entries);
  by_path = t.ByPath(*entries);
  CHECK(by_path["copied/sub/b"]->kind == oci::EntryKind::kHardlink);
  CHECK(by_path["copied/sub/b"]->uid == 7);
  CHECK(by_path["copied/a"]->gid == 8);
}

TEST_CASE("copy links: CopyTree with links keeps them, without makes two files", "[schedule]") {
  Tree t;
  std::map<std::pair<dev_t, ino_t>, std::string> links;
  schedule::CopyRules rules;
  rules.links = &links;
  testing::RequireOk(schedule::CopyTree(t.tree, t.dir.path + "/kept", rules));
  struct stat a, b, c;
  REQUIRE(::lstat((t.dir.path + "/kept/a").c_str(), &a) == 0);
  REQUIRE(::lstat((t.dir.path + "/kept/sub/b").c_str(), &b) == 0);
  REQUIRE(::lstat((t.dir.path + "/kept/c").c_str(), &c) == 0);
  CHECK(a.st_ino == b.st_ino);
  CHECK(a.st_nlink == 2);
  CHECK(c.st_ino != a.st_ino);
  testing::RequireOk(schedule::CopyTree(t.tree, t.dir.path + "/plain", schedule::CopyRules{}));
  REQUIRE(::lstat((t.dir.path + "/plain/a").c_str(), &a) == 0);
  CHECK(a.st_nlink == 1);
}
