// The libcurl side of the registry client: RAII handles, header capture, streamed bodies.
#include "runtime/oci/registry_http.h"

#include <curl/curl.h>
#include <llvm/ADT/StringExtras.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>

#include "runtime/oci/lazy_curl.h"

namespace strata::oci {
namespace {

struct EasyFree {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct ListFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct FileClose {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using EasyHandle = std::unique_ptr<CURL, EasyFree>;
using HeaderList = std::unique_ptr<curl_slist, ListFree>;
using File = std::unique_ptr<std::FILE, FileClose>;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  CURL* handle = nullptr;
  HttpResponse response;
  const BodySink* sink = nullptr;
  bool is_file = false;  // a file:// transfer has no status code: its body is the content
  std::string url;       // for messages
  std::optional<llvm::Error> sink_error;
  // Reading the request body.
  std::FILE* upload = nullptr;
  llvm::StringRef upload_bytes;
  size_t upload_offset = 0;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  llvm::StringRef line(data, size * count);
  // A status line starts a new response (after a redirect or a 100 Continue): forget the old
  // headers.
  if (line.startswith("HTTP/")) transfer->response.headers.clear();
  auto [name, value] = line.split(':');
  if (!value.empty() || line.contains(':'))
    transfer->response.headers[name.trim().lower()] = value.trim().str();
  return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  long status = 0;
  curl_easy_getinfo(transfer->handle, CURLINFO_RESPONSE_CODE, &status);
  if (transfer->sink && *transfer->sink && (transfer->is_file || (status >= 200 && status < 300))) {
    if (llvm::Error error = (*transfer->sink)(data, size * count)) {
      transfer->sink_error.emplace(std::move(error));
      return 0;  // aborts the transfer
    }
  } else {
    if (transfer->response.body.size() + size * count > kMaxHeldBodyBytes) {
      transfer->sink_error.emplace(llvm::createStringError(
          std::errc::file_too_large, "%s answered with a body larger than 16 MiB (HTTP %ld)",
          UrlHost(transfer->url).c_str(), status));
      return 0;  // aborts the transfer
    }
    transfer->response.body.append(data, size * count);
  }
  return size * count;
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  if (transfer->upload) return std::fread(buffer, 1, size * count, transfer->upload);
  size_t n = std::min(size * count, transfer->upload_bytes.size() - transfer->upload_offset);
  std::memcpy(buffer, transfer->upload_bytes.data() + transfer->upload_offset, n);
  transfer->upload_offset += n;
  return n;
}

bool IsConnectFailure(CURLcode code) {
  return code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY ||
         code == CURLE_COULDNT_CONNECT || code == CURLE_OPERATION_TIMEDOUT ||
         code == CURLE_SSL_CONNECT_ERROR || code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR ||
         code == CURLE_GOT_NOTHING;
}

}  // namespace

std::string HttpResponse::Header(llvm::StringRef name) const {
  auto it = headers.find(name.lower());
  return it == headers.end() ? "" : it->second;
}

std::string UrlHost(llvm::StringRef url) {
  if (size_t scheme = url.find("://"); scheme != llvm::StringRef::npos)
    url = url.substr(scheme + 3);
  return url.substr(0, url.find_first_of("/?#")).str();
}

std::string UrlEscape(llvm::StringRef value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

llvm::Expected<HttpResponse> Perform(const HttpRequest& request, const BodySink& sink) {
  GlobalInit();
  EasyHandle easy(curl_easy_init());
  if (!easy) {
    std::string why = CurlLoadError();
    return llvm::createStringError(
        std::make_error_code(std::errc::not_enough_memory),
        "cannot create a curl handle" + (why.empty() ? why : ": " + why));
  }
  CURL* h = easy.get();
  Transfer transfer;
  transfer.handle = h;
  transfer.sink = &sink;
  transfer.url = request.url;
  transfer.is_file = request.allow_file && llvm::StringRef(request.url).startswith("file://");

  HeaderList headers;
  std::vector<std::string> header_lines = request.headers;
  // No `Expect: 100-continue` round trip before uploads.
  header_lines.push_back("Expect:");
  for (const std::string& header : header_lines) {
    curl_slist* grown = curl_slist_append(headers.get(), header.c_str());
    if (!grown)
      return llvm::createStringError(std::errc::not_enough_memory, "cannot build headers");
    headers.release();
    headers.reset(grown);
  }
  File upload;
  curl_off_t upload_size = -1;
  if (!request.body_file.empty()) {
    upload.reset(std::fopen(request.body_file.c_str(), "rb"));
    if (!upload)
      return llvm::createStringError(std::error_code(errno, std::generic_category()),
                                     "cannot read %s: %s", request.body_file.c_str(),
                                     std::strerror(errno));
    std::fseek(upload.get(), 0, SEEK_END);
    upload_size = std::ftell(upload.get());
    std::fseek(upload.get(), 0, SEEK_SET);
    transfer.upload = upload.get();
  } else {
    transfer.upload_bytes = request.body;
    upload_size = static_cast<curl_off_t>(request.body.size());
  }

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, request.allow_file ? "file,http,https" : "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
  // A stalled transfer (under 1 byte/s for a minute) fails instead of hanging the build.
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  // Loopback registries are never reached through a proxy from the environment.
  std::string no_proxy = "localhost,127.0.0.1,::1";
  for (const char* name : {"no_proxy", "NO_PROXY"})
    if (const char* value = std::getenv(name); value && *value)
      no_proxy += std::string(",") + value;
  curl_easy_setopt(h, CURLOPT_NOPROXY, no_proxy.c_str());
  curl_easy_setopt(h, CURLOPT_USERAGENT, "strata/0.1");
  char error_text[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_text);
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT" || request.method == "PATCH") {
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, upload_size);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(h, CURLOPT_READDATA, &transfer);
    if (request.method == "PATCH") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PATCH");
  } else if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, upload_size);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(h, CURLOPT_READDATA, &transfer);
  } else if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  CURLcode code = curl_easy_perform(h);
  if (transfer.sink_error) return std::move(*transfer.sink_error);
  if (code != CURLE_OK) {
    std::string host = UrlHost(request.url);
    std::string detail = error_text[0] ? error_text : curl_easy_strerror(code);
    if (IsConnectFailure(code))
      return llvm::createStringError(std::errc::host_unreachable,
                                     "cannot reach %s %s (%s): is it running and reachable? This "
                                     "machine may have no network access; %s",
                                     request.server_kind.c_str(), host.c_str(), detail.c_str(),
                                     request.offline_hint.c_str());
    return llvm::createStringError(std::errc::io_error, "%s %s: %s", request.method.c_str(),
                                   request.url.c_str(), detail.c_str());
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  if (transfer.is_file) transfer.response.status = 200;  // curl fails a missing file itself
  return std::move(transfer.response);
}

}  // namespace strata::oci
