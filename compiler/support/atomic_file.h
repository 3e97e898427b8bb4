// Atomic replacement of files and directories (temp beside the destination, then rename): the
// one copy for every phase and the runtime, so a reader sees the old version or the new one,
// never a part.
#pragma once

#include <llvm/Support/Error.h>

#include <functional>
#include <string>
#include <string_view>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"

namespace strata::support {

struct AtomicWriteOptions {
  unsigned mode = 0644;
  // fsync the file and its directory: a crash keeps the old file or the new one. A cache that
  // only needs readers never to see a partial file can skip it (and its cost).
  bool durable = true;
  // When `path` already exists, the new file gets its permission bits instead of `mode` (an
  // edit in place, such as `strata fmt`, must not change a file's mode).
  bool keep_existing_mode = false;
};

// Writes all `size` bytes to `fd` (retrying short writes and EINTR); `path` names it in the
// error.
llvm::Error WriteAll(int fd, const void* data, size_t size, const std::string& path);

// Replaces `path` with `content`. On error `path` is as it was and no temp file is left.
llvm::Error WriteFileAtomic(const std::string& path, std::string_view content,
                            AtomicWriteOptions options = {});

// Like WriteFileAtomic, for content streamed by `write` into the temp file's descriptor (a
// copy of a large file); an error from `write` leaves `path` as it was.
llvm::Error WriteFileAtomicWith(const std::string& path,
                                const std::function<llvm::Error(int fd)>& write,
                                AtomicWriteOptions options = {});

// Makes the complete file `temp`, open as `fd`, the file at `dest`: fsync it (when `durable`),
// rename it over `dest`, then close `fd` (only then: the store's temp files hold a lock that
// must outlive the rename). Syncing `dest`'s directory is left to the caller (SyncDirectory).
// Callers that keep temp files elsewhere (the store's tmp/) commit through this too.
llvm::Error CommitTempFile(UniqueFd& fd, const std::string& temp, const std::string& dest,
                           bool durable = true);

// fsync on a directory, so a rename inside it survives a crash.
llvm::Error SyncDirectory(const std::string& dir);

// What PublishDir does when the destination directory already exists.
enum class ExistingDir {
  kKeep,     // an equal tree was published first (content-addressed): leave it
  kReplace,  // swap the trees (RENAME_EXCHANGE): `from` then holds the old one
};

// Renames the finished directory tree `from` to `to`. Returns whether `from` still exists
// afterwards (ours not taken under kKeep, or the old tree under kReplace), for the caller to
// remove; fsyncs nothing (a tree is synced with syncfs before, its parent after, by callers
// that need it).
llvm::Expected<bool> PublishDir(const std::string& from, const std::string& to,
                                ExistingDir existing);

// The directory part of a '/'-separated path: "." for a bare name, "/" for a root entry.
std::string ParentDir(const std::string& path);

}  // namespace strata::support
