// ARG scoping and the expanded view of a Dockerfile's stages.
#include <catch2/catch.hpp>
#include <string>

#include "compiler/diag/diagnostics.h"
#include "compiler/dockerfile/args.h"
#include "compiler/dockerfile/parser.h"

namespace strata::dockerfile {
namespace {

struct Expanded {
  diag::SourceManager sources;
  diag::DiagnosticEngine diags;
  std::optional<Dockerfile> dockerfile;
  std::optional<ExpandedDockerfile> expanded;
  std::string Messages() const { return diags.Format(sources); }
};

std::unique_ptr<Expanded> Expand(const std::string& text, ExpandOptions options = {}) {
  auto e = std::make_unique<Expanded>();
  diag::FileId file = e->sources.AddBuffer("Dockerfile", text);
  e->dockerfile = ParseDockerfile(e->sources, file, e->diags);
  REQUIRE(e->dockerfile);
  e->expanded = ExpandDockerfile(*e->dockerfile, options, e->diags);
  return e;
}

const char* kMultiStage = R"(ARG BASE=alpine
ARG TAG=3.19
ARG UNUSED=1
FROM --platform=$BUILDPLATFORM ${BASE}:${TAG} AS build
ARG TAG
ARG V=1
ENV V=2 PORTS="80 443" OLD=$V
WORKDIR /src/$TAG/$V/$BASE
ARG TARGETARCH
COPY --chown=$V:$V --from=other a-${TARGETARCH} /b
EXPOSE $PORTS 8080
ENV PORTS=1 NEW=$PORTS
LABEL "k"="$NEW"
USER ${TARGETOS:-none}
RUN echo $V
FROM build
WORKDIR /x$V
)";

}  // namespace

TEST_CASE("global ARGs reach FROM only; stage ARGs and ENV reach later instructions",
          "[dockerfile][args]") {
  auto e = Expand(kMultiStage);
  INFO(e->Messages());
  REQUIRE(e->expanded);
  const ExpandedDockerfile& x = *e->expanded;
  CHECK(x.global_args.at("TAG") == "3.19");
  CHECK(x.global_args.at("TARGETPLATFORM") == "linux/amd64");
  REQUIRE(x.stages.size() == 2);
  const ExpandedStage& build = x.stages[0];
  CHECK(build.name == "build");
  CHECK(build.base == "alpine:3.19");
  CHECK(*build.platform == "linux/amd64");
  const auto& in = build.instructions;
  REQUIRE(in.size() == 11);
  // ENV pairs of one instruction see the values from before it.
  CHECK(in[2].pairs[2].key == "OLD");
  CHECK(*in[2].pairs[2].value == "1");
  // $BASE is a global ARG not re-declared in the stage: empty here, and a warning says why.
  CHECK(in[3].args == std::vector<std::string>{"/src/3.19/2/"});
  CHECK(e->Messages().find("\"BASE\" is a global ARG: re-declare it with `ARG BASE`") !=
        std::string::npos);
  CHECK(in[5].args == std::vector<std::string>{"a-amd64", "/b"});
  CHECK(*in[5].flags[0].value == "2:2");                               // --chown expanded
  CHECK(*in[5].flags[1].value == "other");                             // --from is not
  CHECK(in[6].args == std::vector<std::string>{"80", "443", "8080"});  // EXPOSE splits words
  CHECK(*in[7].pairs[1].value == "80 443");
  CHECK(in[8].pairs[0].key == "k");
  CHECK(*in[8].pairs[0].value == "80 443");
  CHECK(in[9].args == std::vector<std::string>{"none"});      // TARGETOS not declared in the stage
  CHECK(in[10].args == std::vector<std::string>{"echo $V"});  // RUN is left to the shell
  // The second stage inherits ENV (not ARG) from its base stage.
  const ExpandedStage& second = x.stages[1];
  CHECK(*second.base_stage == 0);
  CHECK(second.instructions[0].args == std::vector<std::string>{"/x2"});
  // The global ARG nothing uses gets a warning.
  CHECK(e->Messages().find("warning: global ARG \"UNUSED\" is never used") != std::string::npos);
  CHECK(e->Messages().find("\"BASE\" is never used") == std::string::npos);
}

TEST_CASE("build args override defaults; unconsumed build args warn", "[dockerfile][args]") {
  ExpandOptions options;
  options.build_args = {{"TAG", "3.20"}, {"V", "9"}, {"NOPE", "x"}};
  options.target_platform = "linux/arm64/v8";
  auto e = Expand(kMultiStage, options);
  REQUIRE(e->expanded);
  const ExpandedStage& build = e->expanded->stages[0];
  CHECK(build.base == "alpine:3.20");
  CHECK(build.args.at("TAG") == "3.20");
  CHECK(build.args.at("V") == "9");
  CHECK(build.args.at("TARGETARCH") == "arm64");
  CHECK(e->expanded->global_args.at("TARGETVARIANT") == "v8");
  // ENV V=2 still wins over the ARG.
  CHECK(build.instructions[3].args == std::vector<std::string>{"/src/3.20/2/"});
  CHECK(e->Messages().find("warning: build argument \"NOPE\" was not consumed by any ARG") !=
        std::string::npos);
  CHECK(e->Messages().find("\"TAG\" was not consumed") == std::string::npos);
}

TEST_CASE("a bare ARG in a stage takes the global value; unset ARGs stay unset",
          "[dockerfile][args]") {
  auto e = Expand("ARG A=g\nFROM s\nARG A\nARG B\nARG C=$A-c\nWORKDIR /${A}/${B-unset}/${C}\n");
  REQUIRE(e->expanded);
  const ExpandedStage& stage = e->expanded->stages[0];
  CHECK(stage.args.at("A") == "g");
  CHECK(stage.args.count("B") == 0);
  CHECK(stage.instructions.back().args == std::vector<std::string>{"/g/unset/g-c"});
  CHECK(e->Messages().find("warning") == std::string::npos);
}

TEST_CASE("expansion errors and instructions before FROM", "[dockerfile][args]") {
  auto e = Expand("FROM a\nWORKDIR ${x\n");
  CHECK_FALSE(e->expanded);
  CHECK(e->Messages().find("Dockerfile:2:9: error: failed to process \"${x\": syntax error: "
                           "missing '}'") != std::string::npos);
  auto f = Expand("RUN x\nFROM a\n");
  CHECK_FALSE(f->expanded);
  CHECK(f->Messages().find("Dockerfile:1:1: error: no build stage in current context") !=
        std::string::npos);
  auto g = Expand("FROM a\nUSER ${U:?must be set}\n");
  CHECK(g->Messages().find("failed to process \"${U:?must be set}\": U: must be set") !=
        std::string::npos);
}

}  // namespace strata::dockerfile
