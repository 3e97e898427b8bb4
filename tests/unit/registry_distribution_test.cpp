// PushImage, ResolveDigest and PullImage against Debian's docker-registry, with skopeo as the
// oracle for what the registry holds.
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "runtime/oci/image_writer.h"
#include "runtime/oci/layer_extractor.h"
#include "runtime/oci/layer_writer.h"
#include "runtime/oci/registry.h"
#include "tests/unit/registry_docker_registry.h"

using namespace strata;
using strata::testing::DockerRegistry;
using strata::testing::Must;
using strata::testing::MustSucceed;
using strata::testing::OpenTestStore;
using strata::testing::RegistryTempDir;

namespace {

std::string Run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  int status = ::pclose(pipe);
  INFO(command << "\n" << out);
  REQUIRE(status == 0);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// A one-layer image (/hello.txt) written into `store` with WriteImage.
std::pair<oci::Image, oci::WrittenImage> MakeImage(const store::Store& store,
                                                   const std::string& text) {
  RegistryTempDir tree;
  std::ofstream(tree.path + "/hello.txt") << text;
  oci::Image image;
  image.layers.push_back(Must(oci::WriteLayer(store, tree.path, {})));
  image.config["Cmd"] = {"/hello"};
  image.config["Env"] = {"GREETING=" + text};
  image.history.push_back({"COPY hello.txt /", false, ""});
  oci::WrittenImage written = Must(oci::WriteImage(store, image, 0));
  return {image, written};
}

}  // namespace

TEST_CASE("push to docker-registry, resolve, and pull back the same image",
          "[registry][docker-registry]") {
  DockerRegistry registry;
  RegistryTempDir build_dir, pull_dir;
  store::Store build_store = OpenTestStore(build_dir.path);
  auto [image, written] = MakeImage(build_store, "hello from strata\n");
  std::string ref = registry.host() + "/test/hello:v1";
  MustSucceed(oci::PushImage(build_store, image, written, ref));

  // skopeo sees the manifest we pushed, byte for byte.
  CHECK(Run("skopeo inspect --tls-verify=false --format '{{.Digest}}' docker://" + ref) ==
        written.manifest_digest);
  CHECK(Must(oci::ResolveDigest(ref)) == written.manifest_digest);
  // Pushing again finds every blob present and keeps the digest.
  MustSucceed(oci::PushImage(build_store, image, written, ref));

  store::Store pull_store = OpenTestStore(pull_dir.path);
  // A config-only pull (a Dockerfile base's Env and ONBUILD) stores no layer; a full pull
  // afterwards fetches the layers it lacks.
  oci::PullOptions config_only;
  config_only.config_only = true;
  oci::PulledImage config_pull = Must(oci::PullImage(pull_store, ref, "", config_only));
  CHECK(config_pull.image.config["Env"] == image.config["Env"]);
  CHECK(pull_store.HasBlob(written.config_digest));
  CHECK_FALSE(pull_store.HasBlob(image.layers[0].digest));
  oci::PulledImage pulled = Must(oci::PullImage(pull_store, ref, ""));
  CHECK(pull_store.HasBlob(image.layers[0].digest));
  CHECK(pulled.digest == written.manifest_digest);
  CHECK(pulled.config_digest == written.config_digest);
  REQUIRE(pulled.image.layers.size() == 1);
  CHECK(pulled.image.layers[0].digest == image.layers[0].digest);
  CHECK(pulled.image.layers[0].diff_id == image.layers[0].diff_id);
  CHECK(pulled.image.layers[0].media_type == image.layers[0].media_type);
  CHECK(pulled.image.config["Cmd"] == image.config["Cmd"]);
  CHECK(pulled.image.config["Env"] == image.config["Env"]);
  // The pulled layer unpacks to the file that was pushed.
  std::string root = Must(oci::ExtractLayer(pull_store, pulled.image.layers[0]));
  std::ifstream in(root + "/hello.txt");
  std::string line;
  std::getline(in, line);
  CHECK(line == "hello from strata");
  // Pulled again by digest, WriteImage of the pulled Image gives the pushed manifest back.
  oci::PulledImage pinned = Must(oci::PullImage(pull_store, ref, written.manifest_digest));
  CHECK(Must(oci::WriteImage(pull_store, pinned.image, 0)).manifest_digest ==
        written.manifest_digest);
}

TEST_CASE("docker-registry: unknown tags, Docker v2 manifests, tampered blobs",
          "[registry][docker-registry]") {
  DockerRegistry registry;
  RegistryTempDir build_dir;
  store::Store build_store = OpenTestStore(build_dir.path);
  auto [image, written] = MakeImage(build_store, "v2 image\n");
  std::string ref = registry.host() + "/test/app:v1";
  MustSucceed(oci::PushImage(build_store, image, written, ref));

  SECTION("an unknown tag is a 404 that names the image") {
    llvm::Expected<std::string> missing = oci::ResolveDigest(registry.host() + "/test/app:nope");
    REQUIRE_FALSE(static_cast<bool>(missing));
    std::string message = llvm::toString(missing.takeError());
    CHECK(message.find("image " + registry.host() + "/test/app:nope not found") !=
          std::string::npos);
    CHECK(message.find("MANIFEST_UNKNOWN") != std::string::npos);
  }

  SECTION("a Docker schema 2 manifest (skopeo --format v2s2) pulls with OCI layer types") {
    std::string docker_ref = registry.host() + "/test/docker:v1";
    Run("skopeo copy --quiet --src-tls-verify=false --dest-tls-verify=false --format v2s2 "
        "docker://" +
        ref + " docker://" + docker_ref);
    std::string raw = Run("skopeo inspect --tls-verify=false --raw docker://" + docker_ref);
    CHECK(raw.find("application/vnd.docker.distribution.manifest.v2+json") != std::string::npos);
    RegistryTempDir pull_dir;
    store::Store pull_store = OpenTestStore(pull_dir.path);
    oci::PulledImage pulled = Must(oci::PullImage(pull_store, docker_ref, ""));
    CHECK(pulled.digest ==
          Run("skopeo inspect --tls-verify=false --format '{{.Digest}}' docker://" + docker_ref));
    CHECK(pulled.digest != written.manifest_digest);
    REQUIRE(pulled.image.layers.size() == 1);
    CHECK(pulled.image.layers[0].digest == image.layers[0].digest);
    CHECK(pulled.image.layers[0].media_type == "application/vnd.oci.image.layer.v1.tar+gzip");
  }

  SECTION("a blob corrupted in the registry's storage is refused") {
    std::string file = registry.BlobFile(image.layers[0].digest);
    REQUIRE(std::filesystem::exists(file));
    {
      std::fstream blob(file, std::ios::in | std::ios::out | std::ios::binary);
      blob.seekg(20);
      char byte = static_cast<char>(blob.get() ^ 0xff);  // same size, other bytes
      blob.seekp(20);
      blob.put(byte);
    }
    RegistryTempDir pull_dir;
    store::Store pull_store = OpenTestStore(pull_dir.path);
    llvm::Expected<oci::PulledImage> pulled = oci::PullImage(pull_store, ref, "");
    REQUIRE_FALSE(static_cast<bool>(pulled));
    CHECK(llvm::toString(pulled.takeError()).find("does not match its digest") !=
          std::string::npos);
    CHECK_FALSE(pull_store.HasBlob(image.layers[0].digest));
  }
}
