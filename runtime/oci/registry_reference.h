// Image references as Docker parses them: `busybox` is docker.io/library/busybox:latest.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <string>

namespace strata::oci {

struct ImageReference {
  std::string registry;    // "docker.io", "ghcr.io", "127.0.0.1:5000"
  std::string repository;  // "library/busybox"
  std::string tag;         // "latest" when neither a tag nor a digest is given
  std::string digest;      // "sha256:..." for `name@sha256:...`, else ""

  // The first path component is a registry when it has a `.` or a `:` or is `localhost`;
  // otherwise the registry is docker.io, where one-component names get `library/`. Names are
  // lowercase; a tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; a digest is sha256 with 64 hex.
  static llvm::Expected<ImageReference> Parse(llvm::StringRef text);

  // The host the API is served from (docker.io is served by registry-1.docker.io).
  std::string ApiHost() const;
  // localhost and 127.0.0.0/8 (any port) speak plain HTTP, like Docker's default insecure
  // registries; every other registry HTTPS.
  bool PlainHttp() const;
  // "https://registry-1.docker.io/v2/library/busybox" (no trailing slash).
  std::string RepositoryUrl() const;
  // The tag, or the digest when there is one (what a manifest request names).
  std::string ManifestReference() const { return digest.empty() ? tag : digest; }
  // Fully qualified: "docker.io/library/busybox:latest", "host/name@sha256:...".
  std::string String() const;
};

}  // namespace strata::oci
