// The folder of a cache mount under STORE/cache: one name per id, never a path out of it.
#include <catch2/catch.hpp>
#include <set>

#include "runtime/schedule/op_context.h"

using strata::schedule::CacheDirName;

// An id of "." or ".." named STORE/cache or the store itself: `runWith { caches = [ { target =
// "/c"; id = ".."; } ]; }` mounted the whole store read-write into the step, which could
// rewrite the records and blobs later builds trust.
TEST_CASE("cache dirs: every id is one plain name inside the caches folder", "[schedule][cache]") {
  std::set<std::string> names;
  for (const char* id :
       {".", "..", "...", ".npm", "/", "", "a/../..", "_2e", "_2e_2e", "/c", "c"}) {
    std::string name = CacheDirName(id);
    INFO(id << " -> " << name);
    CHECK(!name.empty());
    CHECK(name != ".");
    CHECK(name != "..");
    CHECK(name.find('/') == std::string::npos);
    CHECK(names.insert(name).second);  // injective
  }
  // Plain ids keep their readable names (existing caches stay where they are).
  CHECK(CacheDirName("go-build") == "go-build");
  CHECK(CacheDirName("a.b") == "a.b");
}
