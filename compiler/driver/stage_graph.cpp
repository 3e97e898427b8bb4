// The stage graph of a package's targets: the derivation graph with every non-stage node
// bypassed.
#include "compiler/driver/stage_graph.h"

#include <algorithm>
#include <unordered_map>

#include "compiler/graph/ops.h"

namespace strata::driver {
namespace {

class Projection {
 public:
  std::vector<StageNode> Run(llvm::ArrayRef<const graph::Node*> roots) {
    for (const graph::Node* node : graph::ReachableNodes(roots))
      if (graph::IsStage(node)) index_.emplace(node, static_cast<uint32_t>(index_.size()));
    std::vector<StageNode> out(index_.size());
    for (const auto& [node, index] : index_) {
      out[index].key = node->key().Hex();
      std::vector<uint32_t>& inputs = out[index].inputs;
      for (const graph::Node* input : node->inputs()) Below(input, inputs);
      std::sort(inputs.begin(), inputs.end());
      inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
    }
    return out;
  }

 private:
  // Appends the stage `node` is, or the nearest stages a non-stage node stands on.
  void Below(const graph::Node* node, std::vector<uint32_t>& out) {
    if (auto it = index_.find(node); it != index_.end()) {
      out.push_back(it->second);
      return;
    }
    auto known = frontier_.find(node);
    if (known == frontier_.end()) {
      std::vector<uint32_t> found;
      for (const graph::Node* input : node->inputs()) Below(input, found);
      known = frontier_.emplace(node, std::move(found)).first;
    }
    out.insert(out.end(), known->second.begin(), known->second.end());
  }

  std::unordered_map<const graph::Node*, uint32_t> index_;
  std::unordered_map<const graph::Node*, std::vector<uint32_t>> frontier_;
};

}  // namespace

std::vector<StageNode> StageGraphOf(llvm::ArrayRef<const graph::Node*> roots) {
  return Projection().Run(roots);
}

}  // namespace strata::driver
