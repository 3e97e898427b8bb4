// Builds the name and Provides maps of a Packages index in one pass over its stanzas.
#include "runtime/debian/package_index.h"

#include <algorithm>

#include "runtime/debian/control_file.h"
#include "runtime/debian/version.h"

namespace strata::debian {

llvm::Expected<std::unique_ptr<PackageIndex>> PackageIndex::Parse(std::string text,
                                                                  llvm::StringRef arch,
                                                                  llvm::StringRef what) {
  std::unique_ptr<PackageIndex> index(new PackageIndex());
  index->text_ = std::move(text);
  index->arch_ = arch.str();
  // One stanza per ~700 bytes in Debian's indexes: reserve once rather than regrow.
  index->packages_.reserve(index->text_.size() / 512 + 16);
  llvm::Error parsed = ForEachStanza(index->text_, what, [&](const Stanza& stanza) -> llvm::Error {
    Package package;
    for (const auto& [name, value] : stanza.fields) {
      // The common fields first, by exact spelling (indexes write them so); Get() would scan.
      if (name == "Package")
        package.name = value;
      else if (name == "Version")
        package.version = value;
      else if (name == "Architecture")
        package.architecture = value;
      else if (name == "Filename")
        package.filename = value;
      else if (name == "SHA256")
        package.sha256 = value;
      else if (name == "Source")
        package.source = value;
      else if (name == "Priority")
        package.priority = value;
      else if (name == "Multi-Arch")
        package.multi_arch = value;
      else if (name == "Depends")
        package.depends = value;
      else if (name == "Pre-Depends")
        package.pre_depends = value;
      else if (name == "Conflicts")
        package.conflicts = value;
      else if (name == "Breaks")
        package.breaks = value;
      else if (name == "Provides")
        package.provides = value;
      else if (name == "Essential")
        package.essential = value == "yes";
      else if (name == "Size")
        value.getAsInteger(10, package.size);
    }
    if (package.name.empty() || package.version.empty() || package.architecture.empty())
      return llvm::createStringError(
          std::errc::invalid_argument,
          "%s:%zu: a package stanza needs Package, Version and Architecture", what.str().c_str(),
          stanza.line);
    if (package.architecture != arch && package.architecture != "all")
      return llvm::Error::success();
    index->packages_.push_back(package);
    return llvm::Error::success();
  });
  if (parsed) return parsed;
  for (const Package& package : index->packages_) {
    index->by_name_[package.name].push_back(&package);
    if (package.provides.empty()) continue;
    llvm::Expected<std::vector<RelationGroup>> provides = ParseRelations(package.provides);
    if (!provides)
      return llvm::createStringError(std::errc::invalid_argument, "%s: package %s: %s",
                                     what.str().c_str(), package.name.str().c_str(),
                                     llvm::toString(provides.takeError()).c_str());
    for (const RelationGroup& group : *provides)
      for (const Relation& relation : group)
        if (relation.name != package.name)
          index->providers_[relation.name].push_back(
              {&package, relation.op == VersionOp::kEqual ? relation.version : std::string()});
  }
  for (auto& entry : index->by_name_)
    std::stable_sort(entry.second.begin(), entry.second.end(),
                     [](const Package* a, const Package* b) {
                       return CompareVersions(a->version, b->version) > 0;
                     });
  return index;
}

const std::vector<const Package*>& PackageIndex::Named(llvm::StringRef name) const {
  static const std::vector<const Package*> kNone;
  auto it = by_name_.find(name);
  return it == by_name_.end() ? kNone : it->second;
}

const std::vector<Provider>& PackageIndex::ProvidersOf(llvm::StringRef name) const {
  static const std::vector<Provider> kNone;
  auto it = providers_.find(name);
  return it == providers_.end() ? kNone : it->second;
}

}  // namespace strata::debian
