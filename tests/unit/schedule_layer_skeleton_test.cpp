// MakeLayerSkeleton: a layer's tree without its bytes, in overlayfs form, and refused (false)
// for any entry that could reach outside its root.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/schedule/layer_skeleton.h"
#include "tests/unit/test_support.h"

namespace fs = std::filesystem;
using strata::oci::EntryKind;
using strata::oci::TarIndexEntry;
using strata::schedule::MakeLayerSkeleton;
using strata::testing::TempDir;

namespace {

TarIndexEntry Entry(std::string path, EntryKind kind, uint32_t mode, std::string link = "",
                    uint64_t size = 0) {
  TarIndexEntry entry;
  entry.path = std::move(path);
  entry.kind = kind;
  entry.mode = mode;
  entry.link = std::move(link);
  entry.size = size;
  return entry;
}

bool Make(const std::string& root, const std::vector<TarIndexEntry>& entries,
          const std::string& under = "") {
  std::vector<const TarIndexEntry*> pointers;
  for (const TarIndexEntry& entry : entries) pointers.push_back(&entry);
  return MakeLayerSkeleton(root, pointers, under);
}

}  // namespace

TEST_CASE("skeleton: kinds, modes, owners and sizes without bytes; whiteouts and opaque dirs",
          "[schedule]") {
  TempDir dir("skeleton");
  std::string root = dir.path + "/root";
  fs::create_directories(root);
  std::vector<TarIndexEntry> entries = {
      Entry("a", EntryKind::kDir, 0555),
      Entry("a/.wh..wh..opq", EntryKind::kFile, 0600),
      Entry("a/big", EntryKind::kFile, 04755, "", 5 << 20),
      Entry("a/hard", EntryKind::kHardlink, 0, "a/big"),
      Entry("a/link", EntryKind::kSymlink, 0777, "big"),
      Entry("b", EntryKind::kDir, 0700),
      Entry("b/.wh.gone", EntryKind::kFile, 0600),
  };
  entries[2].uid = 5;
  entries[2].gid = 6;
  REQUIRE(Make(root, entries));
  struct stat st;
  REQUIRE(lstat((root + "/a").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0555);
  REQUIRE(lstat((root + "/a/big").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 04755);
  CHECK(st.st_uid == 5);
  CHECK(st.st_gid == 6);
  CHECK(st.st_size == (5 << 20));
  CHECK(st.st_blocks == 0);  // sparse: no bytes written
  CHECK(st.st_nlink == 2);
  CHECK(fs::read_symlink(root + "/a/link") == "big");
  char value[4] = {};
  CHECK(lgetxattr((root + "/a").c_str(), "trusted.overlay.opaque", value, sizeof value) == 1);
  REQUIRE(lstat((root + "/b/gone").c_str(), &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  CHECK(st.st_rdev == makedev(0, 0));
}

TEST_CASE("skeleton: entries that could leave the root are refused", "[schedule]") {
  TempDir dir("skeleton");
  std::string root = dir.path + "/root";
  std::string outside = dir.path + "/outside";
  fs::create_directories(outside);
  auto refused = [&](const std::vector<TarIndexEntry>& entries) {
    fs::remove_all(root);
    fs::create_directories(root);
    return !Make(root, entries);
  };
  CHECK(refused({Entry("../outside/x", EntryKind::kFile, 0644)}));
  CHECK(refused({Entry("/etc/x", EntryKind::kFile, 0644)}));
  CHECK(refused({Entry("a/./x", EntryKind::kFile, 0644)}));
  // Through a symlink the same layer made.
  CHECK(refused(
      {Entry("l", EntryKind::kSymlink, 0777, outside), Entry("l/x", EntryKind::kFile, 0644)}));
  // A parent the listing never made (a foreign tar without directory entries).
  CHECK(refused({Entry("d/x", EntryKind::kFile, 0644)}));
  // A hard link to a file it did not make.
  CHECK(refused({Entry("h", EntryKind::kHardlink, 0, "../outside/y")}));
  CHECK(refused({Entry("d", EntryKind::kDir, 0755), Entry("d/.wh...", EntryKind::kFile, 0600)}));
  CHECK(fs::is_empty(outside));
  // Below directories the caller made.
  fs::remove_all(root);
  fs::create_directories(root + "/p/q");
  CHECK(Make(root, {Entry("p/q/x", EntryKind::kFile, 0644, "", 3)}, "p/q"));
  CHECK(fs::file_size(root + "/p/q/x") == 3);
}
