// Which components the graph walk finds, and whether each is in the image or only built it.
#include <map>

#include "compiler/graph/ops.h"
#include "runtime/sbom/collect.h"
#include "tests/unit/test_support.h"

namespace strata::sbom {
namespace {

schedule::NodeOutput WithSbom(nlohmann::json sbom) {
  schedule::NodeOutput output = schedule::NodeOutput::Stage({});
  output.sbom = std::move(sbom);
  return output;
}

TEST_CASE("sbom: the graph walk lists bases, packages, downloads and network outputs", "[sbom]") {
  graph::Graph graph;
  graph::DebianRequest request;
  request.packages = {"bash"};
  const graph::Node* base = graph::MakeDebian(graph, request);
  const graph::Node* builder_base = graph::MakePull(graph, "127.0.0.1:5000/golang:1.22", "");
  graph::ExecOptions network;
  network.network = true;
  network.output_sha256 = std::string(64, '1');
  const graph::Node* builder = graph::MakeExecShell(graph, builder_base, "go build", network);
  const graph::Node* tool =
      graph::MakeFetch(graph, "https://example.org/dl/tool.tgz?x=1", std::string(64, '2'));
  const graph::Node* mounted =
      graph::MakeFetch(graph, "https://example.org/only-mounted", std::string(64, '3'));
  graph::ExecOptions mount;
  mount.mounts = {{mounted, "/m"}};
  const graph::Node* image = graph::MakeExecShell(graph, base, "true", mount);
  image = graph::MakeCopy(graph, image, graph::MakeSelect(graph, builder, "/out/app"), "/app", {});
  image = graph::MakeCopy(graph, image, tool, "/tool.tgz", {});
  image = graph::MakeConfig(graph, image, "user", "65532");

  std::map<const graph::Node*, int> asked;
  OutputOf output_of = [&](const graph::Node& node) -> llvm::Expected<schedule::NodeOutput> {
    ++asked[&node];
    if (&node == base)
      return WithSbom({{"debian",
                        {{"suite", "bookworm"},
                         {"mirror", "http://mirror/debian"},
                         {"packages",
                          {{{"name", "bash"},
                            {"version", "5.2.15-2+b7"},
                            {"arch", "amd64"},
                            {"filename", "pool/main/b/bash/bash.deb"},
                            {"sha256", std::string(64, 'b')},
                            {"license", "GPL-3.0-or-later"}}}}}}});
    if (&node == builder_base)
      return WithSbom(
          {{"pull", {{"digest", "sha256:" + std::string(64, 'd')}, {"architecture", "amd64"}}}});
    if (&node == builder) {
      schedule::NodeOutput output = schedule::NodeOutput::Stage({});
      output.image.layers.push_back(
          {"sha256:" + std::string(64, '9'), "sha256:" + std::string(64, '1'), 10, ""});
      return output;
    }
    return llvm::createStringError(std::errc::invalid_argument, "unexpected node");
  };
  llvm::Expected<std::vector<Component>> components = CollectComponents(*image, output_of);
  testing::RequireOk(components);
  REQUIRE(components->size() == 5);
  const Component& golang = (*components)[0];
  CHECK(golang.kind == Component::Kind::kBaseImage);
  CHECK(golang.purl == "pkg:oci/golang@sha256:" + std::string(64, 'd') +
                           "?arch=amd64&repository_url=127.0.0.1:5000%2Fgolang&tag=1.22");
  CHECK_FALSE(golang.in_image);  // only a selection out of the builder is copied
  const Component& bash = (*components)[1];
  CHECK(bash.name == "bash");
  CHECK(bash.purl == "pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64&distro=debian-12");
  CHECK(bash.download_location == "http://mirror/debian/pool/main/b/bash/bash.deb");
  CHECK(bash.license == "GPL-3.0-or-later");
  CHECK(bash.in_image);
  CHECK((*components)[2].name == "only-mounted");
  CHECK_FALSE((*components)[2].in_image);
  CHECK((*components)[3].name == "tool.tgz");
  CHECK((*components)[3].download_location == "https://example.org/dl/tool.tgz?x=1");
  CHECK((*components)[3].sha256 == std::string(64, '2'));
  CHECK((*components)[3].in_image);
  CHECK((*components)[4].kind == Component::Kind::kNetworkOutput);
  CHECK((*components)[4].name == "RUN go build");
  CHECK((*components)[4].sha256 == std::string(64, '1'));
  CHECK_FALSE((*components)[4].in_image);
  CHECK(asked[base] == 1);
}

TEST_CASE("sbom: a base record without SBOM data is an error naming the node", "[sbom]") {
  graph::Graph graph;
  graph::DebianRequest request;
  request.packages = {"bash"};
  const graph::Node* base = graph::MakeDebian(graph, request);
  OutputOf output_of = [](const graph::Node&) -> llvm::Expected<schedule::NodeOutput> {
    return schedule::NodeOutput::Stage({});
  };
  llvm::Expected<std::vector<Component>> components = CollectComponents(*base, output_of);
  bool ok = static_cast<bool>(components);
  REQUIRE_FALSE(ok);
  CHECK(llvm::toString(components.takeError()).find("debian node " + base->key().Hex()) !=
        std::string::npos);
}

}  // namespace
}  // namespace strata::sbom
