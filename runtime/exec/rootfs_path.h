// Path operations inside a container rootfs that never follow a symlink out of that rootfs.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>
#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

#include "compiler/support/unique_fd.h"

namespace strata::exec {

// Splits an absolute sandbox path into its components; an empty result for "/". Rejects
// relative paths and "." or ".." components, which a mount target must not have.
llvm::Expected<std::vector<std::string>> SplitSandboxPath(llvm::StringRef path);

// Opens `path` (absolute, as seen inside the container) resolving symlinks as if `root` were
// "/" (openat2 RESOLVE_IN_ROOT). Returns an invalid fd when the file does not exist.
llvm::Expected<support::UniqueFd> OpenInRoot(const std::string& root, llvm::StringRef path,
                                             int flags);

// The whole content of a file inside the rootfs, or nullopt when it does not exist.
llvm::Expected<std::optional<std::string>> ReadFileInRoot(const std::string& root,
                                                          llvm::StringRef path);

// What exists of a mount target's path in the rootfs before the run, walking without
// following symlinks. A symlink or file on the way counts as existing: runc resolves it, and
// we never remove what we did not create.
struct PathProbe {
  std::optional<size_t> first_missing;  // nullopt: nothing for runc to create
  std::vector<struct stat> existing;    // the directories before first_missing
};
PathProbe ProbePath(const std::string& root, const std::vector<std::string>& components);

// Undoes, in the upper dir after the overlay is unmounted, what runc created for a mount
// target: deepest first, the missing components while each is an empty directory or empty
// regular file, then the existing ancestors while each is only an empty copy-up (same
// owner and mode as in `probe`, not opaque). Never follows a symlink; stops at the first
// entry it must keep. A copied-up ancestor loses only an mtime change by this.
void RemovePlaceholderPath(const std::string& upper, const std::vector<std::string>& components,
                           const PathProbe& probe);

}  // namespace strata::exec
