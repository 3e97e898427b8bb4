// The shareability walk: an unpinned node taints everything built on it.
#include "runtime/schedule/shared_nodes.h"

#include "compiler/graph/op_params.h"

namespace strata::schedule {
namespace {

template <typename Params>
std::optional<Params> Decoded(llvm::Expected<Params> params) {
  if (params) return std::move(*params);
  llvm::consumeError(params.takeError());
  return std::nullopt;
}

// Why this node itself is unpinned, or "" (its inputs are not looked at).
std::string OwnReason(const graph::Node& node) {
  const std::string key = node.key().Hex().substr(0, 8);
  switch (node.op()) {
    case graph::Op::kPull:
      if (auto params = Decoded(graph::DecodePull(node)))
        return params->digest.empty() ? "image " + params->ref + " is not pinned by strata.lock"
                                      : "";
      break;
    case graph::Op::kFetch:
      if (auto params = Decoded(graph::DecodeFetch(node)))
        return params->sha256.empty() ? "fetch " + params->url + " has no sha256" : "";
      break;
    case graph::Op::kDebian:
      if (auto params = Decoded(graph::DecodeDebian(node)))
        return params->request.lock.is_null() ? "debian base " + key + " is not locked" : "";
      break;
    case graph::Op::kExec:
      if (auto params = Decoded(graph::DecodeExec(node))) {
        if (params->network && params->output_sha256.empty())
          return "network step " + key + " has no output hash";
        if (!params->secrets.empty()) return "step " + key + " mounts a secret";
        return "";
      }
      break;
    default:
      return "";
  }
  return "node " + key + " has malformed params";
}

}  // namespace

bool SharedNodes::Shareable(const graph::Node& node) { return Why(node).empty(); }

const std::string& SharedNodes::Why(const graph::Node& node) {
  if (auto it = why_.find(&node); it != why_.end()) return it->second;
  std::string why = OwnReason(node);
  for (const graph::Node* input : node.inputs()) {
    if (!why.empty()) break;
    why = Why(*input);
  }
  return why_[&node] = std::move(why);
}

}  // namespace strata::schedule
