// Layer extraction safety: hand-made hostile tars (.., absolute paths, symlink parents, escaping
// hard links) are refused with an error naming the entry, nothing is published and nothing is
// written outside the extraction directory.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/oci/layer_extractor.h"
#include "runtime/store/store.h"
#include "tests/unit/test_support.h"

namespace fs = std::filesystem;
using strata::oci::LayerDescriptor;
using strata::store::Store;
using strata::testing::RequireOk;
using strata::testing::TempDir;

namespace {

struct TarEntry {
  TarEntry(std::string p, mode_t t = AE_IFREG, std::string c = "", std::string s = "",
           std::string h = "")
      : path(std::move(p)),
        type(t),
        content(std::move(c)),
        symlink(std::move(s)),
        hardlink(std::move(h)) {}
  std::string path;
  mode_t type;
  std::string content;
  std::string symlink;
  std::string hardlink;
};

la_ssize_t AppendToString(struct archive*, void* client, const void* buffer, size_t length) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

// A raw tar with exactly these names (libarchive's writer does not sanitize them).
std::string MakeTar(const std::vector<TarEntry>& entries) {
  std::string out;
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_set_bytes_per_block(a, 0);
  REQUIRE(archive_write_open2(a, &out, nullptr, AppendToString, nullptr, nullptr) == ARCHIVE_OK);
  for (const TarEntry& entry : entries) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_copy_pathname(e, entry.path.c_str());
    archive_entry_set_filetype(e, entry.type);
    archive_entry_set_perm(e, entry.type == AE_IFDIR ? 0755 : 0644);
    if (!entry.symlink.empty()) archive_entry_copy_symlink(e, entry.symlink.c_str());
    if (!entry.hardlink.empty()) archive_entry_copy_hardlink(e, entry.hardlink.c_str());
    archive_entry_set_size(e, entry.type == AE_IFREG && entry.hardlink.empty()
                                  ? static_cast<la_int64_t>(entry.content.size())
                                  : 0);
    REQUIRE(archive_write_header(a, e) == ARCHIVE_OK);
    if (!entry.content.empty() && entry.hardlink.empty())
      archive_write_data(a, entry.content.data(), entry.content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

// Stores the tar uncompressed (digest = diff_id) and extracts it.
llvm::Expected<std::string> Extract(const Store& store, const std::vector<TarEntry>& entries,
                                    LayerDescriptor* layer_out = nullptr) {
  std::string tar = MakeTar(entries);
  llvm::Expected<std::string> digest = store.PutBlobBytes(tar);
  if (!digest) return digest.takeError();
  LayerDescriptor layer{*digest, *digest, tar.size(), "application/vnd.oci.image.layer.v1.tar"};
  if (layer_out) *layer_out = layer;
  return strata::oci::ExtractLayer(store, layer);
}

// Expects the extraction to fail naming `entry`, with nothing published or left in tmp/.
void ExpectRefused(const Store& store, const std::vector<TarEntry>& entries,
                   const std::string& entry, const std::string& reason) {
  LayerDescriptor layer;
  llvm::Expected<std::string> out = Extract(store, entries, &layer);
  REQUIRE(!out);
  std::string message = llvm::toString(out.takeError());
  INFO(message);
  CHECK(message.find("layer " + layer.digest + ": entry '" + entry + "' " + reason) !=
        std::string::npos);
  CHECK(!fs::exists(store.Root() + "/layers/" + layer.diff_id.substr(7)));
  for (const auto& tmp : fs::directory_iterator(store.TmpDir()))
    CHECK(tmp.path().filename().string().rfind("layer-", 0) != 0);
}

}  // namespace

TEST_CASE("oci extract: entries that climb out with .. are refused", "[oci][extract]") {
  TempDir dir("oci-hostile");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  // From <store>/tmp/layer-XXX, ../../escaped would be <store>/escaped.
  ExpectRefused(*store, {{"ok.txt", AE_IFREG, "fine"}, {"../../escaped", AE_IFREG, "x"}},
                "../../escaped", "escapes the layer root");
  ExpectRefused(*store, {{"a/../../etc/x", AE_IFREG, "x"}}, "a/../../etc/x",
                "escapes the layer root");
  ExpectRefused(*store, {{"/../../abs-escape", AE_IFREG, "x"}}, "/../../abs-escape",
                "escapes the layer root");
  CHECK(!fs::exists(store->Root() + "/escaped"));
  CHECK(!fs::exists(dir.path + "/escaped"));
  CHECK(!fs::exists("/abs-escape"));
}

TEST_CASE("oci extract: absolute paths land inside the layer", "[oci][extract]") {
  TempDir dir("oci-hostile");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  std::string host_path = dir.path + "/abs-target";
  llvm::Expected<std::string> out = Extract(*store, {{host_path, AE_IFREG, "inside"}});
  RequireOk(out);
  CHECK(!fs::exists(host_path));
  std::ifstream in(*out + host_path);
  CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == "inside");
}

TEST_CASE("oci extract: a path through a symlink is refused", "[oci][extract]") {
  TempDir dir("oci-hostile");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  std::string victim = dir.path + "/victim";
  fs::create_directories(victim);
  ExpectRefused(*store, {{"link", AE_IFLNK, "", victim}, {"link/passwd", AE_IFREG, "owned"}},
                "link/passwd", "goes through the symlink 'link'");
  ExpectRefused(
      *store,
      {{"a/b", AE_IFLNK, "", "../../../../../../../../" + victim}, {"a/b/c/d", AE_IFREG, "owned"}},
      "a/b/c/d", "goes through the symlink 'a/b'");
  // A whiteout and an opaque marker through a symlink.
  ExpectRefused(*store, {{"link", AE_IFLNK, "", victim}, {"link/.wh.x", AE_IFREG, ""}},
                "link/.wh.x", "goes through the symlink 'link'");
  ExpectRefused(*store, {{"link", AE_IFLNK, "", victim}, {"link/.wh..wh..opq", AE_IFREG, ""}},
                "link/.wh..wh..opq", "goes through the symlink 'link'");
  CHECK(fs::is_empty(victim));
  // The symlink itself is fine, and a file may replace it.
  llvm::Expected<std::string> ok =
      Extract(*store, {{"link", AE_IFLNK, "", victim}, {"link", AE_IFREG, "replaced"}});
  RequireOk(ok);
  CHECK(fs::is_regular_file(fs::symlink_status(*ok + "/link")));
  CHECK(fs::is_empty(victim));
}

TEST_CASE("oci extract: hard links that escape are refused", "[oci][extract]") {
  TempDir dir("oci-hostile");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  std::string secret = dir.path + "/secret";
  std::ofstream(secret) << "host secret";
  ExpectRefused(*store, {{"h", AE_IFREG, "", "", "../x"}}, "h",
                "is a hard link to '../x', which escapes the layer root");
  std::string up = "../../../../../../../.." + secret;
  ExpectRefused(*store, {{"h", AE_IFREG, "", "", up}}, "h",
                "is a hard link to '" + up + "', which escapes the layer root");
  // Through a symlink to the host's directory: would link the host's file into the layer.
  ExpectRefused(*store, {{"link", AE_IFLNK, "", dir.path}, {"h", AE_IFREG, "", "", "link/secret"}},
                "h", "is a hard link to 'link/secret', whose path goes through a symlink");
  // A hard link into a directory the layer does not have says so.
  ExpectRefused(
      *store, {{"h", AE_IFREG, "", "", "etc/passwd"}}, "h",
      "is a hard link to 'etc/passwd', which is not in the layer (its directory 'etc' is missing)");
  // A hard link to something not (yet) in the layer.
  ExpectRefused(*store, {{"h", AE_IFREG, "", "", "missing"}}, "h", "cannot be linked");
  // The absolute target is inside the layer: fine.
  llvm::Expected<std::string> ok =
      Extract(*store, {{"a", AE_IFREG, "data"}, {"b", AE_IFREG, "", "", "/a"}});
  RequireOk(ok);
  struct stat a, b;
  REQUIRE(stat((*ok + "/a").c_str(), &a) == 0);
  REQUIRE(stat((*ok + "/b").c_str(), &b) == 0);
  CHECK(a.st_ino == b.st_ino);
  struct stat host;
  REQUIRE(stat(secret.c_str(), &host) == 0);
  CHECK(host.st_nlink == 1);
}

TEST_CASE("oci extract: overlay xattrs in a layer are not applied", "[oci][extract]") {
  TempDir dir("oci-hostile");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  std::string tar;
  {
    struct archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    REQUIRE(archive_write_open2(a, &tar, nullptr, AppendToString, nullptr, nullptr) == ARCHIVE_OK);
    struct archive_entry* e = archive_entry_new();
    archive_entry_copy_pathname(e, "d");
    archive_entry_set_filetype(e, AE_IFDIR);
    archive_entry_set_perm(e, 0755);
    archive_entry_xattr_add_entry(e, "trusted.overlay.redirect", "/etc", 4);
    archive_entry_xattr_add_entry(e, "user.note", "kept", 4);
    REQUIRE(archive_write_header(a, e) == ARCHIVE_OK);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
  }
  llvm::Expected<std::string> digest = store->PutBlobBytes(tar);
  RequireOk(digest);
  llvm::Expected<std::string> out = strata::oci::ExtractLayer(
      *store, {*digest, *digest, tar.size(), "application/vnd.oci.image.layer.v1.tar"});
  RequireOk(out);
  char value[16] = {};
  CHECK(getxattr((*out + "/d").c_str(), "trusted.overlay.redirect", value, sizeof value) < 0);
  CHECK(getxattr((*out + "/d").c_str(), "user.note", value, sizeof value) == 4);
  CHECK(std::string(value, 4) == "kept");
}
