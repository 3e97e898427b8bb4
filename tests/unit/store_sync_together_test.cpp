// SyncTogether fsyncs every target and reports the first that fails, by path, after all ran.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "compiler/support/unique_fd.h"
#include "runtime/store/sync_together.h"

namespace strata::store {
namespace {

TEST_CASE("store: SyncTogether syncs files and directories, and names a target that fails",
          "[store]") {
  char dir_template[] = "/tmp/strata-sync-together-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  std::string dir = dir_template;
  std::vector<support::UniqueFd> fds;
  std::vector<SyncTarget> targets;
  for (int i = 0; i < 40; ++i) {  // more than the threads it starts
    std::string path = dir + "/f" + std::to_string(i);
    fds.emplace_back(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    REQUIRE(fds.back());
    REQUIRE(::write(fds.back().Get(), "x", 1) == 1);
    targets.push_back({fds.back().Get(), path});
  }
  fds.emplace_back(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(fds.back());
  targets.push_back({fds.back().Get(), dir});
  llvm::Error all = SyncTogether(targets);
  CHECK_FALSE(static_cast<bool>(all));
  llvm::Error none = SyncTogether({});
  CHECK_FALSE(static_cast<bool>(none));

  // A closed descriptor fails (EBADF); the others are still synced and the error names it.
  targets.insert(targets.begin() + 7, SyncTarget{-1, dir + "/not-open"});
  llvm::Error err = SyncTogether(targets);
  REQUIRE(static_cast<bool>(err));
  std::string message = llvm::toString(std::move(err));
  CHECK(message.find("not-open") != std::string::npos);

  for (int i = 0; i < 40; ++i) ::unlink((dir + "/f" + std::to_string(i)).c_str());
  ::rmdir(dir.c_str());
}

}  // namespace
}  // namespace strata::store
