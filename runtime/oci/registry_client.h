// One repository on one registry, spoken to over the OCI distribution API with authentication.
#pragma once

#include <llvm/Support/Error.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "runtime/oci/registry_auth.h"
#include "runtime/oci/registry_http.h"
#include "runtime/oci/registry_reference.h"
#include "runtime/store/store.h"

namespace strata::oci {

struct ManifestBytes {
  std::string media_type;  // from Content-Type, else the document's mediaType
  std::string bytes;
  std::string digest;  // sha256 of bytes
};

class RegistryClient {
 public:
  // `push` asks tokens for pull and push access, otherwise pull only.
  RegistryClient(ImageReference ref, bool push);

  const ImageReference& ref() const { return ref_; }

  // Sends a request to `path` (below the repository URL, e.g. "/manifests/latest") or to an
  // absolute URL. On 401 it answers the challenge once (Bearer: a token from the realm, with
  // config.json credentials when there are any; Basic: those credentials) and sends again.
  llvm::Expected<HttpResponse> Send(HttpRequest request, const BodySink& sink = nullptr);

  // The manifest (or index) under a tag or digest; when `reference` is a digest the bytes
  // must hash to it. 404 and auth failures are clear errors.
  llvm::Expected<ManifestBytes> GetManifest(const std::string& reference);
  // The digest a tag points at: HEAD's Docker-Content-Digest, else the GET body's sha256.
  llvm::Expected<std::string> ResolveManifest(const std::string& reference);
  // Downloads a blob into the store unless it is there; the bytes are hashed as they stream
  // and refused (nothing published) unless they match `digest` (and `size` when known).
  llvm::Error FetchBlob(const store::Store& store, const std::string& digest, int64_t size);
  llvm::Expected<bool> HasBlob(const std::string& digest);
  // Monolithic upload: POST an upload session, PUT the whole file with ?digest=.
  llvm::Error UploadBlob(const std::string& digest, const std::string& path);
  llvm::Error PutManifest(const std::string& reference, const std::string& media_type,
                          const std::string& bytes, const std::string& digest);

  // A clear error for an unexpected response to `what` ("manifest busybox:latest", ...).
  llvm::Error StatusError(const HttpResponse& response, const std::string& what) const;

 private:
  llvm::Error Authenticate(const HttpResponse& challenge_response);
  std::string Scope() const;

  ImageReference ref_;
  bool push_;
  std::mutex mutex_;           // guards authorization_ (blobs may be fetched in parallel)
  std::string authorization_;  // "Authorization: ..." header, once known
};

// The Accept header for manifests: OCI and Docker v2 manifests, indexes and manifest lists.
extern const char* const kManifestAccept;

}  // namespace strata::oci
