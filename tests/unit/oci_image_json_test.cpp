// Image record and image config/manifest tests: JSON round trip, config fields, determinism.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/oci/image.h"
#include "runtime/oci/image_json.h"
#include "runtime/oci/image_writer.h"
#include "runtime/store/store.h"
#include "tests/unit/test_support.h"

namespace fs = std::filesystem;
using strata::oci::Image;
using strata::oci::LayerDescriptor;
using strata::store::Store;
using strata::testing::RequireOk;
using strata::testing::TempDir;

namespace {

std::string ReadBlob(const Store& store, const std::string& digest) {
  std::ifstream in(store.BlobPath(digest), std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Image SampleImage(const Store& store) {
  Image image;
  llvm::Expected<std::string> blob = store.PutBlobBytes("pretend layer bytes");
  RequireOk(blob);
  image.layers.push_back({*blob, *blob, 19, "application/vnd.oci.image.layer.v1.tar"});
  image.config = {{"Env", {"PATH=/bin", "A=b"}},
                  {"WorkingDir", "/app"},
                  {"User", ""},
                  {"Cmd", {"/bin/sh"}},
                  {"Entrypoint", nlohmann::json::array()},
                  {"ExposedPorts", {{"8080/tcp", nlohmann::json::object()}}},
                  {"Labels", nlohmann::json::object()},
                  {"Volumes", nullptr}};
  image.history = {{"COPY . /app", false, ""}, {"ENV A=b", true, "set by test"}};
  image.onbuild = {"RUN echo child"};
  return image;
}

}  // namespace

TEST_CASE("oci image: the record round-trips through ToJson/FromJson", "[oci][image]") {
  TempDir dir("oci-image");
  llvm::Expected<Store> store = Store::Open(dir.path);
  RequireOk(store);
  Image image = SampleImage(*store);
  llvm::Expected<Image> back = Image::FromJson(image.ToJson());
  RequireOk(back);
  CHECK(back->ToJson() == image.ToJson());
  CHECK(back->layers[0].digest == image.layers[0].digest);
  CHECK(back->history[1].empty_layer);
  CHECK(back->history[1].comment == "set by test");
  CHECK(back->onbuild == image.onbuild);

  nlohmann::json bad = image.ToJson();
  bad["layers"][0]["digest"] = "sha256:nothex";
  llvm::Expected<Image> refused = Image::FromJson(bad);
  REQUIRE(!refused);
  CHECK(llvm::toString(refused.takeError()).find("invalid layer digest") != std::string::npos);
  llvm::Expected<Image> not_object = Image::FromJson(nlohmann::json::array());
  CHECK(!not_object);
  llvm::consumeError(not_object.takeError());
}

TEST_CASE("oci image: WriteImage stores the config and manifest the OCI way", "[oci][image]") {
  TempDir dir("oci-image");
  llvm::Expected<Store> store = Store::Open(dir.path);
  RequireOk(store);
  Image image = SampleImage(*store);
  llvm::Expected<strata::oci::WrittenImage> written = strata::oci::WriteImage(*store, image, 0);
  RequireOk(written);

  std::string config_bytes = ReadBlob(*store, written->config_digest);
  CHECK(config_bytes.size() == written->config_size);
  nlohmann::json config = nlohmann::json::parse(config_bytes);
  CHECK(config["architecture"] == "amd64");
  CHECK(config["os"] == "linux");
  CHECK(config["created"] == "1970-01-01T00:00:00Z");
  CHECK(config["rootfs"]["type"] == "layers");
  CHECK(config["rootfs"]["diff_ids"] == nlohmann::json::array({image.layers[0].diff_id}));
  // Empty fields are omitted; the rest is kept as given; ONBUILD goes into config.OnBuild.
  CHECK(config["config"]["Env"] == nlohmann::json::array({"PATH=/bin", "A=b"}));
  CHECK(config["config"]["ExposedPorts"].contains("8080/tcp"));
  CHECK(!config["config"].contains("User"));
  CHECK(!config["config"].contains("Entrypoint"));
  CHECK(!config["config"].contains("Labels"));
  CHECK(!config["config"].contains("Volumes"));
  CHECK(config["config"]["OnBuild"] == nlohmann::json::array({"RUN echo child"}));
  REQUIRE(config["history"].size() == 2);
  CHECK(config["history"][0] ==
        nlohmann::json({{"created", "1970-01-01T00:00:00Z"}, {"created_by", "COPY . /app"}}));
  CHECK(config["history"][1]["empty_layer"] == true);
  CHECK(config["history"][1]["comment"] == "set by test");

  nlohmann::json manifest = nlohmann::json::parse(ReadBlob(*store, written->manifest_digest));
  CHECK(manifest["schemaVersion"] == 2);
  CHECK(manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json");
  CHECK(manifest["config"]["mediaType"] == "application/vnd.oci.image.config.v1+json");
  CHECK(manifest["config"]["digest"] == written->config_digest);
  CHECK(manifest["config"]["size"] == written->config_size);
  REQUIRE(manifest["layers"].size() == 1);
  CHECK(manifest["layers"][0]["mediaType"] == "application/vnd.oci.image.layer.v1.tar");
  CHECK(manifest["layers"][0]["size"] == 19);

  // Same image, same bytes; another epoch, another config.
  llvm::Expected<strata::oci::WrittenImage> again = strata::oci::WriteImage(*store, image, 0);
  RequireOk(again);
  CHECK(again->manifest_digest == written->manifest_digest);
  llvm::Expected<strata::oci::WrittenImage> later =
      strata::oci::WriteImage(*store, image, 1700000000);
  RequireOk(later);
  CHECK(later->config_digest != written->config_digest);
  CHECK(nlohmann::json::parse(ReadBlob(*store, later->config_digest))["created"] ==
        "2023-11-14T22:13:20Z");
}

TEST_CASE("oci image: a scratch image has an empty rootfs and no layers", "[oci][image]") {
  TempDir dir("oci-image");
  llvm::Expected<Store> store = Store::Open(dir.path);
  RequireOk(store);
  llvm::Expected<strata::oci::WrittenImage> written = strata::oci::WriteImage(*store, Image{}, 0);
  RequireOk(written);
  nlohmann::json manifest = nlohmann::json::parse(ReadBlob(*store, written->manifest_digest));
  CHECK(manifest["layers"] == nlohmann::json::array());
  nlohmann::json config = nlohmann::json::parse(ReadBlob(*store, written->config_digest));
  CHECK(config["rootfs"]["diff_ids"] == nlohmann::json::array());
  CHECK(config["config"] == nlohmann::json::object());
}

TEST_CASE("oci image: WriteImage refuses a layer that is not in the store", "[oci][image]") {
  TempDir dir("oci-image");
  llvm::Expected<Store> store = Store::Open(dir.path);
  RequireOk(store);
  Image image;
  std::string missing = "sha256:" + std::string(64, 'a');
  image.layers.push_back({missing, missing, 1, "application/vnd.oci.image.layer.v1.tar"});
  llvm::Expected<strata::oci::WrittenImage> written = strata::oci::WriteImage(*store, image, 0);
  REQUIRE(!written);
  CHECK(llvm::toString(written.takeError()).find("not in the store") != std::string::npos);
}

TEST_CASE("oci image: layer media types of Docker map to OCI ones", "[oci][image]") {
  using strata::oci::NormalizeLayerMediaType;
  CHECK(NormalizeLayerMediaType("application/vnd.docker.image.rootfs.diff.tar.gzip") ==
        "application/vnd.oci.image.layer.v1.tar+gzip");
  CHECK(NormalizeLayerMediaType("application/vnd.oci.image.layer.v1.tar+zstd") ==
        "application/vnd.oci.image.layer.v1.tar+zstd");
  CHECK(NormalizeLayerMediaType("application/vnd.oci.image.layer.v1.tar") ==
        "application/vnd.oci.image.layer.v1.tar");
  CHECK(NormalizeLayerMediaType("application/json").empty());
}
