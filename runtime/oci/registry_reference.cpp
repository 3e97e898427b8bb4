// Parsing image references the way Docker's reference package does.
#include "runtime/oci/registry_reference.h"

#include <llvm/ADT/SmallVector.h>

#include <cctype>

namespace strata::oci {
namespace {

constexpr llvm::StringLiteral kDockerHub = "docker.io";

llvm::Error Invalid(llvm::StringRef text, const llvm::Twine& why) {
  return llvm::createStringError(std::errc::invalid_argument, "invalid image reference '%s': %s",
                                 text.str().c_str(), why.str().c_str());
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component: runs of lowercase alphanumerics joined by `.`, `_`, `__` or dashes.
bool ValidComponent(llvm::StringRef part) {
  size_t i = 0, n = part.size();
  while (true) {
    if (i >= n || !IsLowerAlnum(part[i])) return false;
    while (i < n && IsLowerAlnum(part[i])) ++i;
    if (i == n) return true;
    if (part[i] == '.') {
      ++i;
    } else if (part[i] == '_') {
      ++i;
      if (i < n && part[i] == '_') ++i;
    } else if (part[i] == '-') {
      while (i < n && part[i] == '-') ++i;
    } else {
      return false;
    }
  }
}

bool ValidTag(llvm::StringRef tag) {
  if (tag.empty() || tag.size() > 128) return false;
  for (size_t i = 0; i < tag.size(); ++i) {
    char c = tag[i];
    bool word =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!word && (i == 0 || (c != '.' && c != '-'))) return false;
  }
  return true;
}

bool ValidDigest(llvm::StringRef digest) {
  if (!digest.consume_front("sha256:") || digest.size() != 64) return false;
  return digest.find_first_not_of("0123456789abcdef") == llvm::StringRef::npos;
}

bool ValidHost(llvm::StringRef host) {
  if (host.empty()) return false;
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
          c == '[' || c == ']'))
      return false;
  return true;
}

}  // namespace

llvm::Expected<ImageReference> ImageReference::Parse(llvm::StringRef text) {
  ImageReference ref;
  llvm::StringRef rest = text;
  if (rest.empty()) return Invalid(text, "it is empty");
  if (size_t at = rest.find('@'); at != llvm::StringRef::npos) {
    ref.digest = rest.substr(at + 1).str();
    rest = rest.substr(0, at);
    if (!ValidDigest(ref.digest))
      return Invalid(text, "the digest must be sha256: and 64 lowercase hex digits");
  }
  // A `:` after the last `/` starts the tag (one before it is a registry port).
  size_t slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != llvm::StringRef::npos && (slash == llvm::StringRef::npos || colon > slash)) {
    ref.tag = rest.substr(colon + 1).str();
    rest = rest.substr(0, colon);
    if (!ValidTag(ref.tag)) return Invalid(text, "'" + ref.tag + "' is not a valid tag");
  }
  size_t first_slash = rest.find('/');
  llvm::StringRef first = rest.substr(0, first_slash);
  if (first_slash != llvm::StringRef::npos &&
      (first.contains('.') || first.contains(':') || first == "localhost")) {
    ref.registry = first.str();
    rest = rest.substr(first_slash + 1);
    if (!ValidHost(ref.registry))
      return Invalid(text, "'" + ref.registry + "' is not a valid registry host");
  } else {
    ref.registry = kDockerHub.str();
  }
  if (ref.registry == "index.docker.io" || ref.registry == "registry-1.docker.io")
    ref.registry = kDockerHub.str();
  if (rest.empty()) return Invalid(text, "the repository name is empty");
  llvm::SmallVector<llvm::StringRef, 4> parts;
  rest.split(parts, '/');
  for (llvm::StringRef part : parts)
    if (!ValidComponent(part))
      return Invalid(text,
                     "'" + rest.str() +
                         "' is not a valid repository name (lowercase letters, digits and . _ - "
                         "separated by /)");
  ref.repository = rest.str();
  if (ref.registry == kDockerHub && parts.size() == 1) ref.repository = "library/" + ref.repository;
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

std::string ImageReference::ApiHost() const {
  return registry == kDockerHub ? "registry-1.docker.io" : registry;
}

bool ImageReference::PlainHttp() const {
  llvm::StringRef host = registry;
  if (host.startswith("[")) return host.startswith("[::1]");
  host = host.substr(0, host.find(':'));
  bool ipv4 = host.find_first_not_of("0123456789.") == llvm::StringRef::npos;
  return host == "localhost" || (ipv4 && host.startswith("127."));
}

std::string ImageReference::RepositoryUrl() const {
  return (PlainHttp() ? "http://" : "https://") + ApiHost() + "/v2/" + repository;
}

std::string ImageReference::String() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

}  // namespace strata::oci
