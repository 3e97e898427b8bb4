// Test helpers for the registry client: temp dirs and stores, and a fake registry (on
// TestHttpServer) serving one repository's manifests and blobs, optionally behind a token.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/store/sha256.h"
#include "runtime/store/store.h"
#include "tests/unit/registry_test_server.h"

namespace strata::testing {

struct RegistryTempDir {
  RegistryTempDir() {
    char name[] = "/tmp/strata-registry-test-XXXXXX";
    path = ::mkdtemp(name);
  }
  ~RegistryTempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

inline store::Store OpenTestStore(const std::string& root) {
  llvm::Expected<store::Store> store = store::Store::Open(root);
  REQUIRE(static_cast<bool>(store));
  return std::move(*store);
}

// The value, or a test failure that shows the error.
template <typename T>
T Must(llvm::Expected<T> value) {
  if (!value) FAIL(llvm::toString(value.takeError()));
  return std::move(*value);
}
inline void MustSucceed(llvm::Error error) {
  if (error) FAIL(llvm::toString(std::move(error)));
}

inline std::string DigestOf(const std::string& bytes) {
  return store::Sha256Digest(bytes.data(), bytes.size());
}

// A repository's content as a fake registry serves it.
struct FakeRegistry {
  std::string repository = "team/app";
  std::map<std::string, std::pair<std::string, std::string>>
      manifests;                             // tag or digest → (type, bytes)
  std::map<std::string, std::string> blobs;  // digest → bytes
  std::string token;  // when set, every /v2/ request needs `Bearer token` (from GET /token)
  bool send_digest_header = true;

  // Adds an image: one layer, a config and a manifest under `tag` and under its digest.
  // Returns the manifest digest.
  std::string AddImage(
      const std::string& tag, const std::string& layer_bytes,
      const std::string& manifest_type = "application/vnd.oci.image.manifest.v1+json",
      // The layer bytes are not a real tar; a plain-tar type passes the pull's compression
      // check (a "+gzip" label on non-gzip bytes is refused, as it should be).
      const std::string& layer_type = "application/vnd.oci.image.layer.v1.tar",
      const std::string& architecture = "amd64") {
    std::string layer = DigestOf(layer_bytes);
    nlohmann::json config = {
        {"architecture", architecture},
        {"os", "linux"},
        {"config", {{"Env", {"PATH=/bin"}}, {"Cmd", {"/bin/sh"}}, {"Labels", nullptr}}},
        {"rootfs", {{"type", "layers"}, {"diff_ids", {DigestOf("tar:" + layer_bytes)}}}},
        {"history",
         {{{"created_by", "ADD rootfs /"}}, {{"created_by", "CMD"}, {"empty_layer", true}}}}};
    std::string config_bytes = config.dump();
    std::string config_type = manifest_type.find("docker") != std::string::npos
                                  ? "application/vnd.docker.container.image.v1+json"
                                  : "application/vnd.oci.image.config.v1+json";
    nlohmann::json manifest = {
        {"schemaVersion", 2},
        {"mediaType", manifest_type},
        {"config",
         {{"mediaType", config_type},
          {"digest", DigestOf(config_bytes)},
          {"size", config_bytes.size()}}},
        {"layers", {{{"mediaType", layer_type}, {"digest", layer}, {"size", layer_bytes.size()}}}}};
    std::string manifest_bytes = manifest.dump();
    blobs[layer] = layer_bytes;
    blobs[DigestOf(config_bytes)] = config_bytes;
    std::string digest = DigestOf(manifest_bytes);
    manifests[digest] = {manifest_type, manifest_bytes};
    if (!tag.empty()) manifests[tag] = {manifest_type, manifest_bytes};
    return digest;
  }

  // An OCI index under `tag` over the given (platform, manifest digest) pairs; returns its digest.
  std::string AddIndex(const std::string& tag,
                       const std::vector<std::pair<std::string, std::string>>& entries) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [platform, digest] : entries) {
      size_t slash = platform.find('/');
      const std::string& bytes = manifests.at(digest).second;
      list.push_back(
          {{"mediaType", manifests.at(digest).first},
           {"digest", digest},
           {"size", bytes.size()},
           {"platform",
            {{"os", platform.substr(0, slash)}, {"architecture", platform.substr(slash + 1)}}}});
    }
    nlohmann::json index = {{"schemaVersion", 2},
                            {"mediaType", "application/vnd.oci.image.index.v1+json"},
                            {"manifests", list}};
    std::string bytes = index.dump();
    std::string digest = DigestOf(bytes);
    manifests[digest] = {"application/vnd.oci.image.index.v1+json", bytes};
    manifests[tag] = manifests[digest];
    return digest;
  }

  TestResponse Handle(const TestRequest& request, const std::string& host) const {
    std::string path = request.Path();
    if (path == "/token")
      return {200, {{"Content-Type", "application/json"}}, "{\"token\":\"" + token + "\"}"};
    if (!token.empty() && request.Header("authorization") != "Bearer " + token)
      return {401,
              {{"WWW-Authenticate", "Bearer realm=\"http://" + host +
                                        "/token\",service=\"fake-registry\",scope=\"repository:" +
                                        repository + ":pull\""}},
              R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})"};
    if (path == "/v2/") return {200, {}, "{}"};
    std::string prefix = "/v2/" + repository + "/";
    if (path.rfind(prefix, 0) != 0)
      return {
          404,
          {},
          R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]})"};
    std::string rest = path.substr(prefix.size());
    if (rest.rfind("manifests/", 0) == 0) {
      auto it = manifests.find(rest.substr(10));
      if (it == manifests.end())
        return {
            404, {}, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})"};
      TestResponse response{200, {{"Content-Type", it->second.first}}, it->second.second};
      if (send_digest_header)
        response.headers.push_back({"Docker-Content-Digest", DigestOf(it->second.second)});
      return response;
    }
    if (rest.rfind("blobs/", 0) == 0) {
      auto it = blobs.find(rest.substr(6));
      if (it == blobs.end())
        return {404, {}, R"({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]})"};
      return {200, {{"Content-Type", "application/octet-stream"}}, it->second};
    }
    return {404, {}, ""};
  }
};

// Serves a FakeRegistry (which the test may change between requests only before starting).
class FakeRegistryServer {
 public:
  explicit FakeRegistryServer(const FakeRegistry& registry)
      : registry_(registry), server_([this](const TestRequest& request) {
          return registry_.Handle(request, server_.host());
        }) {}
  std::string host() const { return server_.host(); }
  std::string Ref(const std::string& suffix) const {
    return host() + "/" + registry_.repository + suffix;
  }
  std::vector<TestRequest> requests() const { return server_.requests(); }

 private:
  FakeRegistry registry_;
  TestHttpServer server_;
};

}  // namespace strata::testing
