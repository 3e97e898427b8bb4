// Micro-benchmark of Graph::Get: makes 1,000,000 nodes shaped like a monorepo's targets
// and reports time and heap bytes per node, then the cost of a hash-consing hit.
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "compiler/graph/ops.h"

namespace {

using strata::graph::Graph;
using strata::graph::Node;
namespace g = strata::graph;

size_t HeapInUse() {
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Five distinct nodes per target (exec, select, copy, two configs), on shared base nodes.
std::vector<const Node*> MakeTargets(Graph& graph, size_t targets) {
  const Node* base = g::MakeConfig(graph, g::MakePull(graph, "busybox", ""), "workdir", "/src");
  const Node* src = g::MakeLocal(graph, "/repo/src", "src", "00112233445566778899aabbccddeeff");
  const Node* with_src = g::MakeCopy(graph, base, src, ".", {});
  const Node* scratch = g::MakeScratch(graph);
  std::vector<const Node*> roots;
  roots.reserve(targets);
  for (size_t i = 0; i < targets; ++i) {
    std::string name = "t" + std::to_string(i);
    const Node* built = g::MakeExecShell(graph, with_src,
                                         "mkdir -p /out && cc -o /out/app-" + name + " main.c", {});
    const Node* app = g::MakeSelect(graph, built, "/out/app-" + name);
    const Node* image = g::MakeCopy(graph, scratch, app, "/app", {});
    image = g::MakeConfig(graph, image, "env", nlohmann::json::array({"TARGET", name}));
    image = g::MakeConfig(graph, image, "entrypoint", nlohmann::json::array({"/app"}));
    roots.push_back(image);
  }
  return roots;
}

}  // namespace

int main(int argc, char** argv) {
  size_t nodes = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  size_t targets = nodes / 5;

  Graph graph;
  size_t heap_before = HeapInUse();
  auto start = std::chrono::steady_clock::now();
  std::vector<const Node*> roots = MakeTargets(graph, targets);
  double make_s = Seconds(start);
  size_t heap_after = HeapInUse();
  size_t made = graph.size();
  size_t roots_bytes = roots.capacity() * sizeof(const Node*);

  start = std::chrono::steady_clock::now();
  std::vector<const Node*> again = MakeTargets(graph, targets);
  double hit_s = Seconds(start);
  if (again != roots || graph.size() != made) {
    std::fprintf(stderr, "hash-consing failed: %zu nodes after the second pass\n", graph.size());
    return 1;
  }

  std::printf("nodes:            %zu\n", made);
  std::printf("make (new node):  %.0f ns/node (%.2f s)\n", make_s * 1e9 / made, make_s);
  std::printf("get (existing):   %.0f ns/node (%.2f s)\n", hit_s * 1e9 / made, hit_s);
  std::printf("heap:             %.0f bytes/node (%.1f MB)\n",
              static_cast<double>(heap_after - heap_before - roots_bytes) / made,
              (heap_after - heap_before) / 1048576.0);
  std::printf("sizeof(Node):     %zu, sizeof(Param): %zu\n", sizeof(Node), sizeof(g::Param));
  return 0;
}
