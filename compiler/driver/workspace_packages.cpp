// Evaluating a workspace's packages through one Frontend, and matching labels and patterns.
#include "compiler/driver/workspace_packages.h"

#include <algorithm>

#include "compiler/graph/ops.h"

namespace strata::driver {

WorkspacePackages::WorkspacePackages(Frontend& frontend, std::string root)
    : frontend_(frontend), root_(std::move(root)), packages_(ListPackages(root_)) {}

bool WorkspacePackages::Exists(const std::string& package) const {
  return std::binary_search(packages_.begin(), packages_.end(), package);
}

std::string WorkspacePackages::NearPackages(const std::string& package) const {
  std::vector<std::string> near = NearNames(package, packages_);
  std::string text;
  for (const std::string& name : near) text += (text.empty() ? ", near: //" : ", //") + name;
  return text;
}

bool WorkspacePackages::LoadPackage(const std::string& package) {
  if (loaded_.count(package)) return true;
  if (failed_.count(package)) return false;
  if (cache_ && lookup_) {
    if (std::optional<CachedPackage> cached = cache_->Lookup(package)) {
      loaded_.insert(package);
      imports_[package] = std::move(cached->imports);
      for (auto& [name, key] : cached->targets) {
        WorkspaceTarget target{package, name, nullptr, std::move(key)};
        targets_.emplace(target.Label(), std::move(target));
      }
      return true;
    }
  }
  std::vector<Frontend::NamedNode> named;
  std::string file = PackageFile(root_, package);
  if (!frontend_.EvaluatePackage(file, named)) {
    failed_.insert(package);
    return false;
  }
  loaded_.insert(package);
  imports_[package] = frontend_.ImportedPackages(file);
  for (std::string& label : imports_[package]) label.erase(0, 2);  // "//dir" → "dir"
  std::vector<std::pair<std::string, const graph::Node*>> stages;
  for (const Frontend::NamedNode& named_node : named)
    if (graph::IsStage(named_node.node)) {
      WorkspaceTarget target{package, named_node.name, named_node.node,
                             named_node.node->key().Hex()};
      targets_.emplace(target.Label(), target);
      stages.emplace_back(named_node.name, named_node.node);
    }
  if (cache_)
    cache_->Store(package, frontend_.ModuleFiles(file), stages, imports_[package],
                  frontend_.graph(),
                  [this](const graph::Node* node) { return frontend_.DockerfileFiles(node); });
  return true;
}

bool WorkspacePackages::Load(const LabelPattern& pattern) {
  if (!pattern.recursive) {
    if (!Exists(pattern.package)) {
      frontend_.Error({}, "no package //" + pattern.package + " in the workspace " + root_ +
                              " (no " + PackageFile(root_, pattern.package) + ")" +
                              NearPackages(pattern.package));
      return false;
    }
    return LoadPackage(pattern.package);
  }
  bool ok = true, any = false;
  for (const std::string& package : packages_)
    if (PackageUnder(package, pattern.package)) {
      any = true;
      ok = LoadPackage(package) && ok;
    }
  if (!any) {
    frontend_.Error({}, "no package under //" + pattern.package +
                            (pattern.package.empty() ? "" : "/") + "... in the workspace " + root_ +
                            NearPackages(pattern.package));
    return false;
  }
  return ok;
}

std::optional<std::vector<const WorkspaceTarget*>> WorkspacePackages::Match(
    const LabelPattern& pattern, std::string& error) const {
  std::vector<const WorkspaceTarget*> out;
  for (const auto& [label, target] : targets_) {
    if (pattern.recursive) {
      if (PackageUnder(target.package, pattern.package)) out.push_back(&target);
    } else if (target.package == pattern.package &&
               (target.name == pattern.target || target.name.rfind(pattern.target + ".", 0) == 0)) {
      out.push_back(&target);
    }
  }
  if (!out.empty() || pattern.recursive) return out;
  std::vector<std::string> names;
  for (const auto& [label, target] : targets_)
    if (target.package == pattern.package) names.push_back(target.name);
  std::string text = "no target " + LabelText(pattern.package, pattern.target);
  if (names.empty()) {
    text += ": //" + pattern.package + " holds no stage (a library)";
  } else {
    std::vector<std::string> near = NearNames(pattern.target, names);
    if (near.empty()) near.assign(names.begin(), names.begin() + std::min<size_t>(names.size(), 5));
    text += "; near: ";
    for (size_t i = 0; i < near.size(); ++i)
      text += (i ? ", " : "") + LabelText(pattern.package, near[i]);
  }
  error += text;
  return std::nullopt;
}

bool WorkspacePackages::IsLibrary(const std::string& package) const {
  if (!loaded_.count(package)) return false;
  auto it = targets_.lower_bound(LabelText(package, ""));
  return it == targets_.end() || it->second.package != package;
}

const std::vector<std::string>& WorkspacePackages::Imports(const std::string& package) const {
  static const std::vector<std::string> kNone;
  auto it = imports_.find(package);
  return it == imports_.end() ? kNone : it->second;
}

}  // namespace strata::driver
