// Parallel gzip: chunks compressed into gzip members on worker threads, emitted in order.
#include "runtime/oci/gzip_compressor.h"

#include <libdeflate.h>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/oci/stored_spans.h"

namespace strata::oci {
namespace {

constexpr size_t kChunk = 1 << 20;
constexpr size_t kMaxStoredBlock = 65535;  // a stored block's LEN is 16 bits
// Fixed header: no name, mtime 0, no extra flags, OS "unknown": no host field in the layer.
constexpr unsigned char kHeader[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};

struct Job {
  std::vector<unsigned char> input;
  std::vector<unsigned char> output;
  bool done = false;
  bool failed = false;
};

void PutLe32(std::vector<unsigned char>& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<unsigned char>(value >> (8 * i)));
}

// A member of stored blocks: the bytes as they are, 5 bytes of block header per 64 KiB.
void AppendStoredMember(std::vector<unsigned char>& out, const unsigned char* data, size_t size) {
  out.insert(out.end(), kHeader, kHeader + sizeof kHeader);
  size_t pos = 0;
  do {
    size_t take = std::min(size - pos, kMaxStoredBlock);
    bool final = pos + take == size;
    out.push_back(final ? 1 : 0);  // BFINAL, BTYPE 00; the rest of the byte is padding
    out.push_back(static_cast<unsigned char>(take));
    out.push_back(static_cast<unsigned char>(take >> 8));
    out.push_back(static_cast<unsigned char>(~take));
    out.push_back(static_cast<unsigned char>(~take >> 8));
    out.insert(out.end(), data + pos, data + pos + take);
    pos += take;
  } while (pos < size);
  PutLe32(out, libdeflate_crc32(0, data, size));
  PutLe32(out, static_cast<uint32_t>(size));
}

// A deflated member; false if libdeflate failed (it cannot, given its own bound as room).
bool AppendDeflatedMember(std::vector<unsigned char>& out, libdeflate_compressor* compressor,
                          const unsigned char* data, size_t size) {
  size_t start = out.size();
  size_t bound = libdeflate_deflate_compress_bound(compressor, size);
  out.resize(start + sizeof kHeader + bound);
  std::copy(kHeader, kHeader + sizeof kHeader, out.begin() + static_cast<ptrdiff_t>(start));
  size_t made = libdeflate_deflate_compress(compressor, data, size,
                                            out.data() + start + sizeof kHeader, bound);
  if (made == 0) return false;
  out.resize(start + sizeof kHeader + made);
  PutLe32(out, libdeflate_crc32(0, data, size));
  PutLe32(out, static_cast<uint32_t>(size));
  return true;
}

// One chunk into members: each incompressible span one stored member, each stretch between
// them one deflated member. Depends on the chunk's bytes and the level alone.
bool CompressChunk(libdeflate_compressor* compressor, Job& job) {
  const unsigned char* input = job.input.data();
  const size_t size = job.input.size();
  job.output.clear();
  job.output.reserve(size + size / 64 + 256);
  if (size == 0) return AppendDeflatedMember(job.output, compressor, input, 0);
  size_t pos = 0;
  for (const Span& span : StoredSpans(input, size)) {
    if (span.offset > pos &&
        !AppendDeflatedMember(job.output, compressor, input + pos, span.offset - pos))
      return false;
    AppendStoredMember(job.output, input + span.offset, span.size);
    pos = span.offset + span.size;
  }
  return pos == size || AppendDeflatedMember(job.output, compressor, input + pos, size - pos);
}

class GzipCompressor final : public Compressor {
 public:
  GzipCompressor(ByteSink& out, int threads, int level)
      : out_(out), level_(level), max_in_flight_(2 * static_cast<size_t>(threads)) {
    pending_.reserve(kChunk);
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  }

  ~GzipCompressor() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    work_cv_.notify_all();
    for (std::thread& worker : workers_) worker.join();
  }

  llvm::Error Write(const char* data, size_t size) override {
    const auto* bytes = reinterpret_cast<const unsigned char*>(data);
    while (size > 0) {
      size_t take = std::min(size, kChunk - pending_.size());
      pending_.insert(pending_.end(), bytes, bytes + take);
      bytes += take;
      size -= take;
      if (pending_.size() == kChunk) {
        if (llvm::Error err = Submit()) return err;
      }
    }
    return llvm::Error::success();
  }

  llvm::Error Finish() override {
    // The last, partial chunk; an empty stream is one empty member (gzip needs one).
    if (!pending_.empty() || !submitted_any_) {
      if (llvm::Error err = Submit()) return err;
    }
    while (!in_flight_.empty()) {
      if (llvm::Error err = EmitOldest()) return err;
    }
    return llvm::Error::success();
  }

 private:
  llvm::Error Submit() {
    auto job = std::make_shared<Job>();
    job->input = std::move(pending_);
    pending_ = std::vector<unsigned char>();
    pending_.reserve(kChunk);
    submitted_any_ = true;
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(job);
      in_flight_.push_back(job);
    }
    work_cv_.notify_one();
    while (in_flight_.size() > max_in_flight_) {
      if (llvm::Error err = EmitOldest()) return err;
    }
    return llvm::Error::success();
  }

  llvm::Error EmitOldest() {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      done_cv_.wait(lock, [this] { return in_flight_.front()->done; });
      job = in_flight_.front();
      in_flight_.pop_front();
    }
    if (job->failed)
      return llvm::createStringError(std::make_error_code(std::errc::io_error),
                                     "gzip: compression failed (level %d)", level_);
    return out_.Write(reinterpret_cast<const char*>(job->output.data()), job->output.size());
  }

  void WorkerLoop() {
    // nullptr for a level libdeflate does not have: every job then fails with that level.
    libdeflate_compressor* compressor = libdeflate_alloc_compressor(level_);
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) break;
        job = queue_.front();
        queue_.pop_front();
      }
      bool job_ok = compressor != nullptr && CompressChunk(compressor, *job);
      {
        std::lock_guard<std::mutex> lock(mu_);
        job->failed = !job_ok;
        job->done = true;
      }
      done_cv_.notify_all();
    }
    libdeflate_free_compressor(compressor);
  }

  ByteSink& out_;
  int level_;
  size_t max_in_flight_;
  std::vector<unsigned char> pending_;
  bool submitted_any_ = false;
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<std::shared_ptr<Job>> queue_;      // Waiting for a worker.
  std::deque<std::shared_ptr<Job>> in_flight_;  // Submitted and not yet emitted, in order.
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace

std::unique_ptr<Compressor> MakeGzipCompressor(ByteSink& out, int threads, int level) {
  return std::make_unique<GzipCompressor>(out, std::max(threads, 1), level);
}

const char* GzipEncoderIdentity() {
  // v2: members per chunk (v1, one zlib member with preset dictionaries, had no identity).
  return "gzip-members-v2 libdeflate-" LIBDEFLATE_VERSION_STRING;
}

}  // namespace strata::oci
