// ExportOciLayout: oci:DIR[:TAG] — blobs first, then index.json by rename, under a lock.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/oci/file_copy.h"
#include "runtime/oci/image_json.h"
#include "runtime/oci/image_writer.h"
#include "runtime/store/names.h"
#include "runtime/store/temp_file.h"

namespace strata::oci {
namespace {

constexpr uint64_t kMaxIndexSize = 64 << 20;

llvm::Error CopyBlob(const store::Store& store, const std::string& digest,
                     const std::string& layout) {
  std::string src = store.BlobPath(digest);
  if (src.empty())
    return support::MakeError(std::errc::invalid_argument, "invalid digest '" + digest + "'");
  std::string dest = layout + "/blobs/sha256/" + store::DigestHex(digest).str();
  struct stat src_st, dest_st;
  if (::stat(src.c_str(), &src_st) != 0) return support::ErrnoError(errno, "missing blob", src);
  // Content-addressed: a blob already there with the right size is the same blob (as
  // containers/image assumes too). Nothing is copied, so the store's copy need not be hashed
  // (that hashing was ~45% of a warm no-op build's CPU into an existing layout).
  if (::stat(dest.c_str(), &dest_st) == 0 && S_ISREG(dest_st.st_mode) &&
      dest_st.st_size == src_st.st_size)
    return llvm::Error::success();
  // Bytes leave the store only after they hash to their name.
  if (llvm::Error err = store.CheckBlob(digest)) return err;
  // A link when the layout is on the store's filesystem: a 300 MB layer copied and synced
  // again cost 0.2 s of CPU and 0.7 s of wall after the build (docs/images.md).
  return LinkOrCopyFileAtomic(src, dest);
}

bool HasRefName(const nlohmann::json& entry, const std::string& tag) {
  if (!entry.is_object()) return false;
  auto annotations = entry.find("annotations");
  if (annotations == entry.end() || !annotations->is_object()) return tag.empty();
  auto name = annotations->find(kRefNameAnnotation);
  if (name == annotations->end() || !name->is_string()) return tag.empty();
  return name->get<std::string>() == tag;
}

}  // namespace

llvm::Error ExportOciLayout(const store::Store& store, const Image& image,
                            const WrittenImage& written, const std::string& dir,
                            const std::string& tag) {
  if (llvm::Error err = MakeDirs(dir + "/blobs/sha256")) return err;
  // Concurrent exports into one layout serialize their read-modify-write of index.json.
  support::UniqueFd lock(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!lock) return support::ErrnoError(errno, "cannot open", dir);
  while (::flock(lock.Get(), LOCK_EX) != 0) {
    if (errno != EINTR) return support::ErrnoError(errno, "cannot lock", dir);
  }

  for (const LayerDescriptor& layer : image.layers) {
    if (llvm::Error err = CopyBlob(store, layer.digest, dir)) return err;
  }
  if (llvm::Error err = CopyBlob(store, written.config_digest, dir)) return err;
  if (llvm::Error err = CopyBlob(store, written.manifest_digest, dir)) return err;

  std::string layout_file = dir + "/oci-layout";
  struct stat st;
  if (::stat(layout_file.c_str(), &st) != 0) {
    if (llvm::Error err = WriteFileAtomic(layout_file, R"({"imageLayoutVersion":"1.0.0"})"))
      return err;
  }

  std::string index_path = dir + "/index.json";
  nlohmann::json index = {{"schemaVersion", 2}, {"manifests", nlohmann::json::array()}};
  if (::stat(index_path.c_str(), &st) == 0) {
    llvm::Expected<std::string> bytes = ReadSmallFile(index_path, kMaxIndexSize);
    if (!bytes) return bytes.takeError();
    index = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
    if (!index.is_object() || !index["manifests"].is_array())
      return support::MakeError(std::errc::invalid_argument,
                                index_path + ": not an OCI image index; refusing to replace it");
  }
  // The new manifest replaces the entry with the same tag (or, untagged, the same manifest).
  nlohmann::json manifests = nlohmann::json::array();
  for (const nlohmann::json& entry : index["manifests"]) {
    bool same_digest = entry.is_object() && entry.value("digest", "") == written.manifest_digest;
    if (HasRefName(entry, tag) && (!tag.empty() || same_digest)) continue;
    manifests.push_back(entry);
  }
  manifests.push_back(ManifestDescriptorJson(written.manifest_digest, written.manifest_size, tag));
  index["manifests"] = std::move(manifests);
  index["schemaVersion"] = 2;
  index["mediaType"] = kOciIndexType;
  return WriteFileAtomic(index_path, CanonicalBytes(index));
}

}  // namespace strata::oci
