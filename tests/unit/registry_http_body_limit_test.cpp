// oci::Perform keeps a response body in memory only up to a limit: a server (a registry, its
// token service) answering with a huge or endless body is an error, not unbounded memory.
#include "runtime/oci/registry_http.h"
#include "tests/unit/registry_test_server.h"
#include "tests/unit/test_support.h"

namespace strata::oci {
namespace {

using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;

std::string ErrorText(llvm::Expected<HttpResponse>& response) {
  return response ? "" : llvm::toString(response.takeError());
}

TEST_CASE("Perform refuses a body it would hold in memory past the limit", "[registry]") {
  std::string huge((16 << 20) + 1, 'x');  // one byte past the limit
  TestHttpServer server([&](const TestRequest& request) -> TestResponse {
    if (request.Path() == "/small") return {500, {}, "{\"errors\":[]}"};
    return {request.Path() == "/error" ? 500 : 200, {}, huge};
  });
  HttpRequest request;
  request.url = "http://" + server.host() + "/ok";
  llvm::Expected<HttpResponse> plain = Perform(request);
  CHECK(ErrorText(plain).find("larger than 16 MiB") != std::string::npos);
  // An error status's body is kept for messages only, with a sink taking 2xx bodies.
  request.url = "http://" + server.host() + "/error";
  llvm::Expected<HttpResponse> error =
      Perform(request, [](const char*, size_t) { return llvm::Error::success(); });
  CHECK(ErrorText(error).find("larger than 16 MiB") != std::string::npos);
  request.url = "http://" + server.host() + "/small";
  llvm::Expected<HttpResponse> small = Perform(request);
  testing::RequireOk(small);
  CHECK(small->status == 500);
  CHECK(small->body == "{\"errors\":[]}");
}

}  // namespace
}  // namespace strata::oci
