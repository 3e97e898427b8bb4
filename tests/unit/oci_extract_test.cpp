// Layer extraction tests: metadata kept, whiteouts in overlayfs form, diff_id checked,
// atomic and concurrent publishing.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/oci/layer_extractor.h"
#include "runtime/oci/layer_stream.h"
#include "runtime/oci/layer_writer.h"
#include "runtime/store/store.h"
#include "tests/unit/test_support.h"

namespace fs = std::filesystem;
using strata::oci::LayerDescriptor;
using strata::store::Store;
using strata::testing::ReadFile;
using strata::testing::RequireOk;
using strata::testing::TempDir;

namespace {

void WriteFile(const std::string& path, const std::string& data, mode_t mode = 0644) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << data;
  REQUIRE(chmod(path.c_str(), mode) == 0);
}

struct stat Lstat(const std::string& path) {
  struct stat st {};
  REQUIRE(lstat(path.c_str(), &st) == 0);
  return st;
}

// One complete gzip member of `data` (zlib's own gzip wrapper).
std::string GzipMember(const std::string& data) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(out.size() - zs.avail_out);
  deflateEnd(&zs);
  return out;
}

bool LeftoverExtractDirs(const Store& store) {
  for (const auto& entry : fs::directory_iterator(store.TmpDir()))
    if (entry.path().filename().string().rfind("layer-", 0) == 0) return true;
  return false;
}

}  // namespace

TEST_CASE("oci extract: files, owners, modes, links and mtimes come back", "[oci][extract]") {
  TempDir dir("oci-extract");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  std::string tree = dir.path + "/tree";
  WriteFile(tree + "/etc/hello.txt", "hello\n");
  WriteFile(tree + "/bin/suid", "#!/bin/sh\n", 04755);
  WriteFile(tree + "/home/user/secret", "s\n", 0600);
  REQUIRE(chown((tree + "/home/user/secret").c_str(), 1000, 1001) == 0);
  REQUIRE(chown((tree + "/home/user").c_str(), 1000, 1000) == 0);
  REQUIRE(chmod((tree + "/home/user").c_str(), 0700) == 0);
  REQUIRE(symlink("../etc/hello.txt", (tree + "/bin/link").c_str()) == 0);
  REQUIRE(link((tree + "/etc/hello.txt").c_str(), (tree + "/etc/hard").c_str()) == 0);
  REQUIRE(mkfifo((tree + "/fifo").c_str(), 0640) == 0);
  REQUIRE(mknod((tree + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);
  std::string big(3 << 20, 'x');
  WriteFile(tree + "/big", big);

  for (auto compression : {strata::oci::Compression::kGzip, strata::oci::Compression::kZstd,
                           strata::oci::Compression::kNone}) {
    strata::oci::LayerOptions options;
    options.compression = compression;
    options.source_date_epoch = 1234567;
    llvm::Expected<LayerDescriptor> layer = strata::oci::WriteLayer(*store, tree, options);
    RequireOk(layer);
    llvm::Expected<std::string> out = strata::oci::ExtractLayer(*store, *layer);
    RequireOk(out);
    CHECK(*out == store->Root() + "/layers/" + layer->diff_id.substr(7));
    CHECK(ReadFile(*out + "/etc/hello.txt") == "hello\n");
    CHECK(ReadFile(*out + "/big") == big);
    CHECK((Lstat(*out + "/bin/suid").st_mode & 07777) == 04755);
    struct stat secret = Lstat(*out + "/home/user/secret");
    CHECK(secret.st_uid == 1000);
    CHECK(secret.st_gid == 1001);
    CHECK((secret.st_mode & 07777) == 0600);
    struct stat user = Lstat(*out + "/home/user");
    CHECK(user.st_uid == 1000);
    CHECK((user.st_mode & 07777) == 0700);
    CHECK(user.st_mtime == 1234567);  // Directory times are set after their children.
    CHECK(Lstat(*out + "/etc/hello.txt").st_mtime == 1234567);
    CHECK(fs::read_symlink(*out + "/bin/link") == "../etc/hello.txt");
    CHECK(Lstat(*out + "/bin/link").st_mtime == 1234567);
    CHECK(Lstat(*out + "/etc/hard").st_ino == Lstat(*out + "/etc/hello.txt").st_ino);
    CHECK(S_ISFIFO(Lstat(*out + "/fifo").st_mode));
    struct stat null = Lstat(*out + "/null");
    CHECK(S_ISCHR(null.st_mode));
    CHECK(null.st_rdev == makedev(1, 3));
    CHECK((Lstat(*out).st_mode & 07777) == 0755);
    CHECK(!LeftoverExtractDirs(*store));

    // Extracted once: a second call returns the same directory without touching it.
    WriteFile(*out + "/marker", "m");
    llvm::Expected<std::string> again = strata::oci::ExtractLayer(*store, *layer);
    RequireOk(again);
    CHECK(*again == *out);
    CHECK(fs::exists(*out + "/marker"));
    fs::remove_all(*out);
  }
}

TEST_CASE("oci extract: OCI whiteouts become overlayfs whiteouts", "[oci][extract]") {
  TempDir dir("oci-extract");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  std::string tree = dir.path + "/tree";
  WriteFile(tree + "/etc/keep", "k");
  REQUIRE(mknod((tree + "/etc/gone").c_str(), S_IFCHR | 0600, makedev(0, 0)) == 0);
  fs::create_directories(tree + "/opaque");
  WriteFile(tree + "/opaque/new", "n");
  REQUIRE(setxattr((tree + "/opaque").c_str(), "trusted.overlay.opaque", "y", 1, 0) == 0);
  llvm::Expected<LayerDescriptor> layer = strata::oci::WriteLayer(*store, tree, {});
  RequireOk(layer);
  llvm::Expected<std::string> out = strata::oci::ExtractLayer(*store, *layer);
  RequireOk(out);
  struct stat gone = Lstat(*out + "/etc/gone");
  CHECK(S_ISCHR(gone.st_mode));
  CHECK(gone.st_rdev == makedev(0, 0));
  CHECK(!fs::exists(*out + "/etc/.wh.gone"));
  CHECK(!fs::exists(*out + "/opaque/.wh..wh..opq"));
  char value[8] = {};
  CHECK(getxattr((*out + "/opaque").c_str(), "trusted.overlay.opaque", value, sizeof value) == 1);
  CHECK(value[0] == 'y');
  CHECK(ReadFile(*out + "/opaque/new") == "n");
  CHECK(getxattr((*out + "/etc").c_str(), "trusted.overlay.opaque", value, sizeof value) < 0);
}

TEST_CASE("oci extract: a wrong diff_id is refused and nothing is published", "[oci][extract]") {
  TempDir dir("oci-extract");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  WriteFile(dir.path + "/tree/f", "content");
  llvm::Expected<LayerDescriptor> layer = strata::oci::WriteLayer(*store, dir.path + "/tree", {});
  RequireOk(layer);
  LayerDescriptor lying = *layer;
  lying.diff_id = "sha256:" + std::string(64, 'c');
  llvm::Expected<std::string> out = strata::oci::ExtractLayer(*store, lying);
  REQUIRE(!out);
  std::string message = llvm::toString(out.takeError());
  CHECK(message.find("layer " + layer->digest + ": diff_id mismatch") != std::string::npos);
  CHECK(message.find(layer->diff_id) != std::string::npos);
  CHECK(!fs::exists(store->Root() + "/layers/" + std::string(64, 'c')));
  CHECK(!LeftoverExtractDirs(*store));

  // A blob that is not a tar at all.
  llvm::Expected<std::string> junk = store->PutBlobBytes(std::string(1000, '\x07'));
  RequireOk(junk);
  llvm::Expected<std::string> bad = strata::oci::ExtractLayer(
      *store, {*junk, *junk, 1000, "application/vnd.oci.image.layer.v1.tar"});
  REQUIRE(!bad);
  CHECK(llvm::toString(bad.takeError()).find("layer " + *junk) != std::string::npos);
  CHECK(!LeftoverExtractDirs(*store));
}

TEST_CASE("oci extract: a gzip layer of several members reads whole", "[oci][extract]") {
  // Strata's own gzip layers are a member per chunk or run, as pigz --independent's and
  // estargz's are: every reader (extraction, LayerStream's diff_id) must go past the first.
  TempDir dir("oci-extract");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + "\n";
  WriteFile(dir.path + "/tree/a.txt", "alpha\n");
  WriteFile(dir.path + "/tree/big.txt", text);
  WriteFile(dir.path + "/tree/sub/b", "beta\n");
  strata::oci::LayerOptions plain;
  plain.compression = strata::oci::Compression::kNone;
  llvm::Expected<LayerDescriptor> tar_layer =
      strata::oci::WriteLayer(*store, dir.path + "/tree", plain);
  RequireOk(tar_layer);
  std::string tar = ReadFile(store->BlobPath(tar_layer->digest));
  // Cut inside the first header, inside big.txt, plus an empty member between.
  REQUIRE(tar.size() > 100700);
  std::string gz = GzipMember(tar.substr(0, 700)) + GzipMember(tar.substr(700, 100000)) +
                   GzipMember("") + GzipMember(tar.substr(100700));
  llvm::Expected<std::string> blob = store->PutBlobBytes(gz);
  RequireOk(blob);
  LayerDescriptor layer{*blob, tar_layer->diff_id, gz.size(),
                        "application/vnd.oci.image.layer.v1.tar+gzip"};

  llvm::Expected<strata::oci::LayerStream> stream =
      strata::oci::LayerStream::Open(store->BlobPath(*blob));
  RequireOk(stream);
  llvm::Expected<std::string> diff_id = stream->Finish();
  RequireOk(diff_id);
  CHECK(*diff_id == tar_layer->diff_id);
  CHECK(stream->BytesRead() == tar.size());

  llvm::Expected<std::string> out = strata::oci::ExtractLayer(*store, layer);
  RequireOk(out);
  CHECK(ReadFile(*out + "/a.txt") == "alpha\n");
  CHECK(ReadFile(*out + "/big.txt") == text);
  CHECK(ReadFile(*out + "/sub/b") == "beta\n");
}

TEST_CASE("oci extract: concurrent extractions of one layer publish one directory",
          "[oci][extract]") {
  TempDir dir("oci-extract");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  for (int i = 0; i < 200; ++i)
    WriteFile(dir.path + "/tree/d" + std::to_string(i % 7) + "/f" + std::to_string(i),
              std::string(5000, 'a' + i % 26));
  llvm::Expected<LayerDescriptor> layer = strata::oci::WriteLayer(*store, dir.path + "/tree", {});
  RequireOk(layer);
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      llvm::Expected<std::string> out = strata::oci::ExtractLayer(*store, *layer);
      results[t] = out ? *out : "error: " + llvm::toString(out.takeError());
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& result : results) CHECK(result == results[0]);
  CHECK(ReadFile(results[0] + "/d3/f3") == std::string(5000, 'd'));
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(results[0]))
    files += entry.is_regular_file();
  CHECK(files == 200);
  CHECK(!LeftoverExtractDirs(*store));
}
