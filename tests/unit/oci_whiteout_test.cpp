// Layer writer tests: overlayfs whiteouts (0/0 char devices, opaque dirs) become OCI whiteout
// files.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/oci/layer_writer.h"
#include "runtime/oci/tree_scan.h"
#include "tests/unit/test_support.h"

namespace fs = std::filesystem;
using strata::oci::EntryKind;
using strata::oci::TreeEntry;
using strata::testing::TempDir;

namespace {

const TreeEntry* Find(const std::vector<TreeEntry>& entries, const std::string& path) {
  for (const TreeEntry& e : entries)
    if (e.tar_path == path) return &e;
  return nullptr;
}

// Marks a directory opaque the way overlayfs does (trusted.*, needs CAP_SYS_ADMIN), or the way
// rootless overlayfs does (user.*). Returns false when the filesystem takes neither.
bool MarkOpaque(const std::string& dir) {
  return setxattr(dir.c_str(), "trusted.overlay.opaque", "y", 1, 0) == 0 ||
         setxattr(dir.c_str(), "user.overlay.opaque", "y", 1, 0) == 0;
}

}  // namespace

TEST_CASE("oci: a 0/0 character device becomes a .wh. file", "[oci]") {
  TempDir dir("oci-test");
  fs::create_directories(dir.path + "/etc");
  std::ofstream(dir.path + "/etc/keep") << "k";
  if (mknod((dir.path + "/etc/gone").c_str(), S_IFCHR | 0600, makedev(0, 0)) != 0) {
    WARN("mknod of a 0/0 character device is not permitted here (" << std::strerror(errno)
                                                                   << "): whiteout check skipped");
    return;
  }
  REQUIRE(mknod((dir.path + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);
  llvm::Expected<std::vector<TreeEntry>> entries = strata::oci::ScanTree(dir.path);
  REQUIRE(static_cast<bool>(entries));
  CHECK(Find(*entries, "etc/gone") == nullptr);
  const TreeEntry* whiteout = Find(*entries, "etc/.wh.gone");
  REQUIRE(whiteout != nullptr);
  CHECK(whiteout->kind == EntryKind::kFile);
  CHECK(whiteout->size == 0);
  CHECK(whiteout->source_path.empty());
  CHECK(whiteout->mode == 0600);
  // Other devices stay devices.
  const TreeEntry* null_dev = Find(*entries, "null");
  REQUIRE(null_dev != nullptr);
  CHECK(null_dev->kind == EntryKind::kCharDevice);
  CHECK(null_dev->rdev_major == 1);
  CHECK(null_dev->rdev_minor == 3);
  // Sorted after the rename: ".wh.gone" sorts before "keep".
  std::vector<std::string> paths;
  for (const TreeEntry& e : *entries) paths.push_back(e.tar_path);
  CHECK(paths == std::vector<std::string>{"etc", "etc/.wh.gone", "etc/keep", "null"});

  // And in the written tar.
  llvm::Expected<strata::store::Store> store = strata::store::Store::Open(dir.path + "-store");
  REQUIRE(static_cast<bool>(store));
  fs::remove_all(dir.path + "/null");
  llvm::Expected<strata::oci::LayerDescriptor> layer =
      strata::oci::WriteLayer(*store, dir.path, {});
  REQUIRE(static_cast<bool>(layer));
  struct archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_filename(a, store->BlobPath(layer->digest).c_str(), 65536) ==
          ARCHIVE_OK);
  struct archive_entry* e;
  bool found = false;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    if (std::string(archive_entry_pathname(e)) == "etc/.wh.gone") {
      found = true;
      CHECK(archive_entry_filetype(e) == AE_IFREG);
      CHECK(archive_entry_size(e) == 0);
    }
  }
  archive_read_free(a);
  fs::remove_all(dir.path + "-store");
  CHECK(found);
}

TEST_CASE("oci: an opaque directory gets a .wh..wh..opq marker", "[oci]") {
  TempDir dir("oci-test");
  fs::create_directories(dir.path + "/var/lib");
  std::ofstream(dir.path + "/var/lib/new") << "n";
  REQUIRE(chmod((dir.path + "/var/lib").c_str(), 0751) == 0);
  if (!MarkOpaque(dir.path + "/var/lib")) {
    WARN("this filesystem takes no overlay xattrs (" << std::strerror(errno)
                                                     << "): opaque check skipped");
    return;
  }
  llvm::Expected<std::vector<TreeEntry>> entries = strata::oci::ScanTree(dir.path);
  REQUIRE(static_cast<bool>(entries));
  std::vector<std::string> paths;
  for (const TreeEntry& e : *entries) paths.push_back(e.tar_path);
  CHECK(paths == std::vector<std::string>{"var", "var/lib", "var/lib/.wh..wh..opq", "var/lib/new"});
  const TreeEntry* marker = Find(*entries, "var/lib/.wh..wh..opq");
  REQUIRE(marker != nullptr);
  CHECK(marker->kind == EntryKind::kFile);
  CHECK(marker->size == 0);
  CHECK(marker->mode == 0751);
  // The directory itself is still there (it exists in this layer, emptied of lower content).
  const TreeEntry* lib = Find(*entries, "var/lib");
  REQUIRE(lib != nullptr);
  CHECK(lib->kind == EntryKind::kDir);
}
