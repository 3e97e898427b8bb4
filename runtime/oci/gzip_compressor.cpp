// Parallel gzip: chunks deflated on worker threads, emitted in order as one gzip member.
#include "runtime/oci/gzip_compressor.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace strata::oci {
namespace {

constexpr size_t kChunk = 1 << 20;
constexpr size_t kWindow = 32768;  // deflate's window: the useful dictionary size.

// Chunks at least this big are checked for incompressible data (smaller ones always deflate:
// their byte statistics say too little).
constexpr size_t kStoredMinimum = 64 * 1024;

// True when deflate could not shrink `data`: its byte histogram is within 1% of flat
// (sum of squared counts <= 1.01 n^2 / 256, so the order-2 Renyi entropy, a lower bound of the
// Shannon entropy, is above 7.98 bits per byte: Huffman coding saves < 0.3%) and almost no
// 8-byte string repeats within deflate's 32 KiB window (LZ77 saves nothing either). Compressed
// or encrypted files look like this; deflate at level 6 spends as long on them as on text only
// to emit stored blocks. Integer arithmetic on the bytes alone: the same answer on any machine,
// for any thread count.
bool LooksIncompressible(const unsigned char* data, size_t size) {
  uint64_t counts[256] = {};
  for (size_t i = 0; i < size; ++i) ++counts[data[i]];
  uint64_t squares = 0;
  for (uint64_t count : counts) squares += count * count;
  uint64_t n = size;
  if (squares * 256 * 100 > n * n * 101) return false;
  // Every position enters a 64 Ki-entry table of 8-byte hashes; every 16th looks for an equal
  // string up to 32 KiB back. Random bytes give no hits; repeated blocks give thousands.
  std::vector<uint32_t> last(1 << 16, 0);  // position + 1 of the newest string with that hash
  size_t hits = 0;
  for (size_t i = 0; i + 8 <= size; ++i) {
    uint64_t word;
    std::memcpy(&word, data + i, sizeof word);
    uint32_t slot = static_cast<uint32_t>((word * 0x9E3779B97F4A7C15ull) >> 48);
    if (i % 16 == 0) {
      uint32_t previous = last[slot];
      if (previous != 0 && i - (previous - 1) <= kWindow &&
          std::memcmp(data + previous - 1, data + i, 8) == 0 && ++hits > 32)
        return false;
    }
    last[slot] = static_cast<uint32_t>(i + 1);
  }
  return true;
}

// `data` as stored deflate blocks (at most 65,535 bytes each), the last one final when `last`.
// Each chunk starts byte-aligned (the previous one ended with a sync flush or a stored block),
// so stored blocks need no padding and end byte-aligned themselves.
void StoreBlocks(const char* data, size_t size, bool last, std::vector<char>& out) {
  out.clear();
  out.reserve(size + (size / 65535 + 1) * 5);
  size_t pos = 0;
  do {
    size_t take = std::min<size_t>(size - pos, 65535);
    bool final_block = last && pos + take == size;
    uint16_t len = static_cast<uint16_t>(take);
    uint16_t nlen = static_cast<uint16_t>(~len);
    out.push_back(final_block ? 1 : 0);  // BFINAL, BTYPE 00 (stored), then byte alignment.
    out.push_back(static_cast<char>(len & 0xff));
    out.push_back(static_cast<char>(len >> 8));
    out.push_back(static_cast<char>(nlen & 0xff));
    out.push_back(static_cast<char>(nlen >> 8));
    out.insert(out.end(), data + pos, data + pos + take);
    pos += take;
  } while (pos < size);
}

struct Job {
  std::vector<char> input;
  std::vector<char> dict;
  bool last = false;
  std::vector<char> output;
  uLong crc = 0;
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
    if (job->failed) return llvm::createStringError(std::make_error_code(std::errc::io_error), "gzip: deflate failed");
    if (!header_written_) {
      // Fixed header: no name, mtime 0, OS "unknown", so no host field leaks into the layer.
      static constexpr unsigned char kHeader[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
      if (llvm::Error err = out_.Write(reinterpret_cast<const char*>(kHeader), sizeof kHeader)) return err;
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
      bool job_ok = ok && Compress(zs, *job);
      job->crc = crc32(crc32(0, nullptr, 0), reinterpret_cast<const Bytef*>(job->input.data()),
                       static_cast<uInt>(job->input.size()));
      {
        std::lock_guard<std::mutex> lock(mu_);
        job->failed = !job_ok;
        job->done = true;
      }
      done_cv_.notify_all();
    }
    if (ok) deflateEnd(&zs);
  }

  static bool Compress(z_stream& zs, Job& job) {
    if (job.input.size() >= kStoredMinimum &&
        LooksIncompressible(reinterpret_cast<const unsigned char*>(job.input.data()), job.input.size())) {
      StoreBlocks(job.input.data(), job.input.size(), job.last, job.output);
      return true;
    }
    if (deflateReset(&zs) != Z_OK) return false;
    if (!job.dict.empty() &&
        deflateSetDictionary(&zs, reinterpret_cast<const Bytef*>(job.dict.data()),
                             static_cast<uInt>(job.dict.size())) != Z_OK)
      return false;
    job.output.resize(deflateBound(&zs, job.input.size()) + 64);
    zs.next_in = reinterpret_cast<Bytef*>(job.input.data());
    zs.avail_in = static_cast<uInt>(job.input.size());
    size_t produced = 0;
    int flush = job.last ? Z_FINISH : Z_SYNC_FLUSH;
    for (;;) {
      zs.next_out = reinterpret_cast<Bytef*>(job.output.data() + produced);
      zs.avail_out = static_cast<uInt>(job.output.size() - produced);
      int rc = deflate(&zs, flush);
      produced = job.output.size() - zs.avail_out;
      if (rc == Z_STREAM_ERROR) return false;
      if (job.last ? rc == Z_STREAM_END : (zs.avail_in == 0 && zs.avail_out != 0)) break;
      job.output.resize(job.output.size() * 2);
    }
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
