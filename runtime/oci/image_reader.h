// Reads a base image from a local OCI layout directory or a docker-archive tar into the store.
#pragma once

#include <llvm/Support/Error.h>

#include <string>

#include "runtime/oci/image.h"
#include "runtime/store/store.h"

namespace strata::oci {

// `path` is an OCI layout directory (`DIR` or `DIR:TAG`; without a tag the layout must hold
// exactly one manifest; an image index is followed to its linux/amd64 manifest) or a
// docker-archive tar (`FILE` or `FILE:REF`; `docker save` or skopeo output, gzip, zstd or
// uncompressed layers). Layer blobs are copied into the store as they are (their digests kept;
// an uncompressed docker-archive layer is stored uncompressed). Config fields become
// Image::config (OnBuild becomes Image::onbuild); history is kept. See docs/images.md.
llvm::Expected<Image> ImportImage(const store::Store& store, const std::string& path);

// The config of one image of a docker-archive FILE (REF chooses it as for ImportImage; empty:
// the only one), its layers left unread (Image::layers empty) and nothing stored: what a
// Dockerfile needs of a base before it is built.
llvm::Expected<Image> ReadDockerArchiveConfig(const std::string& file, const std::string& ref);

}  // namespace strata::oci
