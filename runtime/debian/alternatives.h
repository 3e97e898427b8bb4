// update-alternatives links as the maintainer scripts would make them, without running any:
// the `update-alternatives --install` commands are read out of each package's postinst.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <functional>
#include <string>
#include <vector>

namespace strata::debian {

struct AlternativeLink {
  std::string link;  // "/usr/bin/java"
  std::string name;  // "java"
  std::string path;  // "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"
};

struct Alternative {
  AlternativeLink master;
  long priority = 0;
  std::vector<AlternativeLink> slaves;
};

struct ParsedAlternatives {
  std::vector<Alternative> alternatives;
  int skipped = 0;  // --install commands whose words depend on running the script
};

// The `update-alternatives --install LINK NAME PATH PRIORITY [--slave LINK NAME PATH]...`
// commands of a postinst. The script is read, not run: backslash-newlines are joined, plain
// assignments (`x=word`, `x='...'`, `x="...$y..."`; `unset x` makes x empty) are tracked in order,
// and the body of `for V in WORDS; do ... done` is repeated for each word; conditions are not
// evaluated (a path that does not exist is dropped later, as update-alternatives drops it).
// A command with a word that needs a command substitution or an unknown variable is skipped
// and counted.
ParsedAlternatives ParseAlternatives(llvm::StringRef postinst);

// What update-alternatives in auto mode ends with after every package's postinst ran: for
// each alternative NAME, among the candidates whose PATH `exists`, the highest priority (ties:
// the smallest path) wins; DIR gets LINK → /etc/alternatives/NAME → PATH, and the same for
// each of the winner's slaves whose path exists. A LINK where `is_file` says a package put a
// real file is left alone (update-alternatives does not replace one). Links under /bin, /lib,
// ... are written at their merged-/usr place. The update-alternatives database
// (/var/lib/dpkg/alternatives/NAME, runtime/debian/alternatives_db.h) is written too.
// Returns the chosen "NAME → PATH" lines, sorted.
llvm::Expected<std::vector<std::string>> WriteAlternatives(
    const std::string& dir, const std::vector<Alternative>& candidates,
    const std::function<bool(const std::string&)>& exists,
    const std::function<bool(const std::string&)>& is_file);

}  // namespace strata::debian
