// minimal: a scratch stage holding the given executables and their ELF runtime closure, copied
// out of the input stage's merged rootfs as one layer.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "compiler/support/errno_error.h"
#include "compiler/support/slash_path.h"
#include "runtime/oci/layer_writer.h"
#include "runtime/schedule/elf_closure.h"
#include "runtime/schedule/image_config.h"
#include "runtime/schedule/op_context.h"
#include "runtime/schedule/root_path.h"
#include "runtime/schedule/rootfs_view.h"
#include "runtime/schedule/work_dir.h"

namespace strata::schedule {
namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Creates the missing parent directories of `path` in the layer, 0755 root.
llvm::Error MakeParents(const std::string& layer, const std::string& path) {
  std::vector<std::string> parts = support::PathElements(path);
  std::string dir = layer;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    dir += "/" + parts[i];
    if (::mkdir(dir.c_str(), 0755) == 0) {
      if (::chown(dir.c_str(), 0, 0) != 0 || ::chmod(dir.c_str(), 0755) != 0)
        return support::ErrnoError(errno, "cannot set the owner of", dir);
    } else if (errno != EEXIST) {
      return support::ErrnoError(errno, "cannot create", dir);
    }
  }
  return llvm::Error::success();
}

// Copies `path` (inside `root`) into the layer at the same path; each symlink met on the way
// is copied as a symlink and its target followed (and copied) in turn.
llvm::Error CopyChain(const std::string& root, const std::string& path, const std::string& layer,
                      std::set<std::string>& done, int depth = 0) {
  if (depth > 40) return OpError("minimal: too many levels of symlinks at " + path);
  std::vector<std::string> parts = support::PathElements(CleanPath("/", path));
  std::string prefix;
  for (size_t i = 0; i < parts.size(); ++i) {
    prefix += "/" + parts[i];
    struct stat st;
    if (::lstat((root + prefix).c_str(), &st) != 0)
      return OpError("minimal: " + path + " does not exist in the stage");
    bool last = i + 1 == parts.size();
    if (S_ISDIR(st.st_mode) && !last) continue;
    if (!S_ISLNK(st.st_mode) && !last)
      return OpError("minimal: " + prefix + " is not a directory in the stage");
    if (done.insert(prefix).second) {
      if (llvm::Error err = MakeParents(layer, prefix)) return err;
      if (llvm::Error err = CopyTree(root + prefix, layer + prefix, CopyRules{})) return err;
    }
    if (!S_ISLNK(st.st_mode)) return llvm::Error::success();
    char target[4096];
    ssize_t length = ::readlink((root + prefix).c_str(), target, sizeof(target) - 1);
    if (length < 0) return support::ErrnoError(errno, "cannot read the symlink", root + prefix);
    std::string rest;
    for (size_t j = i + 1; j < parts.size(); ++j) rest += "/" + parts[j];
    std::string dir = prefix.substr(0, prefix.find_last_of('/'));
    return CopyChain(root, CleanPath(dir.empty() ? "/" : dir, std::string(target, length)) + rest,
                     layer, done, depth + 1);
  }
  return OpError("minimal: cannot copy the root directory");
}

// The interpreter named by a `#!` line, or "".
std::string ShebangInterpreter(const std::string& host) {
  std::ifstream in(host);
  std::string line;
  if (!std::getline(in, line) || line.compare(0, 2, "#!") != 0) return "";
  std::stringstream words(line.substr(2));
  std::string interpreter;
  words >> interpreter;
  return interpreter;
}

// The absolute path inside `root` of an executable given as a path or a name in PATH.
llvm::Expected<std::string> FindExecutable(const std::string& root, const std::string& name,
                                           const std::string& path_env) {
  if (!name.empty() && name[0] == '/') return CleanPath("/", name);
  if (name.empty() || name.find('/') != std::string::npos)
    return OpError("minimal: '" + name + "' must be an absolute path or a name looked up in PATH");
  std::stringstream dirs(path_env);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty() || dir[0] != '/') continue;
    std::string candidate = CleanPath("/", dir + "/" + name);
    llvm::Expected<std::string> resolved = ResolveInRoot(root, candidate, true, Escape::kClamp);
    if (!resolved) return resolved.takeError();
    struct stat st;
    if (::stat((root + *resolved).c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
      return candidate;
  }
  return OpError("minimal: executable '" + name + "' is not in the stage's PATH (" + path_env +
                 ")");
}

}  // namespace

llvm::Error BuildMinimalLayer(const std::string& root, const std::vector<std::string>& executables,
                              const std::string& path_env, const std::string& layer_dir) {
  std::vector<std::string> search_dirs = LibrarySearchDirs(root);
  std::set<std::string> done;
  std::vector<std::string> pending(executables.rbegin(), executables.rend());
  std::set<std::string> queued;
  while (!pending.empty()) {
    std::string name = pending.back();
    pending.pop_back();
    llvm::Expected<std::string> path = FindExecutable(root, name, path_env);
    if (!path) return path.takeError();
    if (!queued.insert(*path).second) continue;
    llvm::Expected<std::string> resolved = ResolveInRoot(root, *path, true, Escape::kClamp);
    if (!resolved) return resolved.takeError();
    std::string host = root + *resolved;
    struct stat st;
    if (::stat(host.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      return OpError("minimal: " + *path + " is not a file in the stage");
    if (llvm::Error err = CopyChain(root, *path, layer_dir, done)) return err;
    if (!IsElfFile(host)) {
      std::string interpreter = ShebangInterpreter(host);
      if (interpreter.empty())
        return OpError("minimal: " + *path + " is neither an ELF file nor a #! script");
      pending.push_back(interpreter);
      continue;
    }
    llvm::Expected<std::vector<std::string>> closure = ElfClosure(root, *path, search_dirs);
    if (!closure) return closure.takeError();
    for (const std::string& library : *closure)
      if (llvm::Error err = CopyChain(root, library, layer_dir, done)) return err;
  }
  return llvm::Error::success();
}

llvm::Expected<NodeOutput> RunMinimal(OpContext& context) {
  if (context.inputs.size() != 1 || !context.inputs[0]->IsStage())
    return OpError("minimal needs a stage");
  const oci::Image& parent = context.inputs[0]->image;
  llvm::Expected<graph::MinimalParams> params = graph::DecodeMinimal(context.node);
  if (!params) return params.takeError();
  std::vector<std::string> executables = params->executables;
  if (executables.empty()) return OpError("minimal needs at least one executable");
  std::optional<std::string> path_env = EnvValue(parent.config, "PATH");

  llvm::Expected<WorkDir> work = WorkDir::Create(context.store, "minimal-");
  if (!work) return work.takeError();
  std::string layer_dir = work->Path() + "/layer";
  if (::mkdir(layer_dir.c_str(), 0755) != 0)
    return support::ErrnoError(errno, "cannot create", layer_dir);
  llvm::Expected<RootfsView> view = RootfsView::Open(context.store, parent, work->Path());
  if (!view) return view.takeError();
  if (llvm::Error err =
          BuildMinimalLayer(view->Root(), executables, path_env.value_or(kDefaultPath), layer_dir))
    return err;
  if (llvm::Error err = view->Close()) return err;

  llvm::Expected<oci::LayerDescriptor> layer =
      oci::WriteLayer(context.store, layer_dir, context.layer);
  if (!layer) return layer.takeError();
  context.layer_size = static_cast<int64_t>(layer->size);
  // A fresh scratch config (like Nix/Bazel closures): only PATH is kept, so names still resolve.
  oci::Image image;
  image.architecture = parent.architecture;
  image.os = parent.os;
  if (path_env) image.config["Env"] = nlohmann::json::array({"PATH=" + *path_env});
  image.layers.push_back(*layer);
  std::string created_by = "MINIMAL";
  for (const std::string& executable : executables) created_by += " " + executable;
  image.history.push_back({created_by, false, ""});
  return NodeOutput::Stage(std::move(image));
}

}  // namespace strata::schedule
