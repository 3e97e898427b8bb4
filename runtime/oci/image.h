// An image as the runtime builds it: the output of every Stage node.
//
// A stage's output is its layers (blobs in the store), its image config and its history.
// The executor stores it as the node's record (ToJson) and the exporters turn it into OCI
// manifests and configs (image_writer.h).
#pragma once

#include <llvm/Support/Error.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/oci/layer_writer.h"

namespace strata::oci {

struct HistoryEntry {
  std::string created_by;  // "RUN /bin/sh -c make", "COPY src /app", ...
  bool empty_layer = false;
  std::string comment;
};

struct Image {
  std::vector<LayerDescriptor> layers;  // bottom to top
  // The image config's `config` object with the OCI field names: Env (["K=V"]), WorkingDir,
  // User, Entrypoint, Cmd, ExposedPorts ({"8080/tcp": {}}), Labels, Volumes, Healthcheck
  // ({Test, Interval, Timeout, StartPeriod, Retries}, durations in ns as Docker writes them),
  // StopSignal, Shell (Docker's extension; the shell RUN uses).
  nlohmann::json config = nlohmann::json::object();
  std::vector<HistoryEntry> history;
  std::string architecture = "amd64";
  std::string os = "linux";
  // ONBUILD triggers recorded by a Dockerfile (run when the image is used as a base).
  std::vector<std::string> onbuild;

  nlohmann::json ToJson() const;
  static llvm::Expected<Image> FromJson(const nlohmann::json& json);
};

}  // namespace strata::oci
