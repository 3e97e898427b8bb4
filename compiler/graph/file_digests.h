// Content digests (XXH3-128) of many files at once, read on a few threads.
#pragma once

#include <sys/stat.h>
#include <xxhash.h>

#include <cstdint>
#include <string>
#include <vector>

namespace strata::graph {

// One file to read and digest; the walk that found it fills `path` and `st` (its lstat).
struct FileDigestJob {
  std::string path;
  struct stat st {};
  XXH128_hash_t digest{};
  uint64_t bytes_read = 0;
  bool unchanged = false;  // the file's size, mtime and ctime after the read were those of `st`
  std::string error;       // non-empty when the file could not be read
};

// Reads and digests every job's file. Jobs are independent, so they are shared out among up to
// `threads` threads (the caller's included); each job's result depends on its file only.
void DigestFiles(std::vector<FileDigestJob>& jobs, unsigned threads);

}  // namespace strata::graph
