// Content digests (XXH3-128) of many files at once, read on a few threads.
#pragma once

#include <sys/stat.h>
#include <xxhash.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
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

// The same while the jobs are still being found: a walk Adds each file as it lists it, and
// helper threads (up to `threads` - 1, started once as much work is queued as DigestFiles
// needs to go parallel) read files meanwhile, so the walk and the reads overlap instead of
// running one after the other. Finish has the caller read what is left and waits for the
// helpers; only then may jobs be looked at.
class FileDigestPool {
 public:
  explicit FileDigestPool(unsigned threads) : threads_(threads) {}
  ~FileDigestPool() { Finish(); }
  FileDigestPool(const FileDigestPool&) = delete;
  FileDigestPool& operator=(const FileDigestPool&) = delete;

  // Queues a job; returns its index.
  size_t Add(FileDigestJob job);
  void Finish();
  // After Finish.
  FileDigestJob& operator[](size_t index) { return jobs_[index]; }

 private:
  void Work();

  unsigned threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<FileDigestJob> jobs_;  // push_back leaves the other elements where they are
  size_t next_ = 0;                 // the first job no thread has taken
  uint64_t bytes_ = 0;
  bool finishing_ = false;
  std::vector<std::thread> helpers_;
};

}  // namespace strata::graph
