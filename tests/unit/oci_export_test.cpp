// Exporter tests: oci:, oci-archive: and docker-archive: outputs checked with skopeo and umoci,
// byte-for-byte determinism, and tag handling in an existing layout.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/oci/image.h"
#include "runtime/oci/image_writer.h"
#include "runtime/oci/layer_writer.h"
#include "runtime/store/store.h"
#include "tests/unit/test_support.h"

namespace fs = std::filesystem;
using strata::oci::Image;
using strata::oci::WrittenImage;
using strata::store::Store;
using strata::testing::ReadFile;
using strata::testing::RequireOk;
using strata::testing::Shell;
using strata::testing::TempDir;
using strata::testing::WriteFile;

namespace {

// Two layers (gzip and zstd) from small trees, and a config with a command.
struct Fixture {
  // umoci 0.4 cannot read zstd layers: its tests use gzip for both.
  explicit Fixture(strata::oci::Compression second = strata::oci::Compression::kZstd) {
    llvm::Expected<Store> opened = Store::Open(dir.path + "/store");
    RequireOk(opened);
    store.emplace(std::move(*opened));
    WriteFile(dir.path + "/l1/etc/hello.txt", "hello from layer one\n");
    WriteFile(dir.path + "/l1/bin/tool", "#!/bin/sh\n");
    WriteFile(dir.path + "/l2/app/data.txt", "layer two\n");
    strata::oci::LayerOptions gzip;
    llvm::Expected<strata::oci::LayerDescriptor> l1 =
        strata::oci::WriteLayer(*store, dir.path + "/l1", gzip);
    RequireOk(l1);
    strata::oci::LayerOptions zstd;
    zstd.compression = second;
    llvm::Expected<strata::oci::LayerDescriptor> l2 =
        strata::oci::WriteLayer(*store, dir.path + "/l2", zstd);
    RequireOk(l2);
    image.layers = {*l1, *l2};
    image.config = {{"Cmd", {"/bin/tool"}}, {"Env", {"PATH=/bin"}}, {"WorkingDir", "/app"}};
    image.history = {{"COPY l1 /", false, ""}, {"COPY l2 /", false, ""}};
    llvm::Expected<WrittenImage> w = strata::oci::WriteImage(*store, image, 0);
    RequireOk(w);
    written = *w;
  }
  TempDir dir{"oci-export"};
  std::optional<Store> store;
  Image image;
  WrittenImage written;
};

}  // namespace

TEST_CASE("oci export: oci:DIR:TAG is read by skopeo and unpacked by umoci", "[oci][export]") {
  Fixture f(strata::oci::Compression::kGzip);
  std::string layout = f.dir.path + "/layout";
  RequireOk(strata::oci::ExportOciLayout(*f.store, f.image, f.written, layout, "v1"));
  CHECK(ReadFile(layout + "/oci-layout") == R"({"imageLayoutVersion":"1.0.0"})");
  nlohmann::json index = nlohmann::json::parse(ReadFile(layout + "/index.json"));
  REQUIRE(index["manifests"].size() == 1);
  CHECK(index["manifests"][0]["digest"] == f.written.manifest_digest);
  CHECK(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "v1");

  std::string inspect = Shell("skopeo inspect oci:" + layout + ":v1");
  INFO(inspect);
  REQUIRE(inspect.find("rc=0") != std::string::npos);
  nlohmann::json info = nlohmann::json::parse(inspect.substr(0, inspect.rfind("rc=")));
  CHECK(info["Layers"] ==
        nlohmann::json::array({f.image.layers[0].digest, f.image.layers[1].digest}));
  CHECK(info["Architecture"] == "amd64");
  CHECK(info["Env"] == nlohmann::json::array({"PATH=/bin"}));

  std::string unpack = Shell("umoci unpack --image " + layout + ":v1 " + f.dir.path + "/bundle");
  INFO(unpack);
  REQUIRE(unpack.find("rc=0") != std::string::npos);
  CHECK(ReadFile(f.dir.path + "/bundle/rootfs/etc/hello.txt") == "hello from layer one\n");
  CHECK(ReadFile(f.dir.path + "/bundle/rootfs/app/data.txt") == "layer two\n");
  nlohmann::json runtime = nlohmann::json::parse(ReadFile(f.dir.path + "/bundle/config.json"));
  CHECK(runtime["process"]["args"] == nlohmann::json::array({"/bin/tool"}));
  CHECK(runtime["process"]["cwd"] == "/app");
}

TEST_CASE("oci export: oci:DIR links the store's blobs on its filesystem and copies them elsewhere",
          "[oci][export]") {
  Fixture f;
  auto inode = [](const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return std::pair{st.st_dev, st.st_ino};
  };
  std::string layout = f.dir.path + "/layout";  // the store's filesystem
  RequireOk(strata::oci::ExportOciLayout(*f.store, f.image, f.written, layout, "v1"));
  for (const strata::oci::LayerDescriptor& layer : f.image.layers) {
    std::string blob = layout + "/blobs/sha256/" + layer.digest.substr(7);
    CHECK(inode(blob) == inode(f.store->BlobPath(layer.digest)));
  }
  for (const auto& entry : fs::directory_iterator(layout + "/blobs/sha256"))
    CHECK(entry.path().filename().string()[0] != '.');  // no temp names left

  // tmpfs is another filesystem: the blobs are copies with the same bytes.
  if (inode("/dev/shm").first == inode(f.dir.path).first) return;
  std::string elsewhere = "/dev/shm/strata-oci-export-XXXXXX";
  REQUIRE(::mkdtemp(elsewhere.data()) != nullptr);
  RequireOk(strata::oci::ExportOciLayout(*f.store, f.image, f.written, elsewhere, "v1"));
  for (const strata::oci::LayerDescriptor& layer : f.image.layers) {
    std::string blob = elsewhere + "/blobs/sha256/" + layer.digest.substr(7);
    CHECK(inode(blob) != inode(f.store->BlobPath(layer.digest)));
    CHECK(ReadFile(blob) == ReadFile(f.store->BlobPath(layer.digest)));
  }
  fs::remove_all(elsewhere);
}

TEST_CASE("oci export: a linked layout blob written in place is refused by the store",
          "[oci][export]") {
  Fixture f;
  std::string layout = f.dir.path + "/layout";
  RequireOk(strata::oci::ExportOciLayout(*f.store, f.image, f.written, layout, "v1"));
  const std::string& digest = f.image.layers[1].digest;
  {
    std::fstream blob(layout + "/blobs/sha256/" + digest.substr(7),
                      std::ios::in | std::ios::out | std::ios::binary);
    REQUIRE(blob.good());
    blob.seekp(20);
    blob.put('\x7f');  // same size, other bytes
  }
  // A later process (its own Store: nothing verified yet) hashes the changed blob and refuses it.
  llvm::Expected<Store> later = Store::Open(f.dir.path + "/store");
  RequireOk(later);
  llvm::Error err = later->CheckBlob(digest);
  REQUIRE(static_cast<bool>(err));
  llvm::consumeError(std::move(err));
  llvm::Error exported =
      strata::oci::ExportOciLayout(*later, f.image, f.written, f.dir.path + "/second", "v1");
  CHECK(static_cast<bool>(exported));
  llvm::consumeError(std::move(exported));
}

TEST_CASE("oci export: adding to a layout replaces only the entry with the same tag",
          "[oci][export]") {
  Fixture f;
  std::string layout = f.dir.path + "/layout";
  RequireOk(strata::oci::ExportOciLayout(*f.store, f.image, f.written, layout, "a"));
  Image other = f.image;
  other.config["Cmd"] = {"/bin/other"};
  llvm::Expected<WrittenImage> other_written = strata::oci::WriteImage(*f.store, other, 0);
  RequireOk(other_written);
  RequireOk(strata::oci::ExportOciLayout(*f.store, other, *other_written, layout, "b"));
  RequireOk(strata::oci::ExportOciLayout(*f.store, other, *other_written, layout, "a"));
  RequireOk(strata::oci::ExportOciLayout(*f.store, other, *other_written, layout, ""));
  RequireOk(strata::oci::ExportOciLayout(*f.store, other, *other_written, layout, ""));
  nlohmann::json index = nlohmann::json::parse(ReadFile(layout + "/index.json"));
  REQUIRE(index["manifests"].size() == 3);  // a, b and one untagged entry.
  for (const nlohmann::json& entry : index["manifests"])
    CHECK(entry["digest"] == other_written->manifest_digest);
  std::string inspect = Shell("skopeo inspect --config oci:" + layout + ":a");
  CHECK(inspect.find("/bin/other") != std::string::npos);
  // No temp files left behind in the layout.
  for (const auto& entry : fs::directory_iterator(layout))
    CHECK((entry.path().filename() == "blobs" || entry.path().filename() == "index.json" ||
           entry.path().filename() == "oci-layout"));
}

TEST_CASE("oci export: oci-archive and docker-archive are deterministic and read by skopeo",
          "[oci][export]") {
  Fixture f;
  std::string oci1 = f.dir.path + "/one.oci.tar", oci2 = f.dir.path + "/two.oci.tar";
  std::string dock1 = f.dir.path + "/one.docker.tar", dock2 = f.dir.path + "/two.docker.tar";
  RequireOk(strata::oci::ExportOciArchive(*f.store, f.image, f.written, oci1, "v1"));
  RequireOk(strata::oci::ExportOciArchive(*f.store, f.image, f.written, oci2, "v1"));
  RequireOk(
      strata::oci::ExportDockerArchive(*f.store, f.image, f.written, dock1, "example/app:v1"));
  RequireOk(
      strata::oci::ExportDockerArchive(*f.store, f.image, f.written, dock2, "example/app:v1"));
  CHECK(ReadFile(oci1) == ReadFile(oci2));
  CHECK(ReadFile(dock1) == ReadFile(dock2));

  // Tar listing: sorted names, owner root, mtime 0.
  std::string listing = Shell("tar --numeric-owner --full-time -tvf " + oci1);
  INFO(listing);
  CHECK(listing.find("blobs/sha256/" + f.written.manifest_digest.substr(7)) != std::string::npos);
  CHECK(listing.find("0/0") != std::string::npos);
  CHECK(listing.find("1970-01-01 00:00:00 index.json") != std::string::npos);

  std::string inspect = Shell("skopeo inspect oci-archive:" + oci1);
  INFO(inspect);
  REQUIRE(inspect.find("rc=0") != std::string::npos);
  CHECK(inspect.find(f.image.layers[1].digest) != std::string::npos);

  std::string dlist = Shell("tar -tf " + dock1);
  INFO(dlist);
  CHECK(dlist.find(f.image.layers[0].diff_id.substr(7) + "/layer.tar") != std::string::npos);
  CHECK(dlist.find("manifest.json") != std::string::npos);
  CHECK(dlist.find("repositories") != std::string::npos);
  std::string dmanifest_text = Shell("tar -xOf " + dock1 + " manifest.json");
  nlohmann::json dmanifest =
      nlohmann::json::parse(dmanifest_text.substr(0, dmanifest_text.rfind("rc=")));
  CHECK(dmanifest[0]["RepoTags"] == nlohmann::json::array({"example/app:v1"}));
  CHECK(dmanifest[0]["Config"] == f.written.config_digest.substr(7) + ".json");
  // Each layer file is the uncompressed tar: its sha256 is the diff_id.
  std::string sum = Shell("tar -xOf " + dock1 + " " + f.image.layers[1].diff_id.substr(7) +
                          "/layer.tar | sha256sum");
  CHECK(sum.substr(0, 64) == f.image.layers[1].diff_id.substr(7));

  std::string dinspect = Shell("skopeo inspect docker-archive:" + dock1);
  INFO(dinspect);
  REQUIRE(dinspect.find("rc=0") != std::string::npos);
  nlohmann::json info = nlohmann::json::parse(dinspect.substr(0, dinspect.rfind("rc=")));
  CHECK(info["Layers"] ==
        nlohmann::json::array({f.image.layers[0].diff_id, f.image.layers[1].diff_id}));
  CHECK(info["Env"] == nlohmann::json::array({"PATH=/bin"}));
}

TEST_CASE("oci export: skopeo copies between the exported formats", "[oci][export]") {
  Fixture f(strata::oci::Compression::kGzip);
  std::string layout = f.dir.path + "/layout", dock = f.dir.path + "/img.docker.tar";
  RequireOk(strata::oci::ExportOciLayout(*f.store, f.image, f.written, layout, "v1"));
  RequireOk(strata::oci::ExportDockerArchive(*f.store, f.image, f.written, dock, "app:v1"));
  std::string to_archive = Shell("skopeo --insecure-policy copy oci:" + layout +
                                 ":v1 oci-archive:" + f.dir.path + "/copied.oci.tar:v2");
  INFO(to_archive);
  CHECK(to_archive.find("rc=0") != std::string::npos);
  std::string from_docker = Shell("skopeo --insecure-policy copy docker-archive:" + dock +
                                  " oci:" + f.dir.path + "/from-docker:x");
  INFO(from_docker);
  REQUIRE(from_docker.find("rc=0") != std::string::npos);
  std::string unpack =
      Shell("umoci unpack --image " + f.dir.path + "/from-docker:x " + f.dir.path + "/bundle");
  INFO(unpack);
  REQUIRE(unpack.find("rc=0") != std::string::npos);
  CHECK(ReadFile(f.dir.path + "/bundle/rootfs/app/data.txt") == "layer two\n");
}

TEST_CASE("oci export: a scratch image exports and inspects", "[oci][export]") {
  TempDir dir("oci-export");
  llvm::Expected<Store> store = Store::Open(dir.path + "/store");
  RequireOk(store);
  Image scratch;
  llvm::Expected<WrittenImage> written = strata::oci::WriteImage(*store, scratch, 0);
  RequireOk(written);
  RequireOk(strata::oci::ExportOciLayout(*store, scratch, *written, dir.path + "/layout", "empty"));
  RequireOk(strata::oci::ExportDockerArchive(*store, scratch, *written, dir.path + "/d.tar", "s"));
  std::string inspect = Shell("skopeo inspect oci:" + dir.path + "/layout:empty");
  INFO(inspect);
  CHECK(inspect.find("rc=0") != std::string::npos);
  CHECK(inspect.find("\"Layers\": []") != std::string::npos);
  std::string dinspect = Shell("skopeo inspect docker-archive:" + dir.path + "/d.tar");
  INFO(dinspect);
  CHECK(dinspect.find("rc=0") != std::string::npos);
}

TEST_CASE("oci export: a failed export leaves no file behind", "[oci][export]") {
  Fixture f;
  Image broken = f.image;
  broken.layers[1].digest = "sha256:" + std::string(64, 'b');  // Not in the store.
  std::string file = f.dir.path + "/out.tar";
  llvm::Error err = strata::oci::ExportDockerArchive(*f.store, broken, f.written, file, "x");
  REQUIRE(static_cast<bool>(err));
  CHECK(llvm::toString(std::move(err)).find("not in the store") != std::string::npos);
  llvm::Error err2 = strata::oci::ExportOciArchive(*f.store, broken, f.written, file, "x");
  REQUIRE(static_cast<bool>(err2));
  llvm::consumeError(std::move(err2));
  CHECK(!fs::exists(file));
  for (const auto& entry : fs::directory_iterator(f.dir.path))
    CHECK(entry.path().filename().string().find(".tar") == std::string::npos);
}

TEST_CASE("oci export: podman loads the docker-archive", "[oci][export]") {
  Fixture f;
  std::string archive = f.dir.path + "/img.docker.tar";
  RequireOk(strata::oci::ExportDockerArchive(*f.store, f.image, f.written, archive,
                                             "localhost/strata-test:v1"));
  // A private storage root (vfs driver), so the test touches no global podman state.
  std::string podman = "podman --root " + f.dir.path + "/podman-root --runroot " + f.dir.path +
                       "/podman-run --storage-driver vfs ";
  std::string load = Shell(podman + "load -i " + archive);
  INFO(load);
  REQUIRE(load.find("rc=0") != std::string::npos);
  CHECK(load.find("localhost/strata-test:v1") != std::string::npos);
  std::string inspect = Shell(podman + "image inspect localhost/strata-test:v1");
  INFO(inspect);
  REQUIRE(inspect.find("rc=0") != std::string::npos);
  nlohmann::json info = nlohmann::json::parse(inspect.substr(0, inspect.rfind("rc=")));
  CHECK(info[0]["RootFS"]["Layers"] ==
        nlohmann::json::array({f.image.layers[0].diff_id, f.image.layers[1].diff_id}));
  CHECK(info[0]["Config"]["Cmd"] == nlohmann::json::array({"/bin/tool"}));
  Shell(podman + "rmi -a -f");  // vfs layers hold no mounts; this just empties the root.
}
