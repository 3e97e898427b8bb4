// The exporter's Dockerfile words: quoting that BuildKit reads back as the same value, and the
// instructions of config changes (runtime/export/dockerfile_words.h).
#include "runtime/export/dockerfile_words.h"
#include "tests/unit/test_support.h"

namespace strata::exporter {
namespace {

std::string Ok(llvm::Expected<std::string> text) {
  REQUIRE(static_cast<bool>(text));
  return *text;
}

std::string Refused(llvm::Expected<std::string> text) {
  REQUIRE_FALSE(static_cast<bool>(text));
  return llvm::toString(text.takeError());
}

TEST_CASE("export words: plain words stay, others are quoted with \\ \" $ escaped", "[export]") {
  CHECK(Ok(QuoteWord("/usr/local/bin:/bin")) == "/usr/local/bin:/bin");
  CHECK(Ok(QuoteWord("65532:65532")) == "65532:65532");
  CHECK(Ok(QuoteWord("a b")) == "\"a b\"");
  CHECK(Ok(QuoteWord("say \"hi\" for $5 \\o/")) == "\"say \\\"hi\\\" for \\$5 \\\\o/\"");
  CHECK(Ok(QuoteWord("")) == "\"\"");
  CHECK(Refused(QuoteWord("two\nlines")).find("line break") != std::string::npos);
}

TEST_CASE("export words: config nodes as instructions", "[export]") {
  CHECK(Ok(ConfigInstruction("env", {"A", "1 2"})) == "ENV A=\"1 2\"\n");
  CHECK(Ok(ConfigInstruction("label", {"org.x", "v"})) == "LABEL org.x=v\n");
  CHECK(Ok(ConfigInstruction("workdir", "/src")) == "WORKDIR /src\n");
  CHECK(Ok(ConfigInstruction("entrypoint", {"/app", "-v"})) == "ENTRYPOINT [\"/app\",\"-v\"]\n");
  CHECK(Ok(ConfigInstruction("cmd", nlohmann::json::array())) == "CMD []\n");
  CHECK(Ok(ConfigInstruction("expose", "8080/tcp")) == "EXPOSE 8080/tcp\n");
  CHECK(Ok(ConfigInstruction("volume", "/data")) == "VOLUME [\"/data\"]\n");
  nlohmann::json check = {
      {"test", {"CMD", "/app", "-health"}}, {"interval", "30s"}, {"retries", 3}};
  CHECK(Ok(ConfigInstruction("healthcheck", check)) ==
        "HEALTHCHECK --interval=30s --retries=3 CMD [\"/app\",\"-health\"]\n");
  CHECK(Ok(ConfigInstruction("healthcheck", {{"test", {"NONE"}}})) == "HEALTHCHECK NONE\n");
  CHECK(Refused(ConfigInstruction("onbuild", "")).find("ONBUILD") != std::string::npos);
  CHECK(Refused(ConfigInstruction("env", {"A", "x\ny"})).find("line break") != std::string::npos);
}

TEST_CASE("export words: a pre-built image's config as instructions", "[export]") {
  nlohmann::json config = {
      {"Env", {"PATH=/bin", "A=x y"}},
      {"WorkingDir", "/w"},
      {"Cmd", {"/bin/sh"}},
      {"Entrypoint", {"/init"}},
      {"Healthcheck", {{"Test", {"CMD-SHELL", "true"}}, {"Interval", 5000000000}}},
      {"ExposedPorts", {{"80/tcp", nlohmann::json::object()}}}};
  CHECK(Ok(ConfigInstructions(config)) ==
        "ENV PATH=/bin\nENV A=\"x y\"\nWORKDIR /w\nEXPOSE 80/tcp\n"
        "HEALTHCHECK --interval=5000000000ns CMD true\n"
        "ENTRYPOINT [\"/init\"]\nCMD [\"/bin/sh\"]\n");
}

}  // namespace
}  // namespace strata::exporter
