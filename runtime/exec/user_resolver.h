// Resolves a step's `user` ("uid", "uid:gid", "name", "name:group") against the rootfs's
// /etc/passwd and /etc/group, with Docker's rules.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace strata::exec {

struct ResolvedUser {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> additional_gids;  // groups in /etc/group that list the user (no spec group)
  std::string home = "/";
};

// Docker's rules: a numeric uid need not exist in passwd (then gid 0 and home "/"); a name
// must exist, else an error naming it; the primary group is the passwd entry's unless the
// spec gives one; a numeric gid need not exist, a group name must; supplementary groups only
// when the spec gives no group. An empty spec is root.
// `passwd` and `group` are the files' contents, nullopt when the rootfs lacks them.
llvm::Expected<ResolvedUser> ResolveUser(llvm::StringRef spec,
                                         std::optional<llvm::StringRef> passwd,
                                         std::optional<llvm::StringRef> group);

// Reads /etc/passwd and /etc/group inside `rootfs` (symlinks resolved inside it) and
// resolves `spec` against them.
llvm::Expected<ResolvedUser> ResolveUserInRootfs(llvm::StringRef spec, const std::string& rootfs);

}  // namespace strata::exec
