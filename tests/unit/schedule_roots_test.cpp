// The roots a build leaves for gc: one file per set of roots, renewed (not rewritten, not added)
// by a build of the same roots, and a root's time the later of its recorded time and its file's
// modification time, so gc keeps a renewed root as long as a new file would.
#include <fcntl.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <ctime>
#include <filesystem>

#include "runtime/schedule/gc.h"
#include "runtime/schedule/store_lease.h"
#include "tests/unit/test_support.h"

namespace strata::schedule {
namespace {

std::vector<RootRecord> Roots(int64_t time, const std::string& first_key) {
  std::vector<RootRecord> roots(2);
  roots[0].key = first_key;
  roots[0].node = std::string(32, 'b');
  roots[0].blobs = {"sha256:" + std::string(64, 'c'), "sha256:" + std::string(64, 'd')};
  roots[1].key = std::string(32, 'e');
  roots[1].node = std::string(32, 'f');
  for (RootRecord& root : roots) root.time = time;
  AppendMemoRoots(roots, {std::string(32, '9'), std::string(32, '1'), std::string(32, '9')});
  return roots;
}

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

void SetMtime(const std::string& path, int64_t seconds) {
  struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

TEST_CASE("memo roots follow the targets, sorted and each once", "[gc]") {
  std::vector<RootRecord> roots = Roots(5, std::string(32, 'a'));
  REQUIRE(roots.size() == 4);
  CHECK(roots[2].key == std::string(32, '1'));
  CHECK(roots[3].key == std::string(32, '9'));
  CHECK(roots[3].blobs.empty());
  CHECK(roots[3].time == 5);
}

TEST_CASE("a build of the same roots renews their file instead of adding one", "[gc]") {
  testing::TempStore temp("roots");
  const store::Store& store = *temp.store;
  std::string dir = store.Root() + "/roots";
  testing::RequireOk(WriteRoots(store, Roots(1000, std::string(32, 'a'))));
  std::string name = RootsFileName(Roots(0, std::string(32, 'a')));  // the time is not in it
  REQUIRE(Files(dir) == std::vector<std::string>{name});
  std::string path = dir + "/" + name;
  std::string bytes = testing::ReadFile(path);
  SetMtime(path, 2000);

  // Read back: every entry, with the later of the recorded time and the mtime.
  llvm::Expected<std::vector<RootRecord>> read = ReadRoots(store);
  testing::RequireOk(read);
  REQUIRE(read->size() == 4);
  CHECK((*read)[0].key == std::string(32, 'a'));
  CHECK((*read)[0].blobs.size() == 2);
  for (const RootRecord& root : *read) CHECK(root.time == 2000);

  // The same roots later: the same file, its bytes as they were, its mtime now.
  struct stat before;
  REQUIRE(::stat(path.c_str(), &before) == 0);
  testing::RequireOk(WriteRoots(store, Roots(3000, std::string(32, 'a'))));
  CHECK(Files(dir) == std::vector<std::string>{name});
  struct stat after;
  REQUIRE(::stat(path.c_str(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);
  CHECK(testing::ReadFile(path) == bytes);
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  CHECK(after.st_mtime >= now - 60);
  read = ReadRoots(store);
  testing::RequireOk(read);
  for (const RootRecord& root : *read) CHECK(root.time >= now - 60);

  // Other roots: another file.
  testing::RequireOk(WriteRoots(store, Roots(3000, std::string(32, '0'))));
  CHECK(Files(dir).size() == 2);

  // A damaged file of the name is replaced, not renewed.
  testing::WriteFile(path, bytes.substr(0, bytes.size() / 2));
  testing::RequireOk(WriteRoots(store, Roots(4000, std::string(32, 'a'))));
  CHECK(Files(dir).size() == 2);
  CHECK(testing::ReadFile(path).find("\"time\":4000}") != std::string::npos);
}

TEST_CASE("gc keeps a renewed root as long as a new one and drops it after", "[gc]") {
  testing::TempStore temp("roots-gc");
  const store::Store& store = *temp.store;
  const int64_t day = 24 * 3600;
  testing::RequireOk(WriteRoots(store, Roots(1000, std::string(32, 'a'))));
  std::string path = store.Root() + "/roots/" + RootsFileName(Roots(0, std::string(32, 'a')));
  SetMtime(path, 1000);
  // Renewed "now" = 10 days after it was written: kept for keep_seconds from then...
  SetMtime(path, 1000 + 10 * day);
  GcOptions options;
  options.keep_seconds = 7 * day;
  options.now = 1000 + 16 * day;
  llvm::Expected<GcReport> report = CollectGarbage(store, options);
  testing::RequireOk(report);
  CHECK(report->roots_kept == 4);
  CHECK(report->roots_removed == 0);
  // ...and no longer.
  options.now = 1000 + 18 * day;
  report = CollectGarbage(store, options);
  testing::RequireOk(report);
  CHECK(report->roots_kept == 0);
  CHECK(report->roots_removed == 4);
  CHECK(!std::filesystem::exists(path));
}

}  // namespace
}  // namespace strata::schedule
