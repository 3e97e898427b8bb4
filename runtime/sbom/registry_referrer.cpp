// PushReferrer: the referrers API when the registry has it, else the referrers tag schema.
#include "runtime/sbom/registry_referrer.h"

#include "runtime/oci/image_json.h"
#include "runtime/oci/registry_client.h"

namespace strata::sbom {
namespace {

llvm::Error Upload(const store::Store& store, oci::RegistryClient& client,
                   const std::string& bytes) {
  llvm::Expected<std::string> digest = store.PutBlobBytes(bytes);
  if (!digest) return digest.takeError();
  llvm::Expected<bool> present = client.HasBlob(*digest);
  if (!present) return present.takeError();
  if (*present) return llvm::Error::success();
  return client.UploadBlob(*digest, store.BlobPath(*digest));
}

}  // namespace

llvm::Expected<ReferrersWay> PushReferrer(const store::Store& store, const std::string& ref_text,
                                          const std::string& sbom, const ReferrerManifest& referrer,
                                          const std::string& subject_digest) {
  llvm::Expected<oci::ImageReference> ref = oci::ImageReference::Parse(ref_text);
  if (!ref) return ref.takeError();
  oci::RegistryClient client(*ref, /*push=*/true);
  if (llvm::Error err = Upload(store, client, sbom)) return err;
  if (llvm::Error err = Upload(store, client, kEmptyBytes)) return err;

  oci::HttpRequest put;
  put.method = "PUT";
  put.url = "/manifests/" + referrer.digest;
  put.headers.push_back(std::string("Content-Type: ") + oci::kOciManifestType);
  put.body = referrer.bytes;
  llvm::Expected<oci::HttpResponse> response = client.Send(put);
  if (!response) return response.takeError();
  if (response->status != 201 && response->status != 200)
    return client.StatusError(*response,
                              "the SBOM manifest push to " + ref->registry + "/" + ref->repository);
  if (response->Header("oci-subject") == subject_digest) return ReferrersWay::kApi;

  // No referrers API: the tag schema. A 404 means no referrers yet.
  const std::string tag = ReferrersTag(subject_digest);
  oci::HttpRequest get;
  get.url = "/manifests/" + tag;
  get.headers.push_back(std::string("Accept: ") + oci::kOciIndexType);
  llvm::Expected<oci::HttpResponse> current = client.Send(get);
  if (!current) return current.takeError();
  nlohmann::json existing;
  if (current->status == 200)
    existing = nlohmann::json::parse(current->body, nullptr, /*allow_exceptions=*/false);
  else if (current->status != 404)
    return client.StatusError(*current, "the referrers list " + ref->repository + ":" + tag);
  std::string list = MergeReferrers(existing, referrer);
  llvm::Expected<std::string> digest = store.PutBlobBytes(list);
  if (!digest) return digest.takeError();
  if (llvm::Error err = client.PutManifest(tag, oci::kOciIndexType, list, *digest)) return err;
  return ReferrersWay::kTagSchema;
}

}  // namespace strata::sbom
