// Tests for ListDir: the names, kinds and directory mode the COPY walk reads instead of an
// lstat per entry.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "runtime/schedule/listed_dir.h"
#include "tests/unit/test_support.h"

using namespace strata;

TEST_CASE("listed dir: sorted names with their kinds and the directory's own mode",
          "[schedule][copy]") {
  testing::TempDir dir("listed-dir");
  REQUIRE(::mkdir((dir.path + "/sub").c_str(), 0755) == 0);
  std::ofstream(dir.path + "/b.txt") << "b";
  std::ofstream(dir.path + "/a.txt") << "a";
  REQUIRE(::symlink("a.txt", (dir.path + "/link").c_str()) == 0);
  REQUIRE(::mkfifo((dir.path + "/pipe").c_str(), 0600) == 0);
  REQUIRE(::chmod(dir.path.c_str(), 0710) == 0);

  llvm::Expected<schedule::ListedDir> listed = schedule::ListDir(dir.path);
  testing::RequireOk(listed);
  CHECK(S_ISDIR(listed->st.st_mode));
  CHECK((listed->st.st_mode & 07777) == 0710);
  std::vector<std::string> names;
  std::string kinds;
  for (const auto& [name, type] : listed->children) {
    names.push_back(name);
    // ext4 and tmpfs fill d_type in; a file system that does not gives DT_UNKNOWN (kind 0).
    kinds += type == DT_UNKNOWN ? '?'
                                : (schedule::LocalKindOf(type) ? schedule::LocalKindOf(type) : '-');
  }
  CHECK(names == std::vector<std::string>{"a.txt", "b.txt", "link", "pipe", "sub"});
  if (kinds.find('?') == std::string::npos) CHECK(kinds == "ffl-d");
  CHECK(schedule::LocalKindOf(DT_UNKNOWN) == 0);
}

TEST_CASE("listed dir: a missing directory or a file is an error naming it", "[schedule][copy]") {
  testing::TempDir dir("listed-dir");
  std::ofstream(dir.path + "/file") << "x";
  for (const std::string& path : {dir.path + "/none", dir.path + "/file"}) {
    llvm::Expected<schedule::ListedDir> listed = schedule::ListDir(path);
    REQUIRE_FALSE(bool(listed));
    CHECK_THAT(llvm::toString(listed.takeError()),
               Catch::Contains("cannot read directory") && Catch::Contains(path));
  }
}
