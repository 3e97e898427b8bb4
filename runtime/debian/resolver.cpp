// A greedy, deterministic resolver (like apt's first choice, without backtracking): the same
// index and request always give the same closure.
#include "runtime/debian/resolver.h"

#include <llvm/ADT/StringMap.h>

#include <algorithm>
#include <map>

#include "runtime/debian/version.h"

namespace strata::debian {
namespace {

int PriorityRank(llvm::StringRef priority) {
  if (priority == "required") return 0;
  if (priority == "important") return 1;
  if (priority == "standard") return 2;
  if (priority == "optional") return 3;
  if (priority == "extra") return 4;
  return 5;
}

class Resolver {
 public:
  Resolver(const PackageIndex& index, llvm::StringRef where) : index_(index), where_(where.str()) {}

  llvm::Expected<Resolution> Run(const std::vector<std::string>& requested,
                                 const std::vector<std::string>& exclude);

 private:
  // Whether a package of the index's architecture (or "all") may satisfy this qualifier.
  bool QualifierAccepts(const Relation& relation, const Package& package) const {
    if (relation.arch_qualifier.empty() || relation.arch_qualifier == "any" ||
        relation.arch_qualifier == "native")
      return true;
    return relation.arch_qualifier == package.architecture ||
           (relation.arch_qualifier == index_.Arch() && package.architecture == "all");
  }
  // True when a chosen package satisfies the relation.
  bool SatisfiedByChosen(const Relation& relation) const;
  // The package that would satisfy the relation, or null.
  const Package* Candidate(const Relation& relation) const;
  // A base-system package of the index that satisfies the relation, by its name or a Provides,
  // or null. Every Debian system has them installed, so apt needs nothing more for it.
  const Package* BaseSystemSatisfier(const Relation& relation) const;
  llvm::Error Unsatisfiable(const Package* from, const RelationGroup& group) const;
  std::string Chain(const Package* package) const;
  llvm::Error CheckConflicts() const;
  // A chosen package whose dependency groups (Pre-Depends, then Depends) are being resolved.
  struct Frame {
    const Package* package;
    std::vector<RelationGroup> groups;
    size_t next = 0;
  };
  llvm::Error Open(const Package* package, std::vector<Frame>& stack) const {
    Frame frame{package, {}, 0};
    for (llvm::StringRef field : {package->pre_depends, package->depends}) {
      llvm::Expected<std::vector<RelationGroup>> groups = ParseRelations(field);
      if (!groups)
        return llvm::createStringError(std::errc::invalid_argument, "%s%s", Chain(package).c_str(),
                                       llvm::toString(groups.takeError()).c_str());
      frame.groups.insert(frame.groups.end(), groups->begin(), groups->end());
    }
    stack.push_back(std::move(frame));
    return llvm::Error::success();
  }
  void Choose(const Package* package, const Package* parent) {
    chosen_[package->name] = package;
    parent_[package] = parent;
    if (!parent) roots_.push_back(package);
  }

  const PackageIndex& index_;
  std::string where_;
  llvm::StringMap<const Package*> chosen_;
  std::map<const Package*, const Package*> parent_;
  std::vector<const Package*> roots_;  // the requested packages, in request order
  llvm::StringMap<bool> requested_;
  llvm::StringMap<bool> excluded_;  // name → whether some dependency group was left out for it
  std::vector<std::string> skipped_;
};

bool Resolver::SatisfiedByChosen(const Relation& relation) const {
  auto it = chosen_.find(relation.name);
  if (it != chosen_.end() && QualifierAccepts(relation, *it->second) &&
      VersionSatisfies(it->second->version, relation.op, relation.version))
    return true;
  for (const Provider& provider : index_.ProvidersOf(relation.name)) {
    auto chosen = chosen_.find(provider.package->name);
    if (chosen == chosen_.end() || chosen->second != provider.package) continue;
    if (relation.op == VersionOp::kAny) return true;
    if (!provider.version.empty() &&
        VersionSatisfies(provider.version, relation.op, relation.version))
      return true;
  }
  return false;
}

const Package* Resolver::Candidate(const Relation& relation) const {
  for (const Package* package : index_.Named(relation.name))
    if (QualifierAccepts(relation, *package) &&
        VersionSatisfies(package->version, relation.op, relation.version))
      return package;
  const Package* best = nullptr;
  for (const Provider& provider : index_.ProvidersOf(relation.name)) {
    if (!QualifierAccepts(relation, *provider.package)) continue;
    if (relation.op != VersionOp::kAny &&
        (provider.version.empty() ||
         !VersionSatisfies(provider.version, relation.op, relation.version)))
      continue;
    // A provider already chosen under its own name with another version cannot be taken.
    auto chosen = chosen_.find(provider.package->name);
    if (chosen != chosen_.end() && chosen->second != provider.package) continue;
    auto rank = [](const Package* p) { return std::make_pair(PriorityRank(p->priority), p->name); };
    if (!best || rank(provider.package) < rank(best)) best = provider.package;
  }
  return best;
}

const Package* Resolver::BaseSystemSatisfier(const Relation& relation) const {
  for (const Package* package : index_.Named(relation.name))
    if (package->IsBaseSystem() && QualifierAccepts(relation, *package) &&
        VersionSatisfies(package->version, relation.op, relation.version))
      return package;
  for (const Provider& provider : index_.ProvidersOf(relation.name)) {
    if (!provider.package->IsBaseSystem() || !QualifierAccepts(relation, *provider.package))
      continue;
    if (relation.op == VersionOp::kAny ||
        (!provider.version.empty() &&
         VersionSatisfies(provider.version, relation.op, relation.version)))
      return provider.package;
  }
  return nullptr;
}

std::string Resolver::Chain(const Package* package) const {
  std::vector<llvm::StringRef> names;
  for (const Package* p = package; p; p = parent_.at(p)) names.push_back(p->name);
  std::string text;
  for (auto it = names.rbegin(); it != names.rend(); ++it) text += it->str() + " \xE2\x86\x92 ";
  return text;
}

llvm::Error Resolver::Unsatisfiable(const Package* from, const RelationGroup& group) const {
  // Name the first alternative: it is what the package asked for most.
  const Relation& relation = group.front();
  std::string why;
  const std::vector<const Package*>& named = index_.Named(relation.name);
  if (!named.empty() && relation.op != VersionOp::kAny) {
    why = "no version of \"" + relation.name + "\" satisfies (" + OpSpelling(relation.op).str() +
          " " + relation.version + ") in " + where_ + " (it has " + named.front()->version.str() +
          ")";
  } else if (!named.empty() && !relation.arch_qualifier.empty()) {
    why = "no package \"" + relation.name + ":" + relation.arch_qualifier + "\" in " + where_;
  } else {
    auto chosen = chosen_.find(relation.name);
    if (chosen != chosen_.end())
      why = "\"" + relation.name + "\" " + chosen->second->version.str() + " was chosen, but (" +
            OpSpelling(relation.op).str() + " " + relation.version + ") is needed";
    else
      why = "no package \"" + relation.name + "\" in " + where_;
  }
  std::string alternatives;
  if (group.size() > 1) {
    alternatives = " (nor any of its alternatives:";
    for (size_t i = 1; i < group.size(); ++i) alternatives += " " + group[i].ToString();
    alternatives += ")";
  }
  return llvm::createStringError(std::errc::invalid_argument, "%s%s: %s%s", Chain(from).c_str(),
                                 relation.ToString().c_str(), why.c_str(), alternatives.c_str());
}

llvm::Error Resolver::CheckConflicts() const {
  std::vector<const Package*> packages;
  for (const auto& entry : chosen_) packages.push_back(entry.second);
  std::sort(packages.begin(), packages.end(),
            [](const Package* a, const Package* b) { return a->name < b->name; });
  for (const Package* package : packages) {
    for (auto [field, verb] : {std::make_pair(package->conflicts, "conflicts with"),
                               std::make_pair(package->breaks, "breaks")}) {
      llvm::Expected<std::vector<RelationGroup>> groups = ParseRelations(field);
      if (!groups) return groups.takeError();
      for (const RelationGroup& group : *groups) {
        for (const Relation& relation : group) {
          auto it = chosen_.find(relation.name);
          if (it != chosen_.end() && it->second != package &&
              QualifierAccepts(relation, *it->second) &&
              VersionSatisfies(it->second->version, relation.op, relation.version))
            return llvm::createStringError(
                std::errc::invalid_argument, "%s %s %s (%s %s): both are in the closure",
                package->name.str().c_str(), verb, relation.ToString().c_str(),
                it->second->name.str().c_str(), it->second->version.str().c_str());
          for (const Provider& provider : index_.ProvidersOf(relation.name)) {
            if (provider.package == package)
              continue;  // "Provides: x, Conflicts: x" is the usual idiom
            auto chosen = chosen_.find(provider.package->name);
            if (chosen == chosen_.end() || chosen->second != provider.package) continue;
            if (relation.op != VersionOp::kAny &&
                (provider.version.empty() ||
                 !VersionSatisfies(provider.version, relation.op, relation.version)))
              continue;
            return llvm::createStringError(
                std::errc::invalid_argument, "%s %s %s, which %s (in the closure) provides",
                package->name.str().c_str(), verb, relation.ToString().c_str(),
                provider.package->name.str().c_str());
          }
        }
      }
    }
  }
  return llvm::Error::success();
}

llvm::Expected<Resolution> Resolver::Run(const std::vector<std::string>& requested,
                                         const std::vector<std::string>& exclude) {
  for (const std::string& name : exclude) excluded_[name] = false;
  for (const std::string& request : requested) {
    auto [name, version] = llvm::StringRef(request).split('=');
    Relation relation;
    relation.name = name.trim().str();
    if (!version.empty()) {
      relation.op = VersionOp::kEqual;
      relation.version = version.trim().str();
    }
    requested_[relation.name] = true;
    if (excluded_.count(relation.name))
      return llvm::createStringError(std::errc::invalid_argument,
                                     "%s is both requested and excluded", relation.name.c_str());
    if (SatisfiedByChosen(relation)) continue;
    const Package* package = Candidate(relation);
    if (!package) return Unsatisfiable(nullptr, RelationGroup{relation});
    if (chosen_.count(package->name))
      return llvm::createStringError(std::errc::invalid_argument,
                                     "%s was requested twice with different versions",
                                     package->name.str().c_str());
    Choose(package, nullptr);
  }
  // Depth first, as apt's MarkInstall: a package's dependencies are all chosen before the
  // next group of the package that needed it is looked at, so that group may find itself
  // satisfied by them (vim-athena's vim-motif provides the vim that vim-voom's next group
  // names). Each chosen package is opened once; an explicit stack, as chains can be long.
  std::vector<Frame> stack;
  for (const Package* root : roots_) {
    if (llvm::Error err = Open(root, stack)) return err;
    while (!stack.empty()) {
      if (stack.back().next == stack.back().groups.size()) {
        stack.pop_back();
        continue;
      }
      const Package* package = stack.back().package;
      const RelationGroup group = stack.back().groups[stack.back().next++];
      if (std::any_of(group.begin(), group.end(),
                      [&](const Relation& r) { return SatisfiedByChosen(r); }))
        continue;
      // A group naming an excluded package is left unsatisfied, whatever its alternatives:
      // the user said the closure does without it (and without what only it depends on).
      auto excluded = std::find_if(group.begin(), group.end(),
                                   [&](const Relation& r) { return excluded_.count(r.name); });
      if (excluded != group.end()) {
        excluded_[excluded->name] = true;
        continue;
      }
      // A group a base-system package satisfies, as any alternative or through Provides
      // (perl-base provides libscalar-list-utils-perl), is satisfied, as for apt on any
      // Debian system; the package itself is left out unless requested.
      const Package* base = nullptr;
      for (const Relation& relation : group)
        if ((base = BaseSystemSatisfier(relation))) break;
      if (base && !requested_.count(base->name)) {
        skipped_.push_back(base->name.str());
        continue;
      }
      const Package* candidate = nullptr;
      for (const Relation& relation : group)
        if ((candidate = Candidate(relation))) break;
      if (!candidate) return Unsatisfiable(package, group);
      if (auto it = excluded_.find(candidate->name); it != excluded_.end()) {  // a provider
        it->second = true;
        continue;
      }
      if (chosen_.count(candidate->name)) return Unsatisfiable(package, group);
      if (candidate->IsBaseSystem() && !requested_.count(candidate->name)) {
        skipped_.push_back(candidate->name.str());
        continue;
      }
      Choose(candidate, package);
      if (llvm::Error err = Open(candidate, stack)) return err;
    }
  }
  // An exclusion nothing needed is a typo or a stale name: say so rather than ignore it.
  for (const std::string& name : exclude)
    if (!excluded_.lookup(name))
      return llvm::createStringError(std::errc::invalid_argument,
                                     "exclude: no package in the closure depends on \"%s\" (in %s)",
                                     name.c_str(), where_.c_str());
  if (llvm::Error err = CheckConflicts()) return err;
  Resolution resolution;
  for (const auto& entry : chosen_) resolution.packages.push_back(entry.second);
  std::sort(resolution.packages.begin(), resolution.packages.end(),
            [](const Package* a, const Package* b) { return a->name < b->name; });
  std::sort(skipped_.begin(), skipped_.end());
  skipped_.erase(std::unique(skipped_.begin(), skipped_.end()), skipped_.end());
  resolution.skipped = std::move(skipped_);
  return resolution;
}

}  // namespace

llvm::Expected<Resolution> Resolve(const PackageIndex& index,
                                   const std::vector<std::string>& requested, llvm::StringRef where,
                                   const std::vector<std::string>& exclude) {
  return Resolver(index, where).Run(requested, exclude);
}

}  // namespace strata::debian
