// Files of an exported build context: artifacts as COPY sources and pre-built layers.
#include "runtime/export/context_files.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "runtime/schedule/copy_layer.h"

namespace strata::exporter {
namespace {

llvm::Error Failure(const std::string& message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s", message.c_str());
}

llvm::Error Errno(const std::string& what, const std::string& path) {
  return Failure(what + " '" + path + "': " + std::strerror(errno));
}

// A copy of the file's bytes, then the mode (chmod: the umask does not apply).
llvm::Error CopyFile(const std::string& from, const std::string& to, uint32_t mode) {
  std::error_code error;
  std::filesystem::copy_file(from, to, error);
  if (error) return Failure("cannot copy '" + from + "' to '" + to + "': " + error.message());
  if (::chmod(to.c_str(), mode) != 0) return Errno("cannot chmod", to);
  return llvm::Error::success();
}

// Whether the layer's tar holds an OCI whiteout (`.wh.NAME` or `.wh..wh..opq`).
llvm::Expected<bool> HasWhiteout(const std::string& blob) {
  std::unique_ptr<struct archive, int (*)(struct archive*)> reader(archive_read_new(),
                                                                   archive_read_free);
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_filename(reader.get(), blob.c_str(), 1 << 16) != ARCHIVE_OK)
    return Failure("cannot read layer '" + blob + "': " + archive_error_string(reader.get()));
  struct archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK) {
    std::string path = archive_entry_pathname(entry);
    size_t slash = path.find_last_of('/');
    if (path.compare(slash == std::string::npos ? 0 : slash + 1, 4, ".wh.") == 0) return true;
  }
  if (status != ARCHIVE_EOF)
    return Failure("cannot read layer '" + blob + "': " + archive_error_string(reader.get()));
  return false;
}

}  // namespace

llvm::Expected<std::string> WriteArtifact(const schedule::NodeOutput& artifact,
                                          const std::vector<std::string>& exclude,
                                          const std::string& chmod, const std::string& dir) {
  // PlanCopyLayer into an empty image: exactly the entries a copy to "/" adds, with the modes
  // the runtime gives them; nothing of a parent image is read.
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(dir).parent_path(), error);
  if (error) return Failure("cannot create the parent of '" + dir + "': " + error.message());
  std::string empty = dir + ".empty";
  if (::mkdir(empty.c_str(), 0755) != 0) return Errno("cannot create", empty);
  schedule::CopyRequest request;
  request.source = artifact.path;
  request.name = artifact.name;
  request.local = artifact.local;
  request.keep_modes = artifact.keep_modes;
  request.dest = "/";
  request.exclude = exclude;
  request.chmod = chmod;
  request.local_root = artifact.local_root;
  request.local_exclude = artifact.local_exclude;
  llvm::Expected<std::vector<oci::TreeEntry>> entries =
      schedule::PlanCopyLayer(request, empty, empty);
  ::rmdir(empty.c_str());
  if (!entries) return entries.takeError();
  if (::mkdir(dir.c_str(), 0755) != 0) return Errno("cannot create", dir);
  struct stat st;
  bool is_dir = ::stat(artifact.path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  for (const oci::TreeEntry& entry : *entries) {
    std::string path = dir + "/" + entry.tar_path;
    switch (entry.kind) {
      case oci::EntryKind::kDir:
        if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
          return Errno("cannot create", path);
        break;
      case oci::EntryKind::kFile:
        if (llvm::Error err = CopyFile(entry.source_path, path, entry.mode)) return err;
        break;
      case oci::EntryKind::kSymlink:
        if (::symlink(entry.link.c_str(), path.c_str()) != 0) return Errno("cannot link", path);
        break;
      case oci::EntryKind::kHardlink:
        if (::link((dir + "/" + entry.link).c_str(), path.c_str()) != 0)
          return Errno("cannot link", path);
        break;
      default:
        return Failure("'" + entry.tar_path +
                       "' is a device or fifo, which a build context cannot carry");
    }
  }
  // Directory modes last: a read-only directory must not stop the files going into it.
  for (auto it = entries->rbegin(); it != entries->rend(); ++it)
    if (it->kind == oci::EntryKind::kDir) {
      std::string path = dir + "/" + it->tar_path;
      if (::chmod(path.c_str(), it->mode) != 0) return Errno("cannot chmod", path);
    }
  if (is_dir) return std::string();
  if (entries->size() != 1)
    return Failure("the artifact '" + artifact.path + "' did not copy as one entry");
  return entries->front().tar_path;
}

llvm::Expected<std::vector<std::string>> WriteLayers(const store::Store& store,
                                                     const oci::Image& image,
                                                     const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return Failure("cannot create '" + dir + "': " + error.message());
  std::vector<std::string> names;
  for (size_t i = 0; i < image.layers.size(); ++i) {
    const oci::LayerDescriptor& layer = image.layers[i];
    std::string suffix;
    if (layer.media_type.size() >= 5 &&
        layer.media_type.compare(layer.media_type.size() - 5, 5, "+gzip") == 0)
      suffix = ".tar.gz";
    else if (layer.media_type.find('+') == std::string::npos)
      suffix = ".tar";
    else
      return Failure("layer " + layer.digest + " is " + layer.media_type +
                     ", which Docker's ADD does not unpack (build with --compression gzip)");
    std::string blob = store.BlobPath(layer.digest);
    if (i > 0) {
      llvm::Expected<bool> whiteout = HasWhiteout(blob);
      if (!whiteout) return whiteout.takeError();
      if (*whiteout)
        return Failure("layer " + layer.digest +
                       " deletes files of a lower layer (a whiteout), which ADD cannot");
    }
    std::string name = "layer-" + std::to_string(i) + suffix;
    if (llvm::Error err = CopyFile(blob, dir + "/" + name, 0644)) return err;
    names.push_back(name);
  }
  return names;
}

}  // namespace strata::exporter
