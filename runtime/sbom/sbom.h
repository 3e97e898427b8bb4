// What an SBOM says about one image: the image and the components its build used.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace strata::sbom {

struct Component {
  // Sorted in this order in the documents.
  enum class Kind { kBaseImage, kDebianPackage, kFetchedFile, kNetworkOutput };
  Kind kind = Kind::kDebianPackage;
  std::string name;     // package, image reference, file name, or the step ("RUN curl ...")
  std::string version;  // package version or image digest; "" for none
  std::string arch;     // Debian architecture; "" for none
  std::string purl;     // "" for none
  std::string license;  // SPDX expression; "" when not stated (NOASSERTION)
  std::string download_location;  // URL; "" when none (NOASSERTION)
  std::string sha256;             // hex, no prefix; "" when unknown
  // In the image (a base's package, a fetched file copied in, a network step on the image's
  // own chain), or only used to build it (a builder stage's base, a mounted download).
  bool in_image = true;
};

struct Sbom {
  std::string image_name;       // the build target ("default", "services.api")
  std::string manifest_digest;  // "sha256:..." of the image the SBOM describes
  std::string architecture;
  int64_t created = 0;                // the build's SOURCE_DATE_EPOCH: no wall-clock time
  std::vector<Component> components;  // sorted (SortComponents)
};

// Sorts by kind, name, version, arch, purl and drops exact repeats (one package reached
// through two stages is listed once; in the image if either says so).
void SortComponents(std::vector<Component>& components);

// A stable id for a component inside one document: `<kind>-<name>-<8 hex of sha256 over its
// identity>`, only [A-Za-z0-9.-] (what SPDX ids allow).
std::string ComponentId(const Component& component);

}  // namespace strata::sbom
