// Attaching an SBOM to an image pushed to a registry (docker://REF).
#pragma once

#include <llvm/Support/Error.h>

#include <string>

#include "runtime/sbom/referrer_manifest.h"
#include "runtime/store/store.h"

namespace strata::sbom {

enum class ReferrersWay { kApi, kTagSchema };

// Uploads the SBOM document and the empty config (unless present), then PUTs the referrer's
// manifest by digest into REF's repository. A registry with the referrers API says so with an
// `OCI-Subject` header on that response, and lists the referrer itself; otherwise (Debian's
// docker-registry, Docker Hub) the referrers tag schema is used: the index tagged
// `sha256-<subject hex>` is read (absent: none yet), the referrer is merged into it and it is
// PUT back. The blobs go through the store (written there first). Returns the way taken.
llvm::Expected<ReferrersWay> PushReferrer(const store::Store& store, const std::string& ref_text,
                                          const std::string& sbom, const ReferrerManifest& referrer,
                                          const std::string& subject_digest);

}  // namespace strata::sbom
