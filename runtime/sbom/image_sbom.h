// The SBOM of an image `strata build` has just built: its components from the build's node
// records, and the documents and referrer artifacts made from it.
#pragma once

#include <llvm/Support/Error.h>

#include <string>

#include "compiler/graph/node.h"
#include "runtime/exec/sandbox_runner.h"
#include "runtime/oci/image_writer.h"
#include "runtime/sbom/sbom.h"
#include "runtime/schedule/executor.h"
#include "runtime/store/store.h"

namespace strata::sbom {

enum class Format { kSpdx, kCycloneDx };

// The SBOM of the image built from `target` with `options` (the build's executor options, so
// that record keys match). Each node's record is read from the store; a record that is gone,
// or that an older version wrote without SBOM data, is made again by building that node (a
// base made again must give the very layers the image has, else it is an error that says to
// rebuild with --no-cache). `created` is options.layer.source_date_epoch.
llvm::Expected<Sbom> MakeImageSbom(const store::Store& store, exec::SandboxRunner& runner,
                                   const schedule::ExecutorOptions& options,
                                   const graph::Node& target, const std::string& image_name,
                                   const oci::Image& image, const oci::WrittenImage& written);

// The document's bytes in `format`.
std::string WriteDocument(const Sbom& sbom, Format format);
// Its media type (the referrer's artifactType) and the file name a referrer layer is titled with.
const char* MediaType(Format format);
const char* FileName(Format format);

}  // namespace strata::sbom
