// Importer tests: the busybox OCI layout of the integration fixtures, docker-archives written
// by skopeo and by hand (gzip layers), nested indexes, round trips, and clear errors.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/oci/image.h"
#include "runtime/oci/image_reader.h"
#include "runtime/oci/image_writer.h"
#include "runtime/oci/layer_extractor.h"
#include "runtime/oci/layer_writer.h"
#include "runtime/store/sha256.h"
#include "runtime/store/store.h"
#include "tests/unit/test_support.h"

namespace fs = std::filesystem;
using strata::oci::Image;
using strata::store::Store;
using strata::testing::ReadFile;
using strata::testing::RequireOk;
using strata::testing::Shell;
using strata::testing::TempDir;
using strata::testing::WriteFile;

namespace {

std::string ErrorOf(llvm::Expected<Image> result) {
  if (result) return "(no error)";
  return llvm::toString(result.takeError());
}

// The fixture script, from the source tree (tests/CMakeLists.txt defines STRATA_SOURCE_DIR).
std::string FixtureScript() {
  fs::path script =
      fs::path(STRATA_SOURCE_DIR) / "tests/integration/fixtures/make-busybox-image.sh";
  if (!fs::exists(script)) FAIL("cannot find " << script);
  return script.string();
}

// The busybox base image of the integration tests, made by its fixture script (uses umoci).
std::string MakeBusybox(const std::string& dir) {
  std::string layout = dir + "/busybox";
  std::string out = Shell("bash " + FixtureScript() + " " + layout);
  INFO(out);
  REQUIRE(out.find("rc=0") != std::string::npos);
  return layout;
}

}  // namespace

TEST_CASE("oci import: the busybox OCI layout, by tag and alone", "[oci][import]") {
  TempDir dir("oci-import");
  std::string layout = MakeBusybox(dir.path);
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  llvm::Expected<Image> image = strata::oci::ImportImage(*store, layout + ":latest");
  RequireOk(image);
  REQUIRE(image->layers.size() == 1);
  const strata::oci::LayerDescriptor& layer = image->layers[0];
  CHECK(layer.media_type == "application/vnd.oci.image.layer.v1.tar+gzip");
  CHECK(store->HasBlob(layer.digest));
  CHECK(layer.size == fs::file_size(store->BlobPath(layer.digest)));
  CHECK(image->config["Cmd"] == nlohmann::json::array({"/bin/sh"}));
  CHECK(image->config["Env"][0].get<std::string>().rfind("PATH=/usr/local/sbin", 0) == 0);
  CHECK(image->architecture == "amd64");
  CHECK(image->os == "linux");
  CHECK(!image->history.empty());

  llvm::Expected<Image> untagged = strata::oci::ImportImage(*store, layout);
  RequireOk(untagged);
  CHECK(untagged->ToJson() == image->ToJson());

  // The layer extracts (and its diff_id checks out).
  llvm::Expected<std::string> root = strata::oci::ExtractLayer(*store, layer);
  RequireOk(root);
  CHECK(fs::is_regular_file(*root + "/bin/busybox"));
  CHECK(fs::read_symlink(*root + "/bin/sh") == "busybox");
  CHECK(ReadFile(*root + "/etc/passwd").find("builder:x:1000:1000") != std::string::npos);

  CHECK(ErrorOf(strata::oci::ImportImage(*store, layout + ":nope"))
            .find("no image tagged 'nope' (tags: latest)") != std::string::npos);
  CHECK(ErrorOf(strata::oci::ImportImage(*store, dir.path + "/missing"))
            .find("no such OCI layout or docker-archive file") != std::string::npos);
}

TEST_CASE("oci import: a docker-archive written by skopeo", "[oci][import]") {
  TempDir dir("oci-import");
  std::string layout = MakeBusybox(dir.path);
  std::string archive = dir.path + "/busybox.tar";
  std::string copy = Shell("skopeo --insecure-policy copy oci:" + layout +
                           ":latest docker-archive:" + archive + ":example/busybox:1.0");
  INFO(copy);
  REQUIRE(copy.find("rc=0") != std::string::npos);
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  llvm::Expected<Image> from_oci = strata::oci::ImportImage(*store, layout + ":latest");
  RequireOk(from_oci);
  llvm::Expected<Image> image = strata::oci::ImportImage(*store, archive);
  RequireOk(image);
  REQUIRE(image->layers.size() == 1);
  // Stored uncompressed, as in the archive: the digest is the diff_id.
  CHECK(image->layers[0].media_type == "application/vnd.oci.image.layer.v1.tar");
  CHECK(image->layers[0].digest == image->layers[0].diff_id);
  CHECK(image->layers[0].diff_id == from_oci->layers[0].diff_id);
  CHECK(image->config == from_oci->config);
  llvm::Expected<std::string> root = strata::oci::ExtractLayer(*store, image->layers[0]);
  RequireOk(root);
  CHECK(fs::is_regular_file(*root + "/bin/busybox"));

  llvm::Expected<Image> by_ref = strata::oci::ImportImage(*store, archive + ":example/busybox:1.0");
  RequireOk(by_ref);
  CHECK(by_ref->ToJson() == image->ToJson());
  CHECK(ErrorOf(strata::oci::ImportImage(*store, archive + ":other:2"))
            .find("no image tagged 'other:2'") != std::string::npos);
}

TEST_CASE("oci import: exported images import back unchanged", "[oci][import]") {
  TempDir dir("oci-import");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  WriteFile(dir.path + "/tree/app/main.txt", "main\n");
  llvm::Expected<strata::oci::LayerDescriptor> layer =
      strata::oci::WriteLayer(*store, dir.path + "/tree", {});
  RequireOk(layer);
  Image image;
  image.layers = {*layer};
  image.config = {{"Entrypoint", {"/app/main"}}, {"Labels", {{"a", "b"}}}};
  image.history = {{"COPY tree /", false, ""}, {"LABEL a=b", true, ""}};
  image.onbuild = {"RUN make"};
  llvm::Expected<strata::oci::WrittenImage> written = strata::oci::WriteImage(*store, image, 0);
  RequireOk(written);
  RequireOk(strata::oci::ExportOciLayout(*store, image, *written, dir.path + "/layout", "t"));
  RequireOk(strata::oci::ExportDockerArchive(*store, image, *written, dir.path + "/d.tar", "img"));

  llvm::Expected<Store> other = Store::Open(dir.path + "/other-store");
  RequireOk(other);
  llvm::Expected<Image> from_layout = strata::oci::ImportImage(*other, dir.path + "/layout:t");
  RequireOk(from_layout);
  CHECK(from_layout->ToJson() == image.ToJson());
  // Rewriting the imported image gives the same manifest digest.
  llvm::Expected<strata::oci::WrittenImage> rewritten =
      strata::oci::WriteImage(*other, *from_layout, 0);
  RequireOk(rewritten);
  CHECK(rewritten->manifest_digest == written->manifest_digest);

  llvm::Expected<Image> from_docker = strata::oci::ImportImage(*other, dir.path + "/d.tar:img");
  RequireOk(from_docker);
  CHECK(from_docker->config == image.config);
  CHECK(from_docker->onbuild == image.onbuild);
  CHECK(from_docker->layers[0].diff_id == layer->diff_id);
  llvm::Expected<std::string> root = strata::oci::ExtractLayer(*other, from_docker->layers[0]);
  RequireOk(root);
  CHECK(ReadFile(*root + "/app/main.txt") == "main\n");

  // The config alone (a Dockerfile's base given as oci-layout://d.tar): no store, no layers.
  llvm::Expected<Image> config = strata::oci::ReadDockerArchiveConfig(dir.path + "/d.tar", "img");
  RequireOk(config);
  CHECK(config->config == image.config);
  CHECK(config->onbuild == image.onbuild);
  CHECK(config->layers.empty());
  llvm::Expected<Image> only = strata::oci::ReadDockerArchiveConfig(dir.path + "/d.tar", "");
  RequireOk(only);
  CHECK(only->onbuild == image.onbuild);
  CHECK(ErrorOf(strata::oci::ReadDockerArchiveConfig(dir.path + "/d.tar", "other"))
            .find("no image tagged 'other'") != std::string::npos);
}

TEST_CASE("oci import: gzip and zstd layers in a docker-archive are detected by magic bytes",
          "[oci][import]") {
  TempDir dir("oci-import");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  WriteFile(dir.path + "/tree1/f", "gz\n");
  WriteFile(dir.path + "/tree2/g", "zstd\n");
  llvm::Expected<strata::oci::LayerDescriptor> gz =
      strata::oci::WriteLayer(*store, dir.path + "/tree1", {});
  RequireOk(gz);
  strata::oci::LayerOptions zstd_options;
  zstd_options.compression = strata::oci::Compression::kZstd;
  llvm::Expected<strata::oci::LayerDescriptor> zst =
      strata::oci::WriteLayer(*store, dir.path + "/tree2", zstd_options);
  RequireOk(zst);
  Image image;
  image.layers = {*gz, *zst};
  llvm::Expected<strata::oci::WrittenImage> written = strata::oci::WriteImage(*store, image, 0);
  RequireOk(written);
  // A hand-made archive made by GNU tar ("./" names); one layer behind a symlink, as in
  // skopeo's legacy <id>/layer.tar entries.
  std::string staging = dir.path + "/staging";
  fs::create_directories(staging + "/legacy");
  // The config where Docker 25+ puts it.
  std::string config_name = "blobs/sha256/" + written->config_digest.substr(7);
  fs::create_directories(staging + "/blobs/sha256");
  fs::copy_file(store->BlobPath(written->config_digest), staging + "/" + config_name);
  fs::copy_file(store->BlobPath(gz->digest), staging + "/one.tar.gz");
  fs::copy_file(store->BlobPath(zst->digest), staging + "/two.tar.zst");
  fs::create_symlink("../two.tar.zst", staging + "/legacy/layer.tar");
  nlohmann::json manifest = {{{"Config", config_name},
                              {"Layers", {"one.tar.gz", "legacy/layer.tar"}},
                              {"RepoTags", {"gz:1"}}}};
  WriteFile(staging + "/manifest.json", manifest.dump());
  std::string archive = dir.path + "/hand.tar";
  std::string tar = Shell("tar -cf " + archive + " -C " + staging + " .");
  INFO(tar);
  REQUIRE(tar.find("rc=0") != std::string::npos);

  llvm::Expected<Store> other = Store::Open(dir.path + "/other-store");
  RequireOk(other);
  llvm::Expected<Image> imported = strata::oci::ImportImage(*other, archive + ":gz:1");
  RequireOk(imported);
  REQUIRE(imported->layers.size() == 2);
  CHECK(imported->layers[0].media_type == "application/vnd.oci.image.layer.v1.tar+gzip");
  CHECK(imported->layers[0].digest == gz->digest);
  CHECK(imported->layers[0].diff_id == gz->diff_id);
  CHECK(imported->layers[0].size == gz->size);
  CHECK(imported->layers[1].media_type == "application/vnd.oci.image.layer.v1.tar+zstd");
  CHECK(imported->layers[1].digest == zst->digest);
  llvm::Expected<std::string> root = strata::oci::ExtractLayer(*other, imported->layers[1]);
  RequireOk(root);
  CHECK(ReadFile(*root + "/g") == "zstd\n");

  // A manifest naming a file the archive lacks.
  manifest[0]["Layers"][1] = "nowhere.tar";
  WriteFile(staging + "/manifest.json", manifest.dump());
  Shell("tar -cf " + archive + " -C " + staging + " .");
  CHECK(ErrorOf(strata::oci::ImportImage(*other, archive))
            .find("'nowhere.tar' is not in the archive") != std::string::npos);
}

TEST_CASE("oci import: a multi-platform index resolves to linux/amd64", "[oci][import]") {
  TempDir dir("oci-import");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  Image image;
  image.config = {{"Cmd", {"amd64"}}};
  llvm::Expected<strata::oci::WrittenImage> written = strata::oci::WriteImage(*store, image, 0);
  RequireOk(written);
  std::string layout = dir.path + "/layout";
  RequireOk(strata::oci::ExportOciLayout(*store, image, *written, layout, ""));
  nlohmann::json index = {{"schemaVersion", 2},
                          {"mediaType", "application/vnd.oci.image.index.v1+json"},
                          {"manifests",
                           {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                             {"digest", "sha256:" + std::string(64, 'e')},
                             {"size", 10},
                             {"platform", {{"architecture", "arm64"}, {"os", "linux"}}}},
                            {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                             {"digest", written->manifest_digest},
                             {"size", written->manifest_size},
                             {"platform", {{"architecture", "amd64"}, {"os", "linux"}}}}}}};
  std::string index_bytes = index.dump();
  std::string index_digest = strata::store::Sha256Digest(index_bytes.data(), index_bytes.size());
  WriteFile(layout + "/blobs/sha256/" + index_digest.substr(7), index_bytes);
  nlohmann::json top = {{"schemaVersion", 2},
                        {"manifests",
                         {{{"mediaType", "application/vnd.oci.image.index.v1+json"},
                           {"digest", index_digest},
                           {"size", index_bytes.size()},
                           {"annotations", {{"org.opencontainers.image.ref.name", "multi"}}}}}}};
  WriteFile(layout + "/index.json", top.dump());
  llvm::Expected<Image> imported = strata::oci::ImportImage(*store, layout + ":multi");
  RequireOk(imported);
  CHECK(imported->config["Cmd"] == nlohmann::json::array({"amd64"}));
  CHECK(imported->layers.empty());

  // A tampered blob is refused.
  std::string config_path = layout + "/blobs/sha256/" + written->config_digest.substr(7);
  WriteFile(config_path, ReadFile(config_path) + " ");
  CHECK(ErrorOf(strata::oci::ImportImage(*store, layout + ":multi"))
            .find("does not match its digest") != std::string::npos);
}
