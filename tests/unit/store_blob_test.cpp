// Store tests: blob digests and atomic publication, node records, and the store layout.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/store/store.h"
#include "tests/unit/test_support.h"

namespace fs = std::filesystem;
using strata::store::Store;
using strata::testing::ReadFile;
using strata::testing::ShellStdout;
using strata::testing::TempDir;

namespace {

Store OpenStore(const std::string& root) {
  llvm::Expected<Store> store = Store::Open(root);
  REQUIRE(static_cast<bool>(store));
  return std::move(*store);
}

size_t CountFiles(const std::string& dir) {
  size_t n = 0;
  for (auto it = fs::directory_iterator(dir); it != fs::directory_iterator(); ++it) ++n;
  return n;
}

}  // namespace

TEST_CASE("store: open creates the layout", "[store]") {
  TempDir dir("store-test");
  Store store = OpenStore(dir.path + "/s/");
  CHECK(store.Root() == dir.path + "/s");
  for (const char* sub : {"blobs/sha256", "nodes", "locks", "tmp"})
    CHECK(fs::is_directory(dir.path + "/s/" + sub));
}

TEST_CASE("store: one function decides the default root", "[store]") {
  CHECK(Store::DefaultRoot("/s", "/x/cache", "/home/u") == "/s");
  CHECK(Store::DefaultRoot(nullptr, "/x/cache", "/home/u") == "/x/cache/strata");
  CHECK(Store::DefaultRoot("", "", "/home/u") == "/home/u/.cache/strata");
  CHECK(Store::DefaultRoot(nullptr, nullptr, nullptr) == "/tmp/strata-cache");
}

TEST_CASE("store: blob bytes are published under their sha256", "[store]") {
  TempDir dir("store-test");
  Store store = OpenStore(dir.path);
  llvm::Expected<std::string> digest = store.PutBlobBytes("abc");
  REQUIRE(static_cast<bool>(digest));
  CHECK(*digest == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(store.HasBlob(*digest));
  CHECK(ReadFile(store.BlobPath(*digest)) == "abc");
  CHECK(CountFiles(store.TmpDir()) == 0);
  // Blobs are read-only once published.
  CHECK((fs::status(store.BlobPath(*digest)).permissions() & fs::perms::owner_write) ==
        fs::perms::none);
  // A second put of the same bytes is a no-op that returns the same name; the intact file is
  // kept, not replaced (no fsync, no rename: what a warm build's config and manifest cost).
  struct stat before;
  REQUIRE(::stat(store.BlobPath(*digest).c_str(), &before) == 0);
  llvm::Expected<std::string> again = store.PutBlobBytes("abc");
  REQUIRE(static_cast<bool>(again));
  CHECK(*again == *digest);
  struct stat after;
  REQUIRE(::stat(store.BlobPath(*digest).c_str(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);
  CHECK(CountFiles(store.TmpDir()) == 0);
  CHECK(CountFiles(dir.path + "/blobs/sha256") == 1);
}

TEST_CASE("store: a large blob this process published is kept when put again", "[store]") {
  TempDir dir("store-test");
  std::string big(256 * 1024, 'x');  // over the 64 KiB that are compared byte for byte
  std::string digest;
  struct stat before;
  {
    Store store = OpenStore(dir.path);
    llvm::Expected<std::string> put = store.PutBlobBytes(big);
    REQUIRE(static_cast<bool>(put));
    digest = *put;
    REQUIRE(::stat(store.BlobPath(digest).c_str(), &before) == 0);
    llvm::Expected<std::string> again = store.PutBlobBytes(big);
    REQUIRE(static_cast<bool>(again));
    CHECK(*again == digest);
    struct stat after;
    REQUIRE(::stat(store.BlobPath(digest).c_str(), &after) == 0);
    CHECK(after.st_ino == before.st_ino);  // not replaced: no fsync, no rename
    CHECK(CountFiles(store.TmpDir()) == 0);
  }
  // Another process trusts nothing it has not seen: the same put replaces the file.
  Store store = OpenStore(dir.path);
  llvm::Expected<std::string> other = store.PutBlobBytes(big);
  REQUIRE(static_cast<bool>(other));
  struct stat replaced;
  REQUIRE(::stat(store.BlobPath(digest).c_str(), &replaced) == 0);
  CHECK(replaced.st_ino != before.st_ino);
  CHECK(ReadFile(store.BlobPath(digest)) == big);
}

namespace {
// Overwrites a published (read-only) blob with other bytes, as disk damage or tampering would.
void Damage(const std::string& path, const std::string& bytes) {
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  strata::testing::WriteFile(path, bytes);
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::remove);
}
}  // namespace

TEST_CASE("store: a corrupt blob is found before it leaves, removed, and a new put repairs it",
          "[store]") {
  TempDir dir("store-test");
  std::string digest;
  {
    Store store = OpenStore(dir.path);
    llvm::Expected<std::string> put = store.PutBlobBytes("abc");
    REQUIRE(static_cast<bool>(put));
    digest = *put;
    // Written by this process: trusted without a second read.
    CHECK_FALSE(static_cast<bool>(store.CheckBlob(digest)));
  }
  Damage(OpenStore(dir.path).BlobPath(digest), "abd");
  {
    // A put of the right bytes replaces the damaged file (what --no-cache relies on).
    Store store = OpenStore(dir.path);
    llvm::Expected<std::string> again = store.PutBlobBytes("abc");
    REQUIRE(static_cast<bool>(again));
    CHECK(ReadFile(store.BlobPath(digest)) == "abc");
    CHECK_FALSE(static_cast<bool>(store.VerifyBlob(digest)));
  }
  Damage(OpenStore(dir.path).BlobPath(digest), "abd");
  Store store = OpenStore(dir.path);  // another process: knows nothing of the blob
  llvm::Expected<std::string> hashed = store.HashBlob(digest);
  REQUIRE(static_cast<bool>(hashed));
  CHECK(*hashed == "sha256:a52d159f262b2c6ddb724a61840befc36eb30c88877a4030b65cbe86298449c9");
  CHECK(store.HasBlob(digest));  // hashing alone removes nothing
  llvm::Error bad = store.CheckBlob(digest);
  REQUIRE(static_cast<bool>(bad));
  std::string message = llvm::toString(std::move(bad));
  CHECK_THAT(message, Catch::Contains("store blob " + digest + " is corrupt"));
  CHECK_THAT(message, Catch::Contains("removed it"));
  CHECK_FALSE(store.HasBlob(digest));
  CHECK(store.CorruptBlobsRemoved() == 1);
  llvm::Error missing = store.CheckBlob(digest);
  REQUIRE(static_cast<bool>(missing));
  CHECK_THAT(llvm::toString(std::move(missing)), Catch::Contains("is not in the store"));
}

TEST_CASE("store: the root and every directory in it are private to the owner", "[store]") {
  TempDir dir("store-test");
  // A layout an older version made world-readable.
  fs::create_directories(dir.path + "/old/layers");
  fs::permissions(dir.path + "/old/layers", fs::perms(0755));
  for (const std::string& root : {dir.path + "/new", dir.path + "/old"}) {
    Store store = OpenStore(root);
    for (const char* sub : {"blobs", "blobs/sha256", "nodes", "locks", "tmp", "layers", "work",
                            "artifacts", "cache", "roots"}) {
      INFO(root << "/" << sub);
      CHECK((fs::status(root + "/" + sub).permissions() & fs::perms::all) == fs::perms::owner_all);
    }
  }
  CHECK((fs::status(dir.path + "/new").permissions() & fs::perms::all) == fs::perms::owner_all);
}

TEST_CASE("store: malformed digests name no path", "[store]") {
  TempDir dir("store-test");
  Store store = OpenStore(dir.path);
  CHECK(store.BlobPath("sha256:../../etc/passwd").empty());
  CHECK(store.BlobPath("sha256:ABC").empty());
  CHECK_FALSE(store.HasBlob("md5:00"));
}

TEST_CASE("store: PutBlobFromFile matches sha256sum", "[store]") {
  TempDir dir("store-test");
  Store store = OpenStore(dir.path + "/store");
  std::string file = dir.path + "/input.bin";
  {
    std::ofstream out(file, std::ios::binary);
    for (int i = 0; i < 300000; ++i) out << i << (i % 7 == 0 ? '\n' : ' ');
  }
  llvm::Expected<std::string> digest = store.PutBlobFromFile(file);
  REQUIRE(static_cast<bool>(digest));
  std::string expected = ShellStdout("sha256sum " + file).substr(0, 64);
  CHECK(*digest == "sha256:" + expected);
  CHECK(ReadFile(store.BlobPath(*digest)) == ReadFile(file));
  llvm::Expected<std::string> missing = store.PutBlobFromFile(dir.path + "/nope");
  CHECK_FALSE(static_cast<bool>(missing));
  llvm::consumeError(missing.takeError());
}

TEST_CASE("store: an uncommitted writer publishes nothing", "[store]") {
  TempDir dir("store-test");
  Store store = OpenStore(dir.path);
  {
    llvm::Expected<strata::store::BlobWriter> writer = store.NewBlobWriter();
    REQUIRE(static_cast<bool>(writer));
    REQUIRE_FALSE(static_cast<bool>(writer->Write("partial")));
    CHECK(writer->Size() == 7);
    CHECK(CountFiles(store.TmpDir()) == 1);
  }
  CHECK(CountFiles(store.TmpDir()) == 0);
  CHECK(CountFiles(dir.path + "/blobs/sha256") == 0);
}

TEST_CASE("store: CommitExpecting rejects the wrong digest", "[store]") {
  TempDir dir("store-test");
  Store store = OpenStore(dir.path);
  llvm::Expected<strata::store::BlobWriter> writer = store.NewBlobWriter();
  REQUIRE(static_cast<bool>(writer));
  REQUIRE_FALSE(static_cast<bool>(writer->Write("abc")));
  llvm::Expected<std::string> digest = writer->CommitExpecting("sha256:" + std::string(64, '0'));
  REQUIRE_FALSE(static_cast<bool>(digest));
  CHECK(llvm::toString(digest.takeError()).find("digest mismatch") != std::string::npos);
  CHECK(CountFiles(dir.path + "/blobs/sha256") == 0);
  CHECK(CountFiles(store.TmpDir()) == 0);
}

TEST_CASE("store: node records round-trip and replace atomically", "[store]") {
  TempDir dir("store-test");
  Store store = OpenStore(dir.path);
  const std::string key = "0123456789abcdef0123456789abcdef";
  llvm::Expected<std::optional<nlohmann::json>> none = store.GetNodeRecord(key);
  REQUIRE(static_cast<bool>(none));
  CHECK_FALSE(none->has_value());

  REQUIRE_FALSE(static_cast<bool>(store.PutNodeRecord(key, {{"layer", "sha256:aa"}, {"size", 1}})));
  REQUIRE_FALSE(static_cast<bool>(store.PutNodeRecord(key, {{"layer", "sha256:bb"}, {"size", 2}})));
  llvm::Expected<std::optional<nlohmann::json>> got = store.GetNodeRecord(key);
  REQUIRE(static_cast<bool>(got));
  REQUIRE(got->has_value());
  CHECK((**got)["layer"] == "sha256:bb");
  CHECK((**got)["size"] == 2);
  CHECK(CountFiles(store.TmpDir()) == 0);

  llvm::Error bad = store.PutNodeRecord("../escape", {});
  CHECK(static_cast<bool>(bad));
  llvm::consumeError(std::move(bad));
  llvm::Expected<std::optional<nlohmann::json>> bad_get = store.GetNodeRecord("ABC");
  CHECK_FALSE(static_cast<bool>(bad_get));
  llvm::consumeError(bad_get.takeError());
}

TEST_CASE("store: a corrupt node record is an error, not a crash", "[store]") {
  TempDir dir("store-test");
  Store store = OpenStore(dir.path);
  const std::string key = "ffffffffffffffffffffffffffffffff";
  std::ofstream(dir.path + "/nodes/" + key + ".json") << "{not json";
  llvm::Expected<std::optional<nlohmann::json>> got = store.GetNodeRecord(key);
  REQUIRE_FALSE(static_cast<bool>(got));
  CHECK(llvm::toString(got.takeError()).find("corrupt node record") != std::string::npos);
}

TEST_CASE("store: a blob hashed whole is not read again by a later process until its bytes change",
          "[store]") {
  TempDir dir("store-test");
  std::string digest;
  {
    llvm::Expected<std::string> put = OpenStore(dir.path).PutBlobBytes("abc");
    REQUIRE(static_cast<bool>(put));
    digest = *put;
  }
  const std::string stamp = dir.path + "/blobs/verified/" + digest.substr(7);
  {
    // Just written: file times are too close to now to vouch for the bytes, so no stamp.
    Store store = OpenStore(dir.path);
    CHECK_FALSE(static_cast<bool>(store.CheckBlob(digest)));
    CHECK(store.BlobsHashed() == 1);
    CHECK_FALSE(fs::exists(stamp));
  }
  ::usleep(1'200'000);  // older than the stamp margin (VerifiedStamps::kMarginNs)
  {
    Store store = OpenStore(dir.path);
    CHECK_FALSE(static_cast<bool>(store.CheckBlob(digest)));
    CHECK(store.BlobsHashed() == 1);
    CHECK(fs::exists(stamp));
  }
  {
    Store store = OpenStore(dir.path);
    CHECK_FALSE(static_cast<bool>(store.CheckBlob(digest)));
    CHECK(store.BlobsHashed() == 0);  // the stamp vouched for it
  }
  // Same size, other bytes: the ctime moved, so the stamp no longer matches.
  Damage(OpenStore(dir.path).BlobPath(digest), "abd");
  Store store = OpenStore(dir.path);
  llvm::Error bad = store.CheckBlob(digest);
  REQUIRE(static_cast<bool>(bad));
  CHECK_THAT(llvm::toString(std::move(bad)), Catch::Contains("is corrupt"));
  CHECK(store.BlobsHashed() == 1);
  CHECK_FALSE(fs::exists(stamp));
}

TEST_CASE("store: a blob hashed on the side (WriteFileOnly + Hash) is the blob Write makes",
          "[store]") {
  TempDir dir("store-test");
  Store store = OpenStore(dir.path + "/s");
  std::string bytes(3 << 20, 'x');
  for (size_t i = 0; i < bytes.size(); i += 4093) bytes[i] = static_cast<char>(i);
  llvm::Expected<strata::store::BlobWriter> whole = store.NewBlobWriter();
  REQUIRE(static_cast<bool>(whole));
  REQUIRE_FALSE(static_cast<bool>(whole->Write(bytes)));
  llvm::Expected<std::string> expected = whole->Commit();
  REQUIRE(static_cast<bool>(expected));

  // Two streams of the same pieces, as a layer's two consumer threads give them.
  llvm::Expected<strata::store::BlobWriter> split = store.NewBlobWriter();
  REQUIRE(static_cast<bool>(split));
  for (size_t at = 0; at < bytes.size(); at += 1 << 20)
    split->Hash().Update(bytes.data() + at, std::min<size_t>(1 << 20, bytes.size() - at));
  for (size_t at = 0; at < bytes.size(); at += 300000)
    REQUIRE_FALSE(static_cast<bool>(
        split->WriteFileOnly(bytes.data() + at, std::min<size_t>(300000, bytes.size() - at))));
  CHECK(split->Size() == bytes.size());
  llvm::Expected<std::string> digest = split->Commit();
  REQUIRE(static_cast<bool>(digest));
  CHECK(*digest == *expected);
  CHECK(ReadFile(store.BlobPath(*digest)) == bytes);
}
