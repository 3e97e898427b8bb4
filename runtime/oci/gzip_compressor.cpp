// Parallel gzip: chunks deflated on worker threads, emitted in order as one gzip member.
#include "runtime/oci/gzip_compressor.h"

#include <zlib.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/oci/stored_spans.h"

namespace strata::oci {
namespace {

constexpr size_t kChunk = 1 << 20;
constexpr size_t kWindow = 32768;  // deflate's window: the useful dictionary size.

struct Job {
  std::vector<char> input;
  std::vector<char> dict;
  bool last = false;
  std::vector<char> output;
  uLong crc = 0;  // set and read by the submitting thread only
  bool done = false;
  bool failed = false;
};

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
    while (size > 0) {
      size_t take = std::min(size, kChunk - pending_.size());
      pending_.insert(pending_.end(), data, data + take);
      data += take;
      size -= take;
      if (pending_.size() == kChunk) {
        if (llvm::Error err = Submit(/*last=*/false)) return err;
      }
    }
    return llvm::Error::success();
  }

  llvm::Error Finish() override {
    if (llvm::Error err = Submit(/*last=*/true)) return err;
    while (!in_flight_.empty()) {
      if (llvm::Error err = EmitOldest()) return err;
    }
    unsigned char trailer[8];
    uint32_t size_mod = static_cast<uint32_t>(total_in_);
    for (int i = 0; i < 4; ++i) {
      trailer[i] = static_cast<unsigned char>(crc_ >> (8 * i));
      trailer[4 + i] = static_cast<unsigned char>(size_mod >> (8 * i));
    }
    return out_.Write(reinterpret_cast<const char*>(trailer), sizeof trailer);
  }

 private:
  llvm::Error Submit(bool last) {
    auto job = std::make_shared<Job>();
    job->last = last;
    job->dict = std::move(next_dict_);
    size_t tail = std::min(pending_.size(), kWindow);
    next_dict_.assign(pending_.end() - tail, pending_.end());
    job->input = std::move(pending_);
    pending_ = std::vector<char>();
    pending_.reserve(kChunk);
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(job);
      in_flight_.push_back(job);
    }
    work_cv_.notify_one();
    // The chunk's CRC-32 is computed here, while a worker deflates it: the workers are the
    // critical path (deflate), this thread mostly waits for them. Only this thread reads crc.
    job->crc = crc32(crc32(0, nullptr, 0), reinterpret_cast<const Bytef*>(job->input.data()),
                     static_cast<uInt>(job->input.size()));
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
                                     "gzip: deflate failed");
    if (!header_written_) {
      // Fixed header: no name, mtime 0, OS "unknown", so no host field leaks into the layer.
      static constexpr unsigned char kHeader[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
      if (llvm::Error err = out_.Write(reinterpret_cast<const char*>(kHeader), sizeof kHeader))
        return err;
      header_written_ = true;
    }
    crc_ = crc32_combine(crc_, job->crc, static_cast<z_off_t>(job->input.size()));
    total_in_ += job->input.size();
    return out_.Write(job->output.data(), job->output.size());
  }

  void WorkerLoop() {
    z_stream zs;
    std::memset(&zs, 0, sizeof zs);
    bool ok = deflateInit2(&zs, level_, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) break;
        job = queue_.front();
        queue_.pop_front();
      }
      bool job_ok = ok && Compress(zs, level_, *job);
      {
        std::lock_guard<std::mutex> lock(mu_);
        job->failed = !job_ok;
        job->done = true;
      }
      done_cv_.notify_all();
    }
    if (ok) deflateEnd(&zs);
  }

  // One chunk: raw deflate at `level`, except the spans StoredSpans finds, which go out as
  // stored blocks (deflateParams to level 0 and back; zlib restarts its match index after a
  // stored span, which costs a little ratio right after it, never correctness). Ends with a
  // sync flush (byte-aligned, not final) or, for the last chunk, a final block. Every call
  // depends on the chunk's bytes alone.
  static bool Compress(z_stream& zs, int level, Job& job) {
    // deflateReset keeps the level, which the previous chunk may have left at 0.
    if (deflateReset(&zs) != Z_OK || deflateParams(&zs, level, Z_DEFAULT_STRATEGY) != Z_OK)
      return false;
    if (!job.dict.empty() &&
        deflateSetDictionary(&zs, reinterpret_cast<const Bytef*>(job.dict.data()),
                             static_cast<uInt>(job.dict.size())) != Z_OK)
      return false;
    const auto* input = reinterpret_cast<const unsigned char*>(job.input.data());
    std::vector<Span> stored = StoredSpans(input, job.input.size());
    job.output.resize(deflateBound(&zs, job.input.size()) + 64 + 64 * stored.size());
    const size_t limit = 2 * job.output.size() + (1 << 20);  // never reached by a sane zlib
    size_t produced = 0;
    // One deflate (or deflateParams when `params`) call, repeated with more room while zlib
    // says it needs it.
    auto run = [&](int flush, bool params, int new_level) {
      for (;;) {
        zs.next_out = reinterpret_cast<Bytef*>(job.output.data() + produced);
        zs.avail_out = static_cast<uInt>(job.output.size() - produced);
        int rc = params ? deflateParams(&zs, new_level, Z_DEFAULT_STRATEGY) : deflate(&zs, flush);
        produced = job.output.size() - zs.avail_out;
        if (rc == Z_STREAM_ERROR) return false;
        if (flush == Z_FINISH) {
          if (rc == Z_STREAM_END) return true;
        } else if (zs.avail_out != 0 && zs.avail_in == 0 && !(params && rc == Z_BUF_ERROR)) {
          return true;
        }
        if (job.output.size() >= limit) return false;
        job.output.resize(job.output.size() * 2);
      }
    };
    int current = level;
    auto feed = [&](size_t from, size_t to, int span_level) {
      if (from == to) return true;
      if (span_level != current) {
        current = span_level;
        if (!run(Z_NO_FLUSH, /*params=*/true, span_level)) return false;
      }
      zs.next_in = const_cast<Bytef*>(input + from);
      zs.avail_in = static_cast<uInt>(to - from);
      return run(Z_NO_FLUSH, false, 0);
    };
    size_t pos = 0;
    for (const Span& span : stored) {
      if (!feed(pos, span.offset, level) || !feed(span.offset, span.offset + span.size, 0))
        return false;
      pos = span.offset + span.size;
    }
    if (!feed(pos, job.input.size(), level)) return false;
    zs.avail_in = 0;
    if (!run(job.last ? Z_FINISH : Z_SYNC_FLUSH, false, 0)) return false;
    job.output.resize(produced);
    return true;
  }

  ByteSink& out_;
  int level_;
  size_t max_in_flight_;
  std::vector<char> pending_;
  std::vector<char> next_dict_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<std::shared_ptr<Job>> queue_;      // Waiting for a worker.
  std::deque<std::shared_ptr<Job>> in_flight_;  // Submitted and not yet emitted, in order.
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  uLong crc_ = crc32(0, nullptr, 0);
  uint64_t total_in_ = 0;
  bool header_written_ = false;
};

}  // namespace

std::unique_ptr<Compressor> MakeGzipCompressor(ByteSink& out, int threads, int level) {
  return std::make_unique<GzipCompressor>(out, std::max(threads, 1), level);
}

}  // namespace strata::oci
