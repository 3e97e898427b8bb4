// select: a path out of a stage's merged rootfs (copied to <store>/artifacts/<key>/) or inside
// an artifact (referenced in place).
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "compiler/graph/ignore_patterns.h"
#include "compiler/graph/op_params.h"
#include "compiler/support/dir_names.h"
#include "compiler/support/errno_error.h"
#include "compiler/support/slash_path.h"
#include "runtime/schedule/op_context.h"
#include "runtime/schedule/root_path.h"
#include "runtime/schedule/rootfs_view.h"
#include "runtime/schedule/stage_selection.h"
#include "runtime/schedule/work_dir.h"

namespace strata::schedule {
namespace {

// A selected path's name for the output's single entry ("root" for "/", and for a path that
// ends in "." or "..": the entry must be a name of its own in the output folder).
std::string BaseName(const std::string& path) {
  std::string name(support::BaseName(path));
  return name.empty() || name == "." || name == ".." ? "root" : name;
}

llvm::Expected<NodeOutput> SelectInArtifact(const NodeOutput& artifact, const std::string& path) {
  struct stat st;
  if (::lstat(artifact.path.c_str(), &st) != 0)
    return support::ErrnoError(errno, "artifact is gone", artifact.path);
  if (!S_ISDIR(st.st_mode))
    return OpError("cannot select '" + path + "': the artifact is not a directory");
  llvm::Expected<std::string> resolved =
      ResolveInRoot(artifact.path, path, /*follow_last=*/true, Escape::kError);
  if (!resolved) return resolved.takeError();
  std::string host = artifact.path + (*resolved == "/" ? "" : *resolved);
  if (::lstat(host.c_str(), &st) != 0)
    return OpError("'" + path + "' does not exist in the artifact");
  NodeOutput output = NodeOutput::Artifact(host, artifact.local);
  if (std::string written = BaseName(path);
      written != BaseName(host) && written != "root" && written != "." && written != "..")
    output.name = written;  // a symlink followed: copied under the link's name
  output.keep_modes = artifact.keep_modes;
  output.local_root = artifact.local_root;
  output.local_exclude = artifact.local_exclude;
  return output;
}

bool HasGlob(const std::string& path) { return path.find_first_of("*?[") != std::string::npos; }

// The in-root paths `pattern` matches in the stage, segment by segment (`*` never crosses a
// `/`, as in BuildKit's wildcard copy), in name order. A name that is literally `*` is
// matched like any other.
llvm::Expected<std::vector<std::string>> ExpandGlob(const std::string& root,
                                                    const std::string& pattern) {
  std::vector<std::string> paths{""};
  size_t begin = 0;
  while (begin < pattern.size()) {
    size_t end = pattern.find('/', begin);
    if (end == std::string::npos) end = pattern.size();
    std::string segment = pattern.substr(begin, end - begin);
    begin = end + 1;
    if (segment.empty() || segment == ".") continue;
    std::vector<std::string> next;
    for (const std::string& prefix : paths) {
      if (!HasGlob(segment)) {
        next.push_back(prefix + "/" + segment);
        continue;
      }
      llvm::Expected<std::string> dir =
          ResolveInRoot(root, prefix.empty() ? "/" : prefix, true, Escape::kClamp);
      if (!dir) return dir.takeError();
      for (const std::string& name :
           support::SortedDirNamesOrNone(root + (*dir == "/" ? "" : *dir)))
        if (graph::IgnoreMatcher::Matches(segment, name)) next.push_back(prefix + "/" + name);
    }
    paths = std::move(next);
  }
  std::vector<std::string> found;
  for (const std::string& path : paths) {
    llvm::Expected<std::string> resolved =
        ResolveInRoot(root, path, /*follow_last=*/true, Escape::kClamp);
    if (!resolved) return resolved.takeError();
    struct stat st;
    if (::lstat((root + *resolved).c_str(), &st) == 0) found.push_back(path);
  }
  return found;
}

}  // namespace

llvm::Expected<CopiedOut> CopyOutOfStage(const store::Store& store, const oci::Image& image,
                                         const std::string& path, const std::string& work_dir) {
  llvm::Expected<RootfsView> view = RootfsView::Open(store, image, work_dir);
  if (!view) return view.takeError();
  std::string select_path = path;
  std::string out_dir = work_dir + "/out";
  CopiedOut copied;
  if (HasGlob(path)) {
    // BuildKit's wildcard copy: each match is copied as a source of its own (a directory's
    // contents, a file by its name) into the destination; no match copies nothing. One match
    // is selected as itself; several merge into one directory, which the copy copies the
    // contents of; none give an empty directory marked `empty_match`.
    llvm::Expected<std::vector<std::string>> matches = ExpandGlob(view->Root(), path);
    if (!matches) return matches.takeError();
    if (matches->size() != 1) {
      std::string merged = out_dir + "/matches";
      if (::mkdir(out_dir.c_str(), 0755) != 0 || ::mkdir(merged.c_str(), 0755) != 0)
        return support::ErrnoError(errno, "cannot create", merged);
      for (const std::string& match : *matches) {
        llvm::Expected<std::string> resolved =
            ResolveInRoot(view->Root(), match, true, Escape::kClamp);
        if (!resolved) return resolved.takeError();
        std::string source = view->Root() + *resolved;
        struct stat st;
        if (::lstat(source.c_str(), &st) != 0)
          return support::ErrnoError(errno, "cannot stat", source);
        // Each match is a source of its own: its hard links are kept within it, as
        // BuildKit's copy of each match keeps them.
        std::map<std::pair<dev_t, ino_t>, std::string> links;
        CopyRules rules;
        rules.links = &links;
        llvm::Error err = S_ISDIR(st.st_mode)
                              ? CopyContents(source, merged, rules)
                              : CopyTree(source, merged + "/" + BaseName(match), rules);
        if (err) return err;
      }
      if (llvm::Error err = view->Close()) return err;
      copied.relative = "matches";
      copied.empty_match = matches->empty();
      return copied;
    }
    select_path = (*matches)[0];
  }
  llvm::Expected<std::string> resolved =
      ResolveInRoot(view->Root(), select_path, /*follow_last=*/true, Escape::kClamp);
  if (!resolved) return resolved.takeError();
  std::string source = view->Root() + *resolved;
  struct stat st;
  if (::lstat(source.c_str(), &st) != 0)
    return OpError("'" + path + "' does not exist in the stage");

  if (::mkdir(out_dir.c_str(), 0755) != 0)
    return support::ErrnoError(errno, "cannot create", out_dir);
  copied.relative = BaseName(*resolved == "/" ? select_path : *resolved);
  // The selection's hard links stay links (versioned in the record keys: layer-entries=3).
  std::map<std::pair<dev_t, ino_t>, std::string> links;
  CopyRules rules;
  rules.links = &links;
  if (llvm::Error err = CopyTree(source, out_dir + "/" + copied.relative, rules)) return err;
  if (llvm::Error err = view->Close()) return err;
  return copied;
}

llvm::Expected<NodeOutput> RunSelect(OpContext& context) {
  if (context.inputs.size() != 1) return OpError("select needs one input");
  llvm::Expected<graph::SelectParams> params = graph::DecodeSelect(context.node);
  if (!params) return params.takeError();
  const NodeOutput& input = *context.inputs[0];
  if (!input.IsStage()) return SelectInArtifact(input, params->path);

  llvm::Expected<WorkDir> work = WorkDir::Create(context.store, "select-");
  if (!work) return work.takeError();
  llvm::Expected<CopiedOut> copied =
      CopyOutOfStage(context.store, input.image, params->path, work->Path());
  if (!copied) return copied.takeError();
  std::string out_dir = work->Path() + "/out";
  if (llvm::Error err = SyncFilesystem(out_dir)) return err;
  llvm::Expected<std::string> published = PublishArtifactDir(context.store, context.key, out_dir);
  if (!published) return published.takeError();
  NodeOutput output = NodeOutput::Artifact(*published + "/" + copied->relative);
  output.empty_match = copied->empty_match;
  return output;
}

}  // namespace strata::schedule
