// DEP-5 copyright files (https://dep-team.pages.debian.net/deps/dep5/) to SPDX expressions.
#include "runtime/sbom/dep5_license.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>
#include <sstream>
#include <vector>

namespace strata::sbom {
namespace {

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

// SPDX identifiers Debian packages use under the same name (matched without case).
const char* const kSpdxIds[] = {"0BSD",
                                "AFL-2.1",
                                "Apache-1.1",
                                "Apache-2.0",
                                "Artistic-1.0",
                                "Artistic-1.0-Perl",
                                "Artistic-2.0",
                                "Beerware",
                                "BSD-1-Clause",
                                "BSD-2-Clause",
                                "BSD-3-Clause",
                                "BSD-4-Clause",
                                "BSL-1.0",
                                "bzip2-1.0.6",
                                "CC-BY-3.0",
                                "CC-BY-4.0",
                                "CC-BY-SA-3.0",
                                "CC-BY-SA-4.0",
                                "CC0-1.0",
                                "CDDL-1.0",
                                "curl",
                                "EPL-1.0",
                                "EPL-2.0",
                                "FSFAP",
                                "FSFUL",
                                "FSFULLR",
                                "FTL",
                                "HPND",
                                "ICU",
                                "IJG",
                                "ISC",
                                "Libpng",
                                "libpng-2.0",
                                "MIT",
                                "MIT-0",
                                "MPL-1.1",
                                "MPL-2.0",
                                "NTP",
                                "OFL-1.1",
                                "OpenSSL",
                                "PostgreSQL",
                                "PSF-2.0",
                                "Python-2.0",
                                "Ruby",
                                "Sleepycat",
                                "TCL",
                                "Unicode-3.0",
                                "Unicode-DFS-2016",
                                "Unlicense",
                                "W3C",
                                "WTFPL",
                                "X11",
                                "Zlib",
                                "ZPL-2.1",
                                "GPL-2.0-only",
                                "LGPL-2.1-only",
                                "Vim",
                                "SGI-B-2.0",
                                "BSD-4-Clause-UC",
                                "Latex2e",
                                "MIT-CMU",
                                "Info-ZIP",
                                "Spencer-94",
                                "BSD-2-Clause-Patent",
                                "GPL-2.0-with-classpath-exception",
                                "LPPL-1.3c",
                                "Intel",
                                "Zed"};

// Debian's own names for licenses that SPDX names differently.
std::string DebianAlias(const std::string& lower) {
  if (lower == "expat") return "MIT";
  if (lower == "artistic") return "Artistic-1.0-Perl";
  if (lower == "psf-2") return "PSF-2.0";
  if (lower == "python") return "Python-2.0";
  if (lower == "zlib") return "Zlib";
  if (lower == "gpl") return "GPL-1.0-or-later";
  if (lower == "lgpl") return "LGPL-2.0-or-later";
  return "";
}

// The exceptions SPDX lists that Debian writes as "with NAME exception".
std::string SpdxException(const std::string& lower) {
  if (lower == "gcc-3.1" || lower == "gcc") return "GCC-exception-3.1";
  if (lower == "gcc-2.0") return "GCC-exception-2.0";
  if (lower == "autoconf" || lower == "autoconf-2.0") return "Autoconf-exception-2.0";
  if (lower == "autoconf-3.0") return "Autoconf-exception-3.0";
  if (lower == "classpath") return "Classpath-exception-2.0";
  if (lower == "bison" || lower == "bison-2.2") return "Bison-exception-2.2";
  if (lower == "font") return "Font-exception-2.0";
  if (lower == "libtool") return "Libtool-exception";
  return "";
}

// LicenseRef-NAME with only the characters SPDX allows: `+` is spelt "plus", any other
// character is a `-`, and runs of `-` are one.
std::string LicenseRef(const std::string& name) {
  std::string ref = "LicenseRef-";
  for (char c : name) {
    if (c == '+')
      ref += "plus";
    else if (std::isalnum(static_cast<unsigned char>(c)) || c == '.')
      ref += c;
    else if (ref.back() != '-')
      ref += '-';
  }
  if (ref.back() == '-') ref.pop_back();
  return ref;
}

// Splits a License: first line into words, with commas dropped.
std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string word; in >> word;) {
    while (!word.empty() && word.back() == ',') word.pop_back();
    if (!word.empty()) words.push_back(word);
  }
  return words;
}

// "GPL-2+ or Artistic", "GPL-2+ with OpenSSL exception", "BSD-3-clause and Expat" → SPDX.
std::string Expression(const std::string& line) {
  std::vector<std::string> words = Words(line);
  std::string result;
  bool has_or = false;
  for (size_t i = 0; i < words.size();) {
    std::string lower = Lower(words[i]);
    if (lower == "or" || lower == "and") {
      if (!result.empty()) result += lower == "or" ? " OR " : " AND ";
      has_or = has_or || lower == "or";
      ++i;
      continue;
    }
    std::string term = SpdxLicenseId(words[i]);
    ++i;
    // "with NAME exception": an SPDX exception when SPDX lists it, else one LicenseRef.
    if (i < words.size() && Lower(words[i]) == "with") {
      size_t end = i + 1;
      while (end < words.size() && Lower(words[end]) != "exception") ++end;
      std::string name;
      for (size_t k = i + 1; k < end; ++k) name += (name.empty() ? "" : "-") + words[k];
      std::string exception = SpdxException(Lower(name));
      if (!exception.empty() && term.rfind("LicenseRef-", 0) != 0) {
        term += " WITH " + exception;
      } else {
        std::string whole = words[i - 1];
        for (size_t k = i; k < std::min(end + 1, words.size()); ++k) whole += " " + words[k];
        term = LicenseRef(whole);
      }
      i = std::min(end + 1, words.size());
    }
    if (!result.empty() && result.back() != ' ') result += " AND ";  // two names with no operator
    result += term;
  }
  if (has_or && result.find(" AND ") != std::string::npos) result = "(" + result + ")";
  return result;
}

}  // namespace

std::string SpdxLicenseId(const std::string& debian_name) {
  std::string lower = Lower(debian_name);
  if (std::string alias = DebianAlias(lower); !alias.empty()) return alias;
  for (const char* id : kSpdxIds)
    if (Lower(id) == lower) return id;
  // GPL-2, GPL-2+, LGPL-2.1+, AGPL-3, GFDL-1.3+: version with ".0" when it has no dot, then
  // -only or -or-later.
  // GFDL-NIV-1.3+ (no invariant sections) is GFDL-1.3-no-invariants-or-later.
  static const std::regex kVersioned(R"(^(a?gpl|lgpl|gfdl|gfdl-niv)-([0-9](\.[0-9])?)(\+)?$)",
                                     std::regex::icase);
  std::smatch match;
  if (std::regex_match(lower, match, kVersioned)) {
    std::string family = match[1].str();
    std::string name = family == "agpl"   ? "AGPL"
                       : family == "lgpl" ? "LGPL"
                       : family == "gpl"  ? "GPL"
                                          : "GFDL";
    std::string version = match[2].str();
    if (version.find('.') == std::string::npos) version += ".0";
    std::string variant = family == "gfdl-niv" ? "-no-invariants" : "";
    return name + "-" + version + variant + (match[4].matched ? "-or-later" : "-only");
  }
  return LicenseRef(debian_name);
}

std::string Dep5LicenseExpression(const std::string& copyright_text) {
  // Paragraphs of "Field: value" lines; continuation lines start with a space or a tab.
  std::vector<std::vector<std::pair<std::string, std::string>>> paragraphs(1);
  std::istringstream in(copyright_text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (Trim(line).empty()) {
      if (!paragraphs.back().empty()) paragraphs.emplace_back();
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t' || line[0] == '#') continue;  // continuation, comment
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    paragraphs.back().emplace_back(Lower(Trim(line.substr(0, colon))),
                                   Trim(line.substr(colon + 1)));
  }
  auto field = [](const auto& paragraph, const char* name) -> const std::string* {
    for (const auto& [key, value] : paragraph)
      if (key == name) return &value;
    return nullptr;
  };
  if (paragraphs.front().empty()) return "";
  const std::string* format = field(paragraphs.front(), "format");
  if (!format || (format->find("copyright-format") == std::string::npos &&
                  format->find("dep5") == std::string::npos))
    return "";
  std::set<std::string> terms;
  for (size_t i = 0; i < paragraphs.size(); ++i) {
    if (i != 0 && !field(paragraphs[i], "files")) continue;  // stand-alone license texts
    const std::string* license = field(paragraphs[i], "license");
    if (!license || license->empty()) continue;
    std::string expression = Expression(*license);
    if (!expression.empty()) terms.insert(expression);
  }
  std::string result;
  for (const std::string& term : terms) {
    bool compound = term.find(" OR ") != std::string::npos && term.front() != '(';
    result +=
        (result.empty() ? "" : " AND ") + (compound && terms.size() > 1 ? "(" + term + ")" : term);
  }
  return result;
}

}  // namespace strata::sbom
