// What UnpackDeb reads of a .deb for dpkg's database: the files list, as shipped and in archive
// order, and the md5sums, made from the unpacked files when the package ships none. The .deb
// is built by the host's dpkg-deb (dpkg is in every Debian).
#include <cstdlib>
#include <filesystem>

#include "runtime/debian/deb_file.h"
#include "tests/unit/test_support.h"

namespace strata::debian {
namespace {

// Builds TEMP/app.deb from the tree under TEMP/src (with DEBIAN/control); returns its path.
std::string BuildDeb(const testing::TempDir& dir) {
  std::string deb = dir.path + "/app.deb";
  std::string command =
      "dpkg-deb --root-owner-group -Zgzip --build " + dir.path + "/src " + deb + " >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  return deb;
}

void WriteTree(const testing::TempDir& dir, bool with_md5sums) {
  for (const char* sub :
       {"/src", "/src/DEBIAN", "/src/bin", "/src/etc", "/src/usr", "/src/usr/share",
        "/src/usr/share/doc", "/src/usr/share/doc/app", "/out", "/out/usr", "/out/usr/bin"})
    std::filesystem::create_directories(dir.path + sub);
  testing::WriteFile(dir.path + "/src/DEBIAN/control",
                     "Package: app\nVersion: 1\nArchitecture: amd64\nMaintainer: x <x@x>\n"
                     "Description: test\n");
  testing::WriteFile(dir.path + "/src/DEBIAN/conffiles", "/etc/app.conf\n");
  if (with_md5sums) testing::WriteFile(dir.path + "/src/DEBIAN/md5sums", "shipped  bin/tool\n");
  testing::WriteFile(dir.path + "/src/bin/tool", "tool\n");
  testing::WriteFile(dir.path + "/src/etc/app.conf", "conf\n");
  testing::WriteFile(dir.path + "/src/usr/share/doc/app/README", "readme\n");
}

TEST_CASE("deb file: the files list as dpkg keeps it, the md5sums made when none is shipped",
          "[debian]") {
  testing::TempDir dir("debian-deb-file");
  WriteTree(dir, /*with_md5sums=*/false);
  // The merged-/usr tree a base unpacks into: ./bin/tool lands at usr/bin/tool.
  llvm::Expected<DebControl> control = UnpackDeb(BuildDeb(dir), dir.path + "/out", "package app 1");
  testing::RequireOk(control);
  CHECK(control->files == std::vector<std::string>{"/.", "/bin", "/bin/tool", "/etc",
                                                   "/etc/app.conf", "/usr", "/usr/share",
                                                   "/usr/share/doc", "/usr/share/doc/app",
                                                   "/usr/share/doc/app/README"});
  // Every regular file but the conffile, as shipped (bin/tool), in archive order.
  CHECK(control->md5sums ==
        "7cfb3b1aedd632d8ae7cc974271f3652  bin/tool\n"
        "c6566f64461986ffe46c913e76644b70  usr/share/doc/app/README\n");
  CHECK(testing::ReadFile(dir.path + "/out/usr/bin/tool") == "tool\n");
}

TEST_CASE("deb file: a shipped md5sums is kept as it is", "[debian]") {
  testing::TempDir dir("debian-deb-file");
  WriteTree(dir, /*with_md5sums=*/true);
  llvm::Expected<DebControl> control = UnpackDeb(BuildDeb(dir), dir.path + "/out", "package app 1");
  testing::RequireOk(control);
  CHECK(control->md5sums == "shipped  bin/tool\n");
}

}  // namespace
}  // namespace strata::debian
