// An SBOM as an OCI 1.1 referrer artifact: an image manifest whose `subject` is the image.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace strata::sbom {

// The empty config of artifacts (image-spec 1.1, "Guidance for an Empty Descriptor").
inline constexpr const char* kEmptyMediaType = "application/vnd.oci.empty.v1+json";
inline constexpr const char* kEmptyDigest =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
inline constexpr const char* kEmptyBytes = "{}";

struct Subject {
  std::string media_type;  // the image manifest's
  std::string digest;      // "sha256:..."
  uint64_t size = 0;
};

struct ReferrerManifest {
  std::string bytes;   // canonical JSON
  std::string digest;  // "sha256:..." of bytes
  std::string artifact_type;
  std::string sbom_digest;  // the one layer: the SBOM document
  // The manifest's descriptor as a referrers list holds it: mediaType, digest, size,
  // artifactType and the manifest's annotations.
  nlohmann::json descriptor;
};

// The artifact manifest for an SBOM document of `media_type` (its bytes `sbom`): artifactType
// = media_type, config = the empty descriptor, one layer (the document, titled
// `file_name`), subject = the image, and org.opencontainers.image.created = `created`
// (the build's SOURCE_DATE_EPOCH), so two builds give the same manifest digest.
ReferrerManifest MakeReferrerManifest(const std::string& sbom, const std::string& media_type,
                                      const std::string& file_name, const Subject& subject,
                                      int64_t created);

// The referrers tag of distribution-spec 1.1's fallback: `sha256-<hex>` for a subject digest.
std::string ReferrersTag(const std::string& subject_digest);

// A referrers list (an image index) with `referrer` added to `existing` (null for none): an
// entry of the same digest is replaced, entries are sorted by artifactType then digest so the
// bytes do not depend on the order artifacts were attached. Canonical JSON bytes.
std::string MergeReferrers(const nlohmann::json& existing, const ReferrerManifest& referrer);

}  // namespace strata::sbom
