// Registry authentication: credentials from Docker's config.json and WWW-Authenticate challenges.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <map>
#include <optional>
#include <string>

namespace strata::oci {

struct Credentials {
  std::string username;
  std::string password;
};

// The `auths` entry for `registry` in $DOCKER_CONFIG/config.json, else ~/.docker/config.json:
// its base64 `auth` ("user:password") or its `username`/`password`. Keys match by host, with
// or without a scheme or path (docker.io also matches "https://index.docker.io/v1/").
// std::nullopt when there is no config file or no entry; an error for a malformed file.
// Credential helpers (credsStore, credHelpers) are not run.
llvm::Expected<std::optional<Credentials>> LookupCredentials(const std::string& registry);

// `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="..."`.
struct AuthChallenge {
  std::string scheme;                         // lowercase: "bearer", "basic"
  std::map<std::string, std::string> params;  // lowercase names
};
std::optional<AuthChallenge> ParseChallenge(llvm::StringRef header);

std::string Base64Encode(llvm::StringRef bytes);
// std::nullopt for malformed input.
std::optional<std::string> Base64Decode(llvm::StringRef text);

}  // namespace strata::oci
