// Package URLs: the canonical encoding of the purl specification (ECMA-427).
#include "runtime/sbom/purl.h"

#include <cctype>

#include "compiler/support/hex_escape.h"

namespace strata::sbom {

std::string PurlEncode(const std::string& text) { return support::HexEscape(text, {".-_~:"}); }

std::string MakePurl(const std::string& type, const std::string& name_space,
                     const std::string& name, const std::string& version,
                     const std::map<std::string, std::string>& qualifiers) {
  std::string purl = "pkg:" + type + "/";
  if (!name_space.empty()) purl += PurlEncode(name_space) + "/";
  purl += PurlEncode(name);
  if (!version.empty()) purl += "@" + PurlEncode(version);
  char separator = '?';
  for (const auto& [key, value] : qualifiers) {  // std::map: sorted by key
    if (value.empty()) continue;
    purl += separator + key + "=" + PurlEncode(value);
    separator = '&';
  }
  return purl;
}

std::string DebianPurl(const std::string& name, const std::string& version, const std::string& arch,
                       const std::string& distro) {
  return MakePurl("deb", "debian", name, version, {{"arch", arch}, {"distro", distro}});
}

std::string DebianDistro(const std::string& suite) {
  static const std::map<std::string, std::string> kVersions = {
      {"jessie", "8"},    {"stretch", "9"}, {"buster", "10"}, {"bullseye", "11"},
      {"bookworm", "12"}, {"trixie", "13"}, {"forky", "14"},  {"duke", "15"}};
  auto it = kVersions.find(suite);
  return "debian-" + (it == kVersions.end() ? suite : it->second);
}

std::string OciPurl(const std::string& repository_url, const std::string& digest,
                    const std::string& tag, const std::string& arch) {
  std::string name = repository_url.substr(repository_url.find_last_of('/') + 1);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return MakePurl("oci", "", name, digest,
                  {{"arch", arch}, {"repository_url", repository_url}, {"tag", tag}});
}

}  // namespace strata::sbom
