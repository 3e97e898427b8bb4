// text: one file with literal content (a Dockerfile heredoc COPY source), written to
// <store>/artifacts/<key>/<name> with mode 0644 and published atomically.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "compiler/graph/op_params.h"
#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/schedule/op_context.h"
#include "runtime/schedule/work_dir.h"

namespace strata::schedule {

llvm::Expected<NodeOutput> RunText(OpContext& context) {
  if (!context.inputs.empty()) return OpError("text takes no inputs");
  llvm::Expected<graph::TextParams> params = graph::DecodeText(context.node);
  if (!params) return params.takeError();
  const std::string& name = params->name;
  // The compiler checks this too; a hand-made graph must not write outside the artifact.
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
    return OpError("text: the file name must be one path segment, not '" + name + "'");
  const std::string& content = params->content;

  llvm::Expected<WorkDir> work = WorkDir::Create(context.store, "text-");
  if (!work) return work.takeError();
  std::string out_dir = work->Path() + "/out";
  if (::mkdir(out_dir.c_str(), 0755) != 0)
    return support::ErrnoError(errno, "cannot create", out_dir);
  std::string file = out_dir + "/" + name;
  support::UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd) return support::ErrnoError(errno, "cannot create", file);
  // The umask must not change what the image gets.
  if (::fchmod(fd.Get(), 0644) != 0) return support::ErrnoError(errno, "cannot chmod", file);
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd.Get(), content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return support::ErrnoError(errno, "cannot write", file);
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd.Get()) != 0) return support::ErrnoError(errno, "cannot sync", file);
  fd.Reset();

  llvm::Expected<std::string> published = PublishArtifactDir(context.store, context.key, out_dir);
  if (!published) return published.takeError();
  return NodeOutput::Artifact(*published + "/" + name);
}

}  // namespace strata::schedule
