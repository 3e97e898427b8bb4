// Exporters check every blob against its digest before it leaves the store (issue 11, item 5):
// a corrupt layer is reported and removed, for every transport and for extraction and push.
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <string>

#include "runtime/oci/image.h"
#include "runtime/oci/image_writer.h"
#include "runtime/oci/layer_extractor.h"
#include "runtime/oci/layer_writer.h"
#include "runtime/oci/registry.h"
#include "tests/unit/test_support.h"

namespace fs = std::filesystem;
using strata::oci::Image;
using strata::oci::WrittenImage;
using strata::store::Store;
using strata::testing::RequireOk;
using strata::testing::TempDir;
using strata::testing::WriteFile;

namespace {

using Export = std::function<llvm::Error(const Store&, const Image&, const WrittenImage&)>;

// Builds a one-layer image in a store, damages the layer blob, and runs `leave` with a Store
// object that has not seen the blob (as a later command would): it must fail, name the blob as
// corrupt, and remove it.
void CheckRefused(const std::string& name, const Export& leave) {
  INFO(name);
  TempDir dir("oci-export-verify");
  std::string root = dir.path + "/store";
  Image image;
  WrittenImage written;
  {
    llvm::Expected<Store> store = Store::Open(root);
    RequireOk(store);
    WriteFile(dir.path + "/tree/file.txt", std::string(100000, 'x'));
    llvm::Expected<strata::oci::LayerDescriptor> layer =
        strata::oci::WriteLayer(*store, dir.path + "/tree", {});
    RequireOk(layer);
    image.layers = {*layer};
    image.history = {{"COPY tree /", false, ""}};
    llvm::Expected<WrittenImage> out = strata::oci::WriteImage(*store, image, 0);
    RequireOk(out);
    written = *out;
  }
  llvm::Expected<Store> store = Store::Open(root);
  RequireOk(store);
  std::string blob = store->BlobPath(image.layers[0].digest);
  fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
  WriteFile(blob, "not the layer");
  llvm::Error err = leave(*store, image, written);
  REQUIRE(static_cast<bool>(err));
  CHECK_THAT(llvm::toString(std::move(err)),
             Catch::Contains("store blob " + image.layers[0].digest + " is corrupt"));
  CHECK_FALSE(fs::exists(blob));
  CHECK(store->CorruptBlobsRemoved() == 1);
}

}  // namespace

TEST_CASE("oci export: a corrupt store blob never leaves the store", "[oci][export]") {
  TempDir out("oci-export-verify-out");
  CheckRefused("oci:", [&](const Store& store, const Image& image, const WrittenImage& written) {
    return strata::oci::ExportOciLayout(store, image, written, out.path + "/layout", "t");
  });
  CheckRefused(
      "oci-archive:", [&](const Store& store, const Image& image, const WrittenImage& written) {
        return strata::oci::ExportOciArchive(store, image, written, out.path + "/image.tar", "t");
      });
  CHECK_FALSE(fs::exists(out.path + "/image.tar"));  // nothing half-written
  CheckRefused("docker-archive:",
               [&](const Store& store, const Image& image, const WrittenImage& written) {
                 return strata::oci::ExportDockerArchive(store, image, written,
                                                         out.path + "/docker.tar", "img:1");
               });
  CHECK_FALSE(fs::exists(out.path + "/docker.tar"));
  CheckRefused("extraction", [&](const Store& store, const Image& image, const WrittenImage&) {
    llvm::Expected<std::string> dir = strata::oci::ExtractLayer(store, image.layers[0]);
    return dir ? llvm::Error::success() : dir.takeError();
  });
  CheckRefused("docker://",
               [&](const Store& store, const Image& image, const WrittenImage& written) {
                 // Checked before any request: the registry need not exist.
                 return strata::oci::PushImage(store, image, written, "127.0.0.1:9/nothing/here:t");
               });
}
