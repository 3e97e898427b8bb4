// The registry client against a fake loopback registry: pulls, token challenges, config.json
// credentials, digest checks, and the errors for 404, refusals and unreachable registries.
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "runtime/oci/registry.h"
#include "runtime/oci/registry_auth.h"
#include "tests/unit/registry_fixture.h"

using namespace strata;
using strata::testing::DigestOf;
using strata::testing::FakeRegistry;
using strata::testing::FakeRegistryServer;
using strata::testing::Must;
using strata::testing::OpenTestStore;
using strata::testing::RegistryTempDir;
using strata::testing::TestHttpServer;
using strata::testing::TestRequest;
using strata::testing::TestResponse;

namespace {

template <typename T>
std::string ErrorOf(llvm::Expected<T> value) {
  REQUIRE_FALSE(static_cast<bool>(value));
  return llvm::toString(value.takeError());
}

}  // namespace

TEST_CASE("PullImage fetches manifest, config and layers into the store", "[registry]") {
  FakeRegistry registry;
  std::string digest = registry.AddImage("v1", "the layer");
  FakeRegistryServer server(registry);
  RegistryTempDir dir;
  store::Store store = OpenTestStore(dir.path);
  oci::PulledImage pulled = Must(oci::PullImage(store, server.Ref(":v1"), ""));
  CHECK(pulled.digest == digest);
  CHECK(pulled.manifest_digest == digest);
  REQUIRE(pulled.image.layers.size() == 1);
  CHECK(pulled.image.layers[0].digest == DigestOf("the layer"));
  CHECK(store.HasBlob(DigestOf("the layer")));
  CHECK(store.HasBlob(pulled.config_digest));
  CHECK(store.HasBlob(digest));  // the manifest too, so a pinned pull can work offline
  CHECK(pulled.image.config["Env"] == nlohmann::json({"PATH=/bin"}));
}

TEST_CASE("a pinned pull whose blobs are in the store makes no request", "[registry]") {
  FakeRegistry registry;
  std::string digest = registry.AddImage("v1", "offline layer");
  RegistryTempDir dir;
  store::Store store = OpenTestStore(dir.path);
  std::string host;
  {
    FakeRegistryServer server(registry);
    host = server.host();
    Must(oci::PullImage(store, host + "/team/app:v1", digest));
  }
  // The server is gone: only the store can answer.
  oci::PulledImage again = Must(oci::PullImage(store, host + "/team/app:v1", digest));
  CHECK(again.image.layers[0].digest == DigestOf("offline layer"));
}

TEST_CASE("a pinned pull uses the digest, not the tag", "[registry]") {
  FakeRegistry registry;
  std::string old_digest = registry.AddImage("", "old layer");
  registry.AddImage("v1", "new layer");
  FakeRegistryServer server(registry);
  RegistryTempDir dir;
  store::Store store = OpenTestStore(dir.path);
  oci::PulledImage pulled = Must(oci::PullImage(store, server.Ref(":v1"), old_digest));
  CHECK(pulled.image.layers[0].digest == DigestOf("old layer"));
  CHECK(ErrorOf(oci::PullImage(store, server.Ref("@" + DigestOf("x")), old_digest))
            .find("but the lock pins") != std::string::npos);
}

TEST_CASE("an index resolves to the linux/amd64 image", "[registry]") {
  FakeRegistry registry;
  std::string arm = registry.AddImage("", "arm", "application/vnd.oci.image.manifest.v1+json",
                                      "application/vnd.oci.image.layer.v1.tar+gzip", "arm64");
  std::string amd = registry.AddImage("", "amd");
  std::string index = registry.AddIndex("multi", {{"linux/arm64", arm}, {"linux/amd64", amd}});
  FakeRegistryServer server(registry);
  RegistryTempDir dir;
  store::Store store = OpenTestStore(dir.path);
  oci::PulledImage pulled = Must(oci::PullImage(store, server.Ref(":multi"), ""));
  CHECK(pulled.digest == index);
  CHECK(pulled.manifest_digest == amd);
  CHECK(pulled.image.layers[0].digest == DigestOf("amd"));
  CHECK_FALSE(store.HasBlob(DigestOf("arm")));
  CHECK(llvm::cantFail(oci::ResolveDigest(server.Ref(":multi"))) == index);
}

TEST_CASE("Bearer challenges are answered with a token for the repository scope", "[registry]") {
  FakeRegistry registry;
  registry.token = "tok123";
  std::string digest = registry.AddImage("v1", "private layer");
  FakeRegistryServer server(registry);
  RegistryTempDir dir;
  store::Store store = OpenTestStore(dir.path);
  Must(oci::PullImage(store, server.Ref(":v1"), ""));
  std::vector<TestRequest> requests = server.requests();
  int token_requests = 0;
  for (const TestRequest& request : requests)
    if (request.Path() == "/token") {
      ++token_requests;
      CHECK(request.target.find("scope=repository%3Ateam%2Fapp%3Apull") != std::string::npos);
      CHECK(request.target.find("service=fake-registry") != std::string::npos);
      CHECK(request.Header("authorization").empty());  // anonymous: no config.json entry
    }
  CHECK(token_requests == 1);  // the token is kept for the following requests
  CHECK(requests.front().Header("authorization").empty());
  CHECK(requests.back().Header("authorization") == "Bearer tok123");
  CHECK(llvm::cantFail(oci::ResolveDigest(server.Ref(":v1"))) == digest);
}

TEST_CASE("Basic challenges use config.json credentials, and say how to log in without them",
          "[registry]") {
  const std::string expected = "Basic " + oci::Base64Encode("alice:pw");
  TestHttpServer server([&](const TestRequest& request) -> TestResponse {
    if (request.Header("authorization") != expected)
      return {401, {{"WWW-Authenticate", "Basic realm=\"test\""}}, ""};
    return {200, {{"Docker-Content-Digest", DigestOf("m")}}, "m"};
  });
  RegistryTempDir dir;
  ::setenv("DOCKER_CONFIG", dir.path.c_str(), 1);
  std::string ref = server.host() + "/app:1";
  CHECK(ErrorOf(oci::ResolveDigest(ref)).find("requires a login") != std::string::npos);
  std::ofstream(dir.path + "/config.json") << "{\"auths\": {\"http://" + server.host() +
                                                  "\": {\"auth\": \"" +
                                                  oci::Base64Encode("alice:pw") + "\"}}}";
  std::string digest = Must(oci::ResolveDigest(ref));
  ::unsetenv("DOCKER_CONFIG");
  CHECK(digest == DigestOf("m"));
}

TEST_CASE("a token service that refuses gives a login hint", "[registry]") {
  TestHttpServer server([](const TestRequest& request) -> TestResponse {
    if (request.Path() == "/token")
      return {401, {}, R"({"errors":[{"code":"DENIED","message":"no"}]})"};
    return {401, {{"WWW-Authenticate", "Bearer realm=\"http://127.0.0.1:1/token\""}}, ""};
  });
  // The realm points at a closed port: the token request cannot connect.
  CHECK(ErrorOf(oci::ResolveDigest(server.host() + "/app:1"))
            .find("cannot reach registry 127.0.0.1:1") != std::string::npos);
  TestHttpServer refusing([&](const TestRequest& request) -> TestResponse {
    if (request.Path() == "/token")
      return {403, {}, R"({"errors":[{"code":"DENIED","message":"denied"}]})"};
    return {401,
            {{"WWW-Authenticate", "Bearer realm=\"http://" + std::string("127.0.0.1:") +
                                      std::to_string(refusing.port()) + "/token\""}},
            ""};
  });
  std::string message = ErrorOf(oci::ResolveDigest(refusing.host() + "/app:1"));
  CHECK(message.find("refused access to repository:app:pull (HTTP 403, DENIED: denied)") !=
        std::string::npos);
  CHECK(message.find("docker login " + refusing.host()) != std::string::npos);
}

TEST_CASE("unknown tags and repositories are clear 404 errors", "[registry]") {
  FakeRegistry registry;
  registry.AddImage("v1", "x");
  FakeRegistryServer server(registry);
  RegistryTempDir dir;
  store::Store store = OpenTestStore(dir.path);
  std::string tag = ErrorOf(oci::PullImage(store, server.Ref(":nope"), ""));
  CHECK(tag == "image " + server.Ref(":nope") + " not found (HTTP 404 from " + server.host() +
                   ", MANIFEST_UNKNOWN: manifest unknown): check the image name and tag");
  CHECK(ErrorOf(oci::ResolveDigest(server.host() + "/other:v1")).find("NAME_UNKNOWN") !=
        std::string::npos);
}

TEST_CASE("a blob that does not match its digest is refused and not stored", "[registry]") {
  FakeRegistry registry;
  std::string digest = registry.AddImage("v1", "good layer");
  registry.blobs[DigestOf("good layer")] = "evil layer";  // same size, other bytes
  FakeRegistryServer server(registry);
  RegistryTempDir dir;
  store::Store store = OpenTestStore(dir.path);
  std::string message = ErrorOf(oci::PullImage(store, server.Ref(":v1"), ""));
  CHECK(message.find("blob " + DigestOf("good layer")) != std::string::npos);
  CHECK(message.find("does not match its digest") != std::string::npos);
  CHECK_FALSE(store.HasBlob(DigestOf("good layer")));
  CHECK_FALSE(store.HasBlob(DigestOf("evil layer")));

  registry.blobs[DigestOf("good layer")] = "good layer plus more";
  FakeRegistryServer longer(registry);
  CHECK(ErrorOf(oci::PullImage(store, longer.Ref(":v1"), "")).find("more than the 10 bytes") !=
        std::string::npos);
}

TEST_CASE("a manifest that does not match the pinned digest is refused", "[registry]") {
  FakeRegistry registry;
  std::string digest = registry.AddImage("v1", "layer");
  registry.manifests[digest].second += " ";
  FakeRegistryServer server(registry);
  RegistryTempDir dir;
  store::Store store = OpenTestStore(dir.path);
  CHECK(ErrorOf(oci::PullImage(store, server.Ref(":v1"), digest))
            .find("refused (corrupt or tampered)") != std::string::npos);
  CHECK_FALSE(store.HasBlob(digest));
}

TEST_CASE("ResolveDigest uses Docker-Content-Digest, else hashes the manifest", "[registry]") {
  FakeRegistry registry;
  std::string digest = registry.AddImage("v1", "layer");
  registry.send_digest_header = false;
  FakeRegistryServer server(registry);
  CHECK(llvm::cantFail(oci::ResolveDigest(server.Ref(":v1"))) == digest);
  std::string pinned = "sha256:" + std::string(64, 'b');
  CHECK(llvm::cantFail(oci::ResolveDigest("127.0.0.1:1/app@" + pinned)) == pinned);  // no request
}

TEST_CASE("an unreachable registry names the host and the missing network", "[registry]") {
  // A bound but never listening socket: connections to its port are refused.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  std::string host = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  std::string message = ErrorOf(oci::ResolveDigest(host + "/app:1"));
  ::close(fd);
  CHECK(message.find("cannot reach registry " + host) != std::string::npos);
  CHECK(message.find("no network") != std::string::npos);
}

TEST_CASE("a pulled layer whose bytes contradict its media type is refused", "[registry]") {
  FakeRegistry registry;
  registry.AddImage("gz", "not gzip at all", "application/vnd.oci.image.manifest.v1+json",
                    "application/vnd.oci.image.layer.v1.tar+gzip");
  registry.AddImage("evil", "x", "application/vnd.oci.image.manifest.v1+json",
                    "application/x-evil");
  FakeRegistryServer server(registry);
  RegistryTempDir dir;
  store::Store store = OpenTestStore(dir.path);
  llvm::Expected<oci::PulledImage> mislabelled = oci::PullImage(store, server.Ref(":gz"), "");
  REQUIRE_FALSE(static_cast<bool>(mislabelled));
  CHECK_THAT(llvm::toString(mislabelled.takeError()),
             Catch::Contains("says gzip, but its bytes are not compressed"));
  llvm::Expected<oci::PulledImage> unknown = oci::PullImage(store, server.Ref(":evil"), "");
  REQUIRE_FALSE(static_cast<bool>(unknown));
  CHECK_THAT(llvm::toString(unknown.takeError()),
             Catch::Contains("unsupported layer media type 'application/x-evil'"));
}
