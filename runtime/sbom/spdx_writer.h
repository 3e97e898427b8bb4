// The SPDX 2.3 JSON document of an SBOM.
#pragma once

#include <string>

#include "runtime/sbom/sbom.h"

namespace strata::sbom {

inline constexpr const char* kSpdxMediaType = "application/spdx+json";

// The document's bytes (2-space indented, keys sorted, a final newline): the same Sbom gives
// the same bytes. The image is the package the document DESCRIBES; it CONTAINS each in-image
// package, file and network output, is a DESCENDANT_OF each in-image base image, and every
// build-only component is a BUILD_DEPENDENCY_OF it. `created` is the Sbom's (the build's
// SOURCE_DATE_EPOCH) and the namespace is derived from the image's manifest digest.
std::string WriteSpdx(const Sbom& sbom);

// A name-based UUID (version 5 layout over sha256) of `text`: stable serial numbers and
// namespaces without randomness.
std::string StableUuid(const std::string& text);

}  // namespace strata::sbom
