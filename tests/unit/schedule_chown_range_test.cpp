// A numeric chown id past 32 bits wrapped: `copyWith { chown = "4294967297"; }` (and
// `COPY --chown=4294967297`) wrote the file as 1:1. BuildKit parses ids as 32-bit
// (strconv.ParseUint(s, 10, 32)); a longer number is a user name, looked up as any name.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "runtime/schedule/copy_layer.h"
#include "tests/unit/test_support.h"

using namespace strata;

TEST_CASE("copy: a chown id past 32 bits is a name, never a wrapped id", "[schedule][copy]") {
  testing::TempDir root("chown-range");
  // No /etc/passwd: a name cannot be looked up, so the build fails, as for any name.
  llvm::Expected<std::pair<uid_t, gid_t>> bare = schedule::ResolveChown("4294967297", root.path);
  CHECK_FALSE(bool(bare));
  if (!bare) CHECK_THAT(llvm::toString(bare.takeError()), Catch::Contains("cannot look up"));
  // With an /etc/passwd that does not hold it: a missing name leaves 0:0, never 1:1.
  std::filesystem::create_directories(root.path + "/etc");
  std::ofstream(root.path + "/etc/passwd") << "root:x:0:0::/root:/bin/sh\n";
  std::ofstream(root.path + "/etc/group") << "root:x:0:\n";
  llvm::Expected<std::pair<uid_t, gid_t>> ids =
      schedule::ResolveChown("4294967297:4294967298", root.path);
  REQUIRE(bool(ids));
  CHECK(ids->first == 0);
  CHECK(ids->second == 0);
  // 4294967295 still parses as a 32-bit number, as in BuildKit.
  llvm::Expected<std::pair<uid_t, gid_t>> top = schedule::ResolveChown("4294967295", root.path);
  REQUIRE(bool(top));
  CHECK(top->first == 4294967295u);
}
