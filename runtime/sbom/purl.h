// Package URLs (purl, ECMA-427) for the components of an SBOM.
#pragma once

#include <map>
#include <string>

namespace strata::sbom {

// Percent-encodes everything but ASCII letters, digits, `.-_~` and `:` (which the purl
// specification says must not be encoded).
std::string PurlEncode(const std::string& text);

// pkg:TYPE/[NAMESPACE/]NAME[@VERSION][?k=v&...] with each part encoded and the qualifiers
// sorted by key (empty values dropped): the canonical form.
std::string MakePurl(const std::string& type, const std::string& name_space,
                     const std::string& name, const std::string& version,
                     const std::map<std::string, std::string>& qualifiers);

// pkg:deb/debian/NAME@VERSION?arch=ARCH&distro=DISTRO.
std::string DebianPurl(const std::string& name, const std::string& version, const std::string& arch,
                       const std::string& distro);

// The purl `distro` of a Debian suite: "debian-12" for bookworm (codenames of released and
// upcoming versions), else "debian-" + the suite name as written.
std::string DebianDistro(const std::string& suite);

// pkg:oci/NAME@sha256:...?repository_url=REGISTRY/REPOSITORY&tag=TAG (NAME is the
// repository's last segment, lowercased).
std::string OciPurl(const std::string& repository_url, const std::string& digest,
                    const std::string& tag, const std::string& arch);

}  // namespace strata::sbom
