// The license a Debian package states in its machine-readable (DEP-5) copyright file, as an
// SPDX license expression.
#pragma once

#include <string>

namespace strata::sbom {

// The SPDX expression for the `License:` fields of a DEP-5 copyright file (the header's and
// every `Files:` paragraph's first line), or "" when the file is not machine-readable or
// states none. Debian short names become SPDX identifiers (`GPL-2+` → `GPL-2.0-or-later`,
// `Expat` → `MIT`); a name SPDX does not know becomes `LicenseRef-<name>`. Several paragraphs'
// licenses are joined with AND, sorted and without repeats, so the result is canonical.
std::string Dep5LicenseExpression(const std::string& copyright_text);

// One Debian license name (`GPL-2+`, `bsd-3-clause`, `public-domain`) as an SPDX id or
// `LicenseRef-...`.
std::string SpdxLicenseId(const std::string& debian_name);

}  // namespace strata::sbom
