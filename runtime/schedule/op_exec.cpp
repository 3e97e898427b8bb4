// exec: a RUN step in the sandbox over the parent's layers; the upper dir becomes a new layer.
#include <dirent.h>
#include <sys/stat.h>

#include <cstring>
#include <set>

#include "compiler/support/errno_error.h"
#include "compiler/support/hex_escape.h"
#include "runtime/exec/scratch_dir.h"
#include "runtime/oci/layer_writer.h"
#include "runtime/schedule/copy_layer.h"
#include "runtime/schedule/image_config.h"
#include "runtime/schedule/layer_tree.h"
#include "runtime/schedule/op_context.h"
#include "runtime/schedule/rootfs_view.h"
#include "runtime/schedule/work_dir.h"

namespace strata::schedule {
namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::vector<std::string> StringList(const nlohmann::json* value) {
  std::vector<std::string> list;
  if (value && value->is_array())
    for (const nlohmann::json& item : *value)
      if (item.is_string()) list.push_back(item);
  return list;
}

bool DirIsEmpty(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return true;
  bool empty = true;
  while (struct dirent* entry = ::readdir(dir))
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
      empty = false;
  ::closedir(dir);
  return empty;
}

// "sha256:<hex>" from "<hex>" or "sha256:<hex>", lower-cased; "" if it has no hex digits.
std::string NormalizeDigest(std::string value) {
  if (value.rfind("sha256:", 0) == 0) value = value.substr(7);
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (value.empty() || value.find_first_not_of("0123456789abcdef") != std::string::npos) return "x";
  return "sha256:" + value;
}

// What a bind mount of `artifact` shows. Store artifacts are immutable: bound as they are,
// unless the mount is writable. The user's local files are copied into `dir` first, exactly as
// a COPY would take them (ignored files and `.git` left out, modes normalised unless kept,
// owned by root), so that the step sees what the node's key describes, not the live directory
// with files the key does not cover. A writable mount gets such a copy in any case: the step's
// writes land in `dir`, which is thrown away with the step's work dir.
llvm::Expected<std::string> MountSource(const NodeOutput& artifact, const std::string& dir,
                                        const graph::LocalManifest* manifest, bool writable) {
  if (!artifact.local && !writable) return artifact.path;
  struct stat st;
  if (::lstat(artifact.path.c_str(), &st) != 0)
    return support::ErrnoError(errno, "local source is gone", artifact.path);
  std::string empty_root = dir + "/root";
  std::string snapshot = dir + "/snapshot";
  if (llvm::Error err = exec::MakeDirs(empty_root)) return err;
  if (llvm::Error err = exec::MakeDirs(snapshot)) return err;
  CopyRequest request;
  request.source = artifact.path;
  request.local = artifact.local;
  request.local_root = artifact.local_root;
  request.local_exclude = artifact.local_exclude;
  request.keep_modes = artifact.keep_modes;  // a Dockerfile context: modes as on disk, as hashed
  request.manifest = manifest;
  std::string name =
      S_ISDIR(st.st_mode) ? "" : artifact.path.substr(artifact.path.find_last_of('/') + 1);
  request.dest = "/" + name;
  llvm::Expected<std::vector<oci::TreeEntry>> entries = PlanCopyLayer(request, empty_root, dir);
  if (!entries) return entries.takeError();
  if (llvm::Error err = MaterializeEntries(*entries, snapshot)) return err;
  return name.empty() ? snapshot : snapshot + "/" + name;
}

// The host folder of a cache mount with options: <store>/cache/<escaped id>.
llvm::Expected<std::string> CacheDir(const store::Store& store, const graph::CacheMount& cache) {
  std::string caches = store.Root() + "/cache";
  if (llvm::Error err = exec::MakeDirs(caches)) return err;
  std::string dir = caches + "/" + CacheDirName(cache.id.empty() ? cache.target : cache.id);
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) return dir;  // an existing cache keeps its owner and mode
  // A new one as BuildKit makes it, owned by uid:gid with `mode`: made aside and renamed into
  // place, so that no step sees it before both are set, and a failure leaves no cache behind.
  llvm::Expected<WorkDir> aside = WorkDir::Create(store, "cache-");
  if (!aside) return aside.takeError();
  std::string fresh = aside->Path() + "/cache";
  if (::mkdir(fresh.c_str(), 0700) != 0)
    return support::ErrnoError(errno, "cannot create the cache", fresh);
  if (::chown(fresh.c_str(), cache.uid, cache.gid) != 0 || ::chmod(fresh.c_str(), cache.mode) != 0)
    return support::ErrnoError(errno, "cannot set the owner and mode of the cache", fresh);
  // Another step may have made it meanwhile: then it stays as that step made it.
  if (::rename(fresh.c_str(), dir.c_str()) != 0 && errno != EEXIST && errno != ENOTEMPTY)
    return support::ErrnoError(errno, "cannot create the cache", dir);
  return dir;
}

}  // namespace

std::string CacheDirName(const std::string& target) {
  // Injective: every byte outside [A-Za-z0-9.-] (the '/' included) becomes _XX, and so does a
  // leading '.', so that "." and ".." (the caches folder, the store) are no cache's name.
  // "" (no byte to escape) is "_", which no escape gives.
  if (target.empty()) return "_";
  std::string name = support::HexEscape(target, {".-", '_', /*upper=*/false});
  if (name[0] == '.') name.replace(0, 1, "_2e");
  return name;
}

llvm::Expected<NodeOutput> RunExec(OpContext& context) {
  if (context.inputs.empty() || !context.inputs[0]->IsStage())
    return OpError("exec needs a stage input");
  const oci::Image& parent = context.inputs[0]->image;
  const nlohmann::json& config = parent.config;
  llvm::Expected<graph::ExecParams> params = graph::DecodeExec(context.node);
  if (!params) return params.takeError();

  exec::RunSpec spec;
  std::string command;
  if (const std::optional<std::string>& shell = params->shell) {
    std::vector<std::string> shell_argv =
        StringList(config.contains("Shell") ? &config["Shell"] : nullptr);
    if (shell_argv.empty()) shell_argv = {"/bin/sh", "-c"};
    spec.argv = shell_argv;
    spec.argv.push_back(*shell);
    command = *shell;
  } else {
    spec.argv = params->argv;
    command = params->CommandText();
  }
  if (spec.argv.empty()) return OpError("exec node without a command");

  // The image config's Env, then the step's own variables (a Dockerfile's ARGs) over it: a
  // name set by both takes the step's value, as a BuildKit RUN sees an ARG declared after an
  // ENV of the same name.
  std::set<std::string> step_names;
  for (const std::string& entry : params->env) step_names.insert(entry.substr(0, entry.find('=')));
  for (const std::string& entry : StringList(config.contains("Env") ? &config["Env"] : nullptr))
    if (!step_names.count(entry.substr(0, entry.find('=')))) spec.env.push_back(entry);
  spec.env.insert(spec.env.end(), params->env.begin(), params->env.end());
  if (!EnvValue(config, "PATH") && !step_names.count("PATH"))
    spec.env.push_back(std::string("PATH=") + kDefaultPath);
  spec.cwd = config.value("WorkingDir", std::string("/"));
  if (spec.cwd.empty()) spec.cwd = "/";
  spec.user = config.value("User", std::string());
  spec.hostname = "strata";
  spec.network = params->network;
  // The declared output checksum: the diff_id of the step's layer (see OutputDigest).
  std::string declared;
  if (!params->output_sha256.empty()) declared = NormalizeDigest(params->output_sha256);
  if (spec.network && declared.empty() && !context.options.unpinned_network)
    return OpError(
        "network = true needs a declared output checksum (sha256) or a strata.lock entry");
  if (!declared.empty() && declared.size() != 71)
    return OpError("output sha256 must be 64 hex digits (optionally prefixed by sha256:), not '" +
                   params->output_sha256 + "'");

  // Secrets first: a missing one fails before anything runs.
  {
    for (const graph::SecretMount& secret : params->secrets) {
      const std::string& id = secret.id;
      const std::string& target = secret.target;
      auto found = context.options.secrets.find(id);
      if (found == context.options.secrets.end()) {
        if (!secret.required) continue;
        return OpError("secret '" + id + "' is required by this step: pass --secret id=" + id +
                       ",src=FILE");
      }
      struct stat st;
      if (::stat(found->second.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return OpError("secret '" + id + "': source file '" + found->second +
                       "' is not a readable file");
      spec.secret_mounts.push_back({found->second, target, secret.uid, secret.gid, secret.mode});
    }
  }
  for (const std::string& target : params->cache) {
    std::string dir = context.store.Root() + "/cache/" + CacheDirName(target);
    if (llvm::Error err = exec::MakeDirs(dir)) return err;
    spec.cache_mounts.push_back({dir, target});
  }
  for (const graph::CacheMount& cache : params->caches) {
    llvm::Expected<std::string> dir = CacheDir(context.store, cache);
    if (!dir) return dir.takeError();
    spec.cache_mounts.push_back({*dir, cache.target});
  }
  llvm::Expected<WorkDir> work = WorkDir::Create(context.store, "exec-");
  if (!work) return work.takeError();
  {
    const std::vector<std::string>& mounts = params->mount_targets;
    if (mounts.size() + 1 != context.inputs.size())
      return OpError("exec mounts do not match the node's inputs");
    for (size_t i = 0; i < mounts.size(); ++i) {
      const NodeOutput& artifact = *context.inputs[i + 1];
      if (artifact.IsStage())
        return OpError("exec mount " + std::to_string(i) + " is not an artifact");
      bool writable = i < params->mount_writable.size() && params->mount_writable[i];
      llvm::Expected<std::string> source = MountSource(
          artifact, work->Path() + "/mount-" + std::to_string(i),
          context.local_sources ? &context.local_sources->manifest() : nullptr, writable);
      if (!source) return source.takeError();
      spec.bind_mounts.push_back({*source, mounts[i], writable});
    }
  }
  for (const std::string& target : params->tmpfs) spec.tmpfs_mounts.push_back({target, 0});

  llvm::Expected<std::vector<std::string>> lowers = ExtractLayers(context.store, parent);
  if (!lowers) return lowers.takeError();
  spec.lower_dirs = std::move(*lowers);
  spec.upper_dir = work->Path() + "/upper";
  spec.work_dir = work->Path() + "/work";
  spec.on_line = [&](llvm::StringRef line) {
    if (context.log) context.log(line);
  };

  llvm::Expected<exec::RunResult> result = context.runner.Run(spec);
  if (!result) return result.takeError();
  if (!result->Succeeded()) {
    std::string message = "command failed with exit status " + std::to_string(result->exit_code);
    if (result->timed_out) message = "command timed out";
    message += ": " + command;
    if (!result->last_lines.empty()) {
      message += "\nlast " + std::to_string(result->last_lines.size()) + " lines of output:";
      for (const std::string& line : result->last_lines) message += "\n  | " + line;
    }
    return OpError(message);
  }

  oci::Image image = parent;
  std::string created_by = "RUN " + params->CommandText();
  if (DirIsEmpty(spec.upper_dir)) {
    if (!declared.empty())
      return OpError(
          "output checksum mismatch: the step changed no files (an empty layer), declared " +
          declared);
    image.history.push_back({created_by, /*empty_layer=*/true, ""});
    return NodeOutput::Stage(std::move(image));
  }
  llvm::Expected<oci::LayerDescriptor> layer =
      oci::WriteLayer(context.store, spec.upper_dir, context.layer);
  if (!layer) return layer.takeError();
  // The layer's diff_id (sha256 of the uncompressed tar) is the step's output checksum: the
  // layer writer fixes mtimes, ordering and tar format, so it depends only on the files'
  // paths, contents, modes, owners, xattrs and link targets, and not on the compression. The
  // blob stays in the store unreferenced on a mismatch; gc removes it. No record is written.
  if (!declared.empty() && layer->diff_id != declared) {
    if (params->output_sha256_locked)
      return OpError("output checksum mismatch: strata.lock records " + declared + ", got " +
                     layer->diff_id +
                     " (the sha256 of the step's uncompressed layer tar); the step's output is not "
                     "reproducible, "
                     "or changed: run `strata lock --update-network` to record the new hash");
    return OpError("output checksum mismatch: declared " + declared + ", got " + layer->diff_id +
                   " (the sha256 of the step's uncompressed layer tar)");
  }
  context.layer_size = static_cast<int64_t>(layer->size);
  image.layers.push_back(*layer);
  image.history.push_back({created_by, false, ""});
  return NodeOutput::Stage(std::move(image));
}

}  // namespace strata::schedule
