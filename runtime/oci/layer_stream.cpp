// LayerStream: libarchive's raw format with the gzip and zstd filters, plus a running sha256.
#include "runtime/oci/layer_stream.h"

#include <fcntl.h>
#include <llvm/ADT/StringRef.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/store/temp_file.h"

namespace strata::oci {

std::string SniffCompression(const unsigned char* head, size_t size) {
  if (size >= 2 && head[0] == 0x1f && head[1] == 0x8b) return "gzip";
  if (size >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd)
    return "zstd";
  return "";
}

llvm::Error CheckLayerCompression(const std::string& path, const std::string& media_type,
                                  const std::string& what) {
  support::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return support::ErrnoError(errno, "cannot open", path);
  unsigned char head[4] = {0, 0, 0, 0};
  ssize_t n;
  do n = ::read(fd.Get(), head, sizeof head);
  while (n < 0 && errno == EINTR);
  if (n < 0) return support::ErrnoError(errno, "cannot read", path);
  std::string found = SniffCompression(head, static_cast<size_t>(n));
  llvm::StringRef type(media_type);
  std::string declared = type.endswith("+gzip") ? "gzip" : type.endswith("+zstd") ? "zstd" : "";
  if (found == declared) return llvm::Error::success();
  return support::MakeError(std::errc::illegal_byte_sequence,
                            what + ": its media type " + media_type + " says " +
                                (declared.empty() ? "uncompressed" : declared) +
                                ", but its bytes are " +
                                (found.empty() ? "not compressed" : found));
}

llvm::Expected<LayerStream> LayerStream::Open(const std::string& blob_path) {
  std::unique_ptr<struct archive, ArchiveFree> a(archive_read_new());
  if (!a) return support::MakeError(std::errc::not_enough_memory, "out of memory");
  // Only the compressions OCI layers use; anything else is read as an uncompressed tar and
  // then fails as a malformed tar.
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_format_raw(a.get());
  if (archive_read_open_filename(a.get(), blob_path.c_str(), 1 << 20) != ARCHIVE_OK) {
    const char* msg = archive_error_string(a.get());
    return support::MakeError(std::errc::io_error, "cannot read layer " + blob_path + ": " +
                                                       (msg ? msg : "unknown error"));
  }
  struct archive_entry* entry = nullptr;
  int rc = archive_read_next_header(a.get(), &entry);
  LayerStream stream(std::move(a), blob_path);
  if (rc == ARCHIVE_EOF)
    stream.at_end_ = true;  // An empty blob: an empty stream.
  else if (rc != ARCHIVE_OK) {
    const char* msg = archive_error_string(stream.archive_.get());
    return support::MakeError(std::errc::io_error, "cannot read layer " + blob_path + ": " +
                                                       (msg ? msg : "unknown error"));
  }
  return stream;
}

llvm::Expected<size_t> LayerStream::Read(char* buffer, size_t size) {
  if (at_end_ || size == 0) return 0;
  la_ssize_t n = archive_read_data(archive_.get(), buffer, size);
  if (n < 0) {
    const char* msg = archive_error_string(archive_.get());
    return support::MakeError(std::errc::io_error, "cannot decompress layer " + path_ + ": " +
                                                       (msg ? msg : "unknown error"));
  }
  if (n == 0) {
    at_end_ = true;
    return 0;
  }
  hash_.Update(buffer, static_cast<size_t>(n));
  bytes_ += static_cast<uint64_t>(n);
  return static_cast<size_t>(n);
}

llvm::Expected<std::string> LayerStream::Finish() {
  std::vector<char> buf(1 << 16);
  for (;;) {
    llvm::Expected<size_t> n = Read(buf.data(), buf.size());
    if (!n) return n.takeError();
    if (*n == 0) break;
  }
  return hash_.Digest();
}

}  // namespace strata::oci
