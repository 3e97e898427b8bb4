// Pulling and pushing images over the OCI distribution API, and resolving tags to digests.
//
// References are parsed as Docker does (registry_reference.h). localhost and 127.0.0.0/8
// registries are spoken to over plain HTTP, all others over HTTPS. Authentication: anonymous,
// Bearer token challenges, and Basic with credentials from Docker's config.json. Every blob is
// hashed as it streams into the store and refused unless it matches its digest. See
// docs/registry.md.
#pragma once

#include <llvm/Support/Error.h>

#include <string>

#include "runtime/oci/image.h"
#include "runtime/oci/image_writer.h"
#include "runtime/store/store.h"

namespace strata::oci {

struct PullOptions {
  std::string os = "linux";
  std::string architecture = "amd64";
  // Stop after the manifest and the config (for reading a base image's Env or ONBUILD
  // triggers before a build): the layers are fetched later, by the pull node.
  bool config_only = false;
};

struct PulledImage {
  Image image;
  std::string digest;           // what was resolved: the index's or the manifest's digest
  std::string manifest_digest;  // the platform's image manifest (== digest without an index)
  std::string config_digest;
};

// Pulls `ref` ("busybox:1.36", "127.0.0.1:5000/app@sha256:...") into the store: the manifest
// (and index), the config and the layers, each a blob under its digest. `digest` (from
// strata.lock; "" for none) pins the pull: the tag is not consulted, and when the store
// already holds every blob of that digest no request is made at all. From an index the
// manifest for options.os/architecture is taken.
llvm::Expected<PulledImage> PullImage(const store::Store& store, const std::string& ref,
                                      const std::string& digest, const PullOptions& options = {});

// The digest `ref`'s tag points at now ("sha256:..."): an index's digest for a multi-platform
// image. A reference that names a digest is returned without a request.
llvm::Expected<std::string> ResolveDigest(const std::string& ref);

// Pushes an image written by WriteImage to `ref` (the docker://REF output): each layer and the
// config unless the repository has it (HEAD), by monolithic upload (POST, then PUT ?digest=),
// then the manifest under the tag (or digest) of `ref` (default tag: latest).
llvm::Error PushImage(const store::Store& store, const Image& image, const WrittenImage& written,
                      const std::string& ref);

}  // namespace strata::oci
