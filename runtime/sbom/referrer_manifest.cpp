// The OCI 1.1 artifact manifest of an SBOM and the referrers list of the tag-schema fallback.
#include "runtime/sbom/referrer_manifest.h"

#include <algorithm>
#include <vector>

#include "runtime/oci/image_json.h"
#include "runtime/store/sha256.h"

namespace strata::sbom {

ReferrerManifest MakeReferrerManifest(const std::string& sbom, const std::string& media_type,
                                      const std::string& file_name, const Subject& subject,
                                      int64_t created) {
  ReferrerManifest result;
  result.artifact_type = media_type;
  result.sbom_digest = store::Sha256Digest(sbom.data(), sbom.size());
  nlohmann::json annotations = {{"org.opencontainers.image.created", oci::Rfc3339(created)}};
  nlohmann::json manifest = {
      {"schemaVersion", 2},
      {"mediaType", oci::kOciManifestType},
      {"artifactType", media_type},
      {"config",
       {{"mediaType", kEmptyMediaType}, {"digest", kEmptyDigest}, {"size", 2}, {"data", "e30="}}},
      {"layers",
       nlohmann::json::array({{{"mediaType", media_type},
                               {"digest", result.sbom_digest},
                               {"size", sbom.size()},
                               {"annotations", {{"org.opencontainers.image.title", file_name}}}}})},
      {"subject",
       {{"mediaType", subject.media_type}, {"digest", subject.digest}, {"size", subject.size}}},
      {"annotations", annotations}};
  result.bytes = oci::CanonicalBytes(manifest);
  result.digest = store::Sha256Digest(result.bytes.data(), result.bytes.size());
  result.descriptor = {{"mediaType", oci::kOciManifestType},
                       {"digest", result.digest},
                       {"size", result.bytes.size()},
                       {"artifactType", media_type},
                       {"annotations", annotations}};
  return result;
}

std::string ReferrersTag(const std::string& subject_digest) {
  std::string tag = subject_digest;
  std::replace(tag.begin(), tag.end(), ':', '-');
  return tag.substr(0, 128);  // a tag is at most 128 characters; sha256-<64 hex> is 71
}

std::string MergeReferrers(const nlohmann::json& existing, const ReferrerManifest& referrer) {
  std::vector<nlohmann::json> entries;
  if (existing.is_object() && existing.contains("manifests") && existing["manifests"].is_array())
    for (const nlohmann::json& entry : existing["manifests"])
      if (entry.is_object() && entry.value("digest", "") != referrer.digest)
        entries.push_back(entry);
  entries.push_back(referrer.descriptor);
  std::sort(entries.begin(), entries.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return std::make_pair(a.value("artifactType", ""), a.value("digest", "")) <
           std::make_pair(b.value("artifactType", ""), b.value("digest", ""));
  });
  nlohmann::json index = {
      {"schemaVersion", 2}, {"mediaType", oci::kOciIndexType}, {"manifests", entries}};
  return oci::CanonicalBytes(index);
}

}  // namespace strata::sbom
