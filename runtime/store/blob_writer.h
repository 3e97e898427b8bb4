// Streams bytes into the store, hashing them as they go, and publishes them under their digest.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/store/blob_trust.h"
#include "runtime/store/sha256.h"
#include "runtime/store/temp_file.h"

namespace strata::store {

// Get one from Store::NewBlobWriter. Nothing is visible under blobs/ until Commit returns;
// a writer dropped (or killed) before that leaves only a temp file that is never trusted.
class BlobWriter {
 public:
  BlobWriter(TempFile file, std::string blob_dir, std::shared_ptr<BlobTrust> trust)
      : file_(std::move(file)), blob_dir_(std::move(blob_dir)), trust_(std::move(trust)) {}
  BlobWriter(BlobWriter&&) noexcept = default;
  BlobWriter& operator=(BlobWriter&&) noexcept = default;

  llvm::Error Write(const void* data, size_t size);
  llvm::Error Write(llvm::StringRef bytes) { return Write(bytes.data(), bytes.size()); }
  uint64_t Size() const { return size_; }

  // Write split in two for a caller that runs them on two threads at once (a layer's tar:
  // its sha256 and its file write each take ~30 ms per 50 MB): WriteFileOnly appends the
  // bytes without hashing them, and Hash() must be given exactly the same bytes in the same
  // order (by one thread) before Commit, which names the blob by it as for Write. Do not mix
  // with Write.
  llvm::Error WriteFileOnly(const void* data, size_t size);
  Sha256& Hash() { return hash_; }

  // Publishes blobs/sha256/<hex> and returns "sha256:<hex>". Call once. An existing file of
  // that name is replaced: it should hold the same bytes, and if it was corrupted, this
  // repairs it (so `--no-cache` rebuilds a damaged layer for good). A small blob (<= 64 KiB)
  // already there with exactly these bytes is kept instead, without an fsync.
  llvm::Expected<std::string> Commit();
  // As Commit, but publishes nothing and fails when the bytes do not hash to `expected`.
  llvm::Expected<std::string> CommitExpecting(llvm::StringRef expected);

 private:
  TempFile file_;
  std::string blob_dir_;
  std::shared_ptr<BlobTrust> trust_;
  Sha256 hash_;
  uint64_t size_ = 0;
  uint64_t flushed_ = 0;  // bytes whose writeback has been started (sync_file_range)
};

}  // namespace strata::store
