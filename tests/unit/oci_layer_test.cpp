// Layer writer tests: digests, reproducibility, entry order and metadata, read back with libarchive
// and tar.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "runtime/oci/layer_writer.h"
#include "tests/unit/test_support.h"

namespace fs = std::filesystem;
using strata::oci::Compression;
using strata::oci::LayerDescriptor;
using strata::oci::LayerOptions;
using strata::store::Store;
using strata::testing::ShellStdout;
using strata::testing::TempDir;

namespace {

void WriteFile(const std::string& path, const std::string& data, mode_t mode) {
  std::ofstream(path, std::ios::binary) << data;
  REQUIRE(chmod(path.c_str(), mode) == 0);
}

const std::string kLongName = "very/" + std::string(120, 'n') + "/file.txt";

// A small rootfs with every entry kind the writer handles (no whiteouts: see oci_whiteout_test).
void MakeTree(const std::string& root) {
  fs::create_directories(root + "/a");
  fs::create_directories(root + "/very/" + std::string(120, 'n'));
  fs::create_directories(root + "/bin");
  WriteFile(root + "/a/x", "x content\n", 0644);
  WriteFile(root + "/a-b", "dash\n", 0600);
  WriteFile(root + "/a.txt", "", 0640);
  WriteFile(root + "/bin/tool", "#!/bin/sh\necho hi\n", 04755);
  WriteFile(root + "/" + kLongName, "long\n", 0644);
  std::mt19937 rng(7);
  std::string big;
  for (int i = 0; i < (3 << 20) + 77; ++i) big += static_cast<char>(i % 3 ? 'a' + i % 26 : rng());
  WriteFile(root + "/big.bin", big, 0644);
  REQUIRE(symlink("a/x", (root + "/link").c_str()) == 0);
  REQUIRE(link((root + "/a/x").c_str(), (root + "/z-hard").c_str()) == 0);
  REQUIRE(mkfifo((root + "/fifo").c_str(), 0600) == 0);
  REQUIRE(chown((root + "/a-b").c_str(), 1234, 5678) == 0);
  REQUIRE(chmod((root + "/a").c_str(), 0750) == 0);
}

struct ReadEntry {
  std::string path;
  mode_t type;
  mode_t perm;
  int64_t uid, gid, mtime;
  int64_t size;
  std::string symlink, hardlink;
  bool has_uname, has_atime, has_ctime;
};

std::vector<ReadEntry> ReadLayer(const std::string& blob) {
  struct archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_filename(a, blob.c_str(), 65536) == ARCHIVE_OK);
  std::vector<ReadEntry> entries;
  struct archive_entry* e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    ReadEntry r;
    r.path = archive_entry_pathname(e);
    r.type = archive_entry_filetype(e);
    r.perm = archive_entry_perm(e);
    r.uid = archive_entry_uid(e);
    r.gid = archive_entry_gid(e);
    r.mtime = archive_entry_mtime(e);
    r.size = archive_entry_size(e);
    r.symlink = archive_entry_symlink(e) ? archive_entry_symlink(e) : "";
    r.hardlink = archive_entry_hardlink(e) ? archive_entry_hardlink(e) : "";
    r.has_uname = archive_entry_uname(e) != nullptr && *archive_entry_uname(e);
    r.has_atime = archive_entry_atime_is_set(e);
    r.has_ctime = archive_entry_ctime_is_set(e);
    entries.push_back(r);
  }
  archive_read_free(a);
  return entries;
}

LayerDescriptor Write(const Store& store, const std::string& tree, LayerOptions options) {
  llvm::Expected<LayerDescriptor> layer = strata::oci::WriteLayer(store, tree, options);
  if (!layer) FAIL(llvm::toString(layer.takeError()));
  return *layer;
}

}  // namespace

TEST_CASE("oci: gzip layer digests match sha256sum and gzip -dc", "[oci]") {
  TempDir dir("oci-test");
  MakeTree(dir.path + "/tree");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  REQUIRE(static_cast<bool>(store));
  LayerDescriptor layer = Write(*store, dir.path + "/tree", {});
  std::string blob = store->BlobPath(layer.digest);
  REQUIRE(fs::exists(blob));
  CHECK(layer.media_type == "application/vnd.oci.image.layer.v1.tar+gzip");
  CHECK(layer.size == fs::file_size(blob));
  CHECK(layer.digest == "sha256:" + ShellStdout("sha256sum " + blob).substr(0, 64));
  CHECK(layer.diff_id ==
        "sha256:" + ShellStdout("gzip -dc " + blob + " | sha256sum").substr(0, 64));
  CHECK(ShellStdout("gzip -t " + blob + " 2>&1; echo $?") == "0\n");
}

TEST_CASE("oci: zstd and uncompressed layers have the right digests", "[oci]") {
  TempDir dir("oci-test");
  MakeTree(dir.path + "/tree");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  REQUIRE(static_cast<bool>(store));
  LayerDescriptor zstd = Write(*store, dir.path + "/tree", {Compression::kZstd});
  std::string blob = store->BlobPath(zstd.digest);
  CHECK(zstd.media_type == "application/vnd.oci.image.layer.v1.tar+zstd");
  CHECK(zstd.digest == "sha256:" + ShellStdout("sha256sum " + blob).substr(0, 64));
  CHECK(zstd.diff_id == "sha256:" + ShellStdout("zstd -dc " + blob + " | sha256sum").substr(0, 64));
  LayerDescriptor plain = Write(*store, dir.path + "/tree", {Compression::kNone});
  CHECK(plain.digest == plain.diff_id);
  CHECK(plain.diff_id == zstd.diff_id);
  CHECK(plain.size == fs::file_size(store->BlobPath(plain.digest)));
}

TEST_CASE("oci: the same tree gives the same bytes in any process and thread count", "[oci]") {
  TempDir dir("oci-test");
  MakeTree(dir.path + "/tree");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  REQUIRE(static_cast<bool>(store));
  LayerDescriptor first = Write(*store, dir.path + "/tree", {});
  LayerOptions one_thread;
  one_thread.threads = 1;
  LayerDescriptor second = Write(*store, dir.path + "/tree", one_thread);
  CHECK(second.digest == first.digest);
  CHECK(second.diff_id == first.diff_id);

  // Another process (another pid) and a copy of the tree with fresh inodes and times.
  REQUIRE(ShellStdout("cp -a " + dir.path + "/tree " + dir.path + "/copy && find " + dir.path +
                      "/copy -exec touch -h -d 2001-02-03 {} + ; echo $?") == "0\n");
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    llvm::Expected<LayerDescriptor> layer = strata::oci::WriteLayer(*store, dir.path + "/copy", {});
    std::string digest = layer ? layer->digest : "error";
    if (!layer) llvm::consumeError(layer.takeError());
    _exit(write(fds[1], digest.data(), digest.size()) == static_cast<ssize_t>(digest.size()) ? 0
                                                                                             : 1);
  }
  close(fds[1]);
  std::string child_digest(100, '\0');
  ssize_t n = read(fds[0], child_digest.data(), child_digest.size());
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  REQUIRE(n > 0);
  child_digest.resize(static_cast<size_t>(n));
  CHECK(child_digest == first.digest);
}

TEST_CASE("oci: entries are sorted, timestamped with the epoch, and keep their metadata", "[oci]") {
  TempDir dir("oci-test");
  MakeTree(dir.path + "/tree");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  REQUIRE(static_cast<bool>(store));
  LayerOptions options;
  options.source_date_epoch = 1700000000;
  LayerDescriptor layer = Write(*store, dir.path + "/tree", options);
  std::vector<ReadEntry> entries = ReadLayer(store->BlobPath(layer.digest));

  std::vector<std::string> paths;
  for (const ReadEntry& e : entries) {
    std::string p = e.path;
    if (!p.empty() && p.back() == '/') p.pop_back();
    paths.push_back(p);
  }
  std::vector<std::string> expected = {"a",
                                       "a-b",
                                       "a.txt",
                                       "a/x",
                                       "big.bin",
                                       "bin",
                                       "bin/tool",
                                       "fifo",
                                       "link",
                                       "very",
                                       "very/" + std::string(120, 'n'),
                                       kLongName,
                                       "z-hard"};
  CHECK(paths == expected);

  std::map<std::string, ReadEntry> by_path;
  for (size_t i = 0; i < entries.size(); ++i) by_path[paths[i]] = entries[i];
  for (const ReadEntry& e : entries) {
    CHECK(e.mtime == 1700000000);
    CHECK_FALSE(e.has_uname);
    CHECK_FALSE(e.has_atime);
    CHECK_FALSE(e.has_ctime);
  }
  CHECK(by_path["a"].type == AE_IFDIR);
  CHECK(by_path["a"].perm == 0750);
  CHECK(by_path["a-b"].perm == 0600);
  CHECK(by_path["a-b"].uid == 1234);
  CHECK(by_path["a-b"].gid == 5678);
  CHECK(by_path["bin/tool"].perm == 04755);
  CHECK(by_path["big.bin"].size == (3 << 20) + 77);
  CHECK(by_path["link"].type == AE_IFLNK);
  CHECK(by_path["link"].symlink == "a/x");
  CHECK(by_path["fifo"].type == AE_IFIFO);
  CHECK(by_path["a/x"].type == AE_IFREG);
  CHECK(by_path["a/x"].size == 10);
  CHECK(by_path["z-hard"].hardlink == "a/x");
  CHECK(by_path[kLongName].size == 5);
}

TEST_CASE("oci: GNU tar lists and extracts the layer", "[oci]") {
  TempDir dir("oci-test");
  MakeTree(dir.path + "/tree");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  REQUIRE(static_cast<bool>(store));
  LayerDescriptor layer = Write(*store, dir.path + "/tree", {});
  std::string blob = store->BlobPath(layer.digest);
  std::string listing = ShellStdout("tar -tzf " + blob + " 2>&1");
  CHECK(listing.find(kLongName) != std::string::npos);
  CHECK(listing.find("z-hard") != std::string::npos);
  fs::create_directories(dir.path + "/out");
  CHECK(ShellStdout("tar -xzf " + blob + " -C " + dir.path + "/out 2>&1; echo $?") == "0\n");
  CHECK(ShellStdout("diff -r --no-dereference -x fifo " + dir.path + "/tree " + dir.path +
                    "/out 2>&1; echo $?") == "0\n");
  CHECK(fs::equivalent(dir.path + "/out/a/x", dir.path + "/out/z-hard"));
}

TEST_CASE("oci: a missing tree is an error, and nothing is published", "[oci]") {
  TempDir dir("oci-test");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  REQUIRE(static_cast<bool>(store));
  llvm::Expected<LayerDescriptor> layer = strata::oci::WriteLayer(*store, dir.path + "/nope", {});
  REQUIRE_FALSE(static_cast<bool>(layer));
  CHECK(llvm::toString(layer.takeError()).find("cannot open directory") != std::string::npos);
  CHECK(fs::is_empty(dir.path + "/store/blobs/sha256"));
  CHECK(fs::is_empty(dir.path + "/store/tmp"));
}

TEST_CASE("oci: non-ASCII and non-UTF-8 names are kept as bytes", "[oci]") {
  TempDir dir("oci-test");
  const std::string latin1 = "caf\xe9";
  const std::string utf8 = "\xc3\xbc";
  fs::create_directories(dir.path + "/tree");
  WriteFile(dir.path + "/tree/" + latin1, "1", 0644);
  WriteFile(dir.path + "/tree/" + utf8, "2", 0644);
  REQUIRE(symlink(latin1.c_str(), (dir.path + "/tree/lnk").c_str()) == 0);
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  REQUIRE(static_cast<bool>(store));
  LayerDescriptor layer = Write(*store, dir.path + "/tree", {});
  std::vector<ReadEntry> entries = ReadLayer(store->BlobPath(layer.digest));
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].path == latin1);
  CHECK(entries[1].path == "lnk");
  CHECK(entries[1].symlink == latin1);
  CHECK(entries[2].path == utf8);
}

TEST_CASE("oci: a file that grows or shrinks after it was listed fails the layer", "[oci]") {
  // Sizes around the writer's 1 MiB reads: a file that grows from exactly 1 MiB used to be cut
  // at its listed size without a word.
  for (size_t size : {size_t{10}, size_t{1} << 20, (size_t{1} << 20) + 5}) {
    for (int delta : {1, -1}) {
      TempDir dir("oci-test");
      llvm::Expected<Store> store = Store::Open(dir.path + "/store");
      REQUIRE(static_cast<bool>(store));
      fs::create_directories(dir.path + "/tree");
      std::string file = dir.path + "/tree/f";
      WriteFile(file, std::string(size, 'x'), 0644);
      llvm::Expected<std::vector<strata::oci::TreeEntry>> entries =
          strata::oci::ScanTree(dir.path + "/tree");
      REQUIRE(static_cast<bool>(entries));
      WriteFile(file, std::string(size + delta, 'y'), 0644);
      llvm::Expected<LayerDescriptor> layer = strata::oci::WriteLayer(*store, *entries, {});
      INFO("size " << size << ", delta " << delta);
      REQUIRE_FALSE(static_cast<bool>(layer));
      CHECK(llvm::toString(layer.takeError()).find("file changed while archiving") !=
            std::string::npos);
      CHECK(fs::is_empty(dir.path + "/store/blobs/sha256"));
    }
  }
}
