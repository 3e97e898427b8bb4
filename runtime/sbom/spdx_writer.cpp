// SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/), deterministic.
#include "runtime/sbom/spdx_writer.h"

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "runtime/oci/image_json.h"
#include "runtime/sbom/purl.h"
#include "runtime/store/sha256.h"

namespace strata::sbom {
namespace {

std::string OrNoAssertion(const std::string& value) {
  return value.empty() ? "NOASSERTION" : value;
}

std::string Hex(const std::string& digest) {
  return digest.rfind("sha256:", 0) == 0 ? digest.substr(7) : digest;
}

nlohmann::json Sha256Checksum(const std::string& hex) {
  return nlohmann::json::array({{{"algorithm", "SHA256"}, {"checksumValue", hex}}});
}

nlohmann::json Package(const Component& component) {
  nlohmann::json package = {{"SPDXID", "SPDXRef-" + ComponentId(component)},
                            {"name", component.name},
                            {"downloadLocation", OrNoAssertion(component.download_location)},
                            {"filesAnalyzed", false},
                            {"licenseConcluded", "NOASSERTION"},
                            {"licenseDeclared", OrNoAssertion(component.license)},
                            {"copyrightText", "NOASSERTION"}};
  if (!component.version.empty()) package["versionInfo"] = component.version;
  if (!component.sha256.empty()) package["checksums"] = Sha256Checksum(component.sha256);
  if (!component.purl.empty())
    package["externalRefs"] = nlohmann::json::array({{{"referenceCategory", "PACKAGE-MANAGER"},
                                                      {"referenceType", "purl"},
                                                      {"referenceLocator", component.purl}}});
  switch (component.kind) {
    case Component::Kind::kBaseImage:
      package["primaryPackagePurpose"] = "CONTAINER";
      break;
    case Component::Kind::kDebianPackage:
      package["supplier"] = "Organization: Debian";
      package["comment"] =
          "Debian package (" + component.arch + "), from the archive's signed index";
      break;
    case Component::Kind::kFetchedFile:
      package["primaryPackagePurpose"] = "FILE";
      break;
    case Component::Kind::kNetworkOutput:
      package["primaryPackagePurpose"] = "OTHER";
      package["comment"] = "output of a network step: the sha256 of its uncompressed layer tar";
      break;
  }
  return package;
}

nlohmann::json Relationship(const std::string& a, const char* type, const std::string& b) {
  return {{"spdxElementId", a}, {"relationshipType", type}, {"relatedSpdxElement", b}};
}

}  // namespace

std::string StableUuid(const std::string& text) {
  std::string hex = Hex(store::Sha256Digest(text.data(), text.size())).substr(0, 32);
  hex[12] = '5';
  hex[16] = "89ab"[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string WriteSpdx(const Sbom& sbom) {
  const std::string image_id = "SPDXRef-Image";
  nlohmann::json image = {
      {"SPDXID", image_id},
      {"name", sbom.image_name},
      {"versionInfo", sbom.manifest_digest},
      {"downloadLocation", "NOASSERTION"},
      {"filesAnalyzed", false},
      {"licenseConcluded", "NOASSERTION"},
      {"licenseDeclared", "NOASSERTION"},
      {"copyrightText", "NOASSERTION"},
      {"primaryPackagePurpose", "CONTAINER"},
      {"checksums", Sha256Checksum(Hex(sbom.manifest_digest))},
      {"externalRefs",
       nlohmann::json::array(
           {{{"referenceCategory", "PACKAGE-MANAGER"},
             {"referenceType", "purl"},
             {"referenceLocator", MakePurl("oci", "", sbom.image_name, sbom.manifest_digest,
                                           {{"arch", sbom.architecture}})}}})}};
  nlohmann::json packages = nlohmann::json::array({image});
  nlohmann::json relationships =
      nlohmann::json::array({Relationship("SPDXRef-DOCUMENT", "DESCRIBES", image_id)});
  std::set<std::string> license_refs;
  static const std::regex kLicenseRef("LicenseRef-[A-Za-z0-9.-]+");
  for (const Component& component : sbom.components) {
    packages.push_back(Package(component));
    std::string id = "SPDXRef-" + ComponentId(component);
    if (!component.in_image)
      relationships.push_back(Relationship(id, "BUILD_DEPENDENCY_OF", image_id));
    else if (component.kind == Component::Kind::kBaseImage)
      relationships.push_back(Relationship(image_id, "DESCENDANT_OF", id));
    else
      relationships.push_back(Relationship(image_id, "CONTAINS", id));
    for (std::sregex_iterator it(component.license.begin(), component.license.end(), kLicenseRef),
         end;
         it != end; ++it)
      license_refs.insert(it->str());
  }
  nlohmann::json document = {{"spdxVersion", "SPDX-2.3"},
                             {"dataLicense", "CC0-1.0"},
                             {"SPDXID", "SPDXRef-DOCUMENT"},
                             {"name", sbom.image_name + "@" + sbom.manifest_digest},
                             {"documentNamespace", "https://spdx.org/spdxdocs/strata-" +
                                                       StableUuid("spdx\n" + sbom.manifest_digest)},
                             {"creationInfo",
                              {{"created", oci::Rfc3339(sbom.created)},
                               {"creators", nlohmann::json::array({"Tool: strata"})}}},
                             {"packages", std::move(packages)},
                             {"relationships", std::move(relationships)}};
  if (!license_refs.empty()) {
    nlohmann::json infos = nlohmann::json::array();
    for (const std::string& ref : license_refs)
      infos.push_back(
          {{"licenseId", ref},
           {"name", ref.substr(std::string("LicenseRef-").size())},
           {"extractedText", "A license named \"" + ref.substr(std::string("LicenseRef-").size()) +
                                 "\" in a Debian copyright file; its text is in "
                                 "/usr/share/doc/PACKAGE/copyright in the image"}});
    document["hasExtractedLicensingInfos"] = std::move(infos);
  }
  return document.dump(2) + "\n";
}

}  // namespace strata::sbom
