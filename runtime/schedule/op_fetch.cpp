// fetch: a fixed-output download (file://, http://, https://), verified against its sha256.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/graph/op_params.h"
#include "compiler/support/atomic_file.h"
#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/oci/registry_http.h"
#include "runtime/schedule/op_context.h"
#include "runtime/schedule/work_dir.h"
#include "runtime/store/sha256.h"

namespace strata::schedule {
namespace {

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

  // The registry client's transfer path: proxies, timeouts and the lazily loaded libcurl are
  // handled once, there.
  oci::HttpRequest request;
  request.url = url;
  request.allow_file = true;
  request.server_kind = "download server";
  request.offline_hint = "a fetch already in the store builds offline";
  store::Sha256 hash;
  llvm::Expected<oci::HttpResponse> response =
      oci::Perform(request, [&](const char* data, size_t size) {
        hash.Update(data, size);
        return support::WriteAll(fd.Get(), data, size, file);
      });
  if (!response) return OpError("fetch " + url + ": " + llvm::toString(response.takeError()));
  if (response->status / 100 != 2)
    return OpError("fetch " + url + ": HTTP status " + std::to_string(response->status));
  std::string actual = hash.HexDigest();
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
