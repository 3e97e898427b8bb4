// LocalSourceHasher: what changes a local source's digest, what does not, and the cache.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <xxhash.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "compiler/graph/local_hash_cache.h"
#include "compiler/graph/local_source.h"

namespace strata::graph {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "strata-local-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

void Write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A small tree: two files, a nested dir, a symlink.
void MakeTree(const TempDir& dir) {
  Write(dir / "src/main.c", "int main() { return 0; }\n");
  Write(dir / "src/lib/util.c", "int util;\n");
  Write(dir / "src/Makefile", "all:\n\tcc main.c\n");
  fs::create_symlink("main.c", dir / "src/link");
}

std::string Digest(const std::string& path) {
  LocalSourceHasher hasher;
  LocalSourceHasher::Result result = hasher.Hash(path);
  INFO(result.error);
  REQUIRE(result.error.empty());
  REQUIRE(result.digest.size() == 32);
  return result.digest;
}

TEST_CASE("local source: same tree, same digest; in another place too", "[graph]") {
  TempDir a, b;
  MakeTree(a);
  MakeTree(b);
  CHECK(Digest(a / "src") == Digest(a / "src"));
  CHECK(Digest(a / "src") == Digest(b / "src"));
  CHECK(Digest(a / "src/") == Digest(a / "src"));
}

TEST_CASE("local source: contents, modes, names and link targets count", "[graph]") {
  TempDir dir;
  MakeTree(dir);
  std::string before = Digest(dir / "src");

  SECTION("content") {
    Write(dir / "src/lib/util.c", "int util = 1;\n");
    CHECK(Digest(dir / "src") != before);
  }
  SECTION("chmod +x") {
    fs::permissions(dir / "src/main.c", fs::perms::owner_exec, fs::perm_options::add);
    CHECK(Digest(dir / "src") != before);
  }
  SECTION("rename") {
    fs::rename(dir / "src/Makefile", dir / "src/makefile");
    CHECK(Digest(dir / "src") != before);
  }
  SECTION("symlink target") {
    fs::remove(dir / "src/link");
    fs::create_symlink("lib/util.c", dir / "src/link");
    CHECK(Digest(dir / "src") != before);
  }
  SECTION("empty directory") {
    fs::create_directory(dir / "src/empty");
    CHECK(Digest(dir / "src") != before);
  }
}

TEST_CASE("local source: mtimes, group bits and .git do not count", "[graph]") {
  TempDir dir;
  MakeTree(dir);
  std::string before = Digest(dir / "src");

  SECTION("touch") {
    fs::last_write_time(dir / "src/main.c",
                        fs::file_time_type::clock::now() - std::chrono::hours(5));
    CHECK(Digest(dir / "src") == before);
  }
  SECTION("group write (umask-dependent)") {
    fs::permissions(dir / "src/main.c", fs::perms::group_write, fs::perm_options::add);
    CHECK(Digest(dir / "src") == before);
  }
  SECTION(".git") {
    Write(dir / "src/.git/HEAD", "ref: refs/heads/main\n");
    CHECK(Digest(dir / "src") == before);
  }
}

TEST_CASE("local source: a single file and a symlink root", "[graph]") {
  TempDir dir;
  MakeTree(dir);
  std::string file = Digest(dir / "src/main.c");
  // The digest covers contents, not the root's own name (MakeLocal keys the name).
  Write(dir / "copy.c", "int main() { return 0; }\n");
  CHECK(Digest(dir / "copy.c") == file);
  // A symlink root is hashed as a link, not followed.
  CHECK(Digest(dir / "src/link") != file);
}

// The digest as docs/graph-encoding.md defines it, computed here without the hasher.
class ReferenceDigest {
 public:
  ReferenceDigest() { XXH3_128bits_reset(state_); }
  ~ReferenceDigest() { XXH3_freeState(state_); }
  void Str(const std::string& s) {
    U64(s.size());
    XXH3_128bits_update(state_, s.data(), s.size());
  }
  void U64(uint64_t v) { Le(v, 8); }
  void U32(uint32_t v) { Le(v, 4); }
  void Byte(char c) { XXH3_128bits_update(state_, &c, 1); }
  void Key(const std::string& content) {
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH3_128bits(content.data(), content.size()));
    XXH3_128bits_update(state_, canonical.digest, sizeof canonical.digest);
  }
  std::string Hex() {
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state_));
    std::string out;
    for (unsigned char byte : canonical.digest) {
      out += "0123456789abcdef"[byte >> 4];
      out += "0123456789abcdef"[byte & 0xf];
    }
    return out;
  }

 private:
  void Le(uint64_t v, int bytes) {
    unsigned char b[8];
    for (int i = 0; i < bytes; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
    XXH3_128bits_update(state_, b, static_cast<size_t>(bytes));
  }
  XXH3_state_t* state_ = XXH3_createState();
};

TEST_CASE("local source: a big tree, read on several threads, digests as documented", "[graph]") {
  // 2 directories of 150 files, 2 MB in all: enough for DigestFiles to use every core.
  TempDir dir;
  ReferenceDigest reference;
  reference.Str("strata-local-v1");
  reference.Str("");
  reference.Byte('d');
  reference.U32(0755);
  std::vector<std::string> names;
  for (int i = 0; i < 150; ++i) names.push_back("f" + std::to_string(1000 + i));
  for (const char* sub : {"a", "b"}) {
    reference.Str(sub);
    reference.Byte('d');
    reference.U32(0755);
    for (const std::string& name : names) {
      std::string content(static_cast<size_t>(7000 + (name.back() - '0') * 100), sub[0]);
      content += name;
      Write(dir / (std::string("src/") + sub + "/" + name), content);
      reference.Str(std::string(sub) + "/" + name);
      reference.Byte('f');
      reference.U32(0644);
      reference.U64(content.size());
      reference.Key(content);
    }
  }
  LocalSourceHasher hasher;
  CHECK(Digest(dir / "src") == reference.Hex());
  CHECK(hasher.Hash(dir / "src").digest == reference.Hex());
  CHECK(hasher.stats().files_read == 300);
}

TEST_CASE("local source: errors name the file", "[graph]") {
  TempDir dir;
  LocalSourceHasher hasher;
  LocalSourceHasher::Result missing = hasher.Hash(dir / "nope");
  CHECK(missing.digest.empty());
  CHECK(missing.error.find(dir / "nope") != std::string::npos);

  fs::create_directory(dir / "tree");
  std::string sock_path = dir / "tree/sock";
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  REQUIRE(sock_path.size() < sizeof addr.sun_path);
  std::strcpy(addr.sun_path, sock_path.c_str());
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  LocalSourceHasher::Result sock = hasher.Hash(dir / "tree");
  close(fd);
  CHECK(sock.digest.empty());
  CHECK(sock.error.find("socket") != std::string::npos);
  CHECK(sock.error.find(sock_path) != std::string::npos);

  if (geteuid() != 0) {  // root reads mode-000 files
    Write(dir / "secret/key", "k");
    fs::permissions(dir / "secret/key", fs::perms::none);
    LocalSourceHasher::Result unreadable = hasher.Hash(dir / "secret");
    CHECK(unreadable.error.find(dir / "secret/key") != std::string::npos);
  }
}

TEST_CASE("local source: memoised per hasher", "[graph]") {
  TempDir dir;
  MakeTree(dir);
  LocalSourceHasher hasher;
  std::string first = hasher.Hash(dir / "src").digest;
  uint64_t read = hasher.stats().files_read;
  CHECK(read == 3);
  Write(dir / "src/main.c", "changed");  // not seen: one process, one answer per path
  CHECK(hasher.Hash(dir / "src").digest == first);
  CHECK(hasher.stats().files_read == read);
}

TEST_CASE("local source: the cache file saves reading unchanged files", "[graph]") {
  TempDir dir;
  MakeTree(dir);
  std::string cache = dir / "cache.bin";
  // Files written in the same clock tick as the cache are not trusted (racy clean).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::string digest;
  {
    LocalSourceHasher hasher(cache);
    digest = hasher.Hash(dir / "src").digest;
    CHECK(hasher.stats().files_read == 3);
  }
  REQUIRE(fs::exists(cache));
  {
    LocalSourceHasher hasher(cache);
    CHECK(hasher.Hash(dir / "src").digest == digest);
    CHECK(hasher.stats().files_read == 0);
    CHECK(hasher.stats().bytes_read == 0);
    CHECK(hasher.stats().cache_hits == 3);
  }
  // A changed file is read again, the others still come from the cache.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Write(dir / "src/lib/util.c", "int util = 2;\n");
  {
    LocalSourceHasher hasher(cache);
    CHECK(hasher.Hash(dir / "src").digest != digest);
    CHECK(hasher.stats().files_read == 1);
    CHECK(hasher.stats().cache_hits == 2);
  }
}

TEST_CASE("local source: a file changed just before it was read is not cached", "[graph]") {
  TempDir dir;
  Write(dir / "src/f", "one\n");
  Write(dir / "module.strata", "{ a = 1; }\n");
  std::string cache = dir / "cache.bin";
  {
    LocalSourceHasher hasher(cache);
    REQUIRE(hasher.Hash(dir / "src").error.empty());
    REQUIRE(hasher.FileContentHash(dir / "module.strata").has_value());
  }
  // The cache file written long after the read (a long build): its own time says nothing of
  // when the files were read. A rewrite in the same clock tick as the read would keep the
  // files' stat data, so neither may come from the cache (nor be in it: then there is none).
  struct timespec later[2] = {{std::time(nullptr) + 60, 0}, {std::time(nullptr) + 60, 0}};
  if (fs::exists(cache)) REQUIRE(::utimensat(AT_FDCWD, cache.c_str(), later, 0) == 0);
  LocalSourceHasher hasher(cache);
  REQUIRE(hasher.Hash(dir / "src").error.empty());
  REQUIRE(hasher.FileContentHash(dir / "module.strata").has_value());
  CHECK(hasher.stats().cache_hits == 0);
  CHECK(hasher.stats().files_read == 2);
}

TEST_CASE("local source: which stat data may stand for a file's content", "[graph]") {
  const int64_t now = 1'700'000'000'000'000'000 + 500'000'000;  // x.5 s
  auto at = [](int64_t mtime_ns, int64_t ctime_ns) {
    struct stat st {};
    st.st_mtim = {static_cast<time_t>(mtime_ns / 1'000'000'000), mtime_ns % 1'000'000'000};
    st.st_ctim = {static_cast<time_t>(ctime_ns / 1'000'000'000), ctime_ns % 1'000'000'000};
    return st;
  };
  // Nanosecond times: older than a clock tick or two before the read.
  CHECK(StableForHashCache(at(now - 100'000'000, now - 100'000'001), now));
  CHECK_FALSE(StableForHashCache(at(now - 5'000'001, now - 5'000'001), now));
  CHECK_FALSE(StableForHashCache(at(now - 100'000'001, now + 1), now));  // ctime counts too
  CHECK_FALSE(StableForHashCache(at(now + 7, now + 7), now));            // from the future
  // Whole seconds (the file system keeps no more, FAT only every other one): the second of
  // the read and the two before it may still change unseen.
  const int64_t second = 1'000'000'000;
  const int64_t this_second = now - now % second;
  CHECK_FALSE(StableForHashCache(at(this_second, this_second), now));
  CHECK_FALSE(StableForHashCache(at(this_second - 2 * second, this_second - 2 * second), now));
  CHECK(StableForHashCache(at(this_second - 3 * second, this_second - 3 * second), now));
  CHECK(StableForHashCache(at(this_second - 60 * second, this_second - 4 * second), now));
}

TEST_CASE("local source: trimming drops the cache entries of files gone or changed", "[graph]") {
  TempDir dir;
  MakeTree(dir);
  std::string cache = dir / "cache.bin";
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    LocalSourceHasher hasher(cache);
    REQUIRE(hasher.Hash(dir / "src").error.empty());
  }
  std::string size_before = std::to_string(fs::file_size(cache));
  CHECK(TrimLocalHashCache(cache) == std::pair<size_t, size_t>{3, 0});  // all unchanged
  CHECK(std::to_string(fs::file_size(cache)) == size_before);
  fs::remove(dir / "src/Makefile");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Write(dir / "src/lib/util.c", "int util = 3;\n");
  CHECK(TrimLocalHashCache(cache) == std::pair<size_t, size_t>{1, 2});
  CHECK(fs::file_size(cache) < std::stoul(size_before));
  // What is left still hits: main.c from the cache, util.c read again.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(TrimLocalHashCache(cache) == std::pair<size_t, size_t>{1, 0});
  CHECK(TrimLocalHashCache(dir / "missing") == std::pair<size_t, size_t>{0, 0});
  {
    LocalSourceHasher hasher(cache);
    REQUIRE(hasher.Hash(dir / "src").error.empty());
    CHECK(hasher.stats().cache_hits == 1);
    CHECK(hasher.stats().files_read == 1);
  }
}

TEST_CASE("local source: a file's content hash through the cache", "[graph]") {
  TempDir dir;
  Write(dir / "module.strata", "{ a = 1; }\n");
  ::symlink("module.strata", (dir / "link.strata").c_str());
  std::string cache = dir / "cache.bin";
  XXH128_hash_t expected = XXH3_128bits("{ a = 1; }\n", 11);
  char hex[33];
  snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(expected.high64),
           static_cast<unsigned long long>(expected.low64));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    LocalSourceHasher hasher(cache);
    CHECK(hasher.FileContentHash(dir / "module.strata") == std::string(hex));
    CHECK(hasher.stats().files_read == 1);
    // A symlink is followed (and read each time); a directory or a missing file has none.
    CHECK(hasher.FileContentHash(dir / "link.strata") == std::string(hex));
    CHECK_FALSE(hasher.FileContentHash(dir.path()).has_value());
    CHECK_FALSE(hasher.FileContentHash(dir / "missing").has_value());
  }
  {
    // An unchanged file is not read again: its stat matches the saved entry.
    LocalSourceHasher hasher(cache);
    CHECK(hasher.FileContentHash(dir / "module.strata") == std::string(hex));
    CHECK(hasher.stats().files_read == 0);
    CHECK(hasher.stats().cache_hits == 1);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Write(dir / "module.strata", "{ a = 2; }\n");
  LocalSourceHasher hasher(cache);
  CHECK(hasher.FileContentHash(dir / "module.strata") != std::string(hex));
  CHECK(hasher.stats().files_read == 1);
}

TEST_CASE("local source: a corrupt or foreign cache file is ignored", "[graph]") {
  TempDir dir;
  MakeTree(dir);
  std::string cache = dir / "cache.bin";
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::string digest = Digest(dir / "src");
  { LocalSourceHasher(cache).Hash(dir / "src"); }
  std::string bytes;
  {
    std::ifstream in(cache, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  REQUIRE(bytes.size() > 40);

  SECTION("flipped byte") { bytes[bytes.size() / 2] ^= 0x55; }
  SECTION("truncated") { bytes.resize(bytes.size() - 9); }
  SECTION("foreign") { bytes = "not a cache at all"; }
  std::ofstream(cache, std::ios::binary | std::ios::trunc) << bytes;

  LocalSourceHasher hasher(cache);
  CHECK(hasher.Hash(dir / "src").digest == digest);
  CHECK(hasher.stats().files_read == 3);
}

TEST_CASE("local source: a file's later names are recorded as hard links to its first", "[graph]") {
  TempDir dir;
  Write(dir / "src/a", "data\n");
  Write(dir / "src/c/d", "other\n");
  REQUIRE(::link((dir / "src/a").c_str(), (dir / "src/c/b").c_str()) == 0);
  ReferenceDigest reference;
  reference.Str("strata-local-v1");
  for (const char* name : {"", "c"}) {
    reference.Str(name);
    reference.Byte('d');
    reference.U32(0755);
    if (std::string(name).empty()) {
      reference.Str("a");
      reference.Byte('f');
      reference.U32(0644);
      reference.U64(5);
      reference.Key("data\n");
    }
  }
  reference.Str("c/b");  // in walk order after a, so a link to it; no bytes of its own
  reference.Byte('h');
  reference.Str("a");
  reference.Str("c/d");
  reference.Byte('f');
  reference.U32(0644);
  reference.U64(6);
  reference.Key("other\n");
  std::string linked = Digest(dir / "src");
  CHECK(linked == reference.Hex());
  // Two files with the same bytes are not that tree: unlinking changes the key, linking again
  // gives the linked digest back.
  fs::remove(dir / "src/c/b");
  Write(dir / "src/c/b", "data\n");
  std::string unlinked = Digest(dir / "src");
  CHECK(unlinked != linked);
  // A name outside the source does not count: a lone name of a linked file is a file.
  REQUIRE(::link((dir / "src/c/b").c_str(), (dir / "outside").c_str()) == 0);
  CHECK(Digest(dir / "src") == unlinked);
  fs::remove(dir / "src/c/b");
  REQUIRE(::link((dir / "src/a").c_str(), (dir / "src/c/b").c_str()) == 0);
  CHECK(Digest(dir / "src") == linked);
}

}  // namespace
}  // namespace strata::graph
