// DigestFiles: a local source's file contents hashed on a few threads at once.
#include "compiler/graph/file_digests.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include "compiler/support/unique_fd.h"

namespace strata::graph {
namespace {

constexpr size_t kBuffer = 1 << 17;
// Below this much work a second thread costs more than it saves.
constexpr uint64_t kParallelBytes = 1 << 20;
constexpr size_t kParallelFiles = 16;

int64_t Nanos(const struct timespec& ts) {
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

bool SameStat(const struct stat& a, const struct stat& b) {
  return a.st_size == b.st_size && Nanos(a.st_mtim) == Nanos(b.st_mtim) &&
         Nanos(a.st_ctim) == Nanos(b.st_ctim);
}

void Digest(FileDigestJob& job, std::vector<char>& buffer) {
  support::UniqueFd fd(open(job.path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    job.error = "cannot read " + job.path + ": " + std::strerror(errno);
    return;
  }
  XXH3_state_t* state = XXH3_createState();
  XXH3_128bits_reset(state);
  uint64_t expected = static_cast<uint64_t>(job.st.st_size);
  bool checked = false;  // fstat already taken after the last expected byte
  struct stat after;
  for (;;) {
    // Once the size the walk saw has been read, a file whose stat is unchanged is known to end
    // there: the read that would only return 0 (one syscall per file) is skipped.
    if (job.bytes_read == expected && !checked) {
      checked = true;
      if (fstat(fd.Get(), &after) == 0 && SameStat(after, job.st)) {
        job.unchanged = true;
        break;
      }
    }
    ssize_t n = read(fd.Get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      job.error = "cannot read " + job.path + ": " + std::strerror(errno);
      XXH3_freeState(state);
      return;
    }
    if (n == 0) break;
    XXH3_128bits_update(state, buffer.data(), static_cast<size_t>(n));
    job.bytes_read += static_cast<uint64_t>(n);
  }
  if (!job.unchanged && !checked)
    job.unchanged = fstat(fd.Get(), &after) == 0 && SameStat(after, job.st);
  job.digest = XXH3_128bits_digest(state);
  XXH3_freeState(state);
}

}  // namespace

void DigestFiles(std::vector<FileDigestJob>& jobs, unsigned threads) {
  // Nothing to read (every file a cache hit): no buffer to allocate and clear, which the
  // package cache's 10,800 single-file checks of a warm workspace command paid each time.
  if (jobs.empty()) return;
  uint64_t bytes = 0;
  for (const FileDigestJob& job : jobs) bytes += static_cast<uint64_t>(job.st.st_size);
  if (jobs.size() < kParallelFiles && bytes < kParallelBytes) threads = 1;
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(jobs.size())));
  std::atomic<size_t> next{0};
  auto work = [&] {
    std::vector<char> buffer(kBuffer);
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < jobs.size();)
      Digest(jobs[i], buffer);
  };
  std::vector<std::thread> helpers;
  for (unsigned i = 1; i < threads; ++i) helpers.emplace_back(work);
  work();
  for (std::thread& helper : helpers) helper.join();
}

size_t FileDigestPool::Add(FileDigestJob job) {
  size_t index;
  bool start = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    index = jobs_.size();
    bytes_ += static_cast<uint64_t>(job.st.st_size);
    jobs_.push_back(std::move(job));
    start = helpers_.empty() && threads_ > 1 &&
            (jobs_.size() >= kParallelFiles || bytes_ >= kParallelBytes);
  }
  if (start) {
    for (unsigned i = 1; i < threads_; ++i) helpers_.emplace_back([this] { Work(); });
  } else {
    cv_.notify_one();
  }
  return index;
}

void FileDigestPool::Work() {
  std::vector<char> buffer(kBuffer);
  for (;;) {
    FileDigestJob* job = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return next_ < jobs_.size() || finishing_; });
      if (next_ == jobs_.size()) return;  // finishing, nothing left
      job = &jobs_[next_++];
    }
    Digest(*job, buffer);
  }
}

void FileDigestPool::Finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finishing_) return;
    finishing_ = true;
  }
  cv_.notify_all();
  Work();  // the caller reads what is left beside the helpers
  for (std::thread& helper : helpers_) helper.join();
}

}  // namespace strata::graph
