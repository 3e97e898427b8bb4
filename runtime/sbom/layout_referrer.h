// Attaching an SBOM to an image in an OCI image layout (oci:DIR[:TAG]).
#pragma once

#include <llvm/Support/Error.h>

#include <string>

#include "runtime/sbom/referrer_manifest.h"

namespace strata::sbom {

// Writes the SBOM document, the empty config and the referrer's manifest as blobs of the
// layout at `dir` (which already holds the subject image), and lists the referrer the way
// distribution-spec 1.1's referrers tag schema does: index.json gets (or updates) an entry
// tagged `sha256-<subject hex>` (org.opencontainers.image.ref.name) that points at an image
// index of the subject's referrers. The image's own entry is not touched. Serialized with
// other exports into the layout by the same lock on the directory.
llvm::Error AttachToLayout(const std::string& dir, const std::string& sbom,
                           const ReferrerManifest& referrer, const std::string& subject_digest);

}  // namespace strata::sbom
