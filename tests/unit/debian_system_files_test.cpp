// The files a Debian base gets instead of running maintainer scripts: users and groups, the
// dpkg status database, the CA bundle.
#include <sys/stat.h>

#include "runtime/debian/java_cacerts.h"
#include "runtime/debian/system_files.h"
#include "tests/unit/test_support.h"

namespace strata::debian {
namespace {

TEST_CASE("debian system files: passwd, group, dpkg status and status.d", "[debian]") {
  testing::TempDir dir("debian-system");
  testing::RequireOk(
      WriteSystemFiles(dir.path, {{"zlib1g", "Package: zlib1g\nVersion: 1:1.2.13\n"},
                                  {"bash", "Package: bash\nEssential: yes\nVersion: 5.2\n\n"}}));
  CHECK(testing::ReadFile(dir.path + "/etc/passwd") ==
        "root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/"
        "nologin\n");
  CHECK(testing::ReadFile(dir.path + "/etc/group") == "root:x:0:\nnonroot:x:65532:\n");
  CHECK(testing::ReadFile(dir.path + "/var/lib/dpkg/status") ==
        "Package: bash\nStatus: install ok installed\nEssential: yes\nVersion: 5.2\n\n"
        "Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13\n");
  CHECK(testing::ReadFile(dir.path + "/var/lib/dpkg/status.d/zlib1g") ==
        "Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13\n");
  // dpkg's info files: NAME:ARCH for a Multi-Arch: same package, in the layout "format" names.
  testing::TempDir info("debian-system-info");
  testing::RequireOk(WriteSystemFiles(
      info.path, {{"libc6",
                   "Package: libc6\nArchitecture: amd64\nMulti-Arch: same\n",
                   {"/.", "/lib", "/lib/x.so"},
                   "0123  lib/x.so\n"},
                  {"bash", "Package: bash\nArchitecture: amd64\n", {"/.", "/bin"}, ""}}));
  CHECK(testing::ReadFile(info.path + "/var/lib/dpkg/info/format") == "1\n");
  CHECK(testing::ReadFile(info.path + "/var/lib/dpkg/info/libc6:amd64.list") ==
        "/.\n/lib\n/lib/x.so\n");
  CHECK(testing::ReadFile(info.path + "/var/lib/dpkg/info/libc6:amd64.md5sums") ==
        "0123  lib/x.so\n");
  CHECK(testing::ReadFile(info.path + "/var/lib/dpkg/info/bash.list") == "/.\n/bin\n");
  CHECK(testing::ReadFile(info.path + "/var/lib/dpkg/info/bash.md5sums").empty());
  struct stat st;
  REQUIRE(::stat((dir.path + "/tmp").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 01777);
  REQUIRE(::stat((dir.path + "/home/nonroot").c_str(), &st) == 0);
  CHECK(st.st_uid == static_cast<uid_t>(kNonRootId));
}

TEST_CASE("debian system files: the CA bundle concatenates every certificate in path order",
          "[debian]") {
  testing::TempDir dir("debian-ca");
  testing::WriteFile(dir.path + "/a/usr/share/ca-certificates/mozilla/B.crt", "-----B-----\n");
  testing::WriteFile(dir.path + "/b/usr/share/ca-certificates/mozilla/A.crt", "-----A-----");
  testing::WriteFile(dir.path + "/b/usr/share/ca-certificates/mozilla/README",
                     "not a certificate\n");
  testing::WriteFile(dir.path + "/out/.keep", "");
  llvm::Expected<std::map<std::string, std::string>> listed =
      ListCaCertificates({dir.path + "/a", dir.path + "/b", dir.path + "/none"});
  testing::RequireOk(listed);
  llvm::Expected<size_t> count = WriteCaBundle(dir.path + "/out", *listed);
  testing::RequireOk(count);
  CHECK(*count == 2);
  CHECK(testing::ReadFile(dir.path + "/out/etc/ssl/certs/ca-certificates.crt") ==
        "-----A-----\n-----B-----\n");
  llvm::Expected<std::map<std::string, std::string>> nothing =
      ListCaCertificates({dir.path + "/none"});
  testing::RequireOk(nothing);
  CHECK(nothing->empty());
  llvm::Expected<size_t> none = WriteCaBundle(dir.path + "/out2", *nothing);
  testing::RequireOk(none);
  CHECK(*none == 0);
}

}  // namespace
}  // namespace strata::debian

namespace strata::debian {
namespace {

TEST_CASE("debian system files: the JKS trust store layout and its integrity digest", "[debian]") {
  std::string store = JksTrustStore({{"debian:a.pem", "DER"}}, "changeit");
  // magic, version 2, one entry: tag 2, alias, date 0, "X.509", length, bytes; then SHA-1.
  std::string expected(
      "\xFE\xED\xFE\xED\0\0\0\x02\0\0\0\x01\0\0\0\x02\0\x0c"
      "debian:a.pem"
      "\0\0\0\0\0\0\0\0\0\x05X.509\0\0\0\x03"
      "DER",
      12 + 4 + 14 + 8 + 7 + 4 + 3);
  REQUIRE(store.size() == expected.size() + 20);
  CHECK(store.substr(0, expected.size()) == expected);
  CHECK(JksTrustStore({{"debian:a.pem", "DER"}}, "changeit") == store);  // no date, no salt
  CHECK(JksTrustStore({{"debian:a.pem", "DER"}}, "other").substr(expected.size()) !=
        store.substr(expected.size()));
}

}  // namespace
}  // namespace strata::debian
