// The referrers tag schema inside an OCI image layout: blobs first, then index.json by rename.
#include "runtime/sbom/layout_referrer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/oci/file_copy.h"
#include "runtime/oci/image_json.h"
#include "runtime/store/names.h"
#include "runtime/store/sha256.h"
#include "runtime/store/temp_file.h"

namespace strata::sbom {
namespace {

constexpr uint64_t kMaxIndexSize = 64 << 20;

llvm::Error PutBlob(const std::string& dir, const std::string& bytes) {
  std::string digest = store::Sha256Digest(bytes.data(), bytes.size());
  std::string path = dir + "/blobs/sha256/" + store::DigestHex(digest).str();
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<size_t>(st.st_size) == bytes.size())
    return llvm::Error::success();
  return oci::WriteFileAtomic(path, bytes);
}

std::string RefName(const nlohmann::json& entry) {
  if (!entry.is_object() || !entry.contains("annotations") || !entry["annotations"].is_object())
    return "";
  const nlohmann::json& annotations = entry["annotations"];
  auto name = annotations.find(oci::kRefNameAnnotation);
  return name != annotations.end() && name->is_string() ? name->get<std::string>() : "";
}

// The referrers tag's index.json entry for the referrers list `list`.
nlohmann::json TagEntry(const std::string& list, const std::string& tag) {
  nlohmann::json entry =
      oci::ManifestDescriptorJson(store::Sha256Digest(list.data(), list.size()), list.size(), tag);
  entry["mediaType"] = oci::kOciIndexType;
  return entry;
}

}  // namespace

LayoutReferrerParts MakeLayoutReferrerParts(const std::string& sbom,
                                            const ReferrerManifest& referrer,
                                            const std::string& subject_digest) {
  std::string list = MergeReferrers(nullptr, referrer);
  nlohmann::json entry = TagEntry(list, ReferrersTag(subject_digest));
  return {{sbom, kEmptyBytes, referrer.bytes, std::move(list)}, std::move(entry)};
}

llvm::Error AttachToLayout(const std::string& dir, const std::string& sbom,
                           const ReferrerManifest& referrer, const std::string& subject_digest) {
  support::UniqueFd lock(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!lock) return support::ErrnoError(errno, "cannot open", dir);
  while (::flock(lock.Get(), LOCK_EX) != 0)
    if (errno != EINTR) return support::ErrnoError(errno, "cannot lock", dir);

  for (const std::string* bytes : {&sbom, &referrer.bytes})
    if (llvm::Error err = PutBlob(dir, *bytes)) return err;
  if (llvm::Error err = PutBlob(dir, kEmptyBytes)) return err;

  std::string index_path = dir + "/index.json";
  llvm::Expected<std::string> bytes = oci::ReadSmallFile(index_path, kMaxIndexSize);
  if (!bytes) return bytes.takeError();
  nlohmann::json index = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!index.is_object() || !index.contains("manifests") || !index["manifests"].is_array())
    return support::MakeError(std::errc::invalid_argument, index_path + ": not an OCI image index");

  // The referrers list the tag names now, if any: the new one is merged into it.
  const std::string tag = ReferrersTag(subject_digest);
  nlohmann::json existing;
  nlohmann::json manifests = nlohmann::json::array();
  for (const nlohmann::json& entry : index["manifests"]) {
    if (RefName(entry) != tag) {
      manifests.push_back(entry);
      continue;
    }
    std::string digest = entry.value("digest", "");
    if (digest.rfind("sha256:", 0) != 0 || digest.size() != 71)
      return support::MakeError(std::errc::invalid_argument,
                                index_path + ": bad digest for tag " + tag);
    llvm::Expected<std::string> list =
        oci::ReadSmallFile(dir + "/blobs/sha256/" + store::DigestHex(digest).str(), kMaxIndexSize);
    if (!list) return list.takeError();
    existing = nlohmann::json::parse(*list, nullptr, /*allow_exceptions=*/false);
  }
  std::string list = MergeReferrers(existing, referrer);
  if (llvm::Error err = PutBlob(dir, list)) return err;
  manifests.push_back(TagEntry(list, tag));
  index["manifests"] = std::move(manifests);
  return oci::WriteFileAtomic(index_path, oci::CanonicalBytes(index));
}

}  // namespace strata::sbom
