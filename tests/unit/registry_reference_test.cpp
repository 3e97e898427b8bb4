// Registry client pieces without a server: references, challenges, base64, config.json
// credentials, and manifest/index/config documents.
#include "runtime/oci/registry_reference.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "runtime/oci/registry_auth.h"
#include "runtime/oci/registry_manifest.h"
#include "tests/unit/registry_fixture.h"

using namespace strata::oci;
using strata::testing::DigestOf;
using strata::testing::FakeRegistry;
using strata::testing::Must;
using strata::testing::RegistryTempDir;

namespace {

std::string Parsed(const std::string& text) {
  llvm::Expected<ImageReference> ref = ImageReference::Parse(text);
  if (!ref) return "error: " + llvm::toString(ref.takeError());
  return ref->String();
}

}  // namespace

TEST_CASE("references are parsed as Docker parses them", "[registry]") {
  const std::string digest = "sha256:" + std::string(64, 'a');
  CHECK(Parsed("busybox") == "docker.io/library/busybox:latest");
  CHECK(Parsed("busybox:1.36") == "docker.io/library/busybox:1.36");
  CHECK(Parsed("golang:1.22-alpine") == "docker.io/library/golang:1.22-alpine");
  CHECK(Parsed("bitnami/redis") == "docker.io/bitnami/redis:latest");
  CHECK(Parsed("docker.io/busybox") == "docker.io/library/busybox:latest");
  CHECK(Parsed("index.docker.io/library/busybox:1") == "docker.io/library/busybox:1");
  CHECK(Parsed("ghcr.io/org/team/app:v1") == "ghcr.io/org/team/app:v1");
  CHECK(Parsed("localhost/app") == "localhost/app:latest");
  CHECK(Parsed("localhost:5000/app:dev") == "localhost:5000/app:dev");
  CHECK(Parsed("127.0.0.1:5000/a/b") == "127.0.0.1:5000/a/b:latest");
  CHECK(Parsed("busybox@" + digest) == "docker.io/library/busybox@" + digest);
  CHECK(Parsed("busybox:1.36@" + digest) == "docker.io/library/busybox:1.36@" + digest);
  CHECK(Parsed("my_app__x/a-b.c") == "docker.io/my_app__x/a-b.c:latest");
}

TEST_CASE("malformed references are refused with the reason", "[registry]") {
  CHECK(Parsed("").find("is empty") != std::string::npos);
  CHECK(Parsed("Busybox").find("not a valid repository name") != std::string::npos);
  CHECK(Parsed("busybox:").find("not a valid tag") != std::string::npos);
  CHECK(Parsed("busybox:-x").find("not a valid tag") != std::string::npos);
  CHECK(Parsed("busybox@sha256:abc").find("digest must be") != std::string::npos);
  CHECK(Parsed("a//b").find("not a valid repository name") != std::string::npos);
  CHECK(Parsed("a..b").find("not a valid repository name") != std::string::npos);
  CHECK(Parsed("ghcr.io/").find("repository name is empty") != std::string::npos);
}

TEST_CASE("loopback registries use plain HTTP, others HTTPS", "[registry]") {
  auto url = [](const std::string& text) {
    return llvm::cantFail(ImageReference::Parse(text)).RepositoryUrl();
  };
  CHECK(url("busybox") == "https://registry-1.docker.io/v2/library/busybox");
  CHECK(url("localhost:5000/app") == "http://localhost:5000/v2/app");
  CHECK(url("127.0.0.1:41234/app") == "http://127.0.0.1:41234/v2/app");
  CHECK(url("ghcr.io/o/app") == "https://ghcr.io/v2/o/app");
  CHECK(url("127.example.com/app") == "https://127.example.com/v2/app");
}

TEST_CASE("WWW-Authenticate challenges are parsed", "[registry]") {
  std::optional<AuthChallenge> bearer = ParseChallenge(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")");
  REQUIRE(bearer);
  CHECK(bearer->scheme == "bearer");
  CHECK(bearer->params["realm"] == "https://auth.docker.io/token");
  CHECK(bearer->params["service"] == "registry.docker.io");
  CHECK(bearer->params["scope"] == "repository:library/busybox:pull");
  std::optional<AuthChallenge> basic = ParseChallenge(R"(Basic realm="Registry Realm")");
  REQUIRE(basic);
  CHECK(basic->scheme == "basic");
  CHECK(basic->params["realm"] == "Registry Realm");
  std::optional<AuthChallenge> quoted =
      ParseChallenge(R"(Bearer realm="a\"b", error=insufficient_scope)");
  REQUIRE(quoted);
  CHECK(quoted->params["realm"] == "a\"b");
  CHECK(quoted->params["error"] == "insufficient_scope");
}

TEST_CASE("base64 round-trips and rejects garbage", "[registry]") {
  CHECK(Base64Encode("user:secret") == "dXNlcjpzZWNyZXQ=");
  CHECK(Base64Encode("ab") == "YWI=");
  CHECK(Base64Encode("abc") == "YWJj");
  CHECK(Base64Decode("dXNlcjpzZWNyZXQ=") == std::optional<std::string>("user:secret"));
  CHECK(Base64Decode("YWI=") == std::optional<std::string>("ab"));
  CHECK_FALSE(Base64Decode("a*b"));
  CHECK_FALSE(Base64Decode("YQ==YQ"));
}

TEST_CASE("credentials come from $DOCKER_CONFIG/config.json auths", "[registry]") {
  RegistryTempDir dir;
  std::ofstream(dir.path + "/config.json") << R"({"auths": {
    "https://index.docker.io/v1/": {"auth": "aHViOmh1YnB3"},
    "127.0.0.1:5000": {"auth": "dXNlcjpzZWNyZXQ="},
    "https://ghcr.io": {"username": "gh", "password": "tok"}}})";
  ::setenv("DOCKER_CONFIG", dir.path.c_str(), 1);
  auto lookup = [](const std::string& registry) {
    std::optional<Credentials> found = llvm::cantFail(LookupCredentials(registry));
    return found ? found->username + ":" + found->password : std::string("none");
  };
  CHECK(lookup("docker.io") == "hub:hubpw");
  CHECK(lookup("127.0.0.1:5000") == "user:secret");
  CHECK(lookup("ghcr.io") == "gh:tok");
  CHECK(lookup("quay.io") == "none");
  std::ofstream(dir.path + "/config.json") << R"({"auths": {"quay.io": {"auth": "bm9jb2xvbg=="}}})";
  llvm::Expected<std::optional<Credentials>> bad = LookupCredentials("quay.io");
  REQUIRE_FALSE(static_cast<bool>(bad));
  CHECK(llvm::toString(bad.takeError()).find("not base64 of user:password") != std::string::npos);
  ::unsetenv("DOCKER_CONFIG");
}

TEST_CASE("an index yields the linux/amd64 manifest, skipping attestations", "[registry]") {
  FakeRegistry registry;
  std::string arm = registry.AddImage("", "arm layer", "application/vnd.oci.image.manifest.v1+json",
                                      "application/vnd.oci.image.layer.v1.tar+gzip", "arm64");
  std::string amd = registry.AddImage("", "amd layer");
  std::string index_digest = registry.AddIndex(
      "multi", {{"unknown/unknown", arm}, {"linux/arm64", arm}, {"linux/amd64", amd}});
  const std::string& index = registry.manifests.at(index_digest).second;
  CHECK(ManifestMediaType("", index) == "application/vnd.oci.image.index.v1+json");
  CHECK(Must(SelectPlatform(index, "linux", "amd64", "image x")).digest == amd);
  llvm::Expected<Descriptor> missing = SelectPlatform(index, "linux", "s390x", "image x");
  REQUIRE_FALSE(static_cast<bool>(missing));
  CHECK(llvm::toString(missing.takeError()) ==
        "image x has no image for linux/s390x (it has: linux/arm64, linux/amd64)");
}

TEST_CASE("Docker v2 layer types map to their OCI twins; foreign layers are refused",
          "[registry]") {
  CHECK(llvm::cantFail(
            NormalizeLayerMediaType("application/vnd.docker.image.rootfs.diff.tar.gzip", "x")) ==
        "application/vnd.oci.image.layer.v1.tar+gzip");
  CHECK(
      llvm::cantFail(NormalizeLayerMediaType("application/vnd.oci.image.layer.v1.tar+zstd", "x")) ==
      "application/vnd.oci.image.layer.v1.tar+zstd");
  llvm::Expected<std::string> foreign =
      NormalizeLayerMediaType("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "x");
  REQUIRE_FALSE(static_cast<bool>(foreign));
  CHECK(llvm::toString(foreign.takeError()).find("foreign") != std::string::npos);
}

TEST_CASE("a manifest and config become an Image", "[registry]") {
  FakeRegistry registry;
  std::string digest =
      registry.AddImage("t", "layer bytes", "application/vnd.docker.distribution.manifest.v2+json",
                        "application/vnd.docker.image.rootfs.diff.tar.gzip");
  const std::string& manifest_bytes = registry.manifests.at(digest).second;
  ManifestContent manifest = Must(ParseManifest(manifest_bytes, "image t"));
  Image image =
      Must(ImageFromConfig(manifest, registry.blobs.at(manifest.config.digest), "image t"));
  REQUIRE(image.layers.size() == 1);
  CHECK(image.layers[0].digest == DigestOf("layer bytes"));
  CHECK(image.layers[0].diff_id == DigestOf("tar:layer bytes"));
  CHECK(image.layers[0].size == 11);
  CHECK(image.layers[0].media_type == "application/vnd.oci.image.layer.v1.tar+gzip");
  CHECK(image.config["Cmd"] == nlohmann::json({"/bin/sh"}));
  CHECK_FALSE(image.config.contains("Labels"));  // null fields are dropped
  REQUIRE(image.history.size() == 2);
  CHECK(image.history[1].empty_layer);
  CHECK(image.architecture == "amd64");

  llvm::Expected<ManifestContent> schema1 =
      ParseManifest(R"({"schemaVersion": 1, "fsLayers": []})", "image old");
  REQUIRE_FALSE(static_cast<bool>(schema1));
  CHECK(llvm::toString(schema1.takeError()).find("schema 1") != std::string::npos);
  llvm::Expected<Image> mismatched =
      ImageFromConfig(manifest, R"({"rootfs": {"diff_ids": []}})", "image t");
  REQUIRE_FALSE(static_cast<bool>(mismatched));
  CHECK(llvm::toString(mismatched.takeError()).find("0 diff_ids for 1 layers") !=
        std::string::npos);
}
