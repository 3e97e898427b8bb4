// CycloneDX 1.5 JSON (https://cyclonedx.org/docs/1.5/json/), deterministic.
#include "runtime/sbom/cyclonedx_writer.h"

#include <nlohmann/json.hpp>

#include "runtime/oci/image_json.h"
#include "runtime/sbom/purl.h"
#include "runtime/sbom/spdx_writer.h"

namespace strata::sbom {
namespace {

std::string Hex(const std::string& digest) {
  return digest.rfind("sha256:", 0) == 0 ? digest.substr(7) : digest;
}

const char* Type(Component::Kind kind) {
  switch (kind) {
    case Component::Kind::kBaseImage:
      return "container";
    case Component::Kind::kDebianPackage:
      return "library";
    case Component::Kind::kFetchedFile:
      return "file";
    case Component::Kind::kNetworkOutput:
      return "file";
  }
  return "file";
}

nlohmann::json Hashes(const std::string& hex) {
  return nlohmann::json::array({{{"alg", "SHA-256"}, {"content", hex}}});
}

}  // namespace

std::string WriteCycloneDx(const Sbom& sbom) {
  const std::string image_ref = "image";
  nlohmann::json components = nlohmann::json::array();
  nlohmann::json depends_on = nlohmann::json::array();
  for (const Component& component : sbom.components) {
    std::string ref = ComponentId(component);
    nlohmann::json entry = {{"bom-ref", ref},
                            {"type", Type(component.kind)},
                            {"name", component.name},
                            {"scope", component.in_image ? "required" : "excluded"}};
    if (!component.version.empty()) entry["version"] = component.version;
    if (!component.purl.empty()) entry["purl"] = component.purl;
    if (!component.license.empty())
      entry["licenses"] = nlohmann::json::array({{{"expression", component.license}}});
    if (!component.sha256.empty()) entry["hashes"] = Hashes(component.sha256);
    if (!component.download_location.empty())
      entry["externalReferences"] =
          nlohmann::json::array({{{"type", "distribution"}, {"url", component.download_location}}});
    if (component.kind == Component::Kind::kDebianPackage) entry["publisher"] = "Debian";
    if (component.kind == Component::Kind::kNetworkOutput)
      entry["description"] = "output of a network step: the sha256 of its uncompressed layer tar";
    components.push_back(std::move(entry));
    if (component.in_image) depends_on.push_back(ref);
  }
  nlohmann::json image = {{"bom-ref", image_ref},
                          {"type", "container"},
                          {"name", sbom.image_name},
                          {"version", sbom.manifest_digest},
                          {"purl", MakePurl("oci", "", sbom.image_name, sbom.manifest_digest,
                                            {{"arch", sbom.architecture}})},
                          {"hashes", Hashes(Hex(sbom.manifest_digest))}};
  nlohmann::json document = {
      {"bomFormat", "CycloneDX"},
      {"specVersion", "1.5"},
      {"serialNumber", "urn:uuid:" + StableUuid("cyclonedx\n" + sbom.manifest_digest)},
      {"version", 1},
      {"metadata",
       {{"timestamp", oci::Rfc3339(sbom.created)},
        {"tools",
         {{"components", nlohmann::json::array({{{"type", "application"}, {"name", "strata"}}})}}},
        {"component", std::move(image)}}},
      {"components", std::move(components)},
      {"dependencies",
       nlohmann::json::array({{{"ref", image_ref}, {"dependsOn", std::move(depends_on)}}})}};
  return document.dump(2) + "\n";
}

}  // namespace strata::sbom
