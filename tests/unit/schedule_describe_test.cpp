// Describe: the progress name of a node says which instruction it is (a WORKDIR's mkdir is
// not a COPY, an ADD extraction not a COPY).
#include <catch2/catch.hpp>

#include "compiler/graph/ops.h"
#include "runtime/schedule/executor.h"

namespace strata::schedule {
namespace {

TEST_CASE("describe: copy nodes are named after the instruction they come from",
          "[schedule][describe]") {
  graph::Graph graph;
  const graph::Node* scratch = graph::MakeScratch(graph);
  const graph::Node* base = graph::MakeFetch(graph, "https://example.com/base.tar", "sha256:0123");
  const graph::Node* archive = graph::MakeFetch(graph, "https://example.com/a.tar", "sha256:4567");

  // WORKDIR lowers to a copy of scratch's empty root (a select of "/").
  graph::CopyOptions owned;
  owned.chown = "app";
  CHECK(Describe(*graph::MakeCopy(graph, base, graph::MakeSelect(graph, scratch, "/"), "/opt/new",
                                  owned)) == "WORKDIR /opt/new");
  CHECK(Describe(*graph::MakeCopy(graph, base, scratch, "/w", {})) == "WORKDIR /w");

  graph::CopyOptions extract;
  extract.extract = true;
  CHECK(Describe(*graph::MakeCopy(graph, base, archive, "/opt/", extract)) ==
        "ADD https://example.com/a.tar /opt/");
  CHECK(Describe(*graph::MakeCopy(graph, base, graph::MakeSelect(graph, base, "/bin/sh"), "/bin/",
                                  {})) == "COPY /bin/sh /bin/");
}

}  // namespace
}  // namespace strata::schedule
