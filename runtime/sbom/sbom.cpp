// Sorting and naming an SBOM's components deterministically.
#include "runtime/sbom/sbom.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "runtime/store/sha256.h"

namespace strata::sbom {
namespace {

auto Identity(const Component& c) {
  return std::tie(c.kind, c.name, c.version, c.arch, c.purl, c.sha256, c.download_location);
}

const char* KindName(Component::Kind kind) {
  switch (kind) {
    case Component::Kind::kBaseImage:
      return "image";
    case Component::Kind::kDebianPackage:
      return "deb";
    case Component::Kind::kFetchedFile:
      return "file";
    case Component::Kind::kNetworkOutput:
      return "network";
  }
  return "component";
}

}  // namespace

void SortComponents(std::vector<Component>& components) {
  std::sort(components.begin(), components.end(),
            [](const Component& a, const Component& b) { return Identity(a) < Identity(b); });
  std::vector<Component> unique;
  for (Component& component : components) {
    if (!unique.empty() && Identity(unique.back()) == Identity(component)) {
      unique.back().in_image = unique.back().in_image || component.in_image;
      if (unique.back().license.empty()) unique.back().license = component.license;
      continue;
    }
    unique.push_back(std::move(component));
  }
  components = std::move(unique);
}

std::string ComponentId(const Component& component) {
  std::string identity = std::string(KindName(component.kind)) + "\n" + component.name + "\n" +
                         component.version + "\n" + component.arch + "\n" + component.purl + "\n" +
                         component.sha256 + "\n" + component.download_location;
  std::string digest = store::Sha256Digest(identity.data(), identity.size());
  std::string id = std::string(KindName(component.kind)) + "-";
  size_t kept = 0;
  for (char c : component.name) {
    if (kept++ == 48) break;
    id += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '-';
  }
  return id + "-" + digest.substr(7, 8);
}

}  // namespace strata::sbom
