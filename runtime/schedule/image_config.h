// Applies one `config` node (field, value) to an image: graph::FoldConfigChange (the one
// definition of the fold, compiler/graph/image_config_fold.h) plus an empty-layer history entry.
#pragma once

#include <llvm/Support/Error.h>

#include <nlohmann/json.hpp>
#include <string>

#include "compiler/graph/image_config_fold.h"
#include "runtime/oci/image.h"

namespace strata::schedule {

// FoldConfigChange on image.config, and its created_by as an empty layer in the history. The
// onbuild field goes to image.onbuild (which the image writer writes out as config.OnBuild).
llvm::Error ApplyConfig(oci::Image& image, const std::string& field, const nlohmann::json& value);

using graph::CleanPath;
using graph::EnvValue;
using graph::ParseDuration;

}  // namespace strata::schedule
