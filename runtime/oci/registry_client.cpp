// The distribution API calls the pull and push paths need, with token and basic authentication.
#include "runtime/oci/registry_client.h"

#include <nlohmann/json.hpp>

#include "runtime/oci/registry_manifest.h"
#include "runtime/store/sha256.h"

namespace strata::oci {

const char* const kManifestAccept =
    "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

namespace {

// Larger manifests are refused rather than held in memory (containerd has the same limit).
constexpr size_t kMaxManifestBytes = 4 << 20;

bool IsDigest(llvm::StringRef text) {
  return text.consume_front("sha256:") && text.size() == 64 &&
         text.find_first_not_of("0123456789abcdef") == llvm::StringRef::npos;
}

std::string LoginHint(const ImageReference& ref) {
  std::string login = ref.registry == "docker.io" ? "docker login" : "docker login " + ref.registry;
  return "log in with `" + login +
         "` (credentials are read from $DOCKER_CONFIG/config.json or ~/.docker/config.json), "
         "or check that the repository exists";
}

// "MANIFEST_UNKNOWN: manifest unknown" from a registry's error document, or "".
std::string RegistryErrorText(const std::string& body) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return "";
  auto errors = json.find("errors");
  if (errors == json.end() || !errors->is_array() || errors->empty() || !(*errors)[0].is_object())
    return "";
  const nlohmann::json& first = (*errors)[0];
  std::string code = JsonString(first, "code");
  std::string message = JsonString(first, "message");
  return code.empty() ? message : message.empty() ? code : code + ": " + message;
}

}  // namespace

RegistryClient::RegistryClient(ImageReference ref, bool push) : ref_(std::move(ref)), push_(push) {}

std::string RegistryClient::Scope() const {
  return "repository:" + ref_.repository + (push_ ? ":pull,push" : ":pull");
}

llvm::Expected<HttpResponse> RegistryClient::Send(HttpRequest request, const BodySink& sink) {
  if (llvm::StringRef(request.url).startswith("/"))
    request.url = ref_.RepositoryUrl() + request.url;
  for (int attempt = 0;; ++attempt) {
    HttpRequest sent = request;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!authorization_.empty()) sent.headers.push_back(authorization_);
    }
    llvm::Expected<HttpResponse> response = Perform(sent, sink);
    if (!response || response->status != 401 || attempt == 1) return response;
    if (llvm::Error error = Authenticate(*response)) return error;
  }
}

llvm::Error RegistryClient::Authenticate(const HttpResponse& challenge_response) {
  std::optional<AuthChallenge> challenge =
      ParseChallenge(challenge_response.Header("www-authenticate"));
  if (!challenge)
    return StatusError(challenge_response, "repository " + ref_.registry + "/" + ref_.repository);
  llvm::Expected<std::optional<Credentials>> credentials = LookupCredentials(ref_.registry);
  if (!credentials) return credentials.takeError();
  std::string basic =
      *credentials ? "Authorization: Basic " +
                         Base64Encode((*credentials)->username + ":" + (*credentials)->password)
                   : "";
  if (challenge->scheme == "basic") {
    if (basic.empty())
      return llvm::createStringError(
          std::errc::permission_denied, "registry %s requires a login for %s (HTTP 401): %s",
          ref_.registry.c_str(), ref_.repository.c_str(), LoginHint(ref_).c_str());
    std::lock_guard<std::mutex> lock(mutex_);
    authorization_ = basic;
    return llvm::Error::success();
  }
  if (challenge->scheme != "bearer")
    return llvm::createStringError(
        std::errc::not_supported,
        "registry %s asks for '%s' authentication, which Strata does not support",
        ref_.registry.c_str(), challenge->scheme.c_str());
  std::string realm = challenge->params["realm"];
  if (realm.empty())
    return llvm::createStringError(std::errc::protocol_error,
                                   "registry %s sent a Bearer challenge without a realm",
                                   ref_.registry.c_str());
  HttpRequest token_request;
  token_request.url =
      realm + (realm.find('?') == std::string::npos ? "?" : "&") + "scope=" + UrlEscape(Scope());
  if (!challenge->params["service"].empty())
    token_request.url += "&service=" + UrlEscape(challenge->params["service"]);
  if (!basic.empty()) token_request.headers.push_back(basic);
  llvm::Expected<HttpResponse> token_response = Perform(token_request);
  if (!token_response) return token_response.takeError();
  if (token_response->status != 200) {
    std::string detail = RegistryErrorText(token_response->body);
    return llvm::createStringError(
        std::errc::permission_denied,
        "the token service of registry %s (%s) refused access to %s (HTTP %ld%s%s): %s",
        ref_.registry.c_str(), UrlHost(realm).c_str(), Scope().c_str(), token_response->status,
        detail.empty() ? "" : ", ", detail.c_str(), LoginHint(ref_).c_str());
  }
  nlohmann::json json =
      nlohmann::json::parse(token_response->body, nullptr, /*allow_exceptions=*/false);
  std::string token;
  if (json.is_object()) {
    token = JsonString(json, "token");
    if (token.empty()) token = JsonString(json, "access_token");
  }
  if (token.empty())
    return llvm::createStringError(std::errc::protocol_error,
                                   "the token service %s returned no token",
                                   UrlHost(realm).c_str());
  std::lock_guard<std::mutex> lock(mutex_);
  authorization_ = "Authorization: Bearer " + token;
  return llvm::Error::success();
}

llvm::Error RegistryClient::StatusError(const HttpResponse& response,
                                        const std::string& what) const {
  std::string detail = RegistryErrorText(response.body);
  std::string status = "HTTP " + std::to_string(response.status) + " from " + ref_.ApiHost() +
                       (detail.empty() ? "" : ", " + detail);
  std::errc code = std::errc::io_error;
  std::string message;
  switch (response.status) {
    case 401:
    case 403:
      code = std::errc::permission_denied;
      message = "access to " + what + " denied (" + status + "): " + LoginHint(ref_);
      break;
    case 404:
      code = std::errc::no_such_file_or_directory;
      message = what + " not found (" + status + "): check the image name and tag";
      break;
    case 429:
      message = "registry " + ref_.registry + " is rate limiting requests (" + status +
                "); try again later";
      break;
    default:
      message = "registry " + ref_.registry + " failed on " + what + " (" + status + ")";
  }
  return llvm::createStringError(code, "%s", message.c_str());
}

llvm::Expected<ManifestBytes> RegistryClient::GetManifest(const std::string& reference) {
  HttpRequest request;
  request.url = "/manifests/" + reference;
  request.headers.push_back(kManifestAccept);
  ManifestBytes manifest;
  BodySink sink = [&](const char* data, size_t size) -> llvm::Error {
    if (manifest.bytes.size() + size > kMaxManifestBytes)
      return llvm::createStringError(std::errc::file_too_large,
                                     "the manifest of %s is larger than 4 MiB",
                                     ref_.String().c_str());
    manifest.bytes.append(data, size);
    return llvm::Error::success();
  };
  llvm::Expected<HttpResponse> response = Send(request, sink);
  if (!response) return response.takeError();
  std::string name =
      ref_.registry + "/" + ref_.repository + (IsDigest(reference) ? "@" : ":") + reference;
  if (response->status != 200) return StatusError(*response, "image " + name);
  manifest.digest = store::Sha256Digest(manifest.bytes.data(), manifest.bytes.size());
  if (IsDigest(reference) && manifest.digest != reference)
    return llvm::createStringError(
        std::errc::illegal_byte_sequence,
        "the manifest of %s from %s has digest %s: refused (corrupt or tampered)", name.c_str(),
        ref_.ApiHost().c_str(), manifest.digest.c_str());
  manifest.media_type = ManifestMediaType(response->Header("content-type"), manifest.bytes);
  return manifest;
}

llvm::Expected<std::string> RegistryClient::ResolveManifest(const std::string& reference) {
  if (IsDigest(reference)) return reference;
  HttpRequest request;
  request.method = "HEAD";
  request.url = "/manifests/" + reference;
  request.headers.push_back(kManifestAccept);
  llvm::Expected<HttpResponse> response = Send(request);
  if (!response) return response.takeError();
  std::string digest = response->Header("docker-content-digest");
  if (response->status == 200 && IsDigest(digest)) return digest;
  // No digest header, or an error whose body (absent from HEAD) explains it: GET it.
  llvm::Expected<ManifestBytes> manifest = GetManifest(reference);
  if (!manifest) return manifest.takeError();
  return manifest->digest;
}

llvm::Error RegistryClient::FetchBlob(const store::Store& store, const std::string& digest,
                                      int64_t size) {
  if (store.HasBlob(digest)) return llvm::Error::success();
  llvm::Expected<store::BlobWriter> writer = store.NewBlobWriter();
  if (!writer) return writer.takeError();
  std::string what = "blob " + digest + " of " + ref_.registry + "/" + ref_.repository;
  BodySink sink = [&](const char* data, size_t n) -> llvm::Error {
    if (size >= 0 && writer->Size() + n > static_cast<uint64_t>(size))
      return llvm::createStringError(
          std::errc::illegal_byte_sequence,
          "%s: the registry sent more than the %lld bytes the manifest declares: "
          "refused (corrupt or tampered)",
          what.c_str(), static_cast<long long>(size));
    return writer->Write(data, n);
  };
  HttpRequest request;
  request.url = "/blobs/" + digest;
  llvm::Expected<HttpResponse> response = Send(request, sink);
  if (!response) return response.takeError();
  if (response->status != 200) return StatusError(*response, what);
  if (size >= 0 && writer->Size() != static_cast<uint64_t>(size))
    return llvm::createStringError(
        std::errc::illegal_byte_sequence,
        "%s: got %llu bytes, the manifest declares %lld: refused (truncated or tampered)",
        what.c_str(), static_cast<unsigned long long>(writer->Size()),
        static_cast<long long>(size));
  llvm::Expected<std::string> committed = writer->CommitExpecting(digest);
  if (!committed)
    return llvm::createStringError(
        std::errc::illegal_byte_sequence,
        "%s: the downloaded content does not match its digest (%s): refused "
        "(corrupt or tampered download)",
        what.c_str(), llvm::toString(committed.takeError()).c_str());
  return llvm::Error::success();
}

llvm::Expected<bool> RegistryClient::HasBlob(const std::string& digest) {
  HttpRequest request;
  request.method = "HEAD";
  request.url = "/blobs/" + digest;
  llvm::Expected<HttpResponse> response = Send(request);
  if (!response) return response.takeError();
  if (response->status == 200) return true;
  if (response->status == 404) return false;
  return StatusError(*response, "blob " + digest + " of " + ref_.registry + "/" + ref_.repository);
}

llvm::Error RegistryClient::UploadBlob(const std::string& digest, const std::string& path) {
  std::string what =
      "the upload of blob " + digest + " to " + ref_.registry + "/" + ref_.repository;
  HttpRequest start;
  start.method = "POST";
  start.url = "/blobs/uploads/";
  llvm::Expected<HttpResponse> started = Send(start);
  if (!started) return started.takeError();
  std::string location = started->Header("location");
  if (started->status != 202 || location.empty()) return StatusError(*started, what);
  // Location may be relative to the registry, and may carry its own query (upload state).
  if (llvm::StringRef(location).startswith("/"))
    location = (ref_.PlainHttp() ? "http://" : "https://") + ref_.ApiHost() + location;
  HttpRequest put;
  put.method = "PUT";
  put.url = location + (location.find('?') == std::string::npos ? "?" : "&") +
            "digest=" + UrlEscape(digest);
  put.headers.push_back("Content-Type: application/octet-stream");
  put.body_file = path;
  llvm::Expected<HttpResponse> done = Send(put);
  if (!done) return done.takeError();
  if (done->status != 201 && done->status != 204) return StatusError(*done, what);
  return llvm::Error::success();
}

llvm::Error RegistryClient::PutManifest(const std::string& reference, const std::string& media_type,
                                        const std::string& bytes, const std::string& digest) {
  HttpRequest request;
  request.method = "PUT";
  request.url = "/manifests/" + reference;
  request.headers.push_back("Content-Type: " + media_type);
  request.body = bytes;
  llvm::Expected<HttpResponse> response = Send(request);
  if (!response) return response.takeError();
  std::string name =
      ref_.registry + "/" + ref_.repository + (IsDigest(reference) ? "@" : ":") + reference;
  if (response->status != 201 && response->status != 200)
    return StatusError(*response, "the manifest push to " + name);
  std::string stored = response->Header("docker-content-digest");
  if (!stored.empty() && stored != digest)
    return llvm::createStringError(
        std::errc::illegal_byte_sequence, "registry %s stored the manifest of %s as %s, not %s",
        ref_.registry.c_str(), name.c_str(), stored.c_str(), digest.c_str());
  return llvm::Error::success();
}

}  // namespace strata::oci
