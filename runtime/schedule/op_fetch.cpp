// fetch: a fixed-output download (file://, http://, https://), verified against its sha256.
#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <mutex>

#include "compiler/graph/op_params.h"
#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/oci/lazy_curl.h"
#include "runtime/schedule/op_context.h"
#include "runtime/schedule/work_dir.h"
#include "runtime/store/sha256.h"

namespace strata::schedule {
namespace {

struct CurlFree {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};

struct Download {
  int fd = -1;
  store::Sha256 hash;
  int write_errno = 0;
};

size_t WriteChunk(char* data, size_t size, size_t count, void* user) {
  auto* download = static_cast<Download*>(user);
  size_t total = size * count;
  download->hash.Update(data, total);
  for (size_t done = 0; done < total;) {
    ssize_t n = ::write(download->fd, data + done, total - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      download->write_errno = errno;
      return 0;  // makes curl stop with CURLE_WRITE_ERROR
    }
    done += static_cast<size_t>(n);
  }
  return total;
}

// The file name the artifact gets: the URL's last path segment, or "download".
std::string FileName(const std::string& url) {
  std::string path = url.substr(0, url.find_first_of("?#"));
  size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? "" : path.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") name = "download";
  return name;
}

}  // namespace

llvm::Expected<NodeOutput> RunFetch(OpContext& context) {
  static std::once_flag curl_init;
  std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  llvm::Expected<graph::FetchParams> params = graph::DecodeFetch(context.node);
  if (!params) return params.takeError();
  std::string url = params->url;
  std::string expected = params->sha256;
  if (expected.rfind("sha256:", 0) == 0) expected = expected.substr(7);

  llvm::Expected<WorkDir> work = WorkDir::Create(context.store, "fetch-");
  if (!work) return work.takeError();
  std::string out_dir = work->Path() + "/out";
  if (::mkdir(out_dir.c_str(), 0755) != 0)
    return support::ErrnoError(errno, "cannot create", out_dir);
  std::string file = out_dir + "/" + FileName(url);
  support::UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd) return support::ErrnoError(errno, "cannot create", file);

  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) {
    std::string why = oci::CurlLoadError();
    return OpError("fetch " + url + ": " + (why.empty() ? "cannot initialise libcurl" : why));
  }
  Download download;
  download.fd = fd.Get();
  char error_text[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "file,http,https");
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, WriteChunk);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &download);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error_text);
  CURLcode code = curl_easy_perform(curl.get());
  if (download.write_errno != 0)
    return support::ErrnoError(download.write_errno, "cannot write", file);
  if (code != CURLE_OK)
    return OpError("fetch " + url + ": " +
                   (error_text[0] ? std::string(error_text) : curl_easy_strerror(code)));
  std::string actual = download.hash.HexDigest();
  if (actual != expected)
    return OpError("fetch " + url + ": checksum mismatch: expected sha256 " + expected + ", got " +
                   actual);
  if (::fsync(fd.Get()) != 0) return support::ErrnoError(errno, "cannot sync", file);
  fd.Reset();

  llvm::Expected<std::string> published = PublishArtifactDir(context.store, context.key, out_dir);
  if (!published) return published.takeError();
  return NodeOutput::Artifact(*published + "/" + FileName(url));
}

}  // namespace strata::schedule
