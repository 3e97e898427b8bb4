// select: a path out of a stage's merged rootfs (copied to <store>/artifacts/<key>/) or inside
// an artifact (referenced in place).
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/exec/exec_error.h"
#include "runtime/schedule/op_context.h"
#include "runtime/schedule/root_path.h"
#include "runtime/schedule/rootfs_view.h"
#include "runtime/schedule/work_dir.h"

namespace strata::schedule {
namespace {

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return name.empty() ? "root" : name;
}

llvm::Expected<NodeOutput> SelectInArtifact(const NodeOutput& artifact, const std::string& path) {
  struct stat st;
  if (::lstat(artifact.path.c_str(), &st) != 0) return exec::ErrnoError(errno, "artifact is gone", artifact.path);
  if (!S_ISDIR(st.st_mode)) return OpError("cannot select '" + path + "': the artifact is not a directory");
  llvm::Expected<std::string> resolved = ResolveInRoot(artifact.path, path, /*follow_last=*/true, Escape::kError);
  if (!resolved) return resolved.takeError();
  std::string host = artifact.path + (*resolved == "/" ? "" : *resolved);
  if (::lstat(host.c_str(), &st) != 0) return OpError("'" + path + "' does not exist in the artifact");
  NodeOutput output = NodeOutput::Artifact(host, artifact.local);
  output.local_root = artifact.local_root;
  output.local_exclude = artifact.local_exclude;
  return output;
}

}  // namespace

llvm::Expected<NodeOutput> RunSelect(OpContext& context) {
  if (context.inputs.size() != 1) return OpError("select needs one input");
  std::string path = context.Param("path");
  const NodeOutput& input = *context.inputs[0];
  if (!input.IsStage()) return SelectInArtifact(input, path);

  llvm::Expected<WorkDir> work = WorkDir::Create(context.store, "select-");
  if (!work) return work.takeError();
  llvm::Expected<RootfsView> view = RootfsView::Open(context.store, input.image, work->Path());
  if (!view) return view.takeError();
  llvm::Expected<std::string> resolved = ResolveInRoot(view->Root(), path, /*follow_last=*/true, Escape::kClamp);
  if (!resolved) return resolved.takeError();
  std::string source = view->Root() + *resolved;
  struct stat st;
  if (::lstat(source.c_str(), &st) != 0) return OpError("'" + path + "' does not exist in the stage");

  std::string out_dir = work->Path() + "/out";
  if (::mkdir(out_dir.c_str(), 0755) != 0) return exec::ErrnoError(errno, "cannot create", out_dir);
  std::string name = BaseName(*resolved == "/" ? path : *resolved);
  if (llvm::Error err = CopyTree(source, out_dir + "/" + name, CopyRules{})) return err;
  if (llvm::Error err = view->Close()) return err;
  if (llvm::Error err = SyncFilesystem(out_dir)) return err;
  std::string artifacts = context.store.Root() + "/artifacts";
  ::mkdir(artifacts.c_str(), 0755);
  std::string published = artifacts + "/" + context.key;
  if (llvm::Error err = PublishDir(out_dir, published)) return err;
  return NodeOutput::Artifact(published + "/" + name);
}

}  // namespace strata::schedule
