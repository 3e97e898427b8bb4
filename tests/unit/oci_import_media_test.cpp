// Importer strictness (issue 11, item 8): media types are checked against the known OCI and
// Docker types, and a layer's compression against its bytes, so that nothing mislabelled is
// accepted and re-exported as an invalid image.
#include <catch2/catch.hpp>
#include <functional>
#include <string>

#include "runtime/oci/image.h"
#include "runtime/oci/image_reader.h"
#include "runtime/oci/image_writer.h"
#include "runtime/oci/layer_writer.h"
#include "runtime/store/sha256.h"
#include "runtime/store/store.h"
#include "tests/unit/test_support.h"

using strata::oci::Image;
using strata::store::Store;
using strata::testing::ReadFile;
using strata::testing::RequireOk;
using strata::testing::TempDir;
using strata::testing::WriteFile;

namespace {

// An OCI layout at DIR/layout (tag "t") with one layer of the given compression.
void MakeLayout(const std::string& dir, strata::oci::Compression compression) {
  llvm::Expected<Store> store = Store::Open(dir + "/make-store");
  RequireOk(store);
  WriteFile(dir + "/tree/file.txt", "content\n");
  strata::oci::LayerOptions options;
  options.compression = compression;
  llvm::Expected<strata::oci::LayerDescriptor> layer =
      strata::oci::WriteLayer(*store, dir + "/tree", options);
  RequireOk(layer);
  Image image;
  image.layers = {*layer};
  image.history = {{"COPY tree /", false, ""}};
  llvm::Expected<strata::oci::WrittenImage> written = strata::oci::WriteImage(*store, image, 0);
  RequireOk(written);
  RequireOk(strata::oci::ExportOciLayout(*store, image, *written, dir + "/layout", "t"));
}

// Rewrites the layout's manifest (and its index entry, through `edit_entry`) in place.
void EditManifest(const std::string& layout, const std::function<void(nlohmann::json&)>& edit,
                  const std::function<void(nlohmann::json&)>& edit_entry = {}) {
  nlohmann::json index = nlohmann::json::parse(ReadFile(layout + "/index.json"));
  nlohmann::json& entry = index["manifests"][0];
  std::string old_hex = entry["digest"].get<std::string>().substr(7);
  nlohmann::json manifest = nlohmann::json::parse(ReadFile(layout + "/blobs/sha256/" + old_hex));
  edit(manifest);
  std::string bytes = manifest.dump();
  std::string digest = strata::store::Sha256Digest(bytes.data(), bytes.size());
  WriteFile(layout + "/blobs/sha256/" + digest.substr(7), bytes);
  entry["digest"] = digest;
  entry["size"] = bytes.size();
  if (edit_entry) edit_entry(entry);
  WriteFile(layout + "/index.json", index.dump());
}

std::string ImportError(const std::string& dir) {
  llvm::Expected<Store> store = Store::Open(dir + "/import-store");
  RequireOk(store);
  llvm::Expected<Image> image = strata::oci::ImportImage(*store, dir + "/layout:t");
  if (image) return "(no error)";
  return llvm::toString(image.takeError());
}

}  // namespace

TEST_CASE("oci import: a plain tar labelled +gzip is refused", "[oci][import]") {
  TempDir dir("oci-import-media");
  MakeLayout(dir.path, strata::oci::Compression::kNone);
  CHECK(ImportError(dir.path) == "(no error)");  // as written, it imports
  EditManifest(dir.path + "/layout", [](nlohmann::json& manifest) {
    manifest["layers"][0]["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip";
  });
  std::string error = ImportError(dir.path);
  CHECK_THAT(error, Catch::Contains("says gzip, but its bytes are not compressed"));
}

TEST_CASE("oci import: a gzip layer labelled zstd or plain is refused", "[oci][import]") {
  TempDir dir("oci-import-media");
  MakeLayout(dir.path, strata::oci::Compression::kGzip);
  CHECK(ImportError(dir.path) == "(no error)");
  EditManifest(dir.path + "/layout", [](nlohmann::json& manifest) {
    manifest["layers"][0]["mediaType"] = "application/vnd.oci.image.layer.v1.tar+zstd";
  });
  CHECK_THAT(ImportError(dir.path), Catch::Contains("says zstd, but its bytes are gzip"));
  EditManifest(dir.path + "/layout", [](nlohmann::json& manifest) {
    manifest["layers"][0]["mediaType"] = "application/vnd.oci.image.layer.v1.tar";
  });
  CHECK_THAT(ImportError(dir.path), Catch::Contains("says uncompressed, but its bytes are gzip"));
}

TEST_CASE("oci import: unknown media types are refused", "[oci][import]") {
  SECTION("the manifest's own media type") {
    TempDir dir("oci-import-media");
    MakeLayout(dir.path, strata::oci::Compression::kGzip);
    EditManifest(dir.path + "/layout",
                 [](nlohmann::json& manifest) { manifest["mediaType"] = "application/x-evil"; });
    CHECK_THAT(ImportError(dir.path),
               Catch::Contains("unsupported media type 'application/x-evil'"));
  }
  SECTION("the index entry's media type") {
    TempDir dir("oci-import-media");
    MakeLayout(dir.path, strata::oci::Compression::kGzip);
    EditManifest(
        dir.path + "/layout", [](nlohmann::json&) {},
        [](nlohmann::json& entry) { entry["mediaType"] = "application/x-evil"; });
    CHECK_THAT(ImportError(dir.path),
               Catch::Contains("unsupported media type 'application/x-evil'"));
  }
  SECTION("the config's media type") {
    TempDir dir("oci-import-media");
    MakeLayout(dir.path, strata::oci::Compression::kGzip);
    EditManifest(dir.path + "/layout", [](nlohmann::json& manifest) {
      manifest["config"]["mediaType"] = "application/x-evil";
    });
    CHECK_THAT(ImportError(dir.path),
               Catch::Contains("the config has unsupported media type 'application/x-evil'"));
  }
  SECTION("a layer type that only looks like an OCI one") {
    TempDir dir("oci-import-media");
    MakeLayout(dir.path, strata::oci::Compression::kGzip);
    EditManifest(dir.path + "/layout", [](nlohmann::json& manifest) {
      manifest["layers"][0]["mediaType"] = "application/vnd.oci.image.layer.evil+gzip";
    });
    CHECK_THAT(ImportError(dir.path), Catch::Contains("unsupported media type"));
  }
  SECTION("a media type that is not a string") {
    TempDir dir("oci-import-media");
    MakeLayout(dir.path, strata::oci::Compression::kGzip);
    EditManifest(dir.path + "/layout", [](nlohmann::json& manifest) { manifest["mediaType"] = 7; });
    CHECK_THAT(ImportError(dir.path), Catch::Contains("unsupported media type '(not a string)'"));
  }
}
