// Reads a layer blob (gzip, zstd or uncompressed, told apart by its magic bytes) as its
// uncompressed tar stream, hashing the bytes for the diff_id as they pass.
#pragma once

#include <archive.h>
#include <llvm/Support/Error.h>

#include <cstddef>
#include <memory>
#include <string>

#include "runtime/store/sha256.h"

namespace strata::oci {

class LayerStream {
 public:
  static llvm::Expected<LayerStream> Open(const std::string& blob_path);
  LayerStream(LayerStream&&) noexcept = default;
  LayerStream& operator=(LayerStream&&) noexcept = default;

  // Up to `size` uncompressed bytes; 0 at the end of the stream.
  llvm::Expected<size_t> Read(char* buffer, size_t size);
  // Reads what is left and returns "sha256:<hex>" of the whole uncompressed stream. Call once.
  llvm::Expected<std::string> Finish();
  uint64_t BytesRead() const { return bytes_; }

 private:
  struct ArchiveFree {
    void operator()(struct archive* a) const { archive_read_free(a); }
  };
  LayerStream(std::unique_ptr<struct archive, ArchiveFree> a, std::string path)
      : archive_(std::move(a)), path_(std::move(path)) {}

  std::unique_ptr<struct archive, ArchiveFree> archive_;
  std::string path_;
  store::Sha256 hash_;
  uint64_t bytes_ = 0;
  bool at_end_ = false;
};

// The compression of a blob from its first bytes: "gzip", "zstd" or "" (none).
std::string SniffCompression(const unsigned char* head, size_t size);

// Refuses a layer file whose first bytes contradict its (normalized OCI) media type: a "+gzip"
// layer that is not gzip, a "+zstd" one that is not zstd, a plain tar that is compressed.
// `what` names the layer in the error.
llvm::Error CheckLayerCompression(const std::string& path, const std::string& media_type,
                                  const std::string& what);

}  // namespace strata::oci
