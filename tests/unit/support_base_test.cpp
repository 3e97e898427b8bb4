// The base library (compiler/support/): the one copy of path cleaning, escaping, directory
// listing, whole-file reads, atomic replacement and large tables' memory that the phases and
// the runtime share.
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>
#include <thread>

#include "compiler/support/atomic_file.h"
#include "compiler/support/dir_names.h"
#include "compiler/support/errno_error.h"
#include "compiler/support/file_read.h"
#include "compiler/support/heap_region.h"
#include "compiler/support/hex_escape.h"
#include "compiler/support/huge_page_array.h"
#include "compiler/support/slash_path.h"
#include "compiler/syntax/string_literals.h"
#include "tests/unit/test_support.h"

namespace strata::support {
namespace {

using testing::TempDir;

mode_t ModeOf(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

TEST_CASE("HugePageArray: small arrays from malloc, large ones on their own 2 MiB pages",
          "[support]") {
  HugePageArray<uint64_t> small(1000, 7);
  CHECK(!small.mapped());
  CHECK(small.size() == 1000);
  CHECK(small[0] == 7);
  CHECK(small[999] == 7);

  constexpr size_t kSlots = kHugePageArrayMinBytes / sizeof(uint64_t) + 3;  // past one huge page
  HugePageArray<uint64_t> large(kSlots, ~uint64_t{0});
  REQUIRE(large.mapped());
  CHECK(reinterpret_cast<uintptr_t>(&large[0]) % (uintptr_t{2} << 20) == 0);
  CHECK(large[0] == ~uint64_t{0});
  CHECK(large[kSlots - 1] == ~uint64_t{0});
  large[kSlots - 1] = 5;

  HugePageArray<uint64_t> moved(std::move(large));
  CHECK(moved.size() == kSlots);
  CHECK(moved[kSlots - 1] == 5);
  CHECK(large.size() == 0);
  CHECK(!large.mapped());
  small = std::move(moved);  // the small one's memory is freed, the mapping changes hands
  CHECK(small.mapped());
  CHECK(small[kSlots - 1] == 5);

  HugePageArray<uint8_t> bytes(kHugePageArrayMinBytes, 0);
  CHECK(bytes.mapped());
  CHECK(bytes[kHugePageArrayMinBytes - 1] == 0);
}

// Whether every page of [begin, begin + bytes) is resident.
bool Resident(const void* begin, size_t bytes) {
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> pages((bytes + page - 1) / page);
  if (mincore(const_cast<void*>(begin), bytes, pages.data()) != 0) return false;
  for (unsigned char p : pages)
    if (!(p & 1)) return false;
  return true;
}

TEST_CASE("The heap region hands out aligned memory and populates ahead of it", "[support]") {
  // The unit tests' malloc is glibc's: the region is this test's alone.
  REQUIRE(ReserveHeapRegion());
  REQUIRE(HeapRegionReserved());
  size_t actual = 0;
  char* first = static_cast<char*>(TakeFromHeapRegion(100, 8192, &actual));
  REQUIRE(first != nullptr);
  CHECK(actual == 100);
  CHECK(reinterpret_cast<uintptr_t>(first) % 8192 == 0);
  char* second = static_cast<char*>(TakeFromHeapRegion(1 << 20, 1 << 16, &actual));
  REQUIRE(second != nullptr);
  CHECK(reinterpret_cast<uintptr_t>(second) % (1 << 16) == 0);
  CHECK(second >= first + 100);
  CHECK(TakeFromHeapRegion(size_t{1} << 62, 8192, &actual) == nullptr);  // more than reserved
  second[0] = 1;
  second[(1 << 20) - 1] = 2;  // what is taken is writable

  // Not resident before the populator runs; then all of it, and a window past it, without a
  // write from this thread.
  char* third = static_cast<char*>(TakeFromHeapRegion(8 << 20, 8192, &actual));
  REQUIRE(third != nullptr);
  CHECK(!Resident(third + (4 << 20), 4096));
  StartHeapPopulator();
  cpu_set_t cpus;
  REQUIRE(sched_getaffinity(0, sizeof cpus, &cpus) == 0);
  if (CPU_COUNT(&cpus) < 2) {
    // One usable core: no thread is started, nothing is populated.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(!Resident(third + (4 << 20), 4096));
    return;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!Resident(third, (8 << 20) + (2 << 20)) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(Resident(third, (8 << 20) + (2 << 20)));
  CHECK(second[0] == 1);  // populating changes no content
  CHECK(second[(1 << 20) - 1] == 2);
  CHECK(third[0] == 0);
}

TEST_CASE("CleanSlashPath is Go's path.Clean", "[support]") {
  CHECK(CleanSlashPath("") == ".");
  CHECK(CleanSlashPath("/") == "/");
  CHECK(CleanSlashPath("a//b/./c/") == "a/b/c");
  CHECK(CleanSlashPath("a/../..") == "..");
  CHECK(CleanSlashPath("../a/../../b") == "../../b");
  CHECK(CleanSlashPath("/../a/..") == "/");
  CHECK(CleanSlashPath("./") == ".");
}

TEST_CASE("CleanPath resolves against a base and stays absolute", "[support]") {
  CHECK(CleanPath("/app", "src/../bin") == "/app/bin");
  CHECK(CleanPath("/app", "/etc/./x") == "/etc/x");
  CHECK(CleanPath("/", "../../x") == "/x");
  CHECK(CleanPath("rel", "x") == "/rel/x");  // a relative base is taken from the root
  CHECK(CleanPath("/a", "") == "/a");
}

TEST_CASE("BaseName and PathElements", "[support]") {
  CHECK(BaseName("a/b.tar") == "b.tar");
  CHECK(BaseName("plain") == "plain");
  CHECK(BaseName("dir/") == "");
  CHECK(PathElements("//usr/./lib/") == std::vector<std::string>{"usr", ".", "lib"});
  CHECK(PathElements("$ORIGIN::/lib", ':') == std::vector<std::string>{"$ORIGIN", "/lib"});
  CHECK(PathElements("").empty());
}

TEST_CASE("HexEscape in the three styles its callers use", "[support]") {
  // A cache mount's directory name: lower-case hex after '_', only [A-Za-z0-9.-] kept.
  CHECK(HexEscape("/root/.cache/go-build", {".-", '_', false}) == "_2froot_2f.cache_2fgo-build");
  // A file URI's path and a purl's parts: RFC 3986 upper-case percent escapes.
  CHECK(HexEscape("/a b/ü", {"/-._~"}) == "/a%20b/%C3%BC");
  CHECK(HexEscape("1:2.0~rc1+b", {".-_~:"}) == "1:2.0~rc1%2Bb");
  CHECK(HexEscape(std::string_view("\0", 1), {""}) == "%00");
}

TEST_CASE("SortedDirNames lists names bytewise, and says why it cannot", "[support]") {
  TempDir dir("support-dir");
  for (const char* name : {"b", "a", "B", ".hidden"}) testing::WriteFile(dir.path + "/" + name, "");
  llvm::Expected<std::vector<std::string>> names = SortedDirNames(dir.path);
  testing::RequireOk(names);
  CHECK(*names == std::vector<std::string>{".hidden", "B", "a", "b"});
  llvm::Expected<std::vector<std::string>> missing = SortedDirNames(dir.path + "/none");
  REQUIRE(!missing);
  std::string message = llvm::toString(missing.takeError());
  CHECK(message == "cannot read directory: " + dir.path + "/none: No such file or directory");
  CHECK(SortedDirNamesOrNone(dir.path + "/none").empty());
}

TEST_CASE("ErrnoError keeps the code and names what and where", "[support]") {
  llvm::Error err = ErrnoError(ENOENT, "cannot open", "/x");
  std::error_code code;
  llvm::handleAllErrors(std::move(err), [&](const llvm::ErrorInfoBase& info) {
    code = info.convertToErrorCode();
    CHECK(info.message() == "cannot open: /x: No such file or directory");
  });
  CHECK(code == std::errc::no_such_file_or_directory);
}

TEST_CASE("ReadFile and ReadAll read whole files within a bound", "[support]") {
  TempDir dir("support-read");
  testing::WriteFile(dir.path + "/f", "0123456789");
  llvm::Expected<std::string> whole = ReadFile(dir.path + "/f");
  testing::RequireOk(whole);
  CHECK(*whole == "0123456789");
  llvm::Expected<std::string> bounded = ReadFile(dir.path + "/f", 9);
  REQUIRE(!bounded);
  CHECK(llvm::errorToErrorCode(bounded.takeError()) == std::errc::file_too_large);
  llvm::Expected<std::string> directory = ReadFile(dir.path);
  REQUIRE(!directory);
  CHECK(llvm::errorToErrorCode(directory.takeError()) == std::errc::is_a_directory);
}

TEST_CASE("WriteFileAtomic replaces a file whole, and keeps its mode when asked", "[support]") {
  TempDir dir("support-write");
  std::string path = dir.path + "/f";
  testing::RequireOk(WriteFileAtomic(path, "one", {0600}));
  CHECK(testing::ReadFile(path) == "one");
  CHECK(ModeOf(path) == 0600);
  AtomicWriteOptions keep;
  keep.mode = 0644;
  keep.keep_existing_mode = true;
  testing::RequireOk(WriteFileAtomic(path, "two", keep));
  CHECK(testing::ReadFile(path) == "two");
  CHECK(ModeOf(path) == 0600);
  testing::RequireOk(WriteFileAtomic(path, "three", {0640, /*durable=*/false}));
  CHECK(ModeOf(path) == 0640);
  CHECK(SortedDirNamesOrNone(dir.path) == std::vector<std::string>{"f"});  // no temp file left
}

TEST_CASE("WriteFileAtomicWith leaves the old file when the writer fails", "[support]") {
  TempDir dir("support-with");
  std::string path = dir.path + "/f";
  testing::WriteFile(path, "old");
  llvm::Error err = WriteFileAtomicWith(path, [](int fd) -> llvm::Error {
    if (::write(fd, "partial", 7) != 7) return ErrnoError(errno, "cannot write", "temp");
    return MakeError(std::errc::io_error, "source went away");
  });
  REQUIRE(static_cast<bool>(err));
  CHECK(llvm::toString(std::move(err)) == "source went away");
  CHECK(testing::ReadFile(path) == "old");
  CHECK(SortedDirNamesOrNone(dir.path) == std::vector<std::string>{"f"});
  llvm::Error missing_dir = WriteFileAtomic(dir.path + "/no/f", "x");
  REQUIRE(static_cast<bool>(missing_dir));
  CHECK(llvm::toString(std::move(missing_dir)).find("cannot create a temp file beside") == 0);
}

TEST_CASE("PublishDir keeps or replaces an existing tree", "[support]") {
  TempDir dir("support-publish");
  std::string first = dir.path + "/first", second = dir.path + "/second", dest = dir.path + "/dest";
  for (const std::string& d : {first, second}) REQUIRE(::mkdir(d.c_str(), 0755) == 0);
  testing::WriteFile(first + "/which", "first");
  testing::WriteFile(second + "/which", "second");
  llvm::Expected<bool> left = PublishDir(first, dest, ExistingDir::kKeep);
  testing::RequireOk(left);
  CHECK(!*left);  // nothing was there: ours moved in
  left = PublishDir(second, dest, ExistingDir::kKeep);
  testing::RequireOk(left);
  CHECK(*left);
  CHECK(testing::ReadFile(dest + "/which") == "first");
  CHECK(testing::ReadFile(second + "/which") == "second");
  left = PublishDir(second, dest, ExistingDir::kReplace);
  testing::RequireOk(left);
  CHECK(*left);
  CHECK(testing::ReadFile(dest + "/which") == "second");
  CHECK(testing::ReadFile(second + "/which") == "first");  // the old tree, for the caller
}

TEST_CASE("QuoteString and IsPlainName write Strata source back", "[support][syntax]") {
  CHECK(syntax::QuoteString("a\"b\\c\n\t\r$x${y}") == "\"a\\\"b\\\\c\\n\\t\\r$x\\${y}\"");
  CHECK(syntax::DecodeEscapes("a\\\"b\\\\c\\n\\t\\r$x\\${y}") == "a\"b\\c\n\t\r$x${y}");
  CHECK(syntax::IsPlainName("_a1"));
  CHECK(!syntax::IsPlainName("a-b"));
  CHECK(!syntax::IsPlainName("1a"));
  CHECK(!syntax::IsPlainName("rec"));
  CHECK(!syntax::IsPlainName(""));
}

}  // namespace
}  // namespace strata::support
