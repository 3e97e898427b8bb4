// ReadTarIndex against libarchive on a layer tar WriteLayer wrote, and a layer written from
// entries that point into that tar (TreeEntry::source_in_archive) byte for byte the same as one
// written from the files.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "runtime/oci/layer_writer.h"
#include "runtime/oci/tar_index.h"
#include "tests/unit/test_support.h"

namespace fs = std::filesystem;
using strata::oci::Compression;
using strata::oci::EntryKind;
using strata::oci::LayerDescriptor;
using strata::oci::TarIndexEntry;
using strata::oci::TreeEntry;
using strata::store::Store;
using strata::testing::TempDir;

namespace {

void WriteFile(const std::string& path, const std::string& data, mode_t mode) {
  std::ofstream(path, std::ios::binary) << data;
  REQUIRE(chmod(path.c_str(), mode) == 0);
}

void MakeTree(const std::string& root) {
  std::string deep = root + "/very/" + std::string(120, 'n');
  fs::create_directories(deep);
  fs::create_directories(root + "/out/sub");
  WriteFile(root + "/out/a", "a\n", 04755);
  WriteFile(root + "/out/empty", "", 0600);
  WriteFile(deep + "/long-named-file", "long\n", 0644);
  std::mt19937 rng(11);
  std::string big;
  for (int i = 0; i < (3 << 20) + 513; ++i) big += static_cast<char>(rng());
  WriteFile(root + "/out/sub/big", big, 0640);
  REQUIRE(symlink("../a", (root + "/out/sub/link").c_str()) == 0);
  REQUIRE(symlink(std::string(150, 't').c_str(), (root + "/out/longlink").c_str()) == 0);
  REQUIRE(chown((root + "/out/sub/big").c_str(), 3000000, 5) == 0);  // a pax uid
  REQUIRE(chmod((root + "/out/sub").c_str(), 0700) == 0);
}

std::string Slurp(const std::string& path, uint64_t offset, uint64_t size) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  std::string data(size, '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  return data;
}

LayerDescriptor WritePlain(const Store& store, const std::string& tree) {
  llvm::Expected<LayerDescriptor> layer =
      strata::oci::WriteLayer(store, tree, {Compression::kNone});
  if (!layer) FAIL(llvm::toString(layer.takeError()));
  return *layer;
}

}  // namespace

TEST_CASE("oci: the tar index gives libarchive's entries and each file's bytes", "[oci]") {
  TempDir dir("tar-index");
  MakeTree(dir.path + "/tree");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  REQUIRE(static_cast<bool>(store));
  LayerDescriptor layer = WritePlain(*store, dir.path + "/tree");
  std::string tar = store->BlobPath(layer.digest);
  llvm::Expected<std::vector<TarIndexEntry>> index = strata::oci::ReadTarIndex(tar);
  if (!index) FAIL(llvm::toString(index.takeError()));

  struct archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_filename(a, tar.c_str(), 65536) == ARCHIVE_OK);
  struct archive_entry* e;
  size_t i = 0;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    REQUIRE(i < index->size());
    const TarIndexEntry& entry = (*index)[i++];
    std::string path = archive_entry_pathname(e);
    if (!path.empty() && path.back() == '/') path.pop_back();
    CHECK(entry.path == path);
    CHECK(entry.mode == archive_entry_perm(e));
    CHECK(entry.uid == archive_entry_uid(e));
    CHECK(entry.gid == archive_entry_gid(e));
    if (archive_entry_filetype(e) == AE_IFREG) {
      CHECK(entry.kind == EntryKind::kFile);
      CHECK(entry.size == static_cast<uint64_t>(archive_entry_size(e)));
      CHECK(Slurp(tar, entry.data_offset, entry.size) ==
            Slurp(dir.path + "/tree/" + entry.path, 0, entry.size));
    } else if (archive_entry_filetype(e) == AE_IFLNK) {
      CHECK(entry.kind == EntryKind::kSymlink);
      CHECK(entry.link == archive_entry_symlink(e));
    } else {
      CHECK(entry.kind == EntryKind::kDir);
    }
  }
  archive_read_free(a);
  CHECK(i == index->size());
  CHECK(i == 10);  // out, out/a, out/empty, out/longlink, out/sub (+2), very (+2)
}

TEST_CASE("oci: files streamed from a layer tar give the bytes of the files themselves", "[oci]") {
  TempDir dir("tar-index");
  MakeTree(dir.path + "/tree");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  REQUIRE(static_cast<bool>(store));
  LayerDescriptor plain = WritePlain(*store, dir.path + "/tree");
  std::string tar = store->BlobPath(plain.digest);
  llvm::Expected<std::vector<TarIndexEntry>> index = strata::oci::ReadTarIndex(tar);
  REQUIRE(static_cast<bool>(index));
  std::map<std::string, uint64_t> offsets;
  for (const TarIndexEntry& entry : *index) offsets[entry.path] = entry.data_offset;

  llvm::Expected<std::vector<TreeEntry>> entries = strata::oci::ScanTree(dir.path + "/tree");
  REQUIRE(static_cast<bool>(entries));
  std::vector<TreeEntry> streamed = *entries;
  for (TreeEntry& entry : streamed) {
    if (entry.kind != EntryKind::kFile) continue;
    REQUIRE(offsets.count(entry.tar_path));
    entry.source_path = tar;
    entry.source_in_archive = true;
    entry.source_offset = offsets[entry.tar_path];
  }
  for (Compression compression : {Compression::kGzip, Compression::kZstd, Compression::kNone}) {
    llvm::Expected<LayerDescriptor> from_files =
        strata::oci::WriteLayer(*store, *entries, {compression});
    llvm::Expected<LayerDescriptor> from_tar =
        strata::oci::WriteLayer(*store, streamed, {compression});
    REQUIRE(static_cast<bool>(from_files));
    REQUIRE(static_cast<bool>(from_tar));
    CHECK(from_tar->digest == from_files->digest);
    CHECK(from_tar->diff_id == plain.diff_id);
  }
}

TEST_CASE("oci: the tar index refuses what it does not know", "[oci]") {
  TempDir dir("tar-index");
  std::string bad = dir.path + "/bad.tar";
  WriteFile(bad, std::string(512, 'x'), 0644);
  CHECK(!static_cast<bool>(strata::oci::ReadTarIndex(bad)));
  // A real tar truncated inside a header.
  MakeTree(dir.path + "/tree");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  REQUIRE(static_cast<bool>(store));
  LayerDescriptor plain = WritePlain(*store, dir.path + "/tree");
  std::string cut = dir.path + "/cut.tar";
  WriteFile(cut, Slurp(store->BlobPath(plain.digest), 0, 700), 0644);
  llvm::Expected<std::vector<TarIndexEntry>> index = strata::oci::ReadTarIndex(cut);
  CHECK(!static_cast<bool>(index));
  if (!index) llvm::consumeError(index.takeError());
  CHECK(!static_cast<bool>(strata::oci::ReadTarIndex(dir.path + "/missing.tar")));
}

namespace {
// A ustar tar of empty entries with these names, as written, and type flags ('0' a regular file,
// '5' a directory): headers made by hand, as other writers make them.
std::string UstarOfNames(const std::string& path,
                         const std::vector<std::pair<std::string, char>>& names) {
  std::string tar;
  for (const auto& [name, type] : names) {
    REQUIRE(name.size() < 100);
    std::string header(512, '\0');
    header.replace(0, name.size(), name);
    header.replace(100, 7, "0000644");
    header.replace(108, 7, "0000000");
    header.replace(116, 7, "0000000");
    header.replace(124, 11, "00000000000");
    header.replace(136, 11, "00000000000");
    header[156] = type;
    header.replace(257, 6, std::string("ustar\0", 6));
    header.replace(263, 2, "00");
    header.replace(148, 8, "        ");
    unsigned sum = 0;
    for (unsigned char c : header) sum += c;
    char checksum[8];
    std::snprintf(checksum, sizeof checksum, "%06o", sum);
    header.replace(148, 7, std::string(checksum, 6) + '\0');
    tar += header;
  }
  tar += std::string(1024, '\0');
  WriteFile(path, tar, 0644);
  return path;
}
}  // namespace

TEST_CASE("oci: the tar index refuses names the extractor reads as other names", "[oci]") {
  TempDir dir("tar-index-names");
  // The extractor reads each as out/f (or refuses it, out/../out/f): an index keyed by the
  // spelling would miss it. A regular file named "out/d/" libarchive reads as a directory.
  for (std::string name : {"out//f", "out/./f", "/out/f", "././out/f", "out/../out/f", "out/d/"}) {
    INFO(name);
    llvm::Expected<std::vector<TarIndexEntry>> index =
        strata::oci::ReadTarIndex(UstarOfNames(dir.path + "/t.tar", {{name, '0'}}));
    CHECK(!static_cast<bool>(index));
    if (!index) llvm::consumeError(index.takeError());
  }
  // Another writer's root entry and "./" prefix are read as the layer writer's names.
  llvm::Expected<std::vector<TarIndexEntry>> index =
      strata::oci::ReadTarIndex(UstarOfNames(dir.path + "/t.tar", {{"./", '5'}, {"./out/f", '0'}}));
  REQUIRE(static_cast<bool>(index));
  REQUIRE(index->size() == 2);
  CHECK((*index)[0].path == ".");
  CHECK((*index)[1].path == "out/f");
}
