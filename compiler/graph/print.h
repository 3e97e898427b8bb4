// Printers of the subgraph reachable from some roots: text, JSON and Graphviz DOT.
//
// Each node is printed once, in a deterministic topological order: inputs before their
// users, and among nodes that could go next, the one reached first by a depth-first walk
// from the roots in order (inputs in order). Text and DOT leave unkeyed params out (they are
// host paths, and goldens must not depend on the machine); JSON has everything.
#pragma once

#include <llvm/ADT/ArrayRef.h>

#include <ostream>
#include <vector>

#include "compiler/graph/node.h"

namespace strata::graph {

// The printing order described above.
std::vector<const Node*> TopologicalOrder(llvm::ArrayRef<const Node*> roots);

// One line per node: `KEY  OP       name=value ... <- INPUT_KEY ...`, values as compact JSON.
void PrintText(std::ostream& out, llvm::ArrayRef<const Node*> roots);

// {"version": "strata-graph-v2", "roots": [KEY...], "nodes": [{"key", "op", "params",
// "unkeyed" (only when the node has unkeyed params), "inputs"}]}, indented by 2.
void PrintJson(std::ostream& out, llvm::ArrayRef<const Node*> roots);

// `digraph strata { ... }`: one box per node (op, first 8 key digits, main param) and an
// edge from each input to its user; roots are drawn bold.
void PrintDot(std::ostream& out, llvm::ArrayRef<const Node*> roots);

}  // namespace strata::graph
