// ChunkFanout: a bounded queue of chunks read by one thread per consumer.
#include "runtime/oci/chunk_fanout.h"

#include <algorithm>
#include <cstring>

namespace strata::oci {

ChunkFanout::ChunkFanout(std::vector<Consumer> consumers, size_t chunk, size_t max_queued)
    : consumers_(std::move(consumers)),
      chunk_(chunk),
      capacity_(2 * chunk),
      max_queued_(std::max<size_t>(1, max_queued)),
      done_(consumers_.size(), 0) {
  current_ = NewBuffer();
  for (size_t i = 0; i < consumers_.size(); ++i) threads_.emplace_back([this, i] { Loop(i); });
}

ChunkFanout::~ChunkFanout() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
    aborted_ = true;  // Only matters when Close was not reached: drop what is queued.
  }
  cv_.notify_all();
  for (std::thread& thread : threads_)
    if (thread.joinable()) thread.join();
  llvm::consumeError(std::move(error_));
}

ChunkFanout::Buffer ChunkFanout::NewBuffer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!spare_.empty()) {
      Buffer buffer = std::move(spare_.back());
      spare_.pop_back();
      buffer.size = 0;
      return buffer;
    }
  }
  Buffer buffer;
  buffer.data.reset(new char[capacity_]);
  return buffer;
}

char* ChunkFanout::Tail(size_t& room) {
  if (current_.size >= chunk_) Enqueue();
  room = capacity_ - current_.size;
  return current_.data.get() + current_.size;
}

llvm::Error ChunkFanout::Write(const char* data, size_t size) {
  char* tail = current_.data.get() + current_.size;
  if (data == tail && size <= capacity_ - current_.size) {
    current_.size += size;  // read in place through Tail()
  } else {
    while (size > 0) {
      if (current_.size >= chunk_) Enqueue();
      size_t take = std::min(size, capacity_ - current_.size);
      std::memcpy(current_.data.get() + current_.size, data, take);
      current_.size += take;
      data += take;
      size -= take;
    }
  }
  if (current_.size >= chunk_) Enqueue();
  // The consumer's own error is Close's to return.
  if (Failed())
    return llvm::createStringError(std::make_error_code(std::errc::io_error),
                                   "layer stream: a consumer failed");
  return llvm::Error::success();
}

void ChunkFanout::Enqueue() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return queue_.size() < max_queued_ || Failed(); });
    queue_.push_back(std::move(current_));
  }
  cv_.notify_all();
  current_ = NewBuffer();
}

void ChunkFanout::Loop(size_t consumer) {
  for (;;) {
    const char* data = nullptr;
    size_t size = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      uint64_t next = done_[consumer];
      cv_.wait(lock, [&] { return next < first_ + queue_.size() || closing_ || aborted_; });
      if (aborted_ || next >= first_ + queue_.size()) return;
      // The buffer's bytes stay where they are until every consumer has passed it.
      const Buffer& buffer = queue_[next - first_];
      data = buffer.data.get();
      size = buffer.size;
    }
    if (!Failed()) {
      if (llvm::Error err = consumers_[consumer](data, size)) {
        std::lock_guard<std::mutex> lock(mu_);
        if (!failed_.load())
          error_ = std::move(err);
        else
          llvm::consumeError(std::move(err));
        failed_.store(true);
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++done_[consumer];
      uint64_t slowest = *std::min_element(done_.begin(), done_.end());
      while (first_ < slowest && !queue_.empty()) {
        if (spare_.size() < max_queued_) spare_.push_back(std::move(queue_.front()));
        queue_.pop_front();
        ++first_;
      }
    }
    cv_.notify_all();
  }
}

llvm::Error ChunkFanout::Close() {
  if (threads_.empty() || !threads_.front().joinable()) {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(error_);
  }
  if (current_.size > 0 && !Failed()) Enqueue();
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  std::lock_guard<std::mutex> lock(mu_);
  return std::move(error_);
}

}  // namespace strata::oci
