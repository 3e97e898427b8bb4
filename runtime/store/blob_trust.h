// Which blobs one process has seen hash to their names, and how many corrupt ones it removed:
// a blob is verified before it leaves the store, at most once per process.
#pragma once

#include <atomic>
#include <mutex>
#include <set>
#include <string>

namespace strata::store {

// Shared by a Store, its copies and its BlobWriters (a blob just written was hashed as it was
// written, so it needs no second read).
class BlobTrust {
 public:
  void MarkVerified(const std::string& digest) {
    std::lock_guard<std::mutex> lock(mu_);
    verified_.insert(digest);
  }
  bool IsVerified(const std::string& digest) const {
    std::lock_guard<std::mutex> lock(mu_);
    return verified_.count(digest) != 0;
  }
  void Forget(const std::string& digest) {
    std::lock_guard<std::mutex> lock(mu_);
    verified_.erase(digest);
  }
  void CountRemoved() { ++removed_; }
  size_t Removed() const { return removed_; }
  void CountHashed() { ++hashed_; }
  size_t Hashed() const { return hashed_; }

 private:
  mutable std::mutex mu_;
  std::set<std::string> verified_;
  std::atomic<size_t> removed_{0};
  std::atomic<size_t> hashed_{0};
};

}  // namespace strata::store
