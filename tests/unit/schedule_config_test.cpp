// Tests for applying config nodes to an image (ApplyConfig).
#include <catch2/catch.hpp>

#include "runtime/schedule/image_config.h"

using namespace strata;
using nlohmann::json;

TEST_CASE("config: env replaces by name and keeps order", "[schedule][config]") {
  oci::Image image;
  image.config["Env"] = {"PATH=/bin", "A=1"};
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "env", json::array({"PATH", "/usr/bin:/bin"}))));
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "env", json::array({"B", "x=y"}))));
  CHECK(image.config["Env"] == json::array({"PATH=/usr/bin:/bin", "A=1", "B=x=y"}));
  CHECK(image.history.size() == 2);
  CHECK(image.history[0].empty_layer);
  CHECK(image.history[1].created_by == "ENV B=x=y");
}

TEST_CASE("config: workdir is relative to the previous one", "[schedule][config]") {
  oci::Image image;
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "workdir", "src")));
  CHECK(image.config["WorkingDir"] == "/src");
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "workdir", "../app/./x")));
  CHECK(image.config["WorkingDir"] == "/app/x");
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "workdir", "/abs")));
  CHECK(image.config["WorkingDir"] == "/abs");
}

TEST_CASE("config: entrypoint and cmd each set one field; cmd [] unsets Cmd",
          "[schedule][config]") {
  oci::Image image;
  image.config["Cmd"] = {"/bin/sh"};
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "entrypoint", json::array({"/server"}))));
  CHECK(image.config["Cmd"] == json::array({"/bin/sh"}));
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "cmd", json::array({"--port", "80"}))));
  CHECK(image.config["Entrypoint"] == json::array({"/server"}));
  CHECK(image.config["Cmd"] == json::array({"--port", "80"}));
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "cmd", json::array())));
  CHECK_FALSE(image.config.contains("Cmd"));
}

TEST_CASE("config: ports, labels, volumes, healthcheck, signal, shell, user",
          "[schedule][config]") {
  oci::Image image;
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "expose", "8080/tcp")));
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "expose", "53/udp")));
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "label", json::array({"a", "1"}))));
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "volume", "/data")));
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "stopsignal", "SIGINT")));
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "shell", json::array({"/bin/bash", "-c"}))));
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "user", "65532")));
  json check = {{"test", {"CMD", "/app", "-health"}},
                {"interval", "1m30s"},
                {"timeout", "500ms"},
                {"retries", 3}};
  REQUIRE_FALSE(bool(schedule::ApplyConfig(image, "healthcheck", check)));
  CHECK(image.config["ExposedPorts"] ==
        json({{"8080/tcp", json::object()}, {"53/udp", json::object()}}));
  CHECK(image.config["Labels"]["a"] == "1");
  CHECK(image.config["Volumes"].contains("/data"));
  CHECK(image.config["StopSignal"] == "SIGINT");
  CHECK(image.config["Shell"] == json::array({"/bin/bash", "-c"}));
  CHECK(image.config["User"] == "65532");
  CHECK(image.config["Healthcheck"]["Interval"] == 90000000000LL);
  CHECK(image.config["Healthcheck"]["Timeout"] == 500000000LL);
  CHECK(image.config["Healthcheck"]["Retries"] == 3);
  CHECK(image.config["Healthcheck"]["Test"] == json::array({"CMD", "/app", "-health"}));
}

TEST_CASE("config: bad fields and values are errors", "[schedule][config]") {
  oci::Image image;
  llvm::Error unknown = schedule::ApplyConfig(image, "colour", "red");
  REQUIRE(bool(unknown));
  CHECK_THAT(llvm::toString(std::move(unknown)), Catch::Contains("unknown config field 'colour'"));
  llvm::Error shape = schedule::ApplyConfig(image, "env", "X=1");
  REQUIRE(bool(shape));
  CHECK_THAT(llvm::toString(std::move(shape)), Catch::Contains("[name, value]"));
  auto duration = schedule::ParseDuration("10 parsecs");
  REQUIRE_FALSE(bool(duration));
  llvm::consumeError(duration.takeError());
  CHECK(image.history.empty());
}
