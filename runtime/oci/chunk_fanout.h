// A bounded stream stage: bytes cut into chunks, each consumed in order by one thread per consumer.
#pragma once

#include <llvm/Support/Error.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/oci/byte_sink.h"

namespace strata::oci {

// The layer stream has several independent consumers of the same bytes (the tar's sha256 and
// the compressor; the blob's sha256 and its file): giving each its own thread lets them run at
// once on every core instead of one after another on one thread. Each consumer sees every
// chunk, in stream order, on its one thread, so what it computes does not depend on timing. At
// most `max_queued` chunks wait (each < 2 * chunk bytes), so memory stays bounded; a chunk's
// buffer is reused once every consumer is done with it (no fresh pages to fault and zero).
class ChunkFanout final : public ByteSink {
 public:
  using Consumer = std::function<llvm::Error(const char* data, size_t size)>;

  ChunkFanout(std::vector<Consumer> consumers, size_t chunk, size_t max_queued);
  ~ChunkFanout() override;
  ChunkFanout(const ChunkFanout&) = delete;
  ChunkFanout& operator=(const ChunkFanout&) = delete;

  // Copies the bytes in, unless they are already in place: bytes read straight into Tail()
  // and then written are only counted (no copy). Fails once a consumer has failed (Close
  // returns that consumer's error).
  llvm::Error Write(const char* data, size_t size) override;
  // Where the next bytes go, and how many fit (at least `chunk` bytes): a reader can read() a
  // file straight into it and then Write the same pointer.
  char* Tail(size_t& room) override;

  // Hands over the rest, waits for every consumer and returns the first error.
  llvm::Error Close();

 private:
  struct Buffer {
    std::unique_ptr<char[]> data;
    size_t size = 0;
  };
  void Enqueue();
  void Loop(size_t consumer);
  Buffer NewBuffer();
  bool Failed() const { return failed_.load(std::memory_order_relaxed); }

  std::vector<Consumer> consumers_;
  const size_t chunk_;
  const size_t capacity_;  // of each buffer: 2 * chunk_
  const size_t max_queued_;
  Buffer current_;  // Only touched by the writing thread.
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Buffer> queue_;    // chunks first_ .. first_ + queue_.size() - 1
  uint64_t first_ = 0;          // stream index of queue_.front()
  std::vector<uint64_t> done_;  // per consumer: chunks it has finished
  std::vector<Buffer> spare_;   // recycled buffers
  bool closing_ = false;
  bool aborted_ = false;
  std::atomic<bool> failed_{false};
  llvm::Error error_ = llvm::Error::success();
  std::vector<std::thread> threads_;
};

}  // namespace strata::oci
