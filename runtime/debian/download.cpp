// Downloads go through oci::Perform (the registry's libcurl client), streamed into a
// BlobWriter that only publishes bytes with the expected hash.
#include "runtime/debian/download.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "compiler/support/unique_fd.h"
#include "runtime/oci/file_copy.h"
#include "runtime/oci/registry_http.h"

namespace strata::debian {
namespace {

// Copies the verified blob into the download cache (best effort: a cache that cannot be
// written only costs a later download).
void RememberInCache(const std::string& blob, const std::string& sha256) {
  std::string dir = DownloadCacheDir();
  if (dir.empty()) return;
  ::mkdir(dir.c_str(), 0755);
  std::string final_path = dir + "/" + sha256;
  struct stat st;
  if (::stat(final_path.c_str(), &st) == 0) return;
  llvm::consumeError(oci::CopyFileAtomic(blob, final_path, {0644, /*durable=*/false}));
}

llvm::Error Mismatch(const std::string& what, llvm::Error err) {
  std::string message = llvm::toString(std::move(err));
  return llvm::createStringError(std::errc::illegal_byte_sequence, "%s: %s; nothing was stored",
                                 what.c_str(), message.c_str());
}

// A request to the Debian mirror, with the message for a mirror that cannot be reached.
oci::HttpRequest MirrorRequest(const std::string& url) {
  oci::HttpRequest request;
  request.url = url;
  request.server_kind = "Debian mirror";
  request.offline_hint =
      "a base whose packages are already in the store or the download cache builds offline";
  return request;
}

}  // namespace

std::string DownloadCacheDir() {
  const char* dir = std::getenv("STRATA_DEBIAN_CACHE");
  return dir && *dir ? dir : "";
}

llvm::Expected<std::string> FetchBlob(const store::Store& store, const std::string& url,
                                      llvm::StringRef sha256, const std::string& what,
                                      uint64_t size, uint64_t* bytes) {
  if (bytes) *bytes = 0;
  std::string digest = "sha256:" + sha256.lower();
  // A blob in the store was verified when it entered, but one left by a failed or killed build,
  // or damaged since, is not trusted: it is hashed again (once per process), and a corrupt one
  // is removed and fetched again.
  if (store.HasBlob(digest)) {
    if (llvm::Error err = store.CheckBlob(digest))
      llvm::consumeError(std::move(err));
    else
      return store.BlobPath(digest);
  }
  std::string cache = DownloadCacheDir();
  if (!cache.empty()) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    support::UniqueFd fd(
        ::open((cache + "/" + sha256.lower()).c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd) {
      // Read no more than the file can be: a FIFO or device there would never end.
      struct stat st;
      std::string where = what + " (from the download cache " + cache + ")";
      if (::fstat(fd.Get(), &st) != 0 || !S_ISREG(st.st_mode))
        return llvm::createStringError(std::errc::illegal_byte_sequence,
                                       "%s: not a regular file; nothing was stored", where.c_str());
      if (size && static_cast<uint64_t>(st.st_size) != size)
        return llvm::createStringError(
            std::errc::illegal_byte_sequence,
            "%s: blob size mismatch: expected %llu bytes, got %llu; nothing was stored",
            where.c_str(), static_cast<unsigned long long>(size),
            static_cast<unsigned long long>(st.st_size));
      llvm::Expected<store::BlobWriter> writer = store.NewBlobWriter();
      if (!writer) return writer.takeError();
      char buffer[1 << 16];
      ssize_t n;
      while ((n = ::read(fd.Get(), buffer, sizeof buffer)) > 0)
        if (llvm::Error err = writer->Write(buffer, static_cast<size_t>(n))) return err;
      llvm::Expected<std::string> committed = writer->CommitExpecting(digest);
      if (committed) return store.BlobPath(*committed);
      // A bad cache entry is refused like a bad download, never trusted.
      return Mismatch(what + " (from the download cache " + cache + ")", committed.takeError());
    }
  }
  llvm::Expected<store::BlobWriter> writer = store.NewBlobWriter();
  if (!writer) return writer.takeError();
  oci::HttpRequest request = MirrorRequest(url);
  llvm::Expected<oci::HttpResponse> response =
      oci::Perform(request, [&](const char* data, size_t n) -> llvm::Error {
        if (size && writer->Size() + n > size)
          return llvm::createStringError(
              std::errc::file_too_large,
              "%s (from %s): the mirror sent more than the %llu bytes the lock or index gives; "
              "nothing was stored",
              what.c_str(), url.c_str(), static_cast<unsigned long long>(size));
        return writer->Write(data, n);
      });
  if (!response) return response.takeError();
  if (response->status == 404)
    return llvm::createStringError(std::errc::no_such_file_or_directory,
                                   "%s: not on the mirror (404 for %s)", what.c_str(), url.c_str());
  if (response->status / 100 != 2)
    return llvm::createStringError(std::errc::io_error, "%s: HTTP %ld from %s", what.c_str(),
                                   response->status, url.c_str());
  if (bytes) *bytes = writer->Size();
  llvm::Expected<std::string> committed = writer->CommitExpecting(digest);
  if (!committed) return Mismatch(what + " (from " + url + ")", committed.takeError());
  std::string path = store.BlobPath(*committed);
  RememberInCache(path, sha256.lower());
  return path;
}

llvm::Expected<std::string> FetchText(const std::string& url) {
  oci::HttpRequest request = MirrorRequest(url);
  std::string body;
  llvm::Expected<oci::HttpResponse> response =
      oci::Perform(request, [&](const char* data, size_t n) -> llvm::Error {
        if (body.size() + n > kMaxTextBytes)
          return llvm::createStringError(std::errc::file_too_large,
                                         "%s is larger than %zu bytes: not a Release file",
                                         url.c_str(), kMaxTextBytes);
        body.append(data, n);
        return llvm::Error::success();
      });
  if (!response) return response.takeError();
  if (response->status == 404)
    return llvm::createStringError(std::errc::no_such_file_or_directory,
                                   "%s is not on the mirror (404)", url.c_str());
  if (response->status / 100 != 2)
    return llvm::createStringError(std::errc::io_error, "HTTP %ld from %s", response->status,
                                   url.c_str());
  return body;
}

}  // namespace strata::debian
