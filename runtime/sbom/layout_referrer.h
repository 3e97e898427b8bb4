// Attaching an SBOM to an image in an OCI image layout (oci:DIR[:TAG]).
#pragma once

#include <llvm/Support/Error.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/sbom/referrer_manifest.h"

namespace strata::sbom {

// Writes the SBOM document, the empty config and the referrer's manifest as blobs of the
// layout at `dir` (which already holds the subject image), and lists the referrer the way
// distribution-spec 1.1's referrers tag schema does: index.json gets (or updates) an entry
// tagged `sha256-<subject hex>` (org.opencontainers.image.ref.name) that points at an image
// index of the subject's referrers. The image's own entry is not touched. Serialized with
// other exports into the layout by the same lock on the directory.
// What a new layout with the image and its one SBOM referrer holds beside the image (an
// oci-archive:, written in one go): the blobs (the document, the empty config, the referrer's
// manifest and the referrers list) and the index.json entry of the referrers tag.
struct LayoutReferrerParts {
  std::vector<std::string> blobs;
  nlohmann::json entry;
};
LayoutReferrerParts MakeLayoutReferrerParts(const std::string& sbom,
                                            const ReferrerManifest& referrer,
                                            const std::string& subject_digest);

llvm::Error AttachToLayout(const std::string& dir, const std::string& sbom,
                           const ReferrerManifest& referrer, const std::string& subject_digest);

}  // namespace strata::sbom
