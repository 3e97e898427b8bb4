// Docker config.json credentials and the parsing of WWW-Authenticate challenges.
#include "runtime/oci/registry_auth.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/oci/registry_manifest.h"

namespace strata::oci {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string ConfigPath() {
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir)
    return std::string(dir) + "/config.json";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.docker/config.json";
  return "";
}

// "https://index.docker.io/v1/" → "index.docker.io".
std::string KeyHost(llvm::StringRef key) {
  if (size_t scheme = key.find("://"); scheme != llvm::StringRef::npos)
    key = key.substr(scheme + 3);
  return key.substr(0, key.find('/')).lower();
}

bool MatchesRegistry(llvm::StringRef key, const std::string& registry) {
  std::string host = KeyHost(key);
  if (registry == "docker.io")
    return host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io";
  return host == llvm::StringRef(registry).lower();
}

}  // namespace

std::string Base64Encode(llvm::StringRef bytes) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (size_t left = bytes.size() - i) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    if (left == 2) n |= uint8_t(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += left == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(llvm::StringRef text) {
  text = text.trim();
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  size_t padding = 0;
  for (char c : text) {
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding) return std::nullopt;  // data after padding
    const char* at = std::strchr(kAlphabet, c);
    if (!at || c == '\0') return std::nullopt;
    buffer = (buffer << 6) | uint32_t(at - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((buffer >> bits) & 0xff);
    }
  }
  if (padding > 2) return std::nullopt;
  return out;
}

llvm::Expected<std::optional<Credentials>> LookupCredentials(const std::string& registry) {
  std::string path = ConfigPath();
  if (path.empty()) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json config = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (config.is_discarded() || !config.is_object())
    return llvm::createStringError(std::errc::invalid_argument, "%s: not valid JSON", path.c_str());
  auto auths = config.find("auths");
  if (auths == config.end() || !auths->is_object()) return std::nullopt;
  for (auto& [key, entry] : auths->items()) {
    if (!MatchesRegistry(key, registry) || !entry.is_object()) continue;
    Credentials credentials;
    if (auto auth = entry.find("auth");
        auth != entry.end() && auth->is_string() && !auth->get<std::string>().empty()) {
      std::optional<std::string> decoded = Base64Decode(auth->get<std::string>());
      size_t colon = decoded ? decoded->find(':') : std::string::npos;
      if (colon == std::string::npos)
        return llvm::createStringError(std::errc::invalid_argument,
                                       "%s: the auth of \"%s\" is not base64 of user:password",
                                       path.c_str(), key.c_str());
      credentials.username = decoded->substr(0, colon);
      credentials.password = decoded->substr(colon + 1);
      return credentials;
    }
    credentials.username = JsonString(entry, "username");
    credentials.password = JsonString(entry, "password");
    if (!credentials.username.empty()) return credentials;
  }
  return std::nullopt;
}

std::optional<AuthChallenge> ParseChallenge(llvm::StringRef header) {
  header = header.trim();
  size_t space = header.find(' ');
  AuthChallenge challenge;
  challenge.scheme = header.substr(0, space).lower();
  if (challenge.scheme.empty()) return std::nullopt;
  llvm::StringRef rest = space == llvm::StringRef::npos ? "" : header.substr(space + 1);
  // key=value or key="quoted \" value", separated by commas.
  while (!rest.empty()) {
    rest = rest.ltrim(" \t,");
    if (rest.empty()) break;
    size_t equals = rest.find('=');
    if (equals == llvm::StringRef::npos) break;
    std::string name = rest.substr(0, equals).trim().lower();
    rest = rest.substr(equals + 1).ltrim();
    std::string value;
    if (rest.startswith("\"")) {
      size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        value += rest[i];
      }
      rest = rest.substr(std::min(i + 1, rest.size()));
    } else {
      size_t comma = rest.find(',');
      value = rest.substr(0, comma).trim().str();
      rest = comma == llvm::StringRef::npos ? "" : rest.substr(comma);
    }
    challenge.params[name] = value;
  }
  return challenge;
}

}  // namespace strata::oci
