// The SBOM's OCI 1.1 referrer manifest and the referrers tag schema in an OCI layout.
#include "runtime/oci/file_copy.h"
#include "runtime/sbom/layout_referrer.h"
#include "runtime/sbom/referrer_manifest.h"
#include "runtime/store/sha256.h"
#include "tests/unit/test_support.h"

namespace strata::sbom {
namespace {

const Subject kSubject{"application/vnd.oci.image.manifest.v1+json",
                       "sha256:" + std::string(64, 'a'), 123};

TEST_CASE("sbom: the referrer manifest names the image as its subject", "[sbom]") {
  ReferrerManifest referrer =
      MakeReferrerManifest("{}\n", "application/spdx+json", "sbom.spdx.json", kSubject, 0);
  nlohmann::json manifest = nlohmann::json::parse(referrer.bytes);
  CHECK(manifest["artifactType"] == "application/spdx+json");
  CHECK(manifest["subject"]["digest"] == kSubject.digest);
  CHECK(manifest["subject"]["size"] == 123);
  CHECK(manifest["config"]["digest"] == kEmptyDigest);
  CHECK(store::Sha256Digest(kEmptyBytes, 2) == kEmptyDigest);
  CHECK(manifest["layers"][0]["digest"] == store::Sha256Digest("{}\n", 3));
  CHECK(referrer.digest == store::Sha256Digest(referrer.bytes.data(), referrer.bytes.size()));
  CHECK(referrer.descriptor["artifactType"] == "application/spdx+json");
  CHECK(ReferrersTag(kSubject.digest) == "sha256-" + std::string(64, 'a'));
  // Same inputs, same bytes.
  CHECK(
      MakeReferrerManifest("{}\n", "application/spdx+json", "sbom.spdx.json", kSubject, 0).bytes ==
      referrer.bytes);
}

TEST_CASE("sbom: a referrers list replaces the same referrer and is sorted", "[sbom]") {
  ReferrerManifest spdx = MakeReferrerManifest("a", "application/spdx+json", "s", kSubject, 0);
  ReferrerManifest cdx =
      MakeReferrerManifest("b", "application/vnd.cyclonedx+json", "c", kSubject, 0);
  std::string one = MergeReferrers(nullptr, cdx);
  std::string two = MergeReferrers(nlohmann::json::parse(one), spdx);
  std::string again = MergeReferrers(nlohmann::json::parse(two), spdx);
  CHECK(two == again);
  CHECK(two == MergeReferrers(nlohmann::json::parse(MergeReferrers(nullptr, spdx)), cdx));
  nlohmann::json index = nlohmann::json::parse(two);
  REQUIRE(index["manifests"].size() == 2);
  CHECK(index["manifests"][0]["artifactType"] == "application/spdx+json");
}

TEST_CASE("sbom: attaching to a layout adds the sha256- tag and leaves the image entry", "[sbom]") {
  testing::TempDir dir("sbom-layout");
  nlohmann::json image_entry = {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                {"digest", kSubject.digest},
                                {"size", 123},
                                {"annotations", {{"org.opencontainers.image.ref.name", "v1"}}}};
  testing::RequireOk(oci::MakeDirs(dir.path + "/blobs/sha256"));
  testing::WriteFile(dir.path + "/index.json",
                     nlohmann::json({{"schemaVersion", 2}, {"manifests", {image_entry}}}).dump());
  ReferrerManifest spdx = MakeReferrerManifest("spdx", "application/spdx+json", "s", kSubject, 0);
  ReferrerManifest cdx =
      MakeReferrerManifest("cdx", "application/vnd.cyclonedx+json", "c", kSubject, 0);
  testing::RequireOk(AttachToLayout(dir.path, "spdx", spdx, kSubject.digest));
  testing::RequireOk(AttachToLayout(dir.path, "cdx", cdx, kSubject.digest));
  testing::RequireOk(AttachToLayout(dir.path, "cdx", cdx, kSubject.digest));
  nlohmann::json index = nlohmann::json::parse(testing::ReadFile(dir.path + "/index.json"));
  REQUIRE(index["manifests"].size() == 2);
  CHECK(index["manifests"][0] == image_entry);
  nlohmann::json tagged = index["manifests"][1];
  CHECK(tagged["annotations"]["org.opencontainers.image.ref.name"] ==
        "sha256-" + std::string(64, 'a'));
  CHECK(tagged["mediaType"] == "application/vnd.oci.image.index.v1+json");
  std::string hex = tagged["digest"].get<std::string>().substr(7);
  nlohmann::json list = nlohmann::json::parse(testing::ReadFile(dir.path + "/blobs/sha256/" + hex));
  REQUIRE(list["manifests"].size() == 2);
  for (const ReferrerManifest* referrer : {&spdx, &cdx})
    CHECK(testing::ReadFile(dir.path + "/blobs/sha256/" + referrer->digest.substr(7)) ==
          referrer->bytes);
  CHECK(testing::ReadFile(dir.path + "/blobs/sha256/" + std::string(kEmptyDigest).substr(7)) ==
        "{}");
}

}  // namespace
}  // namespace strata::sbom
