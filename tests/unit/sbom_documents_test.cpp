// Package URLs and the SPDX and CycloneDX writers, against golden documents in tests/golden/sbom
// (UPDATE_GOLDEN=1 rewrites them; review with git diff). The integration test validates the
// goldens against the official JSON schemas.
#include <fstream>

#include "runtime/sbom/cyclonedx_writer.h"
#include "runtime/sbom/purl.h"
#include "runtime/sbom/spdx_writer.h"
#include "tests/unit/test_support.h"

namespace strata::sbom {
namespace {

TEST_CASE("sbom: purls are canonical", "[sbom]") {
  CHECK(DebianPurl("libc6", "2.36-9+deb12u4", "amd64", "debian-12") ==
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");
  CHECK(DebianPurl("zlib1g", "1:1.2.13.dfsg-1", "amd64", "debian-12") ==
        "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12");
  CHECK(DebianPurl("libstdc++6", "12.2.0-14", "amd64", "debian-12") ==
        "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14?arch=amd64&distro=debian-12");
  CHECK(OciPurl("127.0.0.1:5000/tools/BusyBox", "sha256:ab12", "1.36", "amd64") ==
        "pkg:oci/"
        "busybox@sha256:ab12?arch=amd64&repository_url=127.0.0.1:5000%2Ftools%2FBusyBox&tag=1.36");
  CHECK(OciPurl("docker.io/library/debian", "sha256:ab12", "", "") ==
        "pkg:oci/debian@sha256:ab12?repository_url=docker.io%2Flibrary%2Fdebian");
  CHECK(DebianDistro("bookworm") == "debian-12");
  CHECK(DebianDistro("sid") == "debian-sid");
}

// One of every kind of component, given out of order and with a repeat.
Sbom Example() {
  Sbom sbom;
  sbom.image_name = "default";
  sbom.manifest_digest = "sha256:" + std::string(64, 'a');
  sbom.architecture = "amd64";
  sbom.created = 1700000000;
  Component bash;
  bash.kind = Component::Kind::kDebianPackage;
  bash.name = "bash";
  bash.version = "5.2.15-2+b7";
  bash.arch = "amd64";
  bash.purl = DebianPurl(bash.name, bash.version, bash.arch, "debian-12");
  bash.license = "GPL-3.0-or-later AND LicenseRef-public-domain";
  bash.download_location =
      "http://deb.debian.org/debian/pool/main/b/bash/bash_5.2.15-2+b7_amd64.deb";
  bash.sha256 = std::string(64, 'b');
  Component libc = bash;
  libc.name = "libc6";
  libc.version = "2.36-9+deb12u4";
  libc.purl = DebianPurl(libc.name, libc.version, libc.arch, "debian-12");
  libc.license = "";
  libc.download_location =
      "http://deb.debian.org/debian/pool/main/g/glibc/libc6_2.36-9+deb12u4_amd64.deb";
  libc.sha256 = std::string(64, 'c');
  Component base;
  base.kind = Component::Kind::kBaseImage;
  base.name = "127.0.0.1:5000/busybox:1.36";
  base.version = "sha256:" + std::string(64, 'd');
  base.purl = OciPurl("127.0.0.1:5000/busybox", base.version, "1.36", "amd64");
  base.sha256 = std::string(64, 'd');
  base.in_image = false;  // a builder stage's base
  Component file;
  file.kind = Component::Kind::kFetchedFile;
  file.name = "tool.tar.gz";
  file.download_location = "https://example.org/tool.tar.gz";
  file.sha256 = std::string(64, 'e');
  Component network;
  network.kind = Component::Kind::kNetworkOutput;
  network.name = "RUN curl -o /x https://example.org/x";
  network.sha256 = std::string(64, 'f');
  sbom.components = {network, libc, file, bash, base, libc};
  SortComponents(sbom.components);
  return sbom;
}

void CheckGolden(const std::string& name, const std::string& actual) {
  std::filesystem::path path = testing::SourceDir() / "tests" / "golden" / "sbom" / name;
  if (std::getenv("UPDATE_GOLDEN") && std::string(std::getenv("UPDATE_GOLDEN")) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  INFO(path.string() << " (UPDATE_GOLDEN=1 rewrites it)");
  REQUIRE(std::filesystem::exists(path));
  CHECK(actual == testing::ReadFile(path));
}

TEST_CASE("sbom: components are sorted by kind and name, repeats merged", "[sbom]") {
  Sbom sbom = Example();
  REQUIRE(sbom.components.size() == 5);
  CHECK(sbom.components[0].kind == Component::Kind::kBaseImage);
  CHECK(sbom.components[1].name == "bash");
  CHECK(sbom.components[2].name == "libc6");
  CHECK(sbom.components[3].kind == Component::Kind::kFetchedFile);
  CHECK(sbom.components[4].kind == Component::Kind::kNetworkOutput);
  CHECK(ComponentId(sbom.components[1]).rfind("deb-bash-", 0) == 0);
  CHECK(ComponentId(sbom.components[1]) != ComponentId(sbom.components[2]));
}

TEST_CASE("sbom: the SPDX 2.3 document", "[sbom][golden]") {
  std::string document = WriteSpdx(Example());
  CHECK(document == WriteSpdx(Example()));
  CheckGolden("example.spdx.json", document);
  nlohmann::json json = nlohmann::json::parse(document);
  CHECK(json["creationInfo"]["created"] == "2023-11-14T22:13:20Z");
  CHECK(json["documentNamespace"].get<std::string>().find(
            StableUuid("spdx\nsha256:" + std::string(64, 'a'))) != std::string::npos);
  CHECK(json["hasExtractedLicensingInfos"][0]["licenseId"] == "LicenseRef-public-domain");
}

TEST_CASE("sbom: the CycloneDX 1.5 document", "[sbom][golden]") {
  std::string document = WriteCycloneDx(Example());
  CheckGolden("example.cdx.json", document);
  nlohmann::json json = nlohmann::json::parse(document);
  CHECK(json["specVersion"] == "1.5");
  CHECK(json["dependencies"][0]["dependsOn"].size() == 4);  // all but the builder's base
  CHECK(json["components"][0]["scope"] == "excluded");
}

TEST_CASE("sbom: stable UUIDs have the version 5 layout", "[sbom]") {
  std::string uuid = StableUuid("x");
  REQUIRE(uuid.size() == 36);
  CHECK(uuid[14] == '5');
  CHECK(std::string("89ab").find(uuid[19]) != std::string::npos);
  CHECK(uuid == StableUuid("x"));
  CHECK(uuid != StableUuid("y"));
}

}  // namespace
}  // namespace strata::sbom
