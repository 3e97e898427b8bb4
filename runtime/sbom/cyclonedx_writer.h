// The CycloneDX 1.5 JSON document of an SBOM.
#pragma once

#include <string>

#include "runtime/sbom/sbom.h"

namespace strata::sbom {

inline constexpr const char* kCycloneDxMediaType = "application/vnd.cyclonedx+json";

// The document's bytes (2-space indented, keys sorted, a final newline): the same Sbom gives
// the same bytes. metadata.component is the image (type container); in-image components have
// scope "required" and are what the image dependsOn, build-only ones scope "excluded". The
// serial number is a UUID derived from the manifest digest; the timestamp is the Sbom's
// `created` (the build's SOURCE_DATE_EPOCH).
std::string WriteCycloneDx(const Sbom& sbom);

}  // namespace strata::sbom
