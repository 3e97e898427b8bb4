// The front-end driver: the source overlay, the one Dockerfile pipeline with a fake base
// image source, and --locked's error at the FROM.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "compiler/driver/dockerfile_pipeline.h"
#include "compiler/driver/frontend.h"
#include "compiler/graph/print.h"
#include "test_support.h"

namespace strata::driver {
namespace {

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string Text(const graph::Node* node) {
  std::ostringstream out;
  graph::PrintText(out, {node});
  return out.str();
}

// A base image source that knows one image and counts the lookups.
class FakeBaseImages : public BaseImageSource {
 public:
  std::optional<nlohmann::json> RegistryConfig(const std::string& ref,
                                               const std::string& digest) override {
    ++lookups;
    last_digest = digest;
    if (ref != "base:1") return std::nullopt;
    return nlohmann::json{{"Env", {"GREETING=hello"}}, {"OnBuild", {"RUN echo from-trigger"}}};
  }
  std::optional<nlohmann::json> LayoutConfig(const std::string&, const std::string&) override {
    return std::nullopt;
  }
  int lookups = 0;
  std::string last_digest;
};

TEST_CASE("driver: an overlay replaces a file's text for the loader", "[driver]") {
  testing::TempDir dir("driver-overlay");
  std::string file = dir.path + "/build.strata";
  Write(file, "1 + 1\n");
  Frontend frontend;
  frontend.SetOverlay(dir.path + "/./build.strata",
                      "\"unsaved\"\n");  // matched after removing dots
  REQUIRE(frontend.Load(file));
  REQUIRE(frontend.Check());
  CHECK(frontend.TypeText() == "String");

  Frontend on_disk;
  REQUIRE(on_disk.Load(file));
  REQUIRE(on_disk.Check());
  CHECK(on_disk.TypeText() == "Int");
}

TEST_CASE("driver: an overlay holds a file that is not on disk, and can be cleared", "[driver]") {
  testing::TempDir dir("driver-overlay-new");
  diag::SourceManager sources;
  std::string reason;
  sources.SetOverlay(dir.path + "/Dockerfile", "FROM scratch\n");
  std::optional<std::string> text = sources.Read(dir.path + "/Dockerfile", reason);
  REQUIRE(text);
  CHECK(*text == "FROM scratch\n");
  sources.ClearOverlay(dir.path + "/Dockerfile");
  CHECK_FALSE(sources.Read(dir.path + "/Dockerfile", reason));
  CHECK_FALSE(reason.empty());
}

TEST_CASE("driver: the pipeline splices a base's ONBUILD triggers and expands with its Env",
          "[driver]") {
  testing::TempDir dir("driver-pipeline");
  Write(dir.path + "/Dockerfile", "FROM base:1\nENV MSG=$GREETING\n");
  FakeBaseImages bases;
  graph::Lockfile lock;
  lock.Set("base:1", "sha256:" + std::string(64, 'a'));
  DockerfileSettings settings;
  settings.base_images = &bases;
  settings.lockfile = &lock;
  dockerfile::DockerfileInput input;
  input.dockerfile = dir.path + "/Dockerfile";
  graph::Graph graph;
  graph::LocalSourceHasher hasher;
  diag::SourceManager sources;
  diag::DiagnosticEngine diags;
  const graph::Node* root = LowerDockerfileInput(input, settings, graph, hasher, sources, diags);
  INFO(diags.Format(sources));
  REQUIRE(root);
  std::string text = Text(root);
  CHECK(text.find("echo from-trigger") != std::string::npos);
  CHECK(text.find("[\"MSG\",\"hello\"]") !=
        std::string::npos);  // ENV MSG=$GREETING from the base's Env
  CHECK(text.find(std::string(64, 'a')) != std::string::npos);   // the pull is pinned
  CHECK(bases.last_digest == "sha256:" + std::string(64, 'a'));  // the config of the pinned image
  CHECK(bases.lookups == 1);                                     // each base is looked up once

  // Without a source the same Dockerfile has no trigger and an empty $GREETING.
  graph::Graph plain_graph;
  const graph::Node* plain = LowerDockerfileInput(input, {}, plain_graph, hasher, sources, diags);
  REQUIRE(plain);
  CHECK(Text(plain).find("echo from-trigger") == std::string::npos);
}

TEST_CASE("driver: --locked reports an unpinned FROM at its line and column", "[driver]") {
  testing::TempDir dir("driver-locked");
  Write(dir.path + "/Dockerfile", "# syntax comment\nARG V=1\n  FROM busybox:1.36\nRUN true\n");
  DockerfileSettings settings;
  settings.locked = true;
  dockerfile::DockerfileInput input;
  input.dockerfile = dir.path + "/Dockerfile";
  graph::Graph graph;
  graph::LocalSourceHasher hasher;
  diag::SourceManager sources;
  diag::DiagnosticEngine diags;
  CHECK(LowerDockerfileInput(input, settings, graph, hasher, sources, diags) == nullptr);
  std::string errors = diags.Format(sources);
  CHECK(errors.find("Dockerfile:3:3: error: --locked: image \"busybox:1.36\"") !=
        std::string::npos);
}

}  // namespace
}  // namespace strata::driver
