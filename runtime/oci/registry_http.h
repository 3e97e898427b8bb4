// A small blocking HTTP client over libcurl (one easy handle per request): the one transfer path
// for the registry API, Debian mirrors and `fetch`.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace strata::oci {

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, POST, PUT
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  // The request body: `body_file` (streamed from disk) when set, else `body`. Both can be sent
  // again, so a request can be retried after an authentication challenge.
  std::string body;
  std::string body_file;
  bool follow_redirects = true;  // blob downloads are often redirected to a CDN
  // file:// URLs too (a `fetch` of a local file, answered as status 200); registries and
  // mirrors speak http(s) only.
  bool allow_file = false;
  // What the server is and what to do without it, for the message when it cannot be reached.
  std::string server_kind = "registry";
  std::string offline_hint =
      "pin images with `strata lock` on a machine that has, or use `load` with a local image";
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string>
      headers;       // lowercase names; the last value of the final response
  std::string body;  // unless a sink took it
  std::string Header(llvm::StringRef name) const;
};

// The most of a response body Perform holds in memory (HttpResponse::body: a request without a
// sink, or an error status's body); past it the transfer stops with an error, so a server
// answering with an endless body costs no more. Registry documents that can be larger (layers)
// go through a sink; tokens, errors and manifests (4 MiB, registry_client.cpp) are far smaller.
inline constexpr size_t kMaxHeldBodyBytes = 16 << 20;

// Receives the body of a 2xx response as it arrives; an error aborts the transfer and is
// returned by Perform. Bodies of other statuses go to HttpResponse::body (for messages).
using BodySink = std::function<llvm::Error(const char* data, size_t size)>;

// Performs one request. An HTTP error status is a response, not an error; an error is a
// failure to talk to the server at all, and its message names the host and says that this
// machine may have no network.
llvm::Expected<HttpResponse> Perform(const HttpRequest& request, const BodySink& sink = nullptr);

// "host[:port]" of an http(s) URL.
std::string UrlHost(llvm::StringRef url);
// Percent-encodes a query value.
std::string UrlEscape(llvm::StringRef value);

}  // namespace strata::oci
