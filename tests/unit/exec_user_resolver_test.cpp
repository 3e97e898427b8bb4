// Tests for Docker-compatible user resolution against passwd/group contents.
#include <catch2/catch.hpp>

#include "runtime/exec/user_resolver.h"

using strata::exec::ResolveUser;

namespace {

constexpr const char* kPasswd =
    "# comment\n"
    "root:x:0:0:root:/root:/bin/sh\n"
    "builder:x:1000:1001:Builder:/home/builder:/bin/sh\n"
    "broken:x:notanumber:0::/:/bin/sh\n"
    "nohome:x:1002:1002\n";
constexpr const char* kGroup =
    "root:x:0:\n"
    "staff:x:50:builder,other\n"
    "builders:x:1001:\n"
    "docker:x:999:other, builder\n";

}  // namespace

TEST_CASE("exec: empty user is root", "[exec][user]") {
  auto u = ResolveUser("", llvm::StringRef(kPasswd), llvm::StringRef(kGroup));
  REQUIRE(bool(u));
  CHECK(u->uid == 0);
  CHECK(u->gid == 0);
  CHECK(u->home == "/root");
}

TEST_CASE("exec: a name takes uid, gid, home and supplementary groups from the files",
          "[exec][user]") {
  auto u = ResolveUser("builder", llvm::StringRef(kPasswd), llvm::StringRef(kGroup));
  REQUIRE(bool(u));
  CHECK(u->uid == 1000);
  CHECK(u->gid == 1001);
  CHECK(u->home == "/home/builder");
  CHECK(u->additional_gids == std::vector<gid_t>{50, 999});
}

TEST_CASE("exec: a numeric uid need not exist", "[exec][user]") {
  auto u = ResolveUser("4242", llvm::StringRef(kPasswd), std::nullopt);
  REQUIRE(bool(u));
  CHECK(u->uid == 4242);
  CHECK(u->gid == 0);
  CHECK(u->home == "/");
  auto known = ResolveUser("1000", llvm::StringRef(kPasswd), llvm::StringRef(kGroup));
  REQUIRE(bool(known));
  CHECK(known->gid == 1001);  // from the passwd entry with that uid
}

TEST_CASE("exec: uid:gid and name:group", "[exec][user]") {
  auto numeric = ResolveUser("7:8", std::nullopt, std::nullopt);
  REQUIRE(bool(numeric));
  CHECK(numeric->uid == 7);
  CHECK(numeric->gid == 8);
  auto named = ResolveUser("builder:staff", llvm::StringRef(kPasswd), llvm::StringRef(kGroup));
  REQUIRE(bool(named));
  CHECK(named->uid == 1000);
  CHECK(named->gid == 50);
  // An explicit group replaces the supplementary ones too (BuildKit 20.10: `id -G` under
  // USER app:65534 prints 65534 alone, buildkit_diff/user-shapes).
  CHECK(named->additional_gids.empty());
}

TEST_CASE("exec: unknown names are clear errors", "[exec][user]") {
  auto u = ResolveUser("nobody2", llvm::StringRef(kPasswd), llvm::StringRef(kGroup));
  REQUIRE(!u);
  CHECK_THAT(llvm::toString(u.takeError()), Catch::Contains("unable to find user 'nobody2'"));
  auto g = ResolveUser("builder:wheel", llvm::StringRef(kPasswd), llvm::StringRef(kGroup));
  REQUIRE(!g);
  CHECK_THAT(llvm::toString(g.takeError()), Catch::Contains("unable to find group 'wheel'"));
  auto no_file = ResolveUser("builder", std::nullopt, std::nullopt);
  REQUIRE(!no_file);
  CHECK_THAT(llvm::toString(no_file.takeError()), Catch::Contains("the image has none"));
  auto empty_group = ResolveUser("builder:", llvm::StringRef(kPasswd), std::nullopt);
  REQUIRE(!empty_group);
  llvm::consumeError(empty_group.takeError());
}

TEST_CASE("exec: malformed passwd lines are skipped", "[exec][user]") {
  auto u = ResolveUser("broken", llvm::StringRef(kPasswd), llvm::StringRef(kGroup));
  REQUIRE(!u);
  llvm::consumeError(u.takeError());
  auto short_entry = ResolveUser("nohome", llvm::StringRef(kPasswd), llvm::StringRef(kGroup));
  REQUIRE(bool(short_entry));
  CHECK(short_entry->uid == 1002);
  CHECK(short_entry->home == "/");
}
