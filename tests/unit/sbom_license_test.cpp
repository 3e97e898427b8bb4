// DEP-5 copyright files to SPDX license expressions, and finding a package's file in a base.
#include "runtime/sbom/dep5_license.h"
#include "runtime/sbom/package_license.h"
#include "tests/unit/test_support.h"

namespace strata::sbom {
namespace {

TEST_CASE("sbom: Debian license names become SPDX ids", "[sbom]") {
  CHECK(SpdxLicenseId("GPL-2+") == "GPL-2.0-or-later");
  CHECK(SpdxLicenseId("GPL-3") == "GPL-3.0-only");
  CHECK(SpdxLicenseId("LGPL-2.1+") == "LGPL-2.1-or-later");
  CHECK(SpdxLicenseId("gfdl-1.3+") == "GFDL-1.3-or-later");
  CHECK(SpdxLicenseId("GFDL-NIV-1.3") == "GFDL-1.3-no-invariants-only");
  CHECK(SpdxLicenseId("BSD-4-clause-UC") == "BSD-4-Clause-UC");
  CHECK(SpdxLicenseId("Expat") == "MIT");
  CHECK(SpdxLicenseId("bsd-3-clause") == "BSD-3-Clause");
  CHECK(SpdxLicenseId("Artistic") == "Artistic-1.0-Perl");
  CHECK(SpdxLicenseId("Zlib") == "Zlib");
  CHECK(SpdxLicenseId("public-domain") == "LicenseRef-public-domain");
  CHECK(SpdxLicenseId("Odd Name/1") == "LicenseRef-Odd-Name-1");
}

TEST_CASE("sbom: a DEP-5 file's License fields, joined, sorted and without repeats", "[sbom]") {
  const std::string copyright =
      "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
      "Upstream-Name: demo\n"
      "\n"
      "Files: *\n"
      "Copyright: 2020 Someone\n"
      "License: GPL-3+\n"
      "\n"
      "Files: lib/*\n"
      "Copyright: 2020 Someone\n"
      "License: GPL-2+ or Artistic\n"
      "\n"
      "Files: debian/*\n"
      "License: GPL-3+\n"
      "\n"
      "Files: compat/*\n"
      "License: GPL-3+ with GCC-3.1 exception\n"
      "\n"
      "Files: crypto/*\n"
      "License: GPL-2+ with OpenSSL exception\n"
      "\n"
      "License: GPL-3+\n"
      " This stand-alone paragraph holds a text, not a license of files.\n"
      "\n"
      "License: Expat\n"
      " Permission is hereby granted ...\n";
  CHECK(Dep5LicenseExpression(copyright) ==
        "(GPL-2.0-or-later OR Artistic-1.0-Perl) AND GPL-3.0-or-later AND GPL-3.0-or-later WITH "
        "GCC-exception-3.1 AND LicenseRef-GPL-2plus-with-OpenSSL-exception");
}

TEST_CASE("sbom: a copyright file that is not DEP-5 states no license", "[sbom]") {
  CHECK(Dep5LicenseExpression("This is the Debian prepackaged version of demo.\n\nLicense: GPL\n")
            .empty());
  CHECK(Dep5LicenseExpression("").empty());
  CHECK(Dep5LicenseExpression(
            "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
            "Files: *\nCopyright: none\n")
            .empty());
}

TEST_CASE("sbom: a package's copyright is found through a doc symlink in another layer", "[sbom]") {
  testing::TempDir dir("sbom-license");
  testing::WriteFile(
      dir.path + "/a/usr/share/doc/libfoo1/copyright",
      "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
      "Files: *\nLicense: BSD-3-clause\n");
  std::filesystem::create_directories(dir.path + "/b/usr/share/doc");
  std::filesystem::create_symlink("libfoo1", dir.path + "/b/usr/share/doc/libfoo-bin");
  // A symlink that leaves usr/share/doc is not followed.
  std::filesystem::create_symlink("/etc", dir.path + "/b/usr/share/doc/escape");
  std::vector<std::string> trees = {dir.path + "/a", dir.path + "/b"};
  CHECK(PackageLicense(trees, "libfoo1") == "BSD-3-Clause");
  CHECK(PackageLicense(trees, "libfoo-bin") == "BSD-3-Clause");
  CHECK(PackageLicense(trees, "escape").empty());
  CHECK(PackageLicense(trees, "missing").empty());
}

}  // namespace
}  // namespace strata::sbom
