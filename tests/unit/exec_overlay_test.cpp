// [runc] tests of MountOverlay: repeated layers, and lower lists longer than a page.
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "runtime/exec/overlay_mount.h"
#include "runtime/exec/scratch_dir.h"
#include "tests/unit/exec_runc_fixture.h"

using namespace strata::exec;

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// True on success; the error's text goes to the test log.
bool Ok(llvm::Error err) {
  if (!err) return true;
  UNSCOPED_INFO(llvm::toString(std::move(err)));
  return false;
}

struct OverlayDirs {
  OverlayDirs() {
    testing::RequireRootAndRunc();
    char templ[] = "/tmp/strata-overlay-test-XXXXXX";
    REQUIRE(::mkdtemp(templ) != nullptr);
    root = templ;
    for (const char* dir : {"/upper", "/work", "/merged"})
      REQUIRE(::mkdir((root + dir).c_str(), 0755) == 0);
  }
  ~OverlayDirs() {
    ::umount2((root + "/merged").c_str(), MNT_DETACH);
    llvm::consumeError(RemoveTree(root));
  }
  // n layers with long names; layer i holds `i` and writes its number into `top`.
  std::vector<std::string> Layers(int n) {
    std::vector<std::string> layers;
    for (int i = 0; i < n; ++i) {
      std::string dir = root + "/layers/" + std::string(64, 'a' + i % 26) + "-" + std::to_string(i);
      REQUIRE(Ok(MakeDirs(dir)));
      Write(dir + "/" + std::to_string(i), "x");
      Write(dir + "/top", std::to_string(i));
      layers.push_back(dir);
    }
    return layers;
  }
  std::string root;
};

}  // namespace

TEST_CASE("overlay: a layer listed twice keeps its topmost place", "[runc]") {
  CHECK(TopmostOccurrences({"L0", "L1", "L2", "L1"}) == std::vector<std::string>{"L0", "L2", "L1"});
  CHECK(TopmostOccurrences({"L0", "L1", "L1"}) == std::vector<std::string>{"L0", "L1"});
  OverlayDirs d;
  std::vector<std::string> layers = d.Layers(3);
  // L0, L1, L2, L1: L1's `top` wins, as it does with the repeat in place.
  auto mount = MountOverlay({layers[0], layers[1], layers[2], layers[1]}, d.root + "/upper",
                            d.root + "/work", d.root + "/merged");
  if (!mount) FAIL(llvm::toString(mount.takeError()));
  CHECK(ReadAll(d.root + "/merged/top") == "1");
  CHECK(::access((d.root + "/merged/0").c_str(), F_OK) == 0);
  CHECK(::access((d.root + "/merged/2").c_str(), F_OK) == 0);
  CHECK(Ok(mount->Unmount()));
}

TEST_CASE("overlay: 150 layers with long paths mount, with and without lowerdir+", "[runc]") {
  OverlayDirs d;
  std::vector<std::string> layers = d.Layers(150);
  REQUIRE(OverlayOptions(layers, d.root + "/upper", d.root + "/work").size() > 4096);
  SECTION("MountOverlay") {
    auto mount = MountOverlay(layers, d.root + "/upper", d.root + "/work", d.root + "/merged");
    if (!mount) FAIL(llvm::toString(mount.takeError()));
    CHECK(ReadAll(d.root + "/merged/top") == "149");
    CHECK(::access((d.root + "/merged/0").c_str(), F_OK) == 0);
    CHECK(Ok(mount->Unmount()));
  }
  SECTION("short names, as on kernels before 6.8") {
    std::string links = d.root + "/work.lowers";
    REQUIRE(MountThroughLinks(layers, d.root + "/upper", d.root + "/work", d.root + "/merged",
                              links) == 0);
    ScopedMount mount(d.root + "/merged");
    CHECK(ReadAll(d.root + "/merged/top") == "149");
    CHECK(::access((d.root + "/merged/0").c_str(), F_OK) == 0);
    CHECK(::access((d.root + "/merged/77").c_str(), F_OK) == 0);
    CHECK(::access(links.c_str(), F_OK) != 0);  // the names are gone, the mount stays
    CHECK(Ok(mount.Unmount()));
  }
}
