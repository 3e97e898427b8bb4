// Path handling for layer extraction that can never leave the extraction root: tar paths are
// split lexically, `..` is refused, and every directory is opened with O_NOFOLLOW, component by
// component, so a symlink planted by the layer is never followed.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <string>
#include <vector>

#include "compiler/support/unique_fd.h"

namespace strata::oci {

// Splits a tar entry path into components: a leading "/" or "./" and "." or empty components are
// dropped (absolute paths are relative to the root). Returns false when a component is "..".
bool SplitTarPath(llvm::StringRef path, std::vector<std::string>& parts);

class RootedDir {
 public:
  explicit RootedDir(support::UniqueFd root) : root_(std::move(root)) {}
  int Fd() const { return root_.Get(); }

  // Opens the directory made of parts[0, count), creating missing ones (mode 0755) when
  // `create`. Fails, with a message naming the offending prefix, when one is a symlink
  // ("goes through the symlink 'a/b'") or not a directory.
  llvm::Expected<support::UniqueFd> OpenDir(const std::vector<std::string>& parts, size_t count,
                                            bool create) const;

 private:
  support::UniqueFd root_;
};

// Removes `name` inside dir_fd and, for a directory, everything below it, never following a
// symlink. A missing name is not an error.
llvm::Error RemoveAt(int dir_fd, const std::string& name);

// The components joined with "/".
std::string JoinParts(const std::vector<std::string>& parts, size_t count);

}  // namespace strata::oci
