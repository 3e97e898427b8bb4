// PushReferrer's choice between the referrers API and the tag schema. The tag schema runs against
// the real docker-registry in tests/integration/sbom_registry.sh; no registry with the referrers
// API runs here, so that answer (an OCI-Subject header) comes from a test server.
#include <mutex>
#include <vector>

#include "runtime/sbom/registry_referrer.h"
#include "tests/unit/registry_test_server.h"
#include "tests/unit/test_support.h"

namespace strata::sbom {
namespace {

const Subject kSubject{"application/vnd.oci.image.manifest.v1+json",
                       "sha256:" + std::string(64, 'a'), 10};

struct Recorded {
  std::mutex mutex;
  std::vector<testing::TestRequest> requests;
  void Add(const testing::TestRequest& request) {
    std::lock_guard<std::mutex> lock(mutex);
    requests.push_back(request);
  }
  bool Has(const std::string& method, const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex);
    for (const testing::TestRequest& request : requests)
      if (request.method == method && request.Path() == path) return true;
    return false;
  }
};

TEST_CASE("sbom: a registry that answers OCI-Subject lists the referrer itself",
          "[sbom][registry]") {
  testing::TempStore store("sbom-api");
  ReferrerManifest referrer =
      MakeReferrerManifest("doc", "application/spdx+json", "s", kSubject, 0);
  Recorded recorded;
  testing::TestHttpServer server([&](const testing::TestRequest& request) -> testing::TestResponse {
    recorded.Add(request);
    if (request.method == "HEAD") return {200, {}, ""};  // every blob is there
    if (request.method == "PUT" && request.Path() == "/v2/app/manifests/" + referrer.digest)
      return {
          201, {{"OCI-Subject", kSubject.digest}, {"Docker-Content-Digest", referrer.digest}}, ""};
    return {500, {}, "unexpected"};
  });
  llvm::Expected<ReferrersWay> way =
      PushReferrer(*store.store, server.host() + "/app:v1", "doc", referrer, kSubject.digest);
  testing::RequireOk(way);
  CHECK(*way == ReferrersWay::kApi);
  CHECK_FALSE(recorded.Has("GET", "/v2/app/manifests/sha256-" + std::string(64, 'a')));
}

TEST_CASE("sbom: without OCI-Subject the referrer goes into the sha256- tag's index",
          "[sbom][registry]") {
  testing::TempStore store("sbom-tag");
  ReferrerManifest referrer =
      MakeReferrerManifest("doc", "application/spdx+json", "s", kSubject, 0);
  const std::string tag_path = "/v2/app/manifests/sha256-" + std::string(64, 'a');
  std::string pushed_list;
  Recorded recorded;
  testing::TestHttpServer server([&](const testing::TestRequest& request) -> testing::TestResponse {
    recorded.Add(request);
    if (request.method == "HEAD") return {200, {}, ""};
    if (request.method == "PUT" && request.Path() == "/v2/app/manifests/" + referrer.digest)
      return {201, {}, ""};
    if (request.method == "GET" && request.Path() == tag_path) return {404, {}, "{\"errors\":[]}"};
    if (request.method == "PUT" && request.Path() == tag_path) {
      pushed_list = request.body;
      return {201, {}, ""};
    }
    return {500, {}, "unexpected"};
  });
  llvm::Expected<ReferrersWay> way =
      PushReferrer(*store.store, server.host() + "/app:v1", "doc", referrer, kSubject.digest);
  testing::RequireOk(way);
  CHECK(*way == ReferrersWay::kTagSchema);
  nlohmann::json list = nlohmann::json::parse(pushed_list);
  REQUIRE(list["manifests"].size() == 1);
  CHECK(list["manifests"][0]["digest"] == referrer.digest);
  CHECK(list["manifests"][0]["artifactType"] == "application/spdx+json");
}

}  // namespace
}  // namespace strata::sbom
