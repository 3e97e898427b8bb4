// Tests for the pure parts of the sandbox: config.json, overlay options, output splitting.
#include <algorithm>
#include <catch2/catch.hpp>

#include "runtime/exec/oci_config.h"
#include "runtime/exec/output_collector.h"
#include "runtime/exec/overlay_mount.h"
#include "runtime/exec/rootfs_path.h"

using namespace strata::exec;

TEST_CASE("exec: config.json for a root step", "[exec][config]") {
  OciProcess p;
  p.argv = {"sh", "-c", "true"};
  p.env = {"FOO=bar"};
  p.cwd = "/src";
  auto j = BuildOciConfig(p, {{"/cache", "bind", "/host/cache", {"rbind", "rw"}}});
  CHECK(j["ociVersion"] == "1.0.2");
  CHECK(j["process"]["terminal"] == false);
  CHECK(j["process"]["args"] == nlohmann::json({"sh", "-c", "true"}));
  CHECK(j["process"]["cwd"] == "/src");
  CHECK(!j["process"].contains("rlimits"));  // this process may not raise limits
  CHECK(j["process"]["env"][0] ==
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  CHECK(j["process"]["env"][1] == "FOO=bar");
  CHECK(j["process"]["env"][2] == "HOME=/");
  CHECK(j["process"]["capabilities"]["effective"].size() == 14);
  CHECK(j["hostname"] == "strata");
  CHECK(j["root"]["path"] == "rootfs");
  auto& ns = j["linux"]["namespaces"];
  CHECK(ns.size() == 5);
  CHECK(std::none_of(ns.begin(), ns.end(), [](auto& n) { return n["type"] == "user"; }));
  auto& mounts = j["mounts"];
  CHECK(mounts.front()["destination"] == "/proc");
  CHECK(mounts.back()["destination"] == "/cache");
  CHECK(mounts.back()["source"] == "/host/cache");
}

TEST_CASE("exec: a non-root step has no effective capabilities", "[exec][config]") {
  OciProcess p;
  p.argv = {"id"};
  p.user.uid = 1000;
  p.user.gid = 1000;
  p.user.additional_gids = {50};
  p.user.home = "/home/builder";
  p.env = {"PATH=/bin"};
  auto j = BuildOciConfig(p, {});
  CHECK(j["process"]["capabilities"]["effective"].empty());
  CHECK(j["process"]["capabilities"]["bounding"].size() == 14);
  CHECK(j["process"]["user"]["additionalGids"] == nlohmann::json({50}));
  CHECK(j["process"]["env"] == nlohmann::json({"PATH=/bin", "HOME=/home/builder"}));
}

TEST_CASE("exec: overlay options list the top layer first and escape separators",
          "[exec][overlay]") {
  auto options = OverlayOptions({"/l/bottom", "/l/mid:dle", "/l/top,x"}, "/u", "/w");
  CHECK(options ==
        "lowerdir=/l/top\\,x:/l/mid\\:dle:/l/bottom,upperdir=/u,workdir=/w,"
        "redirect_dir=off,metacopy=off,index=off,volatile");
}

TEST_CASE("exec: output is split into lines and the tail is kept", "[exec][output]") {
  std::vector<std::string> seen;
  OutputCollector out([&](llvm::StringRef line) { seen.push_back(line.str()); }, -1, 3);
  std::string text = "one\ntw";
  out.Append(text.data(), text.size());
  text = "o\r\nthree\nfour\nfi";
  out.Append(text.data(), text.size());
  CHECK(seen == std::vector<std::string>{"one", "two", "three", "four"});
  out.Finish();
  CHECK(seen.back() == "fi");
  CHECK(out.Tail() == std::vector<std::string>{"three", "four", "fi"});

  std::string huge(OutputCollector::kMaxLine + 10, 'x');
  out.Append(huge.data(), huge.size());
  CHECK(seen.back().size() == OutputCollector::kMaxLine);
}

TEST_CASE("exec: sandbox paths must be absolute and plain", "[exec][paths]") {
  auto ok = SplitSandboxPath("/run//secrets/tok/");
  REQUIRE(bool(ok));
  CHECK(*ok == std::vector<std::string>{"run", "secrets", "tok"});
  auto relative = SplitSandboxPath("run/x");
  REQUIRE(!relative);
  llvm::consumeError(relative.takeError());
  auto dotdot = SplitSandboxPath("/a/../etc");
  REQUIRE(!dotdot);
  CHECK_THAT(llvm::toString(dotdot.takeError()), Catch::Contains("'..'"));
}
