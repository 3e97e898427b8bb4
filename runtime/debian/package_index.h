// A Packages index for one architecture: its packages by name and by what they provide.
#pragma once

#include <llvm/ADT/StringMap.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/debian/relation.h"

namespace strata::debian {

// One binary package. Its string fields point into the index's text; relation fields are
// kept as written and parsed only for the packages a resolution visits (an index holds
// ~63,000 packages and a closure a few hundred).
struct Package {
  llvm::StringRef name;
  llvm::StringRef version;
  llvm::StringRef architecture;
  llvm::StringRef filename;  // pool path relative to the mirror root
  llvm::StringRef sha256;
  llvm::StringRef source;  // "" when the source package has the binary's name
  llvm::StringRef priority;
  llvm::StringRef multi_arch;
  llvm::StringRef depends;
  llvm::StringRef pre_depends;
  llvm::StringRef conflicts;
  llvm::StringRef breaks;
  llvm::StringRef provides;
  uint64_t size = 0;
  bool essential = false;

  // Essential: yes or Priority: required: the packages a Debian system always has, which a
  // distroless base leaves out unless asked for.
  bool IsBaseSystem() const { return essential || priority == "required"; }
};

// A package that provides a name, with the version it provides ("" when unversioned).
struct Provider {
  const Package* package;
  std::string version;
};

class PackageIndex {
 public:
  // Parses a Packages file. Stanzas of other architectures than `arch` and "all" are skipped;
  // a stanza without Package, Version or Architecture is an error. `what` names the file.
  static llvm::Expected<std::unique_ptr<PackageIndex>> Parse(std::string text, llvm::StringRef arch,
                                                             llvm::StringRef what);

  const std::string& Arch() const { return arch_; }
  size_t Size() const { return packages_.size(); }
  // The packages of that name, highest version first.
  const std::vector<const Package*>& Named(llvm::StringRef name) const;
  // The packages providing that name (not counting packages of that name).
  const std::vector<Provider>& ProvidersOf(llvm::StringRef name) const;

 private:
  PackageIndex() = default;
  std::string text_;
  std::string arch_;
  std::vector<Package> packages_;
  llvm::StringMap<std::vector<const Package*>> by_name_;
  llvm::StringMap<std::vector<Provider>> providers_;
};

}  // namespace strata::debian
